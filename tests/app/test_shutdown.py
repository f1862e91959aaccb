"""Clean shutdown and restart (issue 17, item 4).

- SIGTERM to the demo kiosk (``kiosk run``: every device simulated, the demo's bank, call
  hub, O2O channel and sync, receipt links, monitoring) closes every session, socket,
  device and child process and exits 0, with no ERROR in its log — before, every normal
  shutdown logged aiohttp's "Unclosed client session" (the branch sync's HTTP session,
  left open when the stopping core loop cancelled it twice), and one in a few ended in a
  segfault (Qt 6's quit() closing the window inside the running event loop).
- After a crash the restarted kiosk settles the unfinished flows before it serves anyone:
  the runtime stays "starting" until then, and the journal says what was recovered
  (``kiosk.recovered``).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from bench._kiosk_proc import DemoKiosk, demo_config
from devices.registry import create_device
from kiosk_core.flows import FlowDefinition, FlowStore, Step
from kiosk_core.journal import Journal
from kiosk_core.runtime import KioskRuntime

REPO = Path(__file__).resolve().parents[2]
BAD_WORDS = ("ERROR", "Unclosed", "Traceback", "Task was destroyed", "Fatal Python error")


def _kinds(path: Path) -> list[str]:
    with Journal(path) as journal:
        return [r.kind for r in journal.records()]


def _records(path: Path, kind: str) -> list[dict[str, Any]]:
    with Journal(path) as journal:
        return [r.data for r in journal.records(kind=kind)]


def _clean(log: str) -> list[str]:
    return [line for line in log.splitlines() if any(w in line for w in BAD_WORDS)]


# -- SIGTERM ----------------------------------------------------------------------------------


@pytest.mark.slow
def test_sigterm_closes_everything_and_exits_0(tmp_path: Path) -> None:
    with DemoKiosk(tmp_path) as kiosk:
        kiosk.wait_ready()
        time.sleep(6)  # the sync has pulled (its HTTP session is open), every service is up
        assert kiosk.proc is not None and kiosk.proc.poll() is None
        t0 = time.monotonic()
        rc = kiosk.stop()
        took = time.monotonic() - t0
        log = kiosk.log()
    assert rc == 0, log[-3000:]
    assert not _clean(log), "\n".join(_clean(log))
    assert not kiosk.left_running, f"still running after the kiosk exited: {kiosk.left_running}"
    assert took < 20
    kinds = _kinds(tmp_path / "var" / "journal.sqlite")
    assert kinds[0] == "kiosk.start" and kinds[-1] == "kiosk.stop"


# -- recovery after a crash -----------------------------------------------------------------

#: A kiosk that crashes while issuing a walk-in ticket: the flow's first step is in flight
#: (its intent persisted) when the process dies, with no "kiosk.stop" in the journal.
CRASHING_RUN = textwrap.dedent("""
    import os, signal, sys
    import customer_flows
    from customer_flows.walkin import FLOW, WALKIN_SERVICES
    from devices.printer.jobs import new_job_id
    from devices.registry import create_device
    from kiosk_app.config import load_config
    from kiosk_core.runtime import KioskRuntime

    cfg = load_config(sys.argv[1])
    rt = KioskRuntime(cfg, flows=customer_flows.definitions(), device_factory=create_device)
    rt.start(wait_devices=True)
    data = {"service": WALKIN_SERVICES[0], "language": "en_US", "branch": cfg.kiosk.branch,
            "zone": cfg.kiosk.timezone, "job_id": new_job_id(), "job_token": "tok-crash-1",
            "link_base": rt.devices["printer"].settings.receipt_base_url}
    flow_id = rt.flow_engine.start(FLOW, data)
    rt.flow_store.mark(flow_id, step=0, phase="intent", note="issue")
    assert rt.journal_writer.flush(10)
    print(flow_id, flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
""")


@pytest.mark.slow
def test_a_kiosk_restarted_after_a_crash_settles_its_flows_first(tmp_path: Path) -> None:
    config = demo_config(tmp_path)
    crashed = subprocess.run([sys.executable, "-c", CRASHING_RUN, str(config)], cwd=REPO,
                             capture_output=True, text=True, timeout=120)
    assert crashed.returncode == -9, crashed.stderr[-3000:]
    flow_id = crashed.stdout.strip().splitlines()[-1]
    journal = tmp_path / "var" / "journal.sqlite"
    assert _kinds(journal)[-1] != "kiosk.stop"

    with DemoKiosk(tmp_path, config=config) as kiosk:
        kiosk.wait_ready()
        deadline = time.monotonic() + 60
        while not _records(journal, "kiosk.recovered") and time.monotonic() < deadline:
            time.sleep(0.2)
        rc = kiosk.stop()
        log = kiosk.log()
    assert rc == 0, log[-3000:]
    (recovered,) = _records(journal, "kiosk.recovered")
    assert recovered["unclean_stop"] is True
    assert recovered["flows"] == [{"flow": flow_id, "type": "walkin_ticket",
                                   "status": "completed"}]
    kinds = _kinds(journal)
    second_start = len(kinds) - 1 - kinds[::-1].index("kiosk.start")
    assert second_start < kinds.index("kiosk.recovered")  # in the restarted run
    # Resumed, not dropped: the customer's number was issued and its ticket journalled.
    assert any(d.get("flow") == flow_id for d in _records(journal, "walkin.ticket"))
    store = FlowStore(tmp_path / "var" / "flows.sqlite")
    try:
        assert store.get(flow_id).status == "completed" and not store.unfinished()
    finally:
        store.close()
    assert not _clean(log), "\n".join(_clean(log))


# -- the runtime's side (in-process) --------------------------------------------------------

UNDONE: list[str] = []
DISPENSE = FlowDefinition("test_dispense", (
    Step("reserve", lambda ctx: {"reserved": True},
         compensate=lambda ctx: UNDONE.append(ctx.flow_id)),
    Step("hand_over", lambda ctx: {}),
))


def _crashed_run(cfg: Any) -> str:
    """What a run killed mid-flow leaves on disk: "kiosk.start" and no "kiosk.stop" in the
    journal, a flow whose second step was in flight."""
    cfg.data_dir.mkdir(parents=True, exist_ok=True)
    with Journal(cfg.path("journal"), kiosk_id=cfg.kiosk.id) as journal:
        journal.append("kiosk.start", {"branch": cfg.kiosk.branch})
    store = FlowStore(cfg.path("flows"))
    try:
        flow_id = store.create("test_dispense", {})
        store.mark(flow_id, step=0, phase="done", data={"reserved": True})
        store.mark(flow_id, step=1, phase="intent", note="hand_over")
    finally:
        store.close()
    return flow_id


def test_held_runtime_serves_only_after_recovery(kiosk_config: Any, closing: Any) -> None:
    flow_id = _crashed_run(kiosk_config)
    UNDONE.clear()
    rt = KioskRuntime(kiosk_config, flows={"test_dispense": DISPENSE},
                      device_factory=create_device)
    closing(rt)
    rt.hold_for_recovery()
    rt.start(wait_devices=True)
    assert rt.previous_stop_clean is False
    assert not rt.service.in_service and rt.service.down == ("starting",)
    assert rt.recover_flows() == [(flow_id, "unwound")]
    assert [flow_id] == UNDONE
    assert rt.service.in_service  # only now
    assert rt.journal_writer is not None and rt.journal_writer.flush(10)
    assert rt.journal is not None
    kinds = [r.kind for r in rt.journal.records()]
    rec = [r.data for r in rt.journal.records(kind="kiosk.recovered")]
    assert rec == [{"unclean_stop": True,
                    "flows": [{"flow": flow_id, "type": "test_dispense",
                               "status": "unwound"}]}]
    # the flow's own records first, then the summary, all in the restarted run
    assert kinds.index("flow.recovering") < kinds.index("kiosk.recovered")
    assert kinds.count("kiosk.start") == 2


def test_a_clean_restart_says_nothing_and_serves_at_once(kiosk_config: Any,
                                                         closing: Any) -> None:
    first = KioskRuntime(kiosk_config, device_factory=create_device)
    first.start(wait_devices=True)
    first.stop()
    rt = closing(KioskRuntime(kiosk_config, device_factory=create_device))
    rt.hold_for_recovery()
    rt.start(wait_devices=True)
    assert rt.previous_stop_clean is True and not rt.service.in_service
    assert rt.recover_flows() == []
    assert rt.service.in_service
    assert rt.journal is not None and not rt.journal.records(kind="kiosk.recovered")


def test_a_recovery_that_cannot_run_does_not_keep_the_kiosk_starting(
        kiosk_config: Any, closing: Any) -> None:
    import customer_flows

    rt = closing(KioskRuntime(kiosk_config, device_factory=create_device))
    rt.hold_for_recovery()
    assert not rt.service.in_service
    customer_flows.recover_when_ready(rt)  # not started: no engine, no loop
    rt.start(wait_devices=True)
    assert rt.service.in_service
