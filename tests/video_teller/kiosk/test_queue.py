"""Waiting, nobody answering, hours, a lost hub link and a lost teller."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from daytime import ZONE

from video_teller.api import CallPhase, NoTellerReason
from video_teller.hub.service import HubThread
from video_teller.kiosk.call import teller_hours_open
from video_teller.settings import HubSettings
from video_teller.teller_peer import TellerPeer

from .conftest import KIOSK_ID, Kiosk, token, until
from .test_call import _connect


async def test_no_answer_in_time_offers_a_callback_then_books_it(
        make_kiosk: Callable[..., Kiosk], make_teller: Callable[..., Awaitable[TellerPeer]],
        hub: HubThread) -> None:
    await make_teller()  # online, but never answers
    kiosk = make_kiosk(answer_timeout_s=1.0, consent_required=False)
    kiosk.call.request(language="zh_CN", screen="card_issuance", flow="card_issuance")
    await until(lambda: kiosk.call.view.position == 1, 5, "queued")
    await until(lambda: kiosk.call.view.phase == CallPhase.NO_TELLER, 5, "no teller")
    view = kiosk.call.view
    assert view.no_teller == NoTellerReason.TIMEOUT
    assert view.callback_slots == ("2026-12-03T10:00", "2026-12-03T14:30")
    await until(lambda: not hub.run(lambda h: h.queue.positions()), 3, "left the hub's queue")
    kiosk.call.book_callback("2026-12-03T14:30", phone="13800000000")
    await until(lambda: kiosk.call.view.phase == CallPhase.CALLBACK_BOOKED, 3)
    assert kiosk.call.view.callback_booked == "2026-12-03T14:30"
    assert view.call_id and view.call_id.startswith(KIOSK_ID)
    assert kiosk.booker.booked == [{"slot": "2026-12-03T14:30", "call_id": view.call_id,
                                    "phone": "13800000000"}]
    assert kiosk.records("teller.callback")[0]["reference"] == "CB-1"
    kiosk.call.dismiss()
    await until(lambda: kiosk.call.view.phase == CallPhase.IDLE, 3)


async def test_nobody_online_offers_a_callback_at_once(make_kiosk: Callable[..., Kiosk]
                                                       ) -> None:
    kiosk = make_kiosk(consent_required=False)
    kiosk.call.request(language="en_US", screen="menu")
    await until(lambda: kiosk.call.view.phase == CallPhase.NO_TELLER, 5)
    assert kiosk.call.view.no_teller == NoTellerReason.NOBODY_ONLINE


async def test_outside_hours_no_teller_is_contacted(make_kiosk: Callable[..., Kiosk],
                                                    hub: HubThread) -> None:
    # In the tests' zone it is 10:xx now (tests/daytime.py).
    kiosk = make_kiosk(teller_hours="14:00-20:00")
    kiosk.call.request(language="en_US", screen="menu")
    await until(lambda: kiosk.call.view.phase == CallPhase.NO_TELLER, 3)
    assert kiosk.call.view.no_teller == NoTellerReason.CLOSED
    assert kiosk.call.view.callback_slots
    assert hub.run(lambda h: dict(h.kiosks)) == {}  # never signed in
    assert CallPhase.CONSENT not in kiosk.phases  # nothing asked of the customer first


def test_teller_hours_and_days() -> None:
    s = HubSettings(teller_hours="08:00-20:00", teller_days=[1, 2, 3, 4, 5])
    at = lambda text: datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(ZONE))  # noqa: E731
    assert teller_hours_open(s, at("2026-12-02T08:00"))  # a Wednesday
    assert not teller_hours_open(s, at("2026-12-02T07:59"))
    assert not teller_hours_open(s, at("2026-12-02T20:00"))
    assert not teller_hours_open(s, at("2026-12-05T10:00"))  # Saturday
    night = HubSettings(teller_hours="22:00-06:00")
    assert teller_hours_open(night, at("2026-12-02T23:30"))
    assert teller_hours_open(night, at("2026-12-02T05:59"))
    assert not teller_hours_open(night, at("2026-12-02T12:00"))
    assert teller_hours_open(HubSettings(teller_hours="00:00-24:00"), at("2026-12-02T23:59"))


async def test_hub_unreachable_is_said_plainly(make_kiosk: Callable[..., Kiosk]) -> None:
    kiosk = make_kiosk(url="ws://127.0.0.1:9/ws", consent_required=False)
    kiosk.call.hub_connect_s = 1.0
    kiosk.call.request(language="en_US", screen="menu")
    await until(lambda: kiosk.call.view.phase == CallPhase.WAITING, 1)  # trying meanwhile
    await until(lambda: kiosk.call.view.phase == CallPhase.UNAVAILABLE, 5)
    assert kiosk.records("teller.unavailable")


async def test_refused_token_is_unavailable_not_retried(make_kiosk: Callable[..., Kiosk]
                                                        ) -> None:
    kiosk = make_kiosk(consent_required=False)
    (kiosk.secrets / "hub_kiosk.token").write_text("forged.token\n")
    kiosk.call.request(language="en_US", screen="menu")
    await until(lambda: kiosk.call.view.phase == CallPhase.UNAVAILABLE, 5)


async def test_hub_link_lost_while_waiting_keeps_the_place(
        make_kiosk: Callable[..., Kiosk], make_teller: Callable[..., Awaitable[TellerPeer]],
        hub: HubThread) -> None:
    await make_teller()
    kiosk = make_kiosk(consent_required=False)
    kiosk.call.request(language="en_US", screen="menu")
    await until(lambda: kiosk.call.view.position == 1, 5)
    call_id = next(iter(hub.run(lambda h: h.queue.positions())))
    hub.run(lambda h: h.kiosks[KIOSK_ID].close_soon(4000, "test: link dropped"))
    await until(lambda: kiosk.call._hub is not None and kiosk.call._hub.connects >= 2, 5,
                "reconnected")
    assert kiosk.call.view.phase == CallPhase.WAITING
    assert list(hub.run(lambda h: h.queue.positions())) == [call_id]


@pytest.mark.slow
async def test_teller_lost_mid_call_requeues_then_another_answers(
        make_kiosk: Callable[..., Kiosk], make_teller: Callable[..., Awaitable[TellerPeer]]
        ) -> None:
    kiosk = make_kiosk()
    first = await make_teller("T-1")
    second = await make_teller("T-2", available=False)  # signed in, away
    await _connect(kiosk, first)
    await first.hub.close()  # the teller's browser is gone
    await until(lambda: kiosk.call.view.phase == CallPhase.WAITING, 5,
                lambda: f"requeued: {kiosk.phases} {kiosk.call._leg} {kiosk.call._lock.locked()}")
    assert kiosk.records("teller.requeued")[0]["reason"] == "teller_lost"
    assert kiosk.call.local_video.latest() is not None  # still live while waiting
    await second.set_presence()
    await second.answer()
    await until(lambda: kiosk.call.view.phase == CallPhase.IN_CALL, 15, "second teller")
    await until(lambda: second.video_frames > 3, 5)
    assert [r["teller_id"] for r in kiosk.records("teller.answered")] == ["T-1", "T-2"]


async def test_expired_token_is_reread_and_the_place_kept(
        make_kiosk: Callable[..., Kiosk], make_teller: Callable[..., Awaitable[TellerPeer]],
        hub: HubThread) -> None:
    await make_teller()
    kiosk = make_kiosk(consent_required=False)
    token_file = kiosk.secrets / "hub_kiosk.token"
    token_file.write_text(token("kiosk", KIOSK_ID, ttl_s=1.5))
    kiosk.call.request(language="en_US", screen="menu")
    await until(lambda: kiosk.call.view.position == 1, 5)
    token_file.write_text(token("kiosk", KIOSK_ID))  # renewed by the technician's tool
    await until(lambda: kiosk.call._hub is not None and kiosk.call._hub.connects >= 2, 6,
                "signed in again after expiry")
    assert kiosk.call.view.phase == CallPhase.WAITING
    assert len(hub.run(lambda h: h.queue.positions())) == 1


@pytest.mark.slow
async def test_hub_restart_the_kiosk_comes_back_to_its_place(
        make_kiosk: Callable[..., Kiosk], hub: HubThread) -> None:
    kiosk = make_kiosk(consent_required=False)
    teller_token = token("teller", "T-9", languages=["en_US"], skills=["general"])
    teller = TellerPeer(hub.ws_url, teller_token)
    await teller.start()
    try:
        kiosk.call.request(language="en_US", screen="menu")
        await until(lambda: kiosk.call.view.position == 1, 5)
        call_id = next(iter(hub.run(lambda h: h.queue.positions())))
        bound = hub.bound
        assert bound is not None
        await asyncio.to_thread(hub.stop)
        again = HubThread(hub.config, f"127.0.0.1:{bound.port}").start()
        try:
            await until(lambda: kiosk.call._hub is not None and kiosk.call._hub.connects >= 2,
                        10, "kiosk back")
            await until(lambda: list(again.run(lambda h: h.queue.positions())) == [call_id], 5)
            assert kiosk.call.view.phase == CallPhase.WAITING
        finally:
            await kiosk.call.aclose()
            await asyncio.to_thread(again.stop)
    finally:
        await teller.close()
