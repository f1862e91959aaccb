"""The card dispenser's mechanism, for the simulator: stacker, channel, bin and a customer.

Protocol-free: a vendor simulator turns its command into an :class:`Op`, calls
:meth:`Mechanics.run` and encodes the :class:`Outcome` in its own bytes. Not
thread-safe on its own; the simulator holds a lock around it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from devices.card_dispenser.model import CardPosition, Op, Problem, Reading, StackerLevel

MOVES = frozenset({Op.DISPENSE, Op.TO_READ, Op.CAPTURE, Op.EJECT})
#: What a device answers before it has been initialised.
ALLOWED_BEFORE_INIT = frozenset({Op.INIT_KEEP, Op.INIT_GATE, Op.INIT_CAPTURE, Op.STATUS,
                                 Op.VERSION, Op.BIN_COUNT})


@dataclass(frozen=True)
class Outcome:
    problem: Problem | None
    reading: Reading
    data: bytes = b""


@dataclass
class Mechanics:
    cards: int = 50
    bin: int = 0
    bin_capacity: int = 100
    low_threshold: int = 5
    #: Seconds a customer takes to pull a presented card out; None: never.
    take_after: float | None = 0.5
    version: str = "SIM 1.0"
    position: CardPosition = CardPosition.NONE
    jammed: bool = False
    initialised: bool = False
    #: Counts down movements to the one that jams / is pulled by hand (0 = none armed).
    jam_in: int = 0
    pull_in: int = 0
    dispensed: int = 0
    retracted: int = 0
    taken: int = 0
    uid: bytes = b""
    _presented_at: float | None = None
    _next_uid: int = field(default=0x04A10000)

    # -- state ---------------------------------------------------------------------

    @property
    def stacker(self) -> StackerLevel:
        if self.cards <= 0:
            return StackerLevel.EMPTY
        return StackerLevel.LOW if self.cards <= self.low_threshold else StackerLevel.OK

    @property
    def bin_full(self) -> bool:
        return self.bin >= self.bin_capacity

    def reading(self) -> Reading:
        return Reading(self.position, self.stacker, self.bin_full)

    def tick(self, now: float) -> None:
        """The customer takes a presented card once ``take_after`` has passed."""
        if (self.position is CardPosition.GATE and self._presented_at is not None
                and self.take_after is not None and now - self._presented_at >= self.take_after):
            self.take(now)

    def take(self, now: float = 0.0) -> bool:
        """The customer pulls the card from the gate (a technician may force it)."""
        if self.position is not CardPosition.GATE:
            return False
        self.position = CardPosition.NONE
        self._presented_at = None
        self.taken += 1
        return True

    # -- commands ------------------------------------------------------------------

    def run(self, op: Op, now: float, *, feed: bool = True) -> Outcome:
        """Carry out ``op``. ``feed=False``: move only a card already in the channel."""
        problem, data = self._run(op, now, feed)
        return Outcome(problem, self.reading(), data)

    def _run(self, op: Op, now: float, feed: bool) -> tuple[Problem | None, bytes]:
        if not self.initialised and op not in ALLOWED_BEFORE_INIT:
            return Problem.NOT_INITIALISED, b""
        if op in (Op.INIT_KEEP, Op.INIT_GATE, Op.INIT_CAPTURE):
            return self._init(op, now), b""
        if op is Op.STATUS:
            return None, b""
        if op is Op.VERSION:
            return None, self.version.encode("ascii")
        if op is Op.BIN_COUNT:
            return None, str(self.bin).encode("ascii")
        if op is Op.READ_UID:
            if self.position is not CardPosition.READ:
                return Problem.SEQUENCE, b""
            return None, self.uid
        if self.jammed:
            return Problem.JAM, b""
        return self._move(op, now, feed), b""

    def _init(self, op: Op, now: float) -> Problem | None:
        self.initialised = True
        self.jammed = False  # initialising clears the channel's error state
        if self.position is CardPosition.NONE or op is Op.INIT_KEEP:
            return None
        if op is Op.INIT_GATE:
            self._present(now)
            return None
        if self.bin_full:
            return Problem.BIN_FULL
        self.bin += 1
        self.retracted += 1
        self.position = CardPosition.NONE
        return None

    def _move(self, op: Op, now: float, feed: bool) -> Problem | None:
        empty = self.position is CardPosition.NONE
        if op in (Op.DISPENSE, Op.TO_READ):
            if empty and not feed:
                return Problem.SEQUENCE
            if empty and self.cards <= 0:
                return Problem.STACKER_EMPTY
        elif empty:
            return Problem.SEQUENCE
        elif op is Op.CAPTURE and self.bin_full:
            return Problem.BIN_FULL
        if self._armed("jam_in"):
            if empty:
                self._feed()
            self.position = CardPosition.READ  # stuck inside the channel
            self.jammed = True
            return Problem.JAM
        if self._armed("pull_in"):
            if empty:
                self._feed()
            self.position = CardPosition.NONE  # pulled out by hand through the gate
            self._presented_at = None
            return Problem.MOVED_MANUALLY
        if op in (Op.DISPENSE, Op.TO_READ):
            if empty:
                self._feed()
            if op is Op.DISPENSE:
                self._present(now)
            else:
                self.position = CardPosition.READ
                self._presented_at = None
        elif op is Op.CAPTURE:
            self.bin += 1
            self.retracted += 1
            self.position = CardPosition.NONE
            self._presented_at = None
        else:  # EJECT: pushed out of the gate, it falls into the customer's tray
            self.position = CardPosition.NONE
            self._presented_at = None
        return None

    def _armed(self, name: str) -> bool:
        left = getattr(self, name)
        if left <= 0:
            return False
        setattr(self, name, left - 1)
        return left == 1

    def _feed(self) -> None:
        self.cards -= 1
        self.dispensed += 1
        self.uid = self._next_uid.to_bytes(4, "big")
        self._next_uid += 1
        self.position = CardPosition.READ

    def _present(self, now: float) -> None:
        self.position = CardPosition.GATE
        self._presented_at = now
