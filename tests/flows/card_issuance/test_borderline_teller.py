"""A borderline identity check goes to a video teller, not to a refusal (issue 16 item 4).

The real pieces: the identity check on the simulated camera (its match threshold set so
the genuine customer lands just above it, or far above it), the card session, the kiosk's
TellerCall on a core loop, a real call hub on 127.0.0.1 and a Python aiortc teller
(video_teller.teller_peer), the teller actions of customer_flows.teller_actions.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import pytest
from daytime import ZONE
from ui.conftest import find

from customer_flows.borderline_teller import REASON, STEP
from customer_flows.card_session import CardIssuanceSession
from customer_flows.teller_actions import CurrentFlow, KioskTellerActions
from kiosk_core.core_loop import CoreLoop
from kiosk_core.failures import Failure
from kiosk_core.journal import prepare
from video_teller.api import CallPhase
from video_teller.channel import ActionName
from video_teller.hub.server import HubConfig
from video_teller.hub.service import HubThread
from video_teller.hub.tokens import issue
from video_teller.kiosk.call import TellerCall
from video_teller.settings import HubSettings
from video_teller.teller_peer import TellerPeer

from .test_pages import app_for, open_card_flow, tap  # noqa: F401  (app_for: a fixture)
from .test_session import make_session, wait_for
from .ui_helpers import demo_config, texts

T = TypeVar("T")
KEY = b"0123456789abcdef0123456789abcdef"
KIOSK_ID = "KIOSK-TEST-01"
KIOSK = {"branch": "Demo Branch", "kiosk_id": KIOSK_ID, "timezone": "Asia/Shanghai"}
#: The genuine customer's face distance is well above this, so the check fails on the
#: face match; within ``BAND`` of it (borderline), or not within ``NARROW``.
THRESHOLD = 0.05
BAND = 0.49
NARROW = 0.01
#: Personal data that must never reach the journal's routing records.
PERSONAL = ("COLLINS", "EILEEN", "D23145890")


class NoCallbacks:
    """The branch's callback diary, at the machine's edge: no times today."""

    def slots(self, language: str) -> list[str]:
        return []

    def book(self, **_: Any) -> str:
        raise AssertionError("no callback is offered")


@pytest.fixture
def core() -> Iterator[CoreLoop]:
    loop = CoreLoop("test-core").start()
    yield loop
    loop.loop.call_soon_threadsafe(loop.loop.stop)


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[HubThread]:
    thread = HubThread(HubConfig(db=tmp_path / "hub.sqlite", key=KEY, kiosk_grace_s=20.0,
                                 wrap_up_s=0.0, snapshot_interval_s=0.02)).start()
    yield thread
    thread.stop()


class Kiosk:
    """A card session, the teller actions and a TellerCall wired as kiosk_app wires them."""

    def __init__(self, session: CardIssuanceSession, journal: list[tuple[str, dict[str, Any]]],
                 call: TellerCall | None, core: CoreLoop) -> None:
        self.session, self.journal, self.call, self.core = session, journal, call, core
        self.peers: list[TellerPeer] = []

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 20.0) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.core.loop).result(timeout)

    def records(self, kind: str) -> list[dict[str, Any]]:
        return [d for k, d in self.journal if k == kind]

    def teller(self, sub: str = "T-1") -> TellerPeer:
        assert self.call is not None
        url = self.call.settings.url
        peer = self.run(_teller(url, token("teller", sub, name="Teller One",
                                           languages=["en_US", "zh_CN"],
                                           skills=["general", "card_issuance"])))
        self.peers.append(peer)
        return peer


async def _teller(url: str, tok: str) -> TellerPeer:
    peer = TellerPeer(url, tok)
    await peer.start()
    await peer.set_presence()
    return peer


def token(role: str, sub: str, **kw: Any) -> str:
    return issue(KEY, role=role, sub=sub, ttl_s=3600, **kw)


@pytest.fixture
def make_kiosk(tmp_path: Path, pool: ThreadPoolExecutor, engine: Any, camera: Any,
               dispenser: Any, hub: HubThread, core: CoreLoop) -> Iterator[Callable[..., Kiosk]]:
    made: list[Kiosk] = []

    def make(*, band: float = BAND, teller: bool = True, wait_s: float = 30.0,
             hub_url: str | None = None, **identity: Any) -> Kiosk:
        devices = {"camera": camera, "card_dispenser": dispenser()}
        session, journal = make_session(tmp_path, pool, engine, devices,
                                        **{"match_threshold": THRESHOLD,
                                           "teller_band": band, **identity})
        current = CurrentFlow()
        current.set("card_issuance", session)
        actions = KioskTellerActions(current=current, devices=devices, kiosk=KIOSK,
                                     teller_band=band)

        def record(kind: str, data: dict[str, Any]) -> None:
            prepare(kind, data)  # what the runtime's journal writer checks: raises the same
            journal.append((kind, data))

        session.journal = record
        call = None
        if teller:
            settings = HubSettings(url=hub_url or hub.ws_url, ice_servers=[],
                                   ice_addresses=["127.0.0.1"], consent_required=False,
                                   record=False, answer_timeout_s=60.0, reconnect_s=20.0)
            secrets = tmp_path / "secrets"
            secrets.mkdir(exist_ok=True, mode=0o700)
            (secrets / settings.token_file).write_text(token("kiosk", KIOSK_ID) + "\n")

            call = TellerCall(settings, kiosk_id=KIOSK_ID, camera=camera, loop=core.loop,
                              journal=record, actions=actions, booker=NoCallbacks(),
                              secrets_dir=secrets, data_dir=tmp_path,
                              timezone=ZONE)  # mid-morning: within teller_hours (daytime.py)
            call.hub_connect_s = 1.5
        session.teller_call = call  # as session_for wires runtime.services["teller_call"]
        session.teller_wait_s = wait_s
        kiosk = Kiosk(session, journal, call, core)
        made.append(kiosk)
        return kiosk

    yield make
    for kiosk in made:
        kiosk.session.close()
        for peer in kiosk.peers:
            kiosk.run(peer.close())
        if kiosk.call is not None:
            kiosk.run(kiosk.call.aclose())


def until(pred: Callable[[], Any], timeout: float = 15.0, what: str = "") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = pred()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"not within {timeout:g} s: {what or pred}")


def checked(kiosk: Kiosk) -> str:
    """Run the identity check to its end; the state it ends in."""
    kiosk.session.accept()
    return wait_for(kiosk.session, "identity_borderline", "identity_failed", "identity_passed",
                    timeout=90)


def assert_no_personal_data(records: list[dict[str, Any]]) -> None:
    text = repr(records)
    assert not any(p in text for p in PERSONAL), text


@pytest.mark.slow
@pytest.mark.parametrize("decision", ["approve", "decline"])
def test_a_borderline_match_goes_to_a_teller_who_decides(
        make_kiosk: Callable[..., Kiosk], decision: str) -> None:
    kiosk = make_kiosk()
    teller = kiosk.teller()
    assert checked(kiosk) == "identity_borderline"
    snap = kiosk.session.snapshot()
    assert snap.reason == Failure.NO_MATCH and not snap.can_retry
    # Journalled: the check went to a teller, with distance and threshold, nothing personal.
    routed = kiosk.records("identity.teller_routed")
    assert len(routed) == 1 and routed[0]["reason"] == Failure.NO_MATCH
    assert THRESHOLD < routed[0]["distance"] <= THRESHOLD + BAND
    assert routed[0]["threshold"] == THRESHOLD and routed[0]["band"] == BAND
    assert_no_personal_data(routed)
    # The kiosk called by itself: the hub queues the call with the reason the console shows.
    call = kiosk.call
    assert call is not None
    until(lambda: call.view.phase == CallPhase.WAITING, what="queued")
    request = kiosk.records("teller.request")[0]
    assert request["flow"] == "card_issuance" and request["step"] == STEP
    snapshot = until(lambda: teller.snapshot if teller.snapshot and teller.snapshot.calls
                     else None, what="the teller sees the call")
    queued = snapshot.calls[0]
    assert queued.reason == REASON and queued.needs_help
    kiosk.run(teller.answer())
    until(lambda: call.view.phase == CallPhase.IN_CALL, 20, "in call")
    until(lambda: teller.contexts, 5, "context")
    ctx = teller.contexts[-1]
    assert ctx.state == "identity_borderline" and ActionName.IDENTITY_APPROVE in ctx.allowed
    assert ctx.liveness == "borderline"
    assert ctx.face_distance == routed[0]["distance"]
    # Waiting past the session's own wait changes nothing once the teller is there.
    if decision == "approve":
        assert kiosk.run(teller.action(ActionName.IDENTITY_APPROVE)).ok
        until(lambda: kiosk.session.state == "identity_passed", 5, "approved")
        assert kiosk.session._personal.get("id_number")  # the MRZ facts go to the bank
    else:
        assert kiosk.run(teller.action(ActionName.IDENTITY_DECLINE)).ok
        until(lambda: kiosk.session.state == "failed", 5, "declined")
        assert kiosk.session.snapshot().reason == Failure.TELLER_DECLINED
    assert kiosk.records("identity.teller_unreachable") == []


@pytest.mark.slow
def test_no_answer_in_time_is_the_usual_refusal_and_nothing_is_lost(
        make_kiosk: Callable[..., Kiosk]) -> None:
    kiosk = make_kiosk(wait_s=3.0)
    kiosk.teller()  # online, but does not answer
    assert checked(kiosk) == "identity_borderline"
    call = kiosk.call
    assert call is not None
    until(lambda: call.view.phase == CallPhase.WAITING, what="queued")
    started = time.monotonic()
    until(lambda: kiosk.session.state == "identity_failed", 10, "refused after the wait")
    assert time.monotonic() - started < 4.0
    snap = kiosk.session.snapshot()
    # The refusal with its help: the customer's retry is kept, the screen says why.
    assert snap.reason == Failure.NO_MATCH and snap.can_retry and snap.teller_unreachable
    gone = kiosk.records("identity.teller_unreachable")
    assert [r["why"] for r in gone] == ["timeout"]
    assert_no_personal_data(gone)
    until(lambda: call.view.phase == CallPhase.IDLE, 5, "the call withdrawn")
    # Nothing lost: a teller the customer calls now may still approve the check.
    assert kiosk.session._pending_personal
    kiosk.session.retry_identity()
    assert kiosk.session.state == "identity"
    assert not kiosk.session.snapshot().teller_unreachable


@pytest.mark.slow
@pytest.mark.parametrize("how", ["not_configured", "hub_down"])
def test_no_video_teller_is_the_usual_refusal(make_kiosk: Callable[..., Kiosk],
                                              how: str) -> None:
    kiosk = make_kiosk(teller=how != "not_configured",
                       hub_url="ws://127.0.0.1:9/hub" if how == "hub_down" else None)
    state = checked(kiosk)
    if how == "hub_down":
        assert state == "identity_borderline"
        until(lambda: kiosk.session.state == "identity_failed", 10, "refused")
    assert kiosk.session.state == "identity_failed"
    snap = kiosk.session.snapshot()
    assert snap.reason == Failure.NO_MATCH and snap.can_retry
    assert snap.teller_unreachable == (how == "hub_down")
    why = [r["why"] for r in kiosk.records("identity.teller_unreachable")]
    assert why == ["not_configured" if how == "not_configured" else "unavailable"]
    assert len(kiosk.records("identity.teller_routed")) == (how == "hub_down")


@pytest.mark.slow
def test_a_distance_outside_the_band_is_a_plain_refusal(
        make_kiosk: Callable[..., Kiosk]) -> None:
    kiosk = make_kiosk(band=NARROW)
    assert checked(kiosk) == "identity_failed"
    checked_record = kiosk.records("identity.checked")[0]
    assert checked_record["distance"] > THRESHOLD + NARROW
    assert kiosk.records("identity.teller_routed") == []
    assert kiosk.records("identity.teller_unreachable") == []
    assert kiosk.records("teller.request") == []
    assert kiosk.call is not None and kiosk.call.view.phase == CallPhase.IDLE
    assert not kiosk.session.snapshot().teller_unreachable


def test_a_liveness_spoof_never_goes_to_a_teller(make_kiosk: Callable[..., Kiosk]) -> None:
    """fail_not_live is a detected spoof: however close the face, no teller may see it
    through (the band is as wide as it can be, the call service is up)."""
    kiosk = make_kiosk()
    session = kiosk.session
    session._identity_result = {"passed": False, "reason": str(Failure.NOT_LIVE),
                                "distance": THRESHOLD + 0.01, "threshold": THRESHOLD,
                                "mrz_valid": True, "liveness": "failed"}
    assert session._borderline_call() is None
    # ... whereas the same near miss on the face match would have gone to one.
    session._identity_result = {**session._identity_result, "reason": str(Failure.NO_MATCH)}
    assert session._borderline_call() is not None
    session._stop_teller()
    assert [k for k, _ in kiosk.journal] == ["identity.teller_routed"]


# -- the screens: the page waits, the call screens come when the call needs the customer --


BORDERLINE = {"passed": False, "reason": str(Failure.NO_MATCH), "distance": 0.53,
              "threshold": 0.5, "mrz_valid": True, "name_confirmed": True, "liveness": None}


def _borderline_on_screen(qtbot: Any, app: Any, api: Any) -> Any:
    """The card page's session, its check just failed borderline (the facts staged as the
    identity check leaves them), with ``api`` as the kiosk's call."""
    app.shell.teller.attach_call(api)
    session = app.shell.flowModel.session
    session.teller_call = api
    session._identity_id = "identity-staged"
    session._identity_result = dict(BORDERLINE)
    session._pending_personal = {"id_number": "D0000000", "id_name": "X Y", "birth_date": ""}
    session._identity_failed(str(Failure.NO_MATCH), str(Failure.NO_MATCH))
    return session


