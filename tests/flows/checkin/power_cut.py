"""Run one check-in in this process and die (os._exit: no clean-up, as in a power cut) at
``CUT_AT``. Usage: python -m flows.checkin.power_cut BASE_DIR APPOINTMENT_ID (cwd: tests/)."""

from __future__ import annotations

import dataclasses
import os
import sys
from pathlib import Path
from typing import Any

from customer_flows import checkin
from kiosk_core.flows import FlowContext, FlowDefinition, FlowEngine, FlowStore
from receipts.queue_page import links_for

REPO = Path(__file__).resolve().parents[3]


def _cut_after(point: str, action: Any) -> Any:
    def run(ctx: FlowContext) -> Any:
        if os.environ.get("CUT_AT") == f"before_{point}":
            os._exit(137)
        out = action(ctx)
        if os.environ.get("CUT_AT") == f"after_{point}":
            os._exit(137)  # the device did it; the flow store never heard
        return out

    return run


def cut_definition() -> FlowDefinition:
    d = checkin.definition()
    steps = tuple(dataclasses.replace(s, action=_cut_after(s.name, s.action)) for s in d.steps)
    return dataclasses.replace(d, steps=steps)


def setup(base: Path) -> tuple[Any, Any, FlowEngine]:
    from devices.registry import create_device
    from kiosk_app.config import load_config

    cfg = load_config(REPO / "kiosk.toml").model_copy(update={"base_dir": base})
    assert cfg.devices.printer is not None
    settings = cfg.devices.printer.model_copy(
        update={"url": f"sim://printer?out={base / 'pages'}", "status_poll_s": 0})
    printer = create_device("printer", settings)
    printer.bind_storage(cfg.data_dir)  # type: ignore[attr-defined]  # where the kiosk keeps them
    printer.start().result(timeout=15)
    return cfg, printer, FlowEngine(FlowStore(cfg.path("flows")), {})


def main(base: str, appointment_id: str) -> None:
    cfg, printer, engine = setup(Path(base))
    engine.definitions[checkin.FLOW] = cut_definition()
    engine.resources = {"devices": {"printer": printer}, "checkin_desk": checkin.desk_for(cfg),
                        "queue_links": links_for(cfg)}
    svc = checkin.CheckinService(checkin.desk_for(cfg), engine, branch="Demo Branch",
                                 zone=cfg.kiosk.timezone, printer=printer,
                                 queue_links=links_for(cfg))
    svc.check_in(appointment_id, "zh_CN")
    print("no cut", flush=True)
    os._exit(0)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
