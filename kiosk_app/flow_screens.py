"""The flow walks of ``kiosk screens``: every step of every flow, through the real app on
simulated devices, taps like a finger's.

The shell and call screens are rendered in-process (kiosk_ui.screens). Each flow's walk lives
with that flow's tests (tests/flows/<flow>/screens.py and friends: the same walk is what the
page and touch-target tests run), so it needs the source checkout; each runs as its own
process (a fresh app, its own simulators and stores). From an installed copy without
``tests/`` the walks are skipped with a message — a kiosk has no use for its own screenshots.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TESTS = REPO / "tests"


@dataclass(frozen=True)
class Walk:
    name: str
    module: str  # run as ``python -m module`` from tests/
    style: str  # how it takes languages and modes: "csv" | "card" | "langs"


WALKS = (
    Walk("check-in", "flows.checkin.screens", "csv"),
    Walk("walk-in ticket", "flows.walkin.screens", "csv"),
    Walk("debit card", "flows.card_issuance.make_screens", "card"),
    Walk("camera faults", "camera.make_fault_screens", "langs"),  # normal mode only
)

#: kiosk screens' mode names → the walks' (the check-in walk calls normal "").
_CSV_MODE = {"normal": "", "large": "large", "contrast": "contrast"}


def available() -> bool:
    return (TESTS / "flows" / "checkin" / "screens.py").is_file()


def argv_for(walk: Walk, out: Path, languages: list[str], modes: list[str]) -> list[str] | None:
    """The walk's command line, or None when it has nothing in the modes asked for."""
    out = out.resolve()
    base = [sys.executable, "-m", walk.module, str(out)]
    if walk.style == "csv":
        return [*base, ",".join(languages), ",".join(_CSV_MODE[m] for m in modes)]
    if walk.style == "card":
        return [*base, *languages, f"--modes={','.join(modes)}"]
    return [*base, *languages] if "normal" in modes else None


def run_walks(out: Path, languages: list[str], modes: list[str]) -> list[str]:
    """Run every walk; the names of those that failed (each one's output passes through)."""
    failed = []
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    for walk in WALKS:
        argv = argv_for(walk, out, languages, modes)
        if argv is None:
            continue
        print(f"# {walk.name}", flush=True)
        if subprocess.run(argv, cwd=TESTS, env=env).returncode != 0:
            failed.append(walk.name)
    return failed