def test_the_page_says_staff_will_check_and_the_call_screens_follow(
        qtbot: Any, app_for: Any, tmp_path: Path) -> None:  # noqa: F811
    from kiosk_ui.screens import ScriptedCall
    from video_teller.api import CallView

    app = app_for(demo_config(tmp_path, camera="scene=empty"))
    flow = open_card_flow(qtbot, app, "en_US")
    api = ScriptedCall(consent_required=False)
    session = _borderline_on_screen(qtbot, app, api)
    assert session.state == "identity_borderline"
    assert api.calls == [("request", {"language": "en_US", "screen": REASON,
                                      "flow": "card_issuance"})]
    # While the call waits, the page says plainly what happens (and voice guidance says it).
    qtbot.waitUntil(lambda: find(app, "cardIdentityTeller") is not None)
    assert "A member of staff will check your ID with you on video." in texts(app)
    page = find(app, "cardIssuancePage")
    assert page is not None and "Please wait." in str(page.property("guidance"))
    assert find(app, "callTellerOverlay") is None and app.shell.teller.state == "idle"
    # The teller answers: the call screens open by themselves (the customer pressed nothing).
    api.show(CallView(phase=CallPhase.CONNECTING, call_id="K-1", language="en_US"))
    qtbot.waitUntil(lambda: find(app, "callTellerOverlay") is not None)
    api.show(CallView(phase=CallPhase.IN_CALL, call_id="K-1", language="en_US",
                      teller_name="Li Na"))
    qtbot.waitUntil(lambda: find(app, "callScreen_in_call") is not None)
    assert session.teller_approve_identity()  # what the teller's identity.approve does
    api.show(CallView(phase=CallPhase.TELLER_ENDED, call_id="K-1", language="en_US"))
    qtbot.waitUntil(lambda: find(app, "endedBack") is not None)
    tap(qtbot, app, "endedBack")  # back to self-service: on with the card
    qtbot.waitUntil(lambda: find(app, "callTellerOverlay") is None)
    qtbot.waitUntil(lambda: flow.state == "identity_passed")
    assert "Identity confirmed" in texts(app)


def test_consent_is_asked_on_the_call_screen_and_a_no_is_the_usual_refusal(
        qtbot: Any, app_for: Any, tmp_path: Path) -> None:  # noqa: F811
    from kiosk_ui.screens import ScriptedCall

    app = app_for(demo_config(tmp_path, camera="scene=empty"))
    flow = open_card_flow(qtbot, app, "zh_CN")
    session = _borderline_on_screen(qtbot, app, ScriptedCall(consent_required=True))
    qtbot.waitUntil(lambda: find(app, "callScreen_consent") is not None)
    assert app.shell.teller.state == "requesting"
    tap(qtbot, app, "consentNo")
    qtbot.waitUntil(lambda: find(app, "callTellerOverlay") is None)
    qtbot.waitUntil(lambda: flow.state == "identity_failed")
    assert flow.tellerUnreachable and session.snapshot().can_retry
    assert "暂时无法通过视频联系到工作人员。" in texts(app)
