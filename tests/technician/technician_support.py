"""Helpers for the technician tests (a module of its own name: every test folder without
an __init__.py shares one ``conftest`` module name, so tests cannot import from theirs)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from kiosk_core.availability import Unavailable, device, needs, service, supply
from kiosk_core.runtime import KioskRuntime
from kiosk_core.status import SupplyState
from technician.auth import hash_pin

PIN = "246810"
#: Hashing costs ~50 ms: once per session.
PIN_HASH = hash_pin(PIN)


#: The customer functions the kiosk's menu declares (kiosk_ui's registry; Qt-free copy).
FUNCTIONS = {
    "card_issuance": needs(
        device("card_dispenser",
               supply("stacker", (SupplyState.EMPTY, SupplyState.MISSING), Unavailable.NO_CARDS),
               supply("bin", (SupplyState.FULL, SupplyState.MISSING), Unavailable.BIN_FULL)),
        device("camera"), device("pinpad"), service("bank", Unavailable.BANK_DOWN),
        optional=("printer",)),
    "appointment_checkin": needs(optional=("camera", "printer")),
    "walkin": needs(optional=("printer",)),
}


def records(runtime: KioskRuntime, kind: str) -> list[dict[str, Any]]:
    """The journal's records of one kind (after the writer flushed)."""
    assert runtime.journal_writer is not None and runtime.journal is not None
    runtime.journal_writer.flush()
    return [r.data for r in runtime.journal.records() if r.kind == kind]


def short_tmp() -> Path:
    """A folder whose path fits in an AF_UNIX socket address (108 bytes)."""
    return Path(tempfile.mkdtemp(dir="/tmp", prefix="sbt-"))
