"""``usb://`` printers have a backend on a fresh machine (issue 17, item 5).

pyusb talks to USB through libusb-1.0 (Debian's libusb-1.0-0, installed by dev.sh). Without
it ``usb.backend.libusb1.get_backend()`` is None and every ``usb://`` printer fails with
pyusb's "No backend available" — at a customer's first receipt. These tests use the real
library, no fake: nothing is plugged in here, so a real lookup finds no printer.
"""

from __future__ import annotations

import ctypes.util

import pytest
import usb.backend.libusb1
import usb.core

from devices.base import DeviceNotReady
from devices.printer.transport import open_transport


def test_pyusb_finds_libusb_1_0() -> None:
    backend = usb.backend.libusb1.get_backend()
    assert backend is not None, ("pyusb has no libusb-1.0 backend: install Debian's "
                                 "libusb-1.0-0 (dev.sh APT_PACKAGES)")
    assert "libusb-1.0" in backend.lib._name  # the library pyusb loaded
    assert ctypes.util.find_library("usb-1.0"), "libusb-1.0.so.0 is not on the loader's path"


def test_pyusb_enumerates_through_the_default_backend() -> None:
    # The call python-escpos makes: with no backend it raises NoBackendError.
    devices = list(usb.core.find(find_all=True))
    assert all(hasattr(d, "idVendor") for d in devices)


def test_a_missing_usb_printer_is_not_found_rather_than_without_backend() -> None:
    with pytest.raises(DeviceNotReady) as err:
        # An id no printer has: the real libusb lookup runs and finds nothing.
        open_transport("usb://ffff:fffe", profile="TM-T88V", timeout=1.0)
    message = str(err.value)
    assert "usb://ffff:fffe" in message and "not found" in message.lower(), message
    assert "backend" not in message.lower(), message
