"""``usb://VID:PID`` printers, tested at the edge of the machine.

No USB printer is attached here, so pyusb's ``usb.core.find`` is replaced by one that returns
a fake device. The fake behaves as pyusb does on Linux with libusb1 — the kernel's usblp driver
holds the interface until detached, bulk OUT endpoint 0x01 and IN 0x82, reads that time out
with ``USBTimeoutError`` (errno ETIMEDOUT) after the device's ``default_timeout`` ms, ``ENODEV``
once unplugged — and carries the bytes to and from the real printer simulator. Everything above
pyusb (python-escpos' Usb class, our transport, the driver) is the real code.
"""

from __future__ import annotations

import errno
import threading
import time
from array import array
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import usb.core
from qr_images import decode_qrs

from devices.base import DeviceNotReady
from devices.printer.driver import ReceiptPrinter, create
from devices.printer.settings import PrinterSettings
from devices.printer.simulator import PrinterSimulator
from devices.simlink import SimLink
from kiosk_core.status import DeviceState, SupplyState
from receipts.printing import render_for
from receipts.samples import SAMPLES

VID, PID = 0x04B8, 0x0202  # an Epson TM-T88V, as in the README's example


class _Libusb1:
    """Stands for pyusb's libusb1 backend (python-escpos checks the module's name)."""


_Libusb1.__module__ = "usb.backend.libusb1"


class _Context:
    def dispose(self, device: Any) -> None:
        device.disposed = True


class UsbPipe(SimLink):
    """The simulator's side of the USB cable: what it sends waits for the host's IN reads."""

    def __init__(self, sim: PrinterSimulator) -> None:
        super().__init__(sim)
        self._rx = bytearray()
        self._ready = threading.Condition()
        self.unplugged = False

    @property
    def url(self) -> str:
        return f"usb://{VID:04x}:{PID:04x}"

    def _write(self, data: bytes) -> None:
        with self._ready:
            self._rx += data
            self._ready.notify_all()

    def take(self, size: int, timeout_s: float) -> bytes:
        with self._ready:
            self._ready.wait_for(lambda: bool(self._rx) or self.unplugged, timeout_s)
            out = bytes(self._rx[:size])
            del self._rx[:size]
            return out

    def drop(self) -> None:
        with self._ready:
            self.unplugged = True
            self._ready.notify_all()

    def _run(self) -> None:
        self.sim.on_connect()
        while not self._stop.wait(0.02):
            self.sim.tick()

    def _close(self) -> None:
        pass


class FakeUsbPrinter:
    """The part of ``usb.core.Device`` python-escpos uses."""

    idVendor, idProduct = VID, PID

    def __init__(self, pipe: UsbPipe) -> None:
        self.pipe = pipe
        self.backend = _Libusb1()
        self._ctx = _Context()
        self.default_timeout = 1000  # pyusb's default, in ms
        self.kernel_driver = True  # usblp claimed it at plug-in
        self.configured = self.disposed = False
        self.reads: list[int] = []  # the timeout each IN read ran with (ms)

    def is_kernel_driver_active(self, interface: int) -> bool:
        return self.kernel_driver

    def detach_kernel_driver(self, interface: int) -> None:
        self.kernel_driver = False

    def set_configuration(self) -> None:
        self.configured = True

    def reset(self) -> None:
        pass

    def _check(self) -> None:
        if self.pipe.unplugged:
            raise usb.core.USBError("No such device (it may have been disconnected)", -4,
                                    errno.ENODEV)

    def write(self, endpoint: int, data: bytes, timeout: int | None = None) -> int:
        assert endpoint == 0x01, "python-escpos writes to bulk OUT 0x01"
        assert not self.kernel_driver and self.configured
        self._check()
        self.pipe.sim.on_bytes(bytes(data))
        return len(data)

    def read(self, endpoint: int, size: int, timeout: int | None = None) -> array[int]:
        assert endpoint == 0x82, "python-escpos reads bulk IN 0x82"
        self._check()
        ms = self.default_timeout if timeout is None else timeout
        self.reads.append(ms)
        got = self.pipe.take(size, ms / 1000)
        self._check()
        if not got:
            raise usb.core.USBTimeoutError("Operation timed out", -7, errno.ETIMEDOUT)
        return array("B", got)


@pytest.fixture
def usb_printer(monkeypatch: pytest.MonkeyPatch,
                closing: Callable[[Any], Any]) -> Iterator[tuple[FakeUsbPrinter, UsbPipe]]:
    pipe = closing(UsbPipe(PrinterSimulator()).start())
    device = FakeUsbPrinter(pipe)

    def find(**match: Any) -> FakeUsbPrinter | None:
        wanted = (match.get("idVendor"), match.get("idProduct"))
        return device if wanted == (VID, PID) else None

    monkeypatch.setattr(usb.core, "find", find)
    yield device, pipe


