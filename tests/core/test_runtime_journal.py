"""The runtime journals through its one writer: device status events are handed over on
the device's worker and chained and fsynced on the writer's thread."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from devices.registry import create_device
from kiosk_core.journal_writer import JournalWriter
from kiosk_core.runtime import KioskRuntime
from kiosk_core.status import StatusChanged

from .test_devices import LoopDevice
from .test_journal_writer import TracedJournal


def test_device_status_events_are_not_fsynced_on_the_device_worker(
    tmp_path: Path, kiosk_config: Any, closing: Any
) -> None:
    rt = KioskRuntime(kiosk_config, device_factory=create_device)
    journal = TracedJournal(tmp_path / "journal.sqlite", kiosk_id="K1")
    rt.journal = journal
    rt.journal_writer = closing(JournalWriter(journal))
    handed_over_on: list[str] = []

    def on_event(event: StatusChanged) -> None:  # the runtime's own handler, noted
        handed_over_on.append(threading.current_thread().name)
        rt._on_device_event(event)

    dev = LoopDevice("printer", "loop://")
    dev.subscribe(on_event)
    dev.start().result(timeout=10)
    dev.close()
    assert rt.journal_writer.flush(timeout=10)
    states = [r.data["state"] for r in journal.records(kind="device.status")]
    assert states == ["online", "offline"]  # both emitted on the worker
    assert all(name.startswith("device-printer") for name in handed_over_on[-2:])
    assert journal.commit_threads and set(journal.commit_threads) == {"journal-writer"}
    assert journal.verify().ok


def test_flow_events_go_through_the_writer_and_are_on_disk_when_the_flow_returns(
    tmp_path: Path, kiosk_config: Any, closing: Any
) -> None:
    from kiosk_core.flows import FlowDefinition, FlowEngine, FlowStore, Step

    rt = KioskRuntime(kiosk_config, device_factory=create_device)
    journal = TracedJournal(tmp_path / "journal.sqlite", kiosk_id="K1")
    rt.journal = journal
    rt.journal_writer = closing(JournalWriter(journal))
    engine = FlowEngine(closing(FlowStore(tmp_path / "flows.sqlite")),
                        {"f": FlowDefinition("f", (Step("only", lambda ctx: {"ok": True}),))},
                        on_event=rt._journal_flow_event)
    fid = engine.start("f")
    engine.run(fid)
    # No flush: the flow's worker waited for its events.
    assert [(r.kind, r.data["flow"]) for r in journal.records()] == [
        ("flow.started", fid), ("flow.completed", fid)]
    assert set(journal.commit_threads) == {"journal-writer"}
