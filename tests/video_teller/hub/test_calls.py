"""Calls through a real hub: two kiosks and one teller, relay, ending, wrap-up, transfer,
a teller or a kiosk dropping mid-call."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import time
from collections.abc import Callable

import pytest

from video_teller import protocol as p
from video_teller.hub.service import HubThread

from .conftest import Client, kiosk, kiosk_token, request, teller, teller_token


def audit(hub: HubThread, call_id: str | None = None) -> list[str]:
    return [e["kind"] for e in hub.run(lambda h: h.store.events(call_id))]


async def test_two_kiosks_one_teller(hub: HubThread) -> None:
    k1, k2 = await kiosk(hub, "k1"), await kiosk(hub, "k2")
    t = await teller(hub, "t1")
    assert (await request(k1, "c1")).position == 1
    pos2 = await request(k2, "c2")
    assert pos2.position == 2 and pos2.tellers_online == 1 and pos2.tellers_available == 1
    snap = await t.expect(p.QueueSnapshot, lambda s: len(s.calls) == 2)
    assert [c.call_id for c in snap.calls] == ["c1", "c2"] and snap.total_calls == 2
    assert all(c.eligible for c in snap.calls)

    await t.send(p.AnswerCall())
    assigned = await t.expect(p.Assigned)
    assert assigned.call_id == "c1" and assigned.kiosk_id == "k1"
    connected = await k1.expect(p.Connected)
    assert connected.teller_id == "t1" and connected.teller_name == "T1"
    moved = await k2.expect(p.QueuePosition, lambda m: m.position == 1)
    assert moved.tellers_available == 0

    # Signalling goes only between the two parties of the call.
    await k1.send(p.Offer(call_id="c1", sdp="v=0 offer"))
    assert (await t.expect(p.Offer)).sdp == "v=0 offer"
    await t.send(p.Answer(call_id="c1", sdp="v=0 answer"))
    assert (await k1.expect(p.Answer)).sdp == "v=0 answer"
    await t.send(p.Candidate(call_id="c1", candidate=None))
    assert (await k1.expect(p.Candidate)).candidate is None
    await k2.send(p.Offer(call_id="c1", sdp="intruder"))
    err = await k2.expect(p.Error)
    assert err.code == "not_your_call"

    await t.send(p.End(call_id="c1", reason=p.EndReason.TELLER))
    ended = await k1.expect(p.Ended)
    assert ended.reason is p.EndReason.TELLER and ended.by == "t1"
    await t.expect(p.QueueSnapshot, lambda s: s.presence is p.Presence.WRAP_UP)
    await t.expect(p.QueueSnapshot, lambda s: s.presence is p.Presence.AVAILABLE)
    await t.send(p.AnswerCall())
    assert (await t.expect(p.Assigned)).call_id == "c2"
    await k2.expect(p.Connected)
    await k2.send(p.End(call_id="c2", reason=p.EndReason.CUSTOMER))
    assert (await t.expect(p.Ended)).reason is p.EndReason.CUSTOMER
    for c in (k1, k2, t):
        await c.close()
    kinds = audit(hub, "c1")
    assert kinds == ["call.requested", "call.answered", "call.connected", "call.ended"]
    assert hub.run(lambda h: h.store.recent_handle_times(10)) != []


async def test_teller_lost_mid_call_puts_the_call_back_at_the_head(hub: HubThread) -> None:
    k1, k2 = await kiosk(hub, "k1"), await kiosk(hub, "k2")
    t1 = await teller(hub, "t1")
    await request(k1, "c1")
    await request(k2, "c2")
    await t1.send(p.AnswerCall(call_id="c1"))
    await k1.expect(p.Connected)
    await k2.expect(p.QueuePosition, lambda m: m.position == 1)
    await t1.close()  # the teller's browser is gone
    requeued = await k1.expect(p.Requeued)
    assert requeued.reason == "teller_lost"
    pos = await k1.expect(p.QueuePosition)
    assert pos.position == 1 and pos.tellers_online == 0
    assert (await k2.expect(p.QueuePosition)).position == 2
    t2 = await teller(hub, "t2")
    await t2.send(p.AnswerCall())
    assert (await t2.expect(p.Assigned)).call_id == "c1"
    for c in (k1, k2, t2):
        await c.close()
    assert "call.requeued" in audit(hub, "c1")


async def test_kiosk_lost_mid_call_teller_told_after_grace(hub: HubThread) -> None:
    k1 = await kiosk(hub, "k1")
    t = await teller(hub, "t1")
    await request(k1, "c1")
    await t.send(p.AnswerCall())
    await k1.expect(p.Connected)
    await k1.close()
    await t.quiet(p.Ended, 0.6)  # within the grace (1 s) nothing is decided
    ended = await t.expect(p.Ended, timeout=3)
    assert ended.reason is p.EndReason.KIOSK_LOST
    await t.expect(p.QueueSnapshot, lambda s: s.presence is p.Presence.WRAP_UP)
    await t.close()
    assert audit(hub, "c1")[-2:] == ["kiosk.lost", "call.ended"]


async def test_kiosk_resumes_within_grace(hub: HubThread) -> None:
    k1 = await kiosk(hub, "k1")
    t = await teller(hub, "t1")
    await request(k1, "c1")
    await t.send(p.AnswerCall())
    await k1.expect(p.Connected)
    await k1.close()
    await asyncio.sleep(0.3)
    back = await kiosk(hub, "k1", resume_call="c1")
    again = await back.expect(p.Connected)  # rebuild the peer connection and offer again
    assert again.teller_id == "t1"
    await back.send(p.Offer(call_id="c1", sdp="again", attempt=1))
    assert (await t.expect(p.Offer)).attempt == 1
    await t.quiet(p.Ended, 1.2)
    for c in (back, t):
        await c.close()
    assert "kiosk.returned" in audit(hub, "c1")


async def test_waiting_kiosk_lost_is_ended_after_grace(hub: HubThread) -> None:
    k1, k2 = await kiosk(hub, "k1"), await kiosk(hub, "k2")
    await request(k1, "c1")
    await request(k2, "c2")
    await k1.close()
    # k1 keeps its place through the grace, then is ended: k2 moves up.
    await k2.quiet(p.QueuePosition, 0.6)
    assert (await k2.expect(p.QueuePosition, timeout=3)).position == 1
    late = await kiosk(hub, "k1", resume_call="c1")
    ended = await late.expect(p.Ended)
    assert ended.reason is p.EndReason.KIOSK_LOST
    for c in (k2, late):
        await c.close()


async def test_same_call_request_after_reconnect_keeps_the_place(hub: HubThread) -> None:
    ks = [await kiosk(hub, f"k{i}") for i in range(3)]
    for i, k in enumerate(ks):
        assert (await request(k, f"c{i}")).position == i + 1
    await ks[0].close()
    ks[0] = await kiosk(hub, "k0")
    assert (await request(ks[0], "c0")).position == 1
    with pytest.raises(TimeoutError):
        await ks[1].expect(p.QueuePosition, lambda m: m.position != 2, timeout=0.3)
    for k in ks:
        await k.close()


async def test_transfer_to_skill_and_to_a_named_teller(hub: HubThread) -> None:
    k1 = await kiosk(hub, "k1")
    general = await teller(hub, "tg", skills=("general",))
    cards = await teller(hub, "tc", skills=("card_issuance",))
    other = await teller(hub, "to", skills=("card_issuance",))
    await request(k1, "c1", skill=p.Skill.GENERAL)
    snap = await cards.expect(p.QueueSnapshot, lambda s: len(s.calls) == 1)
    assert not snap.calls[0].eligible
    await cards.send(p.AnswerCall(call_id="c1"))
    assert (await cards.expect(p.Error)).code == "not_eligible"

    await general.send(p.AnswerCall())
    await general.expect(p.Assigned)
    await k1.expect(p.Connected)
    await general.send(p.Transfer(call_id="c1", to_skill=p.Skill.CARD_ISSUANCE))
    req = await k1.expect(p.Requeued)
    assert req.reason == "transfer" and req.skill is p.Skill.CARD_ISSUANCE
    assert (await k1.expect(p.QueuePosition)).position == 1
    await general.expect(p.QueueSnapshot, lambda s: s.presence is p.Presence.WRAP_UP)

    await cards.send(p.AnswerCall())
    assert (await cards.expect(p.Assigned)).skill is p.Skill.CARD_ISSUANCE
    await k1.expect(p.Connected, lambda m: m.teller_id == "tc")
    await cards.send(p.Transfer(call_id="c1", to_teller="nobody"))
    assert (await cards.expect(p.Error)).code == "unknown_teller"
    await cards.send(p.Transfer(call_id="c1", to_teller="to"))
    await k1.expect(p.Requeued)
    # Only the named teller may take it now.
    await general.expect(p.QueueSnapshot, lambda s: s.presence is p.Presence.AVAILABLE)
    await general.send(p.AnswerCall())
    assert (await general.expect(p.Error)).code == "queue_empty"
    snap = await other.expect(p.QueueSnapshot, lambda s: bool(s.calls) and s.calls[0].eligible)
    await other.send(p.AnswerCall(call_id="c1"))
    assert (await other.expect(p.Assigned)).call_id == "c1"
    await k1.expect(p.Connected, lambda m: m.teller_id == "to")
    for c in (k1, general, cards, other):
        await c.close()
    kinds = audit(hub, "c1")
    assert kinds.count("call.transferred") == 2 and kinds.count("call.answered") == 3


async def test_presence_rules(hub: HubThread) -> None:
    t = await teller(hub, "t1", available=False)
    snap = await t.expect(p.QueueSnapshot)
    assert snap.presence is p.Presence.AWAY
    await t.send(p.SetPresence(state=p.Presence.BUSY))
    assert (await t.expect(p.Error)).code == "presence_busy"
    k = await kiosk(hub, "k1")
    pos = await request(k, "c1")
    assert pos.tellers_online == 1 and pos.tellers_available == 0
    await t.send(p.SetPresence(state=p.Presence.AVAILABLE))
    assert (await k.expect(p.QueuePosition)).tellers_available == 1
    await t.send(p.AnswerCall())
    await t.expect(p.Assigned)
    await t.send(p.SetPresence(state=p.Presence.AWAY))
    assert (await t.expect(p.Error)).code == "in_call"
    for c in (k, t):
        await c.close()


async def test_estimated_wait_uses_recent_handle_times(hub: HubThread) -> None:
    t = await teller(hub, "t1")
    k0 = await kiosk(hub, "k0")
    await request(k0, "c0")
    await t.send(p.AnswerCall())
    await k0.expect(p.Connected)
    await asyncio.sleep(0.4)
    await t.send(p.End(call_id="c0", reason=p.EndReason.TELLER))
    await k0.expect(p.Ended)
    ks: list[Client] = [await kiosk(hub, f"k{i}") for i in (1, 2, 3)]
    await t.expect(p.QueueSnapshot, lambda s: s.presence is p.Presence.AVAILABLE)
    for i, k in zip((1, 2, 3), ks, strict=True):
        await request(k, f"c{i}")
    await t.send(p.AnswerCall())
    await ks[0].expect(p.Connected)
    # One teller, busy; the mean handle time is ~0.4 s: position n waits ~n × 0.4 s.
    pos = await ks[2].expect(p.QueuePosition, lambda m: m.position == 2)
    assert 0 < pos.estimated_wait_s <= 2
    for c in (k0, *ks, t):
        await c.close()


async def test_turn_credentials_in_welcome_connected_and_assigned(
        start_hub: Callable[..., HubThread]) -> None:
    hub = start_hub(turn_urls=("turn:127.0.0.1:3478",), turn_secret=b"shared", turn_ttl_s=300)
    k = await Client.connect(hub.ws_url, kiosk_token("k1"))
    welcome = await k.expect(p.Welcome)
    t = await teller(hub, "t1")
    await request(k, "c1")
    await t.send(p.AnswerCall())
    assigned = await t.expect(p.Assigned)
    connected = await k.expect(p.Connected)
    for servers, user in ((welcome.ice_servers, "k1"), (connected.ice_servers, "k1"),
                          (assigned.ice_servers, "t1")):
        [server] = servers
        expiry, name = (server.username or "").split(":")
        assert server.urls == ["turn:127.0.0.1:3478"] and name == user
        assert 290 <= int(expiry) - time.time() <= 300
        digest = hmac.new(b"shared", (server.username or "").encode(), hashlib.sha1).digest()
        assert server.credential == base64.b64encode(digest).decode()
    # A teller whose browser reconnects mid-call is told the call again.
    t2 = await Client.connect(hub.ws_url, teller_token("t1"))
    again = await t2.expect(p.Assigned)
    assert again.call_id == "c1"
    assert await t.closed() == p.CLOSE_REPLACED
    await k.send(p.Offer(call_id="c1", sdp="to the new connection"))
    assert (await t2.expect(p.Offer)).sdp == "to the new connection"
    for c in (k, t2):
        await c.close()
