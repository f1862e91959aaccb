"""A whole shift: 50 simulated kiosks and 10 tellers speaking the protocol over real
WebSockets. Calls are answered, signalling relayed (dummy SDP), ended or transferred,
wrap-up respected, some customers give up, one teller's browser dies mid-call — and every
call is accounted for in the audit table."""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from video_teller import protocol as p
from video_teller.hub.service import HubThread

from .conftest import kiosk, teller

KIOSKS = 50
TELLERS = 10
CALLS_PER_KIOSK = 2
LANGS = ("zh_CN", "en_US")
ALL_SKILLS = tuple(s.value for s in p.Skill)
# Every (language, skill) is covered; the pools overlap the way a real rota does.
Rota = tuple[tuple[str, ...], tuple[str, ...]]
ROTA: list[Rota] = (
    list[Rota]([(LANGS, ALL_SKILLS)]) * 4
    + list[Rota]([(("zh_CN",), ("general", "accounts"))]) * 3
    + list[Rota]([(("en_US",), ("card_issuance", "general"))]) * 3)


@dataclass
class Tally:
    answered: int = 0
    transfers: int = 0
    teller_errors: list[str] = field(default_factory=list)
    outcomes: Counter[str] = field(default_factory=Counter)
    offers_relayed: int = 0
    answers_relayed: int = 0
    requeued: Counter[str] = field(default_factory=Counter)


async def run_teller(hub: HubThread, i: int, done: asyncio.Event, tally: Tally,
                     rng: random.Random) -> None:
    tid = f"t{i}"
    langs, skills = ROTA[i]
    c = await teller(hub, tid, languages=langs, skills=skills)
    current: str | None = None
    offered_at: float | None = None
    hold = 0.0
    pending = False  # an AnswerCall is out
    can_answer = False
    presence = p.Presence.AVAILABLE
    dropped = False
    calls = 0
    try:
        while not done.is_set():
            try:
                msg: p.Base | None = await c.next(timeout=0.05)
            except TimeoutError:
                msg = None
            if isinstance(msg, p.QueueSnapshot):
                presence = msg.presence
                can_answer = any(q.eligible for q in msg.calls)
            elif isinstance(msg, p.Assigned):
                pending, current, offered_at = False, msg.call_id, None
                tally.answered += 1
                calls += 1
            elif isinstance(msg, p.Error):
                pending = False
                if msg.code not in ("queue_empty", "not_waiting", "kiosk_away", "peer_away",
                                    "not_your_call", "not_in_call"):
                    tally.teller_errors.append(f"{tid}: {msg.code} {msg.message}")
            elif isinstance(msg, p.Offer) and msg.call_id == current:
                tally.offers_relayed += 1
                await c.send(p.Answer(call_id=msg.call_id, sdp=f"answer {msg.call_id}",
                                      attempt=msg.attempt))
                await c.send(p.Candidate(call_id=msg.call_id, candidate=None,
                                         attempt=msg.attempt))
                offered_at, hold = time.monotonic(), rng.uniform(0.05, 0.2)
            elif isinstance(msg, p.Ended) and msg.call_id == current:
                current = None
            if current is not None and offered_at is not None \
                    and time.monotonic() - offered_at >= hold:
                if i == 0 and calls == 2 and not dropped:  # the browser dies mid-call
                    dropped = True
                    await c.close()
                    c = await teller(hub, tid, languages=langs, skills=skills)
                    current = None
                    continue
                if rng.random() < 0.15:
                    await c.send(p.Transfer(call_id=current, to_skill=p.Skill.GENERAL))
                    tally.transfers += 1
                else:
                    await c.send(p.End(call_id=current, reason=p.EndReason.TELLER))
                current = None
            if (current is None and not pending and can_answer
                    and presence is p.Presence.AVAILABLE):
                await c.send(p.AnswerCall())
                pending, can_answer = True, False
    finally:
        await c.close()


