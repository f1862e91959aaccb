"""The kiosk process that :mod:`bench.power_cut` kills: one card issuance (``run``) or the
recovery after a cut (``recover``), against the dispenser and the PIN pad simulators over
TCP and the sandbox bank over HTTP, each in its own process.

    python -m bench.power_cut_kiosk run --dir D --bank URL --dispenser URL --pinpad URL \\
        --id-number N --name NAME [--pause]
    python -m bench.power_cut_kiosk recover --dir D --bank URL --dispenser URL --pinpad URL

The flow store (``D/flows.sqlite``) and the journal (``D/journal.sqlite``) are the kiosk's
files: they outlive every process, as they outlive a power cut. ``run`` prints
``FLOW <id>`` once the flow exists, then ``BOUNDARY <n> <step> <phase>`` each time the
engine has durably written a step's intent or done; with ``--pause`` it then waits for a
line on stdin before going on, so a kill on that line cuts exactly at the boundary.
``recover`` prints ``RECOVERED <id> <status>`` per settled flow, ``RECOVER-ERROR …`` if
recovery raised (exit 1).
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bank_host.http_client import HttpBankHost
from customer_flows import card_issuance
from devices.card_dispenser.driver import create as create_dispenser
from devices.card_dispenser.settings import CardDispenserSettings
from devices.pinpad.driver import create as create_pinpad
from devices.pinpad.settings import PinPadSettings
from kiosk_core.flows import FlowEngine, FlowStatus, FlowStore
from kiosk_core.journal import Journal
from kiosk_core.journal_writer import JournalWriter

KIOSK = "KIOSK-TEST-01"
FLOW_DATA: dict[str, Any] = {"language": "en_US", "kiosk_id": KIOSK, "pin_format": "iso4",
                             "timezone": "Asia/Shanghai"}
#: Quick time-outs: the simulators are on loopback and answer at once.
FAST = {"ack_timeout_ms": 300, "reply_timeout_ms": 2000, "poll_interval_s": 0.02}


class Runtime:
    """What the flow steps look for in ``resources["runtime"]``: the journal's writer."""

    def __init__(self, journal: Journal, writer: JournalWriter) -> None:
        self.journal = journal
        self.journal_writer = writer


class AnnouncingStore(FlowStore):
    """The flow store, telling the harness (stdout) about every intent/done it wrote.
    The line goes out after the write committed: a kill on it is a cut after the write."""

    def __init__(self, path: Path, steps: tuple[str, ...], pause: bool) -> None:
        super().__init__(path)
        self.steps, self.pause, self.boundaries = steps, pause, 0

    def mark(self, flow_id: str, *, step: int, phase: str, **kw: Any) -> None:
        super().mark(flow_id, step=step, phase=phase, **kw)
        if phase not in ("intent", "done") or kw.get("status") is not None:
            return
        self.boundaries += 1
        name = self.steps[step] if 0 <= step < len(self.steps) else "-"
        print(f"BOUNDARY {self.boundaries} {name} {phase}", flush=True)
        if self.pause:
            sys.stdin.readline()  # the harness answers, or kills


def _open(args: argparse.Namespace, store: FlowStore) -> tuple[FlowEngine, list[Any]]:
    work = Path(args.dir)
    disp = create_dispenser("card_dispenser", CardDispenserSettings(
        url=args.dispenser, protocol="crt591", counters_path="", **FAST))
    pad = create_pinpad("pinpad", PinPadSettings(url=args.pinpad))
    disp.start().result(timeout=15)
    pad.start().result(timeout=15)
    journal = Journal(work / "journal.sqlite", kiosk_id=KIOSK)
    writer = JournalWriter(journal)

    def journal_event(flow_id: str, kind: str, detail: str) -> None:
        # As the kiosk's runtime does: the flow's events are in the journal too.
        writer.append(kind, {"flow": flow_id, "detail": detail}).result(timeout=10)

    personal: Mapping[str, Any] = {"id_number": args.id_number or "", "id_name": args.name or ""}
    engine = FlowEngine(store, {card_issuance.FLOW: card_issuance.DEFINITION},
                        resources={"devices": {"card_dispenser": disp, "pinpad": pad},
                                   "runtime": Runtime(journal, writer),
                                   "services": {"bank": HttpBankHost(args.bank, KIOSK)},
                                   "personal": dict(personal)},
                        on_event=journal_event)
    return engine, [writer, disp, pad, store]


def _close(parts: list[Any]) -> None:
    for part in parts:
        try:
            part.close()
        except Exception:  # closing after the work is done: report, never mask the result
            traceback.print_exc()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.power_cut_kiosk")
    p.add_argument("mode", choices=("run", "recover"))
    p.add_argument("--dir", required=True)
    p.add_argument("--bank", required=True)
    p.add_argument("--dispenser", required=True)
    p.add_argument("--pinpad", required=True)
    p.add_argument("--id-number", default="")
    p.add_argument("--name", default="")
    p.add_argument("--pause", action="store_true", help="wait for a stdin line per boundary")
    args = p.parse_args(argv)
    steps = tuple(s.name for s in card_issuance.DEFINITION.steps)
    store: FlowStore = (AnnouncingStore(Path(args.dir) / "flows.sqlite", steps, args.pause)
                        if args.mode == "run" else FlowStore(Path(args.dir) / "flows.sqlite"))
    engine, parts = _open(args, store)
    try:
        if args.mode == "run":
            fid = engine.start(card_issuance.FLOW, FLOW_DATA)
            print(f"FLOW {fid}", flush=True)
            engine.run(fid)
            print(f"COMPLETED {fid}", flush=True)
            return 0
        try:
            results: list[tuple[str, FlowStatus]] = engine.recover()
        except Exception as exc:
            print(f"RECOVER-ERROR {type(exc).__name__}: {exc}", flush=True)
            traceback.print_exc()
            return 1
        for fid, status in results:
            print(f"RECOVERED {fid} {status}", flush=True)
        return 0
    finally:
        _close(parts)


if __name__ == "__main__":
    sys.exit(main())
