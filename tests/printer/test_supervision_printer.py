"""The printer under the base's supervision (its own poller is gone): paper out is seen
while idle, and the printer is online again without a restart once it is cleared."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from devices.printer.driver import ReceiptPrinter
from devices.printer.settings import PrinterSettings
from kiosk_core.status import DeviceState, SupplyState


def wait_for(check: Callable[[], bool], within: float) -> None:
    deadline = time.monotonic() + within
    while not check():
        assert time.monotonic() < deadline, f"not within {within} s"
        time.sleep(0.01)


def test_paper_out_seen_while_idle_then_back(tmp_path: Path) -> None:
    pr = ReceiptPrinter("printer", PrinterSettings(url="sim://printer", poll_interval_s=0.25,
                                                   status_timeout_s=0.5), data_dir=tmp_path)
    try:
        pr.start().result(timeout=5)
        assert pr.status.device is DeviceState.ONLINE
        pr.simulator.inject("paper-out")
        wait_for(lambda: pr.status.supplies.get("paper") is SupplyState.OUT, 1.0 + 0.5)
        assert pr.status.detail and pr.status.error_code
        pr.simulator.clear("paper-out")
        wait_for(lambda: pr.status.device is DeviceState.ONLINE, 5)
    finally:
        pr.close()


def test_old_status_poll_key_still_sets_the_idle_poll(tmp_path: Path) -> None:
    pr = ReceiptPrinter("printer", PrinterSettings(url="sim://printer", status_poll_s=2.5),
                        data_dir=tmp_path)
    assert pr.supervision_timing().poll_interval_s == 2.5
    both = ReceiptPrinter("printer", PrinterSettings(url="sim://printer", status_poll_s=2.5,
                                                     poll_interval_s=0.5), data_dir=tmp_path)
    assert both.supervision_timing().poll_interval_s == 0.5
