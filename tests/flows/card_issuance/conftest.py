"""Fixtures: the real simulated dispenser and printer (sim:// URLs), a flow store."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from customer_flows import card_issuance
from devices.camera.driver import create as create_camera
from devices.camera.settings import CameraSettings
from devices.card_dispenser.driver import create as create_dispenser
from devices.card_dispenser.settings import CardDispenserSettings
from devices.printer.driver import create as create_printer
from devices.printer.settings import PrinterSettings
from kiosk_core.flows import FlowEngine, FlowStore
from kiosk_core.journal import Journal
from kiosk_core.journal_writer import JournalWriter

#: The kiosk the sandbox bank knows (seeded), and a customer it will serve.
KIOSK = "KIOSK-TEST-01"
CUSTOMER = {"id_number": "110101199003078515", "id_name": "ZHANG SAN"}
#: Six digits, not a simple run (the bank refuses 123456, 111111…).
PIN = "258013"

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
def bank(tmp_path: Path, closing: Callable[[Any], Any]) -> Any:
    """The sandbox bank on its own SQLite file (the file survives a kiosk "power cut")."""
    from bank_host.sandbox.bank import SandboxBank

    return closing(SandboxBank(tmp_path / "bank.sqlite"))


@pytest.fixture
def pinpad(bank: Any, closing: Callable[[Any], Any]) -> Callable[..., Any]:
    """A simulated EPP holding this kiosk's AES master key; the scripted customer types PIN."""
    from devices.pinpad.driver import create as create_pinpad
    from devices.pinpad.settings import PinPadSettings

    def make(query: str = f"pin={PIN}") -> Any:
        master = bank.enrol(KIOSK)["AES"].hex().upper()
        url = f"sim://pinpad?master={master}&master_alg=AES" + (f"&{query}" if query else "")
        dev = closing(create_pinpad("pinpad", PinPadSettings(url=url)))
        dev.start().result(timeout=10)
        return dev

    return make


class IssuanceEngine(FlowEngine):
    """The flow engine, with what the card session puts in every flow's data."""

    def start(self, flow_type: str, data: Any = None) -> str:
        defaults = {"kiosk_id": KIOSK, "pin_format": "iso4", "timezone": "Asia/Shanghai"}
        return super().start(flow_type, {**defaults, **(data or {})})


@pytest.fixture
def engine(tmp_path: Path, closing: Callable[[Any], Any], bank: Any,
           pinpad: Callable[..., Any]) -> Callable[..., FlowEngine]:
    def make(**devices: Any) -> FlowEngine:
        store = closing(FlowStore(tmp_path / "flows.sqlite"))
        journal = closing(Journal(tmp_path / "journal.sqlite", kiosk_id="KIOSK-TEST"))
        writer = closing(JournalWriter(journal, close_journal=False))  # closed first
        if "card_dispenser" in devices and "pinpad" not in devices:
            devices["pinpad"] = pinpad()
        return IssuanceEngine(store, {card_issuance.FLOW: card_issuance.DEFINITION},
                              resources={"devices": devices, "runtime": Runtime(journal, writer),
                                         "services": {"bank": bank.host(KIOSK)},
                                         "personal": dict(CUSTOMER)})

    return make


def journal_of(engine: FlowEngine) -> list[tuple[str, dict[str, Any]]]:
    runtime = engine.resources["runtime"]
    runtime.journal_writer.flush()
    journal = runtime.journal
    return [(r.kind, r.data) for r in journal.records()]


@pytest.fixture
def pool() -> Iterator[ThreadPoolExecutor]:
    with ThreadPoolExecutor(4, thread_name_prefix="test-flow") as ex:
        yield ex


@pytest.fixture
def camera(closing: Callable[[Any], Any]) -> Any:
    cam = closing(create_camera("camera", CameraSettings(url="sim://camera?scene=customer")))
    cam.start().result(timeout=30)
    return cam
