"""The call queue and its routing rules — pure: no I/O, no clock (``now`` is passed in).

Order. Every waiting call has a priority *bonus* in seconds of waiting (needing help, a card
flow in progress, time already spent at the kiosk). Its score is ``waiting_s + bonus``; since
every waiting call's ``waiting_s`` grows at the same rate, ordering by score is ordering by
``enqueued_at - bonus`` — a key that never changes while the call waits. So the queue is one
sorted list, updated by bisection, not re-sorted as time passes. Calls put back at the head
(their teller was lost, or they were transferred) come before all others, oldest first.

Eligibility. A teller can take a call when the call's language is one of the teller's and its
skill one of theirs (an empty list in a teller's token means "any"); a call transferred to a
named teller is for that teller only. A call whose kiosk is momentarily gone keeps its place
but cannot be answered.

Positions. Two calls compete when some signed-in teller could take both. A call's position
is 1 + the calls ahead of it that compete with it. Calls fall into a handful of classes
(language, skill, named teller), so one pass over the queue with a counter per class gives
every position: O(calls × classes).

Estimated wait. ``(position - free tellers) × mean handle time / staffed tellers`` with the
mean over the last :data:`HANDLE_WINDOW` handle times (:data:`DEFAULT_HANDLE_S` before any).
"""

from __future__ import annotations

import bisect
import itertools
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from video_teller.protocol import CallState, Presence, Skill

#: Priority bonuses, in seconds of waiting they are worth.
NEEDS_HELP_BONUS_S = 300.0
CARD_FLOW_BONUS_S = 180.0  # a card half issued: the customer is mid-transaction
OTHER_FLOW_BONUS_S = 60.0
IN_KIOSK_WEIGHT = 0.25  # per second already spent at the machine…
IN_KIOSK_CAP_S = 1200.0  # …counted up to 20 minutes
HANDLE_WINDOW = 50
DEFAULT_HANDLE_S = 180.0


