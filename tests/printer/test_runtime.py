"""The printer inside the kiosk runtime: opened from kiosk.toml, jobs kept in the data dir."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from devices.printer.driver import ReceiptPrinter
from devices.registry import create_device
from kiosk_app.config import parse_config
from kiosk_core.runtime import KioskRuntime
from kiosk_core.status import DeviceState
from receipts.printing import print_template
from receipts.samples import SAMPLES


def test_runtime_opens_the_printer_and_keeps_jobs_in_the_data_dir(
        tmp_path: Path, closing: Callable[[Any], Any]) -> None:
    cfg = parse_config({
        "kiosk": {"id": "KIOSK-T", "branch": "Test"},
        "storage": {"data_dir": str(tmp_path / "data")},
        "devices": {"printer": {"url": "sim://printer?faults=cover-open", "status_poll_s": 0}},
    })
    runtime = closing(KioskRuntime(cfg, device_factory=create_device))
    runtime.start(wait_devices=True)
    printer = runtime.devices["printer"]
    assert isinstance(printer, ReceiptPrinter)
    assert printer.status.device == DeviceState.USER_ERROR
    assert "printer" in runtime.service.down  # a required printer that cannot print
    outcome = print_template(printer, "queue_ticket", "zh_CN",
                                     SAMPLES["queue_ticket"]["zh_CN"]).result(timeout=10)
    assert not outcome.printed
    assert (tmp_path / "data" / "printer-jobs" / f"{outcome.job_id}.bin").exists()
    printer.simulator.clear()
    assert printer.reprint(outcome.job_id).result(timeout=10).printed
    assert printer.status.device == DeviceState.ONLINE
