"""The bridge's journal route and its bounded shutdown."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from devices.registry import create_device
from kiosk_core.journal import Journal, Record, SensitiveDataError
from kiosk_core.journal_writer import JournalWriter
from kiosk_core.runtime import KioskRuntime
from kiosk_ui.bridge import RuntimeBridge


class StuckStartRuntime(KioskRuntime):
    """Storage that never answers: start() blocks until released."""

    def __init__(self, config: Any) -> None:
        super().__init__(config, device_factory=create_device)
        self.release = threading.Event()
        self.stopped = False

    def start(self, *, wait_devices: bool = False) -> None:
        self.release.wait(30)

    def stop(self) -> None:
        self.stopped = True
        super().stop()


def test_stop_does_not_wait_forever_for_a_stuck_start(
    qtbot: Any, kiosk_config: Any, caplog: pytest.LogCaptureFixture
) -> None:
    runtime = StuckStartRuntime(kiosk_config)
    bridge = RuntimeBridge(runtime)
    bridge.START_JOIN_S = 0.2
    bridge.start()
    start_thread = bridge._start_thread
    assert start_thread is not None
    caplog.set_level(logging.ERROR, logger="kiosk_ui.bridge")
    t0 = time.monotonic()
    bridge.stop()
    assert time.monotonic() - t0 < 5
    assert runtime.stopped
    assert "runtime start still running after" in caplog.text
    received: list[object] = []
    bridge.started.connect(lambda: received.append("started"))
    runtime.release.set()  # the hung start finally returns, after stop(): it stays silent
    start_thread.join(5)
    qtbot.wait(50)
    assert not start_thread.is_alive() and received == []


def test_journal_goes_through_the_runtime_writer(
    qtbot: Any, kiosk_config: Any, tmp_path: Path
) -> None:
    runtime = KioskRuntime(kiosk_config, device_factory=create_device)
    bridge = RuntimeBridge(runtime)
    assert bridge.journal("teller.request", {}) == 0  # not started: nothing to write to
    runtime.journal = Journal(tmp_path / "journal.sqlite", kiosk_id="K1")
    runtime.journal_writer = JournalWriter(runtime.journal)
    try:
        with qtbot.waitSignal(bridge.taskDone, timeout=10000) as done:
            task = bridge.journal("teller.request", {"reason": "help"})
        assert done.args[0] == task
        rec = done.args[1]
        assert isinstance(rec, Record) and rec.kind == "teller.request" and rec.seq == 1
        with pytest.raises(SensitiveDataError):
            bridge.journal("card.pin", {"pin": "1234"})
    finally:
        runtime.journal_writer.close()
    assert bridge.journal("teller.cancel", {}) == 0  # closed: refused, logged
