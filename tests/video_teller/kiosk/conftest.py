"""Fixtures: a real call hub on loopback (video_teller.hub.service.HubThread), the
simulated camera, a kiosk TellerCall on the test's loop and Python tellers."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from daytime import ZONE

from devices.camera.driver import Camera, create
from devices.camera.settings import CameraSettings
from kiosk_core.journal import prepare
from video_teller.api import ActionOutcome, CallPhase
from video_teller.hub.server import HubConfig
from video_teller.hub.service import HubThread
from video_teller.hub.tokens import issue
from video_teller.kiosk.call import TellerCall
from video_teller.settings import HubSettings
from video_teller.teller_peer import TellerPeer

KIOSK_ID = "K-TEST-1"
KEY = b"0123456789abcdef0123456789abcdef"


class Actions:
    """The kiosk's flows as a teller may drive them, in miniature: printing is allowed,
    approving an identity check only while one is borderline."""

    def __init__(self) -> None:
        self.state = "menu"
        self.id_image: str | None = None
        self.done: list[tuple[str, dict[str, Any], str]] = []

    def context(self) -> dict[str, Any]:
        allowed = ["print", "handback", "document.sign"]
        if self.state == "identity_borderline":
            allowed.append("identity.approve")
        return {"flow": None if self.state == "menu" else "card_issuance", "step": None,
                "state": self.state, "language": "en_US", "allowed": allowed,
                "id_image": self.id_image}

    def perform(self, name: str, args: dict[str, Any], *, teller_id: str) -> ActionOutcome:
        if name == "document.complete":  # the customer signed: the flows keep the evidence
            self.done.append((name, args, teller_id))
            return ActionOutcome(True, data={"record_id": "E-1", "document_sha256": "ab" * 32})
        if name not in self.context()["allowed"]:
            return ActionOutcome(False, "not_allowed_now", "No identity check is waiting.")
        self.done.append((name, args, teller_id))
        if name == "identity.approve":
            self.state = "identity_approved"
        data: dict[str, Any] = {"pages": 1} if name == "print" else {}
        if name == "handback":
            data["notice"] = "Back to signing the terms."  # the flow's own words
        return ActionOutcome(True, message="Printed." if name == "print" else "", data=data)


class Booker:
    def __init__(self) -> None:
        self.booked: list[dict[str, Any]] = []

    def slots(self, language: str) -> list[str]:
        return ["2026-12-03T10:00", "2026-12-03T14:30"]

    def book(self, *, slot: str, language: str, kiosk_id: str, call_id: str,
             phone: str = "") -> str:
        self.booked.append({"slot": slot, "call_id": call_id, "phone": phone})
        return f"CB-{len(self.booked)}"


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[HubThread]:
    thread = HubThread(HubConfig(db=tmp_path / "hub.sqlite", key=KEY, kiosk_grace_s=20.0,
                                 wrap_up_s=0.0, snapshot_interval_s=0.02)).start()
    yield thread
    thread.stop()


@pytest.fixture
def camera() -> Iterator[Camera]:
    cam = create("camera", CameraSettings(url="sim://camera?scene=customer", fps=15))
    cam.start().result(timeout=30)
    yield cam
    cam.close()


def token(role: str, sub: str, ttl_s: float = 3600, **kw: Any) -> str:
    return issue(KEY, role=role, sub=sub, ttl_s=ttl_s, **kw)


class Kiosk:
    """A TellerCall and what it journalled."""

    def __init__(self, call: TellerCall, journal: list[tuple[str, dict[str, Any]]],
                 actions: Actions, booker: Booker, secrets: Path) -> None:
        self.call, self.journal, self.actions, self.booker = call, journal, actions, booker
        self.secrets = secrets
        self.phases: list[CallPhase] = []
        call.subscribe(lambda v: self.phases.append(v.phase)
                       if not self.phases or self.phases[-1] != v.phase else None)

    def kinds(self) -> list[str]:
        return [k for k, _ in self.journal]

    def records(self, kind: str) -> list[dict[str, Any]]:
        return [d for k, d in self.journal if k == kind]


@pytest.fixture
async def make_kiosk(tmp_path: Path, camera: Camera, hub: HubThread
                     ) -> AsyncIterator[Callable[..., Kiosk]]:
    made: list[TellerCall] = []

    def make(**overrides: Any) -> Kiosk:
        settings = HubSettings(**{
            "url": hub.ws_url, "ice_servers": [], "ice_addresses": ["127.0.0.1"],
            "consent_required": True, "record": False, "answer_timeout_s": 30.0,
            "reconnect_s": 20.0, **overrides})
        secrets = tmp_path / "secrets"
        secrets.mkdir(exist_ok=True, mode=0o700)
        (secrets / settings.token_file).write_text(token("kiosk", KIOSK_ID) + "\n")
        journal: list[tuple[str, dict[str, Any]]] = []
        actions, booker = Actions(), Booker()

        def record(kind: str, data: dict[str, Any]) -> None:
            prepare(kind, data)  # what the runtime's journal writer checks: raises the same
            journal.append((kind, data))

        call = TellerCall(settings, kiosk_id=KIOSK_ID, camera=camera,
                          loop=asyncio.get_running_loop(),
                          journal=record, actions=actions,
                          booker=booker, secrets_dir=secrets, data_dir=tmp_path,
                          timezone=ZONE)
        made.append(call)
        return Kiosk(call, journal, actions, booker, secrets)

    yield make
    for call in made:
        await call.aclose()


@pytest.fixture
async def make_teller(hub: HubThread) -> AsyncIterator[Callable[..., Awaitable[TellerPeer]]]:
    made: list[TellerPeer] = []

    async def make(sub: str = "T-1", available: bool = True) -> TellerPeer:
        teller = TellerPeer(hub.ws_url, token("teller", sub, name="Teller One",
                                              languages=["en_US", "zh_CN"],
                                              skills=["general", "card_issuance", "accounts"]))
        made.append(teller)
        await teller.start()
        if available:
            await teller.set_presence()
        return teller

    yield make
    for teller in made:
        await teller.close()


async def until(pred: Callable[[], Any], timeout: float = 10.0,
                what: str | Callable[[], str] = "") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = pred()
        if value:
            return value
        await asyncio.sleep(0.02)
    raise AssertionError(f"not within {timeout:g} s: {what() if callable(what) else what or pred}")