def open_usb(tmp_path: Path, closing: Callable[[Any], Any], url: str = "usb://04b8:0202",
             **kw: Any) -> ReceiptPrinter:
    settings = PrinterSettings(url=url, status_poll_s=0, timeout_s=5, **kw)
    printer = closing(create("printer", settings, data_dir=tmp_path))
    assert isinstance(printer, ReceiptPrinter)
    printer.start().result(timeout=10)
    return printer


def test_usb_printer_prints_and_reports_status(usb_printer: Any, tmp_path: Path,
                                               closing: Any) -> None:
    device, pipe = usb_printer
    printer = open_usb(tmp_path, closing, status_timeout_s=0.5)
    assert not device.kernel_driver and device.configured  # usblp detached, configured
    assert printer.status.device == DeviceState.ONLINE
    receipt = render_for(printer, "card_issuance", "zh_CN", SAMPLES["card_issuance"]["zh_CN"])
    t0 = time.monotonic()
    outcome = printer.print_receipt(receipt).result(timeout=10)
    took = time.monotonic() - t0
    assert outcome.printed, outcome.error
    page = pipe.sim.pages[-1].page
    assert page.complete and page.texts == receipt.lines
    assert decode_qrs(page.image) == receipt.qr_payloads
    # Status reads run with the driver's own short time-out, not pyusb's default second:
    # waiting a whole second for each empty read would make every receipt crawl.
    assert device.reads and max(device.reads) <= 500
    assert took < 5


def test_usb_paper_out_is_reported_and_the_job_kept(usb_printer: Any, tmp_path: Path,
                                                    closing: Any) -> None:
    _, pipe = usb_printer
    printer = open_usb(tmp_path, closing)
    pipe.sim.inject("paper-out")
    outcome = printer.print_receipt(
        render_for(printer, "card_issuance", "en_US", SAMPLES["card_issuance"]["en_US"])
    ).result(timeout=10)
    assert not outcome.printed and outcome.alternative is not None
    assert printer.status.supplies["paper"] == SupplyState.OUT
    assert printer.status.error_code == "paperOut"
    assert [j.id for j in printer.pending_jobs()] == [outcome.job_id]


def test_usb_printer_that_stops_answering_times_out_as_offline(
        usb_printer: Any, tmp_path: Path, closing: Any) -> None:
    _, pipe = usb_printer
    printer = open_usb(tmp_path, closing, status_timeout_s=0.3)
    pipe.sim.on_bytes = lambda data: None  # powered but its board hung: reads time out
    t0 = time.monotonic()
    outcome = printer.print_receipt(
        render_for(printer, "card_issuance", "en_US", SAMPLES["card_issuance"]["en_US"])
    ).result(timeout=10)
    assert not outcome.printed
    assert printer.status.device in (DeviceState.OFFLINE, DeviceState.NO_DEVICE)
    assert "no status reply" in printer.status.detail
    assert time.monotonic() - t0 < 3  # the 0.3 s status time-out, not a second per read
    assert len(printer.pending_jobs()) == 1


def test_usb_cable_pulled_mid_job_keeps_the_job(usb_printer: Any, tmp_path: Path,
                                                closing: Any) -> None:
    device, pipe = usb_printer
    printer = open_usb(tmp_path, closing)
    sent: list[int] = []
    real_write = device.write

    def write(endpoint: int, data: bytes, timeout: int | None = None) -> int:
        sent.append(len(data))
        if len(sent) == 3:  # a few chunks into the job
            pipe.drop()
        return real_write(endpoint, data, timeout)

    device.write = write
    outcome = printer.print_receipt(
        render_for(printer, "card_issuance", "en_US", SAMPLES["card_issuance"]["en_US"])
    ).result(timeout=10)
    assert not outcome.printed and outcome.alternative is not None
    assert printer.status.device in (DeviceState.OFFLINE, DeviceState.NO_DEVICE)
    assert len(printer.pending_jobs()) == 1


def test_no_usb_printer_with_that_id_names_the_url(usb_printer: Any, tmp_path: Path,
                                                   closing: Any) -> None:
    settings = PrinterSettings(url="usb://0519:0001", status_poll_s=0, timeout_s=5)
    printer = closing(create("printer", settings, data_dir=tmp_path))
    with pytest.raises(DeviceNotReady, match=r"usb://0519:0001"):
        printer.start().result(timeout=10)
    assert printer.status.device == DeviceState.NO_DEVICE