class RoutingError(Exception):
    """A request the queue refuses; ``code`` is sent to the client as ``error.code``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass
class Call:
    call_id: str
    kiosk_id: str
    language: str
    skill: Skill = Skill.GENERAL
    needs_help: bool = False
    flow: str | None = None
    step: str | None = None
    in_kiosk_s: float = 0.0
    reason: str = ""
    enqueued_at: float = 0.0  # when it first joined; kept through requeues and restarts
    head_at: float | None = None  # set when put back at the head of the queue
    to_teller: str | None = None  # transferred to this teller only
    state: CallState = CallState.WAITING
    teller_id: str | None = None
    kiosk_online: bool = True
    answered_at: float | None = None
    connected_at: float | None = None
    seq: int = 0  # tie-break, assigned by the queue

    @property
    def bonus_s(self) -> float:
        bonus = NEEDS_HELP_BONUS_S if self.needs_help else 0.0
        if self.flow:
            bonus += CARD_FLOW_BONUS_S if self.flow == "card_issuance" else OTHER_FLOW_BONUS_S
        return bonus + IN_KIOSK_WEIGHT * min(max(self.in_kiosk_s, 0.0), IN_KIOSK_CAP_S)

    def priority(self, now: float) -> float:
        return max(0.0, now - self.enqueued_at) + self.bonus_s

    def sort_key(self) -> tuple[int, float, int]:
        if self.head_at is not None:
            return (0, self.head_at, self.seq)
        return (1, self.enqueued_at - self.bonus_s, self.seq)

    @property
    def klass(self) -> tuple[str, Skill, str | None]:
        return (self.language, self.skill, self.to_teller)


@dataclass
class Teller:
    teller_id: str
    name: str = ""
    languages: tuple[str, ...] = ()
    skills: tuple[Skill, ...] = ()
    presence: Presence = Presence.AWAY
    call_id: str | None = None
    since: float = 0.0  # when the presence last changed

    def can_take(self, language: str, skill: Skill, to_teller: str | None) -> bool:
        if to_teller is not None and to_teller != self.teller_id:
            return False
        return ((not self.languages or language in self.languages)
                and (not self.skills or skill in self.skills))

    def eligible(self, call: Call) -> bool:
        return self.can_take(call.language, call.skill, call.to_teller)


@dataclass(frozen=True)
class Position:
    position: int
    estimated_wait_s: float
    tellers_available: int
    tellers_online: int


@dataclass(frozen=True)
class Ended:
    call: Call
    handle_s: float | None  # the teller's time on it, when a teller had answered


@dataclass
class Queue:
    """Waiting and active calls, signed-in tellers and recent handle times."""

    calls: dict[str, Call] = field(default_factory=dict)
    tellers: dict[str, Teller] = field(default_factory=dict)
    handle_times: deque[float] = field(default_factory=lambda: deque(maxlen=HANDLE_WINDOW))
    _by_kiosk: dict[str, str] = field(default_factory=dict)  # kiosk_id → its open call
    _order: list[tuple[tuple[int, float, int], str]] = field(default_factory=list)
    _seq: Iterator[int] = field(default_factory=itertools.count)

    # -- the waiting line -------------------------------------------------------------

    def _insert(self, call: Call) -> None:
        call.seq = next(self._seq)
        bisect.insort(self._order, (call.sort_key(), call.call_id))

    def _remove(self, call: Call) -> None:
        entry = (call.sort_key(), call.call_id)
        i = bisect.bisect_left(self._order, entry)
        if i < len(self._order) and self._order[i] == entry:
            del self._order[i]

    def waiting(self) -> Iterator[Call]:
        """Waiting calls, first to be served first."""
        for _, call_id in self._order:
            yield self.calls[call_id]

    @property
    def waiting_count(self) -> int:
        return len(self._order)

    def get(self, call_id: str) -> Call:
        call = self.calls.get(call_id)
        if call is None:
            raise RoutingError("unknown_call", f"no call {call_id}")
        return call

    def call_of_kiosk(self, kiosk_id: str) -> Call | None:
        call_id = self._by_kiosk.get(kiosk_id)
        return self.calls[call_id] if call_id is not None else None

    def enqueue(self, call: Call) -> Call:
        """Add a new waiting call (or a reloaded one, keeping its enqueued_at/head_at)."""
        if call.call_id in self.calls:
            raise RoutingError("call_exists", f"call {call.call_id} is already queued")
        other = self.call_of_kiosk(call.kiosk_id)
        if other is not None:
            raise RoutingError(
                "already_in_call", f"kiosk {call.kiosk_id} already has call {other.call_id}")
        call.state = CallState.WAITING
        call.teller_id = None
        self.calls[call.call_id] = call
        self._by_kiosk[call.kiosk_id] = call.call_id
        self._insert(call)
        return call

    def set_kiosk_online(self, call_id: str, online: bool) -> Call:
        call = self.get(call_id)
        call.kiosk_online = online
        return call

    # -- tellers ----------------------------------------------------------------------

    def sign_in(self, teller: Teller) -> Teller:
        """A teller signs in (or back in on a new connection: their state is kept)."""
        known = self.tellers.get(teller.teller_id)
        if known is not None:
            known.name, known.languages, known.skills = (
                teller.name, teller.languages, teller.skills)
            return known
        self.tellers[teller.teller_id] = teller
        return teller

    def sign_out(self, teller_id: str, now: float) -> tuple[Ended | None, list[Call]]:
        """The teller is gone: their call goes back to the head of the queue (with their
        handle time on it), and calls transferred to them are opened to everyone with the
        skill. Returns both."""
        teller = self.tellers.get(teller_id)
        if teller is None:
            return None, []
        requeued = None
        if teller.call_id is not None and teller.call_id in self.calls:
            requeued = self._back_to_head(self.calls[teller.call_id], now)
        del self.tellers[teller_id]
        unpinned = [c for c in self.waiting() if c.to_teller == teller_id]
        for call in unpinned:
            self._remove(call)
            call.to_teller = None
            self._insert(call)
        return requeued, unpinned

    def teller(self, teller_id: str) -> Teller:
        teller = self.tellers.get(teller_id)
        if teller is None:
            raise RoutingError("unknown_teller", f"teller {teller_id} is not signed in")
        return teller

    def set_presence(self, teller_id: str, presence: Presence, now: float) -> Teller:
        teller = self.teller(teller_id)
        if presence is Presence.BUSY:
            raise RoutingError("presence_busy", "busy is set by the hub while a call is up")
        if teller.call_id is not None:
            raise RoutingError("in_call", f"end call {teller.call_id} first")
        if teller.presence is not presence:
            teller.presence = presence
            teller.since = now
        return teller

    # -- answering, ending, requeueing, transfer --------------------------------------

    def pick(self, teller_id: str) -> Call | None:
        """The routing decision: the first waiting call this teller can take."""
        teller = self.teller(teller_id)
        for call in self.waiting():
            if call.kiosk_online and teller.eligible(call):
                return call
        return None

    def answer(self, teller_id: str, call_id: str | None, now: float) -> Call:
        teller = self.teller(teller_id)
        if teller.call_id is not None:
            raise RoutingError("in_call", f"already on call {teller.call_id}")
        if call_id is None:
            call = self.pick(teller_id)
            if call is None:
                raise RoutingError("queue_empty", "no waiting call you can take")
        else:
            call = self.get(call_id)
            if call.state is not CallState.WAITING:
                raise RoutingError("not_waiting", f"call {call_id} is {call.state.value}")
            if not teller.eligible(call):
                raise RoutingError(
                    "not_eligible", f"call {call_id} needs {call.language}/{call.skill.value}"
                    + (f" and teller {call.to_teller}" if call.to_teller else ""))
            if not call.kiosk_online:
                raise RoutingError("kiosk_away", f"the kiosk of call {call_id} is reconnecting")
        self._remove(call)
        call.state = CallState.OFFERED
        call.teller_id = teller_id
        call.answered_at = now
        call.connected_at = None
        call.head_at = None
        call.to_teller = None
        teller.call_id = call.call_id
        teller.presence = Presence.BUSY
        teller.since = now
        return call

    def mark_connected(self, call_id: str, now: float) -> bool:
        """The teller's answer reached the kiosk; False if it already was connected."""
        call = self.get(call_id)
        if call.state is CallState.CONNECTED:
            return False
        if call.state is not CallState.OFFERED:
            raise RoutingError("not_in_call", f"call {call_id} is {call.state.value}")
        call.state = CallState.CONNECTED
        call.connected_at = now
        return True

    def _release_teller(self, call: Call, now: float) -> float | None:
        """Free the call's teller into wrap-up; their handle time on it (None if none)."""
        if call.teller_id is None:
            return None
        handle = max(0.0, now - call.answered_at) if call.answered_at is not None else None
        teller = self.tellers.get(call.teller_id)
        if teller is not None and teller.call_id == call.call_id:
            teller.call_id = None
            teller.presence = Presence.WRAP_UP
            teller.since = now
        if handle is not None:
            self.handle_times.append(handle)
        call.teller_id = None
        call.answered_at = call.connected_at = None
        return handle

    def end(self, call_id: str, now: float) -> Ended:
        call = self.get(call_id)
        if call.state is CallState.WAITING:
            self._remove(call)
        handle = self._release_teller(call, now)
        call.state = CallState.ENDED
        del self.calls[call_id]
        del self._by_kiosk[call.kiosk_id]
        return Ended(call, handle)

    def _back_to_head(self, call: Call, now: float) -> Ended:
        handle = None
        if call.state is CallState.WAITING:
            self._remove(call)
        else:
            handle = self._release_teller(call, now)
        call.state = CallState.WAITING
        call.head_at = now
        self._insert(call)
        return Ended(call, handle)

    def requeue(self, call_id: str, now: float) -> Ended:
        """The call's teller was lost: back at the head of the queue."""
        return self._back_to_head(self.get(call_id), now)

    def transfer(self, call_id: str, by_teller: str, now: float, *,
                 to_teller: str | None = None, to_skill: Skill | None = None) -> Ended:
        """Hand the call on; it waits at the head (for ``to_teller`` only, if named)."""
        call = self.get(call_id)
        if call.teller_id != by_teller:
            raise RoutingError("not_your_call", f"call {call_id} is not yours")
        if to_teller is None and to_skill is None:
            raise RoutingError("bad_transfer", "name a teller or a skill to transfer to")
        if to_teller == by_teller:
            raise RoutingError("bad_transfer", "cannot transfer a call to yourself")
        skill = to_skill or call.skill
        if to_teller is not None:
            target = self.teller(to_teller)
            if not target.can_take(call.language, skill, None):
                raise RoutingError(
                    "not_eligible", f"teller {to_teller} does not take {call.language}/{skill}")
        handle = self._release_teller(call, now)
        call.skill = skill
        call.to_teller = to_teller
        call.state = CallState.WAITING
        call.head_at = now
        self._insert(call)
        return Ended(call, handle)

    def finish_wrap_up(self, teller_id: str, now: float) -> bool:
        """Wrap-up time is over: available again (False if they have moved on)."""
        teller = self.tellers.get(teller_id)
        if teller is None or teller.presence is not Presence.WRAP_UP:
            return False
        teller.presence = Presence.AVAILABLE
        teller.since = now
        return True

    # -- what waiting customers and tellers are told ----------------------------------

    @property
    def mean_handle_s(self) -> float:
        if not self.handle_times:
            return DEFAULT_HANDLE_S
        return sum(self.handle_times) / len(self.handle_times)

    def positions(self) -> dict[str, Position]:
        """Every waiting call's position and estimated wait (one pass, see module doc)."""
        tellers = list(self.tellers.values())
        classes: dict[tuple[str, Skill, str | None], int] = {}
        for call in self.waiting():
            classes.setdefault(call.klass, 0)
        # Bitmask of the signed-in tellers who could take each class, and of those free.
        online: dict[tuple[str, Skill, str | None], int] = {}
        for klass in classes:
            mask = 0
            for i, t in enumerate(tellers):
                if t.can_take(*klass):
                    mask |= 1 << i
            online[klass] = mask
        staffed_bits = sum(1 << i for i, t in enumerate(tellers) if t.presence is not Presence.AWAY)
        free_bits = sum(1 << i for i, t in enumerate(tellers)
                        if t.presence is Presence.AVAILABLE and t.call_id is None)
        rivals = {k: [j for j in classes if j == k or online[j] & online[k]] for k in classes}
        mean = self.mean_handle_s
        out: dict[str, Position] = {}
        for call in self.waiting():
            k = call.klass
            ahead = sum(classes[j] for j in rivals[k])
            classes[k] += 1
            pos = ahead + 1
            mask = online[k]
            n_online = mask.bit_count()
            n_free = (mask & free_bits).bit_count()
            n_staffed = (mask & staffed_bits).bit_count()
            # Nobody free: the staffed tellers clear the line ahead at one call per mean.
            wait = 0.0 if pos <= n_free else (pos - n_free) * mean / max(n_staffed, 1)
            out[call.call_id] = Position(pos, round(wait), n_free, n_online)
        return out

    def eligible_ids(self, teller_id: str, calls: Iterable[Call]) -> list[bool]:
        teller = self.teller(teller_id)
        return [teller.eligible(c) for c in calls]