async def run_kiosk(hub: HubThread, j: int, tally: Tally, rng: random.Random) -> None:
    kid = f"k{j:02d}"
    await asyncio.sleep(rng.uniform(0, 1.0))  # customers arrive over the shift
    c = await kiosk(hub, kid)
    try:
        for n in range(CALLS_PER_KIOSK):
            call_id = f"{kid}-{n}"
            give_up_after = 0.4 if rng.random() < 0.1 else None
            await c.send(p.CallRequest(
                call_id=call_id, language=rng.choice(LANGS), skill=rng.choice(list(p.Skill)),
                needs_help=rng.random() < 0.2, in_kiosk_s=rng.uniform(0, 600)))
            started = time.monotonic()
            connected = False
            attempt = 0
            deadline = started + 15
            while True:
                try:
                    msg = await c.next(timeout=0.05)
                except TimeoutError:
                    msg = None
                if time.monotonic() > deadline:
                    raise AssertionError(f"{call_id}: nobody answered in 15 s; {c.seen[-3:]}")
                if isinstance(msg, p.Connected) and msg.call_id == call_id:
                    connected = True
                    await c.send(p.Offer(call_id=call_id, sdp=f"offer {call_id}",
                                         attempt=attempt))
                    attempt += 1
                elif isinstance(msg, p.Answer) and msg.call_id == call_id:
                    tally.answers_relayed += 1
                elif isinstance(msg, p.Requeued) and msg.call_id == call_id:
                    connected = False
                    tally.requeued[msg.reason] += 1
                elif isinstance(msg, p.Ended) and msg.call_id == call_id:
                    tally.outcomes[msg.reason.value] += 1
                    break
                elif isinstance(msg, p.Error):
                    raise AssertionError(f"{call_id}: {msg}")
                if (give_up_after is not None and not connected
                        and time.monotonic() - started > give_up_after):
                    await c.send(p.End(call_id=call_id, reason=p.EndReason.NO_TELLER))
                    tally.outcomes["no_teller"] += 1
                    break
            await asyncio.sleep(rng.uniform(0, 0.2))
    finally:
        await c.close()


@pytest.mark.slow
async def test_fifty_kiosks_ten_tellers_whole_shift(
        start_hub: Callable[..., HubThread]) -> None:
    hub = start_hub(wrap_up_s=0.05, kiosk_grace_s=5.0)
    rng = random.Random(11)
    tally = Tally()
    done = asyncio.Event()
    tellers = [asyncio.create_task(run_teller(hub, i, done, tally, random.Random(i)))
               for i in range(TELLERS)]
    await asyncio.sleep(0.2)
    kiosks = [asyncio.create_task(run_kiosk(hub, j, tally, random.Random(rng.random())))
              for j in range(KIOSKS)]
    try:
        await asyncio.wait_for(asyncio.gather(*kiosks), 60)
    finally:
        done.set()
        await asyncio.gather(*tellers, return_exceptions=True)
    for t in tellers:
        assert t.exception() is None, t.exception()

    total = KIOSKS * CALLS_PER_KIOSK
    assert sum(tally.outcomes.values()) == total and not tally.teller_errors
    assert tally.outcomes["teller"] > total // 2 and tally.transfers >= 1
    assert tally.requeued["teller_lost"] == 1 and tally.requeued["transfer"] == tally.transfers
    assert tally.answers_relayed >= tally.outcomes["teller"]

    events = hub.run(lambda h: h.store.events())
    rows = hub.run(lambda h: h.store.call_rows())
    by_call: dict[str, list[str]] = {}
    for e in events:
        if e["call_id"]:
            by_call.setdefault(e["call_id"], []).append(e["kind"])
    assert len(by_call) == total and len(rows) == total
    for call_id, kinds in by_call.items():
        assert kinds[0] == "call.requested", (call_id, kinds)
        assert kinds.count("call.ended") == 1 and kinds[-1] == "call.ended", (call_id, kinds)
        # Each teller's leg is opened by an answer and closed by exactly one of: the end,
        # a transfer, the teller lost.
        open_leg = False
        for kind in kinds:
            if kind == "call.answered":
                assert not open_leg, (call_id, kinds)
                open_leg = True
            elif kind in ("call.transferred", "call.requeued", "call.ended"):
                assert open_leg or kind == "call.ended", (call_id, kinds)
                open_leg = False
    assert all(r["state"] == "ended" for r in rows)
    reasons = Counter(r["end_reason"] for r in rows)
    assert reasons == Counter({k: v for k, v in tally.outcomes.items() if v})
    answered = sum(k.count("call.answered") for k in by_call.values())
    assert answered == tally.answered
    assert hub.run(lambda h: h.queue.waiting_count) == 0
    handle_rows = hub.run(lambda h: h.store._db.execute(
        "SELECT count(*) FROM handle_times").fetchone()[0])
    # Every answered leg that ended, was transferred or lost its teller has a handle time.
    assert handle_rows == answered
