from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kiosk_core.flows import FlowError, StepFailed

from .demo_flow import engine

HERE = Path(__file__).resolve().parent


def run_until_cut(workdir: Path, cut: str, policy: str = "unwind") -> str:
    """Run the flow in another process that dies (os._exit) at ``cut``; return the flow id."""
    env = {**os.environ, "CUT_AT": cut}
    proc = subprocess.run(
        [sys.executable, str(HERE / "demo_flow.py"), str(workdir), policy],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 137, proc.stderr
    return proc.stdout.strip()


def test_completes_and_logs_every_step(tmp_path: Path) -> None:
    eng, dev = engine(tmp_path)
    fid = eng.start("test.issue_card")
    data = eng.run(fid)
    assert data == {"reserved": True, "dispensed": True, "printed": True}
    row = eng.store.get(fid)
    assert row.status == "completed"
    phases = [(s, p) for s, p, _ in eng.store.history(fid)]
    assert phases[1:7] == [
        (0, "intent"),
        (0, "done"),
        (1, "intent"),
        (1, "done"),
        (2, "intent"),
        (2, "done"),
    ]
    assert dev.state()["at_gate"] == fid
    eng.store.close()


def test_power_cut_after_device_acted_unwinds_with_retract(tmp_path: Path) -> None:
    fid = run_until_cut(tmp_path, "after-dispense")
    eng, dev = engine(tmp_path)
    assert eng.store.get(fid).phase == "intent"  # the cut left the step in doubt
    assert eng.recover() == [(fid, "unwound")]
    state = dev.state()
    assert state["at_gate"] is None and state["bin"] == 1
    assert state["log"] == [f"dispense {fid}", f"retract {fid}"]
    assert eng.store.unfinished() == []
    # Recovering again does nothing more.
    assert eng.recover() == []
    eng.store.close()


def test_power_cut_before_device_acted_does_not_retract(tmp_path: Path) -> None:
    fid = run_until_cut(tmp_path, "before-dispense")
    eng, dev = engine(tmp_path)
    assert eng.recover() == [(fid, "unwound")]
    assert dev.state() == {"stacker": 5, "at_gate": None, "bin": 0, "log": []}
    eng.store.close()


def test_power_cut_with_resume_policy_finishes_the_flow(tmp_path: Path) -> None:
    fid = run_until_cut(tmp_path, "during-print", policy="resume")
    eng, dev = engine(tmp_path, policy="resume")
    assert eng.recover() == [(fid, "completed")]
    row = eng.store.get(fid)
    assert row.data["printed"] and row.status == "completed"
    assert dev.state()["log"] == [f"dispense {fid}"]  # the card was not dispensed twice
    eng.store.close()


def test_resume_after_cut_before_device_acted_redoes_step(tmp_path: Path) -> None:
    fid = run_until_cut(tmp_path, "before-dispense", policy="resume")
    eng, dev = engine(tmp_path, policy="resume")
    assert eng.recover() == [(fid, "completed")]
    assert dev.state()["log"] == [f"dispense {fid}"]
    eng.store.close()


def test_step_failure_unwinds_done_steps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAIL_AT", "dispense")
    eng, dev = engine(tmp_path)
    fid = eng.start("test.issue_card")
    with pytest.raises(StepFailed) as info:
        eng.run(fid)
    assert info.value.step == "dispense"
    row = eng.store.get(fid)
    assert row.status == "unwound" and "jam" in row.error
    # The failed step itself was not compensated (it did not complete)…
    assert dev.state()["log"] == [f"dispense {fid}"]
    eng.store.close()


def test_failed_compensation_is_retried_on_next_recover(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fid = run_until_cut(tmp_path, "after-dispense")
    monkeypatch.setenv("FAIL_COMPENSATE", "1")
    eng, dev = engine(tmp_path)
    assert eng.recover() == [(fid, "unwinding")]
    assert dev.state()["at_gate"] == fid
    monkeypatch.delenv("FAIL_COMPENSATE")
    assert eng.recover() == [(fid, "unwound")]
    assert dev.state()["bin"] == 1
    eng.store.close()


def test_unknown_flow_type(tmp_path: Path) -> None:
    eng, _ = engine(tmp_path)
    with pytest.raises(FlowError):
        eng.start("nope")
    eng.store.close()


def test_in_doubt_step_without_recover_unwinds_even_with_resume(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRINT_IDEMPOTENT", "0")
    fid = run_until_cut(tmp_path, "during-print", policy="resume")
    eng, dev = engine(tmp_path, policy="resume")
    assert eng.recover() == [(fid, "unwound")]
    # print was in doubt and cannot be judged: everything up to it is compensated.
    assert dev.state()["log"] == [f"dispense {fid}", f"retract {fid}"]
    eng.store.close()


def test_flow_past_its_point_of_no_return_completes_after_a_cut(tmp_path: Path) -> None:
    """A cut while the committing step is in doubt, recovered as done (the customer took the
    card): the flow completes, nothing is compensated, the later steps are skipped."""
    from kiosk_core.flows import FlowContext, FlowDefinition, FlowEngine, FlowStore, Step

    undone: list[str] = []
    ran: list[str] = []

    def step(name: str) -> Any:
        return lambda ctx: ran.append(name) or {name: True}

    def cut(ctx: FlowContext) -> None:
        raise SystemExit  # as if the power went: the engine writes nothing more

    def build(hand_over: Any) -> FlowEngine:
        definition = FlowDefinition("t.commit", (
            Step("dispense", step("dispense"), compensate=lambda ctx: undone.append("dispense")),
            Step("hand_over", hand_over, commits=True, recover=lambda ctx: "done"),
            Step("receipt", step("receipt"), idempotent=True),
        ))
        return FlowEngine(FlowStore(tmp_path / "flows.sqlite"), {definition.name: definition})

    eng = build(cut)
    fid = eng.start("t.commit")
    with pytest.raises(SystemExit):
        eng.run(fid)
    eng.store.close()
    eng = build(step("hand_over"))
    assert eng.recover() == [(fid, "completed")]
    assert undone == [] and ran == ["dispense"]
    row = eng.store.get(fid)
    assert row.status == "completed"
    assert "skipped: receipt" in eng.store.history(fid)[-1][2]
    eng.store.close()


def test_committing_step_recovered_as_not_done_still_unwinds(tmp_path: Path) -> None:
    from kiosk_core.flows import FlowDefinition, FlowEngine, FlowStore, Step

    undone: list[str] = []

    def cut(ctx: Any) -> None:
        raise SystemExit

    def build(hand_over: Any) -> FlowEngine:
        definition = FlowDefinition("t.commit", (
            Step("dispense", lambda ctx: {}, compensate=lambda ctx: undone.append("dispense")),
            Step("hand_over", hand_over, commits=True, recover=lambda ctx: "not_done"),
        ))
        return FlowEngine(FlowStore(tmp_path / "flows.sqlite"), {definition.name: definition})

    eng = build(cut)
    fid = eng.start("t.commit")
    with pytest.raises(SystemExit):
        eng.run(fid)
    eng.store.close()
    eng = build(lambda ctx: {})
    assert eng.recover() == [(fid, "unwound")]
    assert undone == ["dispense"]
    eng.store.close()


def test_a_compensation_that_failed_is_retried_when_its_device_is_back(tmp_path: Path) -> None:
    """The line to the dispenser is silent when the card must go to the bin: the flow is
    left unwinding; once the device answers again the unwinding carries on (not only at the
    next restart), and a flow that is not stalled is left alone."""
    from kiosk_core.flows import FlowDefinition, FlowEngine, FlowStore, Step

    device_up = False
    binned: list[str] = []
    events: list[tuple[str, str]] = []

    def to_bin(ctx: Any) -> None:
        if not device_up:
            raise OSError("no answer")
        binned.append(ctx.flow_id)

    def fail(ctx: Any) -> None:
        raise RuntimeError("jam at the gate")

    definition = FlowDefinition("t.bin", (
        Step("feed", lambda ctx: {"fed": True}, compensate=to_bin),
        Step("hand_over", fail),
    ))
    eng = FlowEngine(FlowStore(tmp_path / "flows.sqlite"), {definition.name: definition},
                     on_event=lambda fid, kind, detail: events.append((fid, kind)))
    fid = eng.start("t.bin")
    with pytest.raises(StepFailed):
        eng.run(fid)
    assert eng.store.get(fid).status == "unwinding" and (fid, "flow.compensation_failed") in events
    assert eng.resume_unwinding({fid}) == [(fid, "unwinding")]  # still down: still stalled
    other = eng.start("t.bin")  # a flow that is running, not stalled
    device_up = True
    assert eng.resume_unwinding({fid, other, "no-such-flow"}) == [(fid, "unwound")]
    assert binned == [fid] and eng.store.get(fid).status == "unwound"
    assert eng.store.get(other).status == "running"
    eng.store.close()
