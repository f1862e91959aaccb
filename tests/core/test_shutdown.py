"""Shutdown never waits without a bound: a hanging device close or journal is logged and
left behind, and the kiosk still exits."""

from __future__ import annotations

import logging
import threading
import time

import pytest

from devices.base import Device


class HangingDevice(Device):
    kind = "hanging"

    def __init__(self) -> None:
        super().__init__("hanging", "test://")
        self.release = threading.Event()

    def open(self) -> None:
        pass

    def shutdown(self) -> None:
        self.release.wait(30)  # a driver stuck in a blocking read


def test_a_device_whose_close_hangs_does_not_hang_shutdown(
    caplog: pytest.LogCaptureFixture,
) -> None:
    dev = HangingDevice()
    dev.start().result(timeout=10)
    caplog.set_level(logging.ERROR, logger="devices.base")
    t0 = time.monotonic()
    dev.close(timeout=0.2)
    assert time.monotonic() - t0 < 5
    assert "closing hanging did not finish within 0.2 s" in caplog.text
    dev.release.set()
