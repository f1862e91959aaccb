"""A test flow over a toy card unit kept in a JSON file, so a separate process can be
killed mid-step (a power cut) and a new process can recover the flow."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from kiosk_core.flows import FlowContext, FlowDefinition, FlowEngine, FlowStore, Outcome, Step


class ToyDispenser:
    """State survives the process: like a real device, it remembers what it did."""

    def __init__(self, path: Path) -> None:
        self.path = path
        if not path.exists():
            self._save({"stacker": 5, "at_gate": None, "bin": 0, "log": []})

    def _load(self) -> dict[str, Any]:
        return json.loads(self.path.read_text())  # type: ignore[no-any-return]

    def _save(self, s: dict[str, Any]) -> None:
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(s))
        os.replace(tmp, self.path)

    def dispense(self, flow_id: str) -> None:
        s = self._load()
        s["stacker"] -= 1
        s["at_gate"] = flow_id
        s["log"].append(f"dispense {flow_id}")
        self._save(s)

    def retract(self, flow_id: str) -> None:
        s = self._load()
        if s["at_gate"] == flow_id:  # idempotent: only the card of this flow
            s["at_gate"] = None
            s["bin"] += 1
            s["log"].append(f"retract {flow_id}")
            self._save(s)

    def card_at_gate(self) -> str | None:
        return self._load()["at_gate"]  # type: ignore[no-any-return]

    def state(self) -> dict[str, Any]:
        return self._load()


def _cut(point: str) -> None:
    if os.environ.get("CUT_AT") == point:
        os._exit(137)  # no clean-up at all: as if the power went


def definition(dev: ToyDispenser, policy: str = "unwind") -> FlowDefinition:
    def reserve(ctx: FlowContext) -> dict[str, Any]:
        return {"reserved": True}

    def release(ctx: FlowContext) -> None:
        ctx.data["released"] = True

    def dispense(ctx: FlowContext) -> dict[str, Any]:
        _cut("before-dispense")
        dev.dispense(ctx.flow_id)
        _cut("after-dispense")
        if os.environ.get("FAIL_AT") == "dispense":
            raise RuntimeError("jam")
        return {"dispensed": True}

    def recover_dispense(ctx: FlowContext) -> Outcome:
        return "done" if dev.card_at_gate() == ctx.flow_id else "not_done"

    def retract(ctx: FlowContext) -> None:
        if os.environ.get("FAIL_COMPENSATE") == "1":
            raise RuntimeError("retract motor error")
        dev.retract(ctx.flow_id)

    def print_receipt(ctx: FlowContext) -> dict[str, Any]:
        _cut("during-print")
        return {"printed": True}

    return FlowDefinition(
        "test.issue_card",
        (
            Step("reserve", reserve, compensate=release),
            Step("dispense", dispense, compensate=retract, recover=recover_dispense),
            Step("print", print_receipt, idempotent=os.environ.get("PRINT_IDEMPOTENT", "1") == "1"),
        ),
        on_restart=policy,  # type: ignore[arg-type]
    )


def engine(workdir: Path, policy: str = "unwind") -> tuple[FlowEngine, ToyDispenser]:
    dev = ToyDispenser(workdir / "device.json")
    store = FlowStore(workdir / "flows.sqlite")
    return FlowEngine(store, {"test.issue_card": definition(dev, policy)}), dev


if __name__ == "__main__":  # python demo_flow.py WORKDIR POLICY: start and run one flow
    eng, _ = engine(Path(sys.argv[1]), sys.argv[2])
    fid = eng.start("test.issue_card", {"customer": "c-1"})
    print(fid, flush=True)
    eng.run(fid)
