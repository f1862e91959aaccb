"""A power cut in the middle of a check-in: the check-in is never doubled, the ticket never
lost. The flow runs in a subprocess that dies with os._exit; a new engine recovers it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from customer_flows import checkin
from o2o_sync.store import BranchStore
from receipts.queue_page import links_for

from .conftest import booking
from .power_cut import setup

TESTS = Path(__file__).resolve().parents[2]


def run_until_cut(base: Path, aid: str, cut: str) -> None:
    env = {**os.environ, "CUT_AT": cut, "PYTHONPATH": os.pathsep.join(
        [str(TESTS.parent), str(TESTS), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.run([sys.executable, "-m", "flows.checkin.power_cut", str(base), aid],
                          cwd=TESTS, env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 137, proc.stdout + proc.stderr


@pytest.mark.parametrize(("cut", "printed_before_cut"), [
    ("after_check_in", False),  # checked in, the flow store does not know it
    ("before_print_ticket", False),  # ticket stored, never sent
    ("after_print_ticket", True),  # printed, the flow store does not know it
])
def test_recovery_neither_doubles_the_check_in_nor_loses_the_ticket(
        tmp_path: Path, closing: Any, cut: str, printed_before_cut: bool) -> None:
    from kiosk_app.config import load_config

    cfg = load_config(TESTS.parent / "kiosk.toml").model_copy(update={"base_dir": tmp_path})
    store = BranchStore.from_config(cfg)
    store.apply_page([booking("apt_cut", 5, code="CUTCUT")], "c1")
    run_until_cut(tmp_path, "apt_cut", cut)

    # The kiosk restarts: same files, a new process state.
    _, printer, engine = setup(tmp_path)
    closing(printer)
    closing(engine.store)
    engine.definitions[checkin.FLOW] = checkin.definition()
    engine.resources = {"devices": {"printer": printer}, "checkin_desk": checkin.desk_for(cfg),
                        "queue_links": links_for(cfg)}
    try:
        results = engine.recover()
    finally:
        checkin.close_desks()
    assert [status for _, status in results] == ["completed"]
    flow = engine.store.get(results[0][0])
    assert flow.data["printed"] is True and flow.data["ticket"]["number"] == "A001"

    # Exactly one check-in: one ticket, one outbox event for the channel.
    tickets = [t for t in store.tickets_today() if t["appointment_id"] == "apt_cut"]
    assert [t["number"] for t in tickets] == ["A001"]
    events = [e for e in store.outbox_due(limit=100) if e["appointment_id"] == "apt_cut"]
    assert [e["kind"] for e in events] == ["check_in"]
    # The ticket was printed exactly once overall: before the cut, or by the recovery.
    reprinted = printer.simulator.job_count if printer.simulator else 0
    assert (reprinted == 0) is printed_before_cut
    assert printer.pending_jobs() == []
    store.close()
