"""Fixtures: the real simulated dispenser and printer (sim:// URLs), a flow store."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from customer_flows import card_issuance
from devices.card_dispenser.driver import create as create_dispenser
from devices.card_dispenser.settings import CardDispenserSettings
from devices.printer.driver import create as create_printer
from devices.printer.settings import PrinterSettings
from kiosk_core.flows import FlowEngine, FlowStore
from kiosk_core.journal import Journal
from kiosk_core.journal_writer import JournalWriter

#: Quick time-outs: the simulators answer at once.
FAST = {"ack_timeout_ms": 200, "reply_timeout_ms": 1000, "poll_interval_s": 0.02}


@pytest.fixture
def dispenser(closing: Callable[[Any], Any]) -> Callable[..., Any]:
    def make(query: str = "take=0.2", protocol: str = "crt591", **kw: Any) -> Any:
        url = "sim://card-dispenser" + (f"?{query}" if query else "")
        dev = closing(create_dispenser("card_dispenser",
                                       CardDispenserSettings(url=url, protocol=protocol,
                                                             **{**FAST, **kw})))
        dev.start().result(timeout=10)
        return dev

    return make


@pytest.fixture
def printer(tmp_path: Path, closing: Callable[[Any], Any]) -> Callable[..., Any]:
    def make(query: str = "") -> Any:
        url = f"sim://printer?out={tmp_path / 'paper'}" + (f"&{query}" if query else "")
        dev = closing(create_printer("printer", PrinterSettings(url=url, status_poll_s=0,
                                                                 timeout_s=5),
                                     data_dir=tmp_path))
        dev.start().result(timeout=10)
        return dev

    return make


class Runtime:
    """What the flow steps look for in ``resources["runtime"]``: the journal's writer."""

    def __init__(self, journal: Journal, writer: JournalWriter) -> None:
        self.journal = journal
        self.journal_writer = writer


@pytest.fixture
def engine(tmp_path: Path, closing: Callable[[Any], Any]) -> Callable[..., FlowEngine]:
    def make(**devices: Any) -> FlowEngine:
        store = closing(FlowStore(tmp_path / "flows.sqlite"))
        journal = closing(Journal(tmp_path / "journal.sqlite", kiosk_id="KIOSK-TEST"))
        writer = closing(JournalWriter(journal, close_journal=False))  # closed first
        return FlowEngine(store, {card_issuance.FLOW: card_issuance.DEFINITION},
                          resources={"devices": devices, "runtime": Runtime(journal, writer)})

    return make


def journal_of(engine: FlowEngine) -> list[tuple[str, dict[str, Any]]]:
    runtime = engine.resources["runtime"]
    runtime.journal_writer.flush()
    journal = runtime.journal
    return [(r.kind, r.data) for r in journal.records()]
