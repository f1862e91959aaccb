"""The queue's rules, pure (no hub, no clock): order, eligibility, positions, transfer."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from video_teller.hub.routing import (
    DEFAULT_HANDLE_S,
    NEEDS_HELP_BONUS_S,
    Call,
    Queue,
    RoutingError,
    Teller,
)
from video_teller.protocol import CallState, Presence, Skill

LANGS = ("zh_CN", "en_US")


def call(i: int, *, at: float = 0.0, **kw: object) -> Call:
    kw.setdefault("language", "en_US")
    return Call(call_id=f"c{i}", kiosk_id=f"k{i}", enqueued_at=at, **kw)  # type: ignore[arg-type]


def teller(tid: str, presence: Presence = Presence.AVAILABLE, **kw: object) -> Teller:
    return Teller(teller_id=tid, presence=presence, **kw)  # type: ignore[arg-type]


def ids(q: Queue) -> list[str]:
    return [c.call_id for c in q.waiting()]


def test_priority_order_needs_help_card_flow_time_at_kiosk_then_waiting() -> None:
    q = Queue()
    q.enqueue(call(0, at=0))
    q.enqueue(call(1, at=10, in_kiosk_s=600))  # 150 s of bonus: ahead of c0
    q.enqueue(call(2, at=20, flow="card_issuance"))  # 180 s
    q.enqueue(call(3, at=30, needs_help=True))  # 300 s
    q.enqueue(call(4, at=5))
    assert ids(q) == ["c3", "c2", "c1", "c0", "c4"]
    assert q.calls["c3"].priority(now=40) == pytest.approx(10 + NEEDS_HELP_BONUS_S)


def test_a_long_wait_overtakes_a_bonus() -> None:
    q = Queue()
    q.enqueue(call(0, at=0))
    q.enqueue(call(1, at=400, needs_help=True))  # 300 s of help is less than 400 s waited
    assert ids(q) == ["c0", "c1"]


def test_eligibility_by_language_skill_and_named_teller() -> None:
    q = Queue()
    q.sign_in(teller("zh", languages=("zh_CN",)))
    q.sign_in(teller("cards", skills=(Skill.CARD_ISSUANCE,)))
    q.enqueue(call(0, language="en_US", skill=Skill.GENERAL))
    q.enqueue(call(1, language="zh_CN", skill=Skill.CARD_ISSUANCE))
    assert q.pick("zh").call_id == "c1"  # type: ignore[union-attr]
    assert q.pick("cards").call_id == "c1"  # type: ignore[union-attr]
    with pytest.raises(RoutingError) as err:
        q.answer("cards", "c0", now=1)
    assert err.value.code == "not_eligible"
    q.calls["c1"].kiosk_online = False  # its kiosk is reconnecting: keeps place, not picked
    assert q.pick("zh") is None
    assert q.positions()["c1"].position == 1


def test_positions_count_only_competing_calls() -> None:
    q = Queue()
    q.sign_in(teller("en", languages=("en_US",)))
    q.sign_in(teller("zh", languages=("zh_CN",)))
    for i in range(6):
        q.enqueue(call(i, at=i, language=LANGS[i % 2]))
    pos = q.positions()
    # Separate teller pools: each language has its own line.
    assert [pos[f"c{i}"].position for i in range(6)] == [1, 1, 2, 2, 3, 3]
    q.sign_in(teller("both", languages=LANGS))  # now the pools overlap: one line
    pos = q.positions()
    assert [pos[f"c{i}"].position for i in range(6)] == [1, 2, 3, 4, 5, 6]
    assert pos["c0"].tellers_online == 2 and pos["c0"].tellers_available == 2


def test_estimated_wait_from_recent_handle_times() -> None:
    q = Queue()
    q.sign_in(teller("t1"))
    q.sign_in(teller("t2"))
    for i in range(5):
        q.enqueue(call(i, at=i))
    pos = q.positions()
    assert pos["c0"].estimated_wait_s == 0 and pos["c1"].estimated_wait_s == 0
    assert pos["c2"].estimated_wait_s == round(DEFAULT_HANDLE_S / 2)
    q.handle_times.extend([60.0, 120.0])
    assert q.positions()["c4"].estimated_wait_s == round(3 * 90 / 2)
    q.set_presence("t2", Presence.AWAY, now=1)  # one staffed teller left, free
    assert q.positions()["c4"].estimated_wait_s == (4 * 90)


def test_answer_end_wrap_up_and_handle_time() -> None:
    q = Queue()
    q.sign_in(teller("t1"))
    q.enqueue(call(0, at=0))
    c = q.answer("t1", None, now=10)
    assert c.state is CallState.OFFERED and q.tellers["t1"].presence is Presence.BUSY
    with pytest.raises(RoutingError, match="already on call"):
        q.answer("t1", None, now=11)
    assert q.mark_connected("c0", now=11) and not q.mark_connected("c0", now=12)
    ended = q.end("c0", now=70)
    assert ended.handle_s == 60 and list(q.handle_times) == [60]
    assert q.tellers["t1"].presence is Presence.WRAP_UP and "c0" not in q.calls
    assert q.finish_wrap_up("t1", now=80)
    assert q.tellers["t1"].presence is Presence.AVAILABLE


def test_teller_lost_puts_the_call_at_the_head() -> None:
    q = Queue()
    q.sign_in(teller("t1"))
    for i in range(3):
        q.enqueue(call(i, at=i))
    q.answer("t1", "c1", now=5)
    assert ids(q) == ["c0", "c2"]
    requeued, _ = q.sign_out("t1", now=6)
    assert requeued is not None and requeued.call.call_id == "c1" and requeued.handle_s == 1
    assert ids(q) == ["c1", "c0", "c2"] and q.positions()["c1"].position == 1


def test_transfer_to_skill_and_to_teller() -> None:
    q = Queue()
    q.sign_in(teller("a"))
    q.sign_in(teller("b", skills=(Skill.ACCOUNTS,)))
    q.sign_in(teller("c", skills=(Skill.ACCOUNTS,)))
    q.enqueue(call(0, at=0))
    q.enqueue(call(1, at=1, skill=Skill.ACCOUNTS))
    q.answer("a", "c0", now=2)
    with pytest.raises(RoutingError) as err:
        q.transfer("c0", "b", now=3, to_skill=Skill.ACCOUNTS)
    assert err.value.code == "not_your_call"
    with pytest.raises(RoutingError):
        q.transfer("c0", "a", now=3)
    q.transfer("c0", "a", now=3, to_skill=Skill.ACCOUNTS)
    assert ids(q) == ["c0", "c1"] and q.calls["c0"].skill is Skill.ACCOUNTS
    assert q.tellers["a"].presence is Presence.WRAP_UP
    q.answer("b", None, now=4)
    q.transfer("c0", "b", now=5, to_teller="c")
    assert q.pick("b").call_id == "c1"  # type: ignore[union-attr]  # c0 is for c only
    assert q.pick("c").call_id == "c0"  # type: ignore[union-attr]
    q.sign_out("c", now=6)  # the named teller left: the call is open to its skill again
    assert q.calls["c0"].to_teller is None and q.pick("b").call_id == "c0"  # type: ignore[union-attr]


def test_refusals_have_codes() -> None:
    q = Queue()
    q.sign_in(teller("t1"))
    q.enqueue(call(0))
    with pytest.raises(RoutingError) as err:
        q.enqueue(call(0))
    assert err.value.code == "call_exists"
    with pytest.raises(RoutingError) as err:
        q.enqueue(Call(call_id="other", kiosk_id="k0", language="en_US"))
    assert err.value.code == "already_in_call"
    with pytest.raises(RoutingError) as err:
        q.set_presence("t1", Presence.BUSY, now=0)
    assert err.value.code == "presence_busy"
    with pytest.raises(RoutingError) as err:
        q.answer("nobody", None, now=0)
    assert err.value.code == "unknown_teller"


calls_st = st.lists(
    st.tuples(st.floats(0, 1000), st.booleans(), st.sampled_from([None, "card_issuance", "x"]),
              st.floats(0, 3000), st.sampled_from(LANGS), st.sampled_from(list(Skill))),
    max_size=40)


@settings(max_examples=150, deadline=None)
@given(calls_st, st.lists(st.tuples(st.sets(st.sampled_from(LANGS)),
                                    st.sets(st.sampled_from(list(Skill)))), max_size=5))
def test_properties_of_order_and_positions(specs: list[tuple], tellers: list[tuple]) -> None:
    q = Queue()
    for i, (langs, skills) in enumerate(tellers):
        q.sign_in(teller(f"t{i}", languages=tuple(langs), skills=tuple(skills)))
    for i, (at, help_, flow, in_kiosk, lang, skill) in enumerate(specs):
        q.enqueue(call(i, at=at, needs_help=help_, flow=flow, in_kiosk_s=in_kiosk,
                       language=lang, skill=skill))
    order = list(q.waiting())
    # The order is by score (waiting + bonus) at any instant, highest first.
    scores = [c.priority(now=5000) for c in order]
    assert all(a >= b - 1e-6 for a, b in itertools.pairwise(scores))
    pos = q.positions()
    assert set(pos) == {c.call_id for c in order}
    for n, c in enumerate(order):
        assert 1 <= pos[c.call_id].position <= n + 1
    # The first call of each class is at position 1 if no rival class is ahead of it.
    first = order[0] if order else None
    if first is not None:
        assert pos[first.call_id].position == 1
    # pick() never returns a call the teller cannot take, and returns the first it can.
    for tid, t in q.tellers.items():
        picked = q.pick(tid)
        can = [c for c in order if t.eligible(c)]
        assert picked is (can[0] if can else None)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["add", "answer", "end", "requeue", "transfer"]), max_size=60))
def test_queue_stays_consistent_under_any_sequence(ops: list[str]) -> None:
    q = Queue()
    for tid in ("t0", "t1", "t2"):
        q.sign_in(teller(tid))
    n = 0
    for step, op in enumerate(ops):
        now = float(step)
        busy = [t for t in q.tellers.values() if t.call_id]
        free = [t for t in q.tellers.values() if not t.call_id]
        if op == "add":
            q.enqueue(call(n, at=now))
            n += 1
        elif op == "answer" and free and q.waiting_count:
            q.answer(free[0].teller_id, None, now)
        elif op == "end" and busy:
            q.end(busy[0].call_id, now)  # type: ignore[arg-type]
        elif op == "requeue" and busy:
            q.requeue(busy[0].call_id, now)  # type: ignore[arg-type]
        elif op == "transfer" and busy:
            q.transfer(busy[0].call_id, busy[0].teller_id, now,  # type: ignore[arg-type]
                       to_skill=Skill.ACCOUNTS)
        waiting = list(q.waiting())
        assert len(waiting) == len({c.call_id for c in waiting})
        assert all(c.state is CallState.WAITING and c.teller_id is None for c in waiting)
        active = [c for c in q.calls.values() if c.state is not CallState.WAITING]
        assert len(waiting) + len(active) == len(q.calls)
        assert {c.teller_id for c in active} == {t.call_id and t.teller_id
                                                  for t in q.tellers.values() if t.call_id}
        assert sorted(p.position for p in q.positions().values()) == list(
            range(1, len(waiting) + 1))
