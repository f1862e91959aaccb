"""The card dispenser's mechanism, for the simulator: stacker, channel, bin and a customer.

Protocol-free: a vendor simulator turns its command into an :class:`Op`, calls
:meth:`Mechanics.run` and encodes the :class:`Outcome` in its own bytes. Not
thread-safe on its own; the simulator holds a lock around it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from devices.card_dispenser.model import (
    COUNTING_INIT,
    INIT_OPS,
    CardPosition,
    Op,
    Problem,
    Reading,
    Sensors,
    StackerLevel,
)

MOVES = frozenset({Op.DISPENSE, Op.TO_READ, Op.TO_IC, Op.CAPTURE, Op.EJECT})
_FEEDS = frozenset({Op.DISPENSE, Op.TO_READ, Op.TO_IC})
#: What a device answers before it has been initialised.
ALLOWED_BEFORE_INIT = frozenset({*INIT_OPS, Op.STATUS, Op.SENSORS, Op.VERSION, Op.BIN_COUNT,
                                 Op.MACHINE_SERIAL})
#: What survives a power cut (what a real mechanism keeps: where the cards physically are,
#: its EEPROM counters). Initialisation and the ENTRY setting do not.
PERSISTENT = ("cards", "bin", "bin_capacity", "low_threshold", "position", "read_spot",
              "jammed", "retract_counter", "dispensed", "retracted", "taken", "serial")


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
    #: The device's retract counter (CRT-591 CM A5); None: starts at the bin's count.
    retract_counter: int | None = None
    #: Which read station a card at CardPosition.READ is at: "rf" or "ic".
    read_spot: str = "rf"
    entry_allowed: bool = False
    serial: str = "SIM00000001"
    _presented_at: float | None = None
    _next_uid: int = field(default=0x04A10000)

    def __post_init__(self) -> None:
        if self.retract_counter is None:
            self.retract_counter = self.bin

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

    def sensors(self) -> Sensors:
        at_read = self.position is CardPosition.READ
        return Sensors(gate=self.position is CardPosition.GATE,
                       ic=at_read and self.read_spot == "ic",
                       rf=at_read and self.read_spot != "ic",
                       stacker_low=self.stacker is not StackerLevel.OK,
                       stacker_empty=self.cards <= 0, bin_full=self.bin_full)

    # -- persistence (the simulator's state file) ------------------------------------

    def snapshot(self) -> dict[str, Any]:
        """What a power cut leaves behind, as JSON-ready values."""
        out: dict[str, Any] = {name: getattr(self, name) for name in PERSISTENT}
        out["position"] = str(self.position)
        out["uid"] = self.uid.hex()
        out["next_uid"] = self._next_uid
        return out

    def restore(self, state: dict[str, Any]) -> None:
        """Back to a snapshot, as after power-on: not initialised, ENTRY denied.

        Raises ValueError (naming the key) on a state that is not a snapshot.
        """
        name = "uid"
        try:
            for name in PERSISTENT:
                if name not in state:
                    continue
                value = state[name]
                if name == "position":
                    value = CardPosition(value)
                elif name in ("read_spot", "serial"):
                    value = str(value)
                elif name == "jammed":
                    value = bool(value)
                else:
                    value = int(value)
                    if value < (1 if name == "bin_capacity" else 0):
                        raise ValueError(f"{value} is out of range")
                setattr(self, name, value)
            name = "uid"
            if "uid" in state:
                self.uid = bytes.fromhex(str(state["uid"]))
            name = "next_uid"
            if "next_uid" in state:
                self._next_uid = int(state["next_uid"])
        except (TypeError, ValueError) as exc:
            raise ValueError(f"bad simulator state: {name}: {exc}") from None
        self.initialised = self.entry_allowed = False
        # A card left at the gate is presented anew: the customer may still take it.
        self._presented_at = None

    def resume(self, now: float) -> None:
        """Restart the customer's clock for a card found at the gate after power-on."""
        if self.position is CardPosition.GATE:
            self._presented_at = now

    def insert(self) -> bool:
        """Someone pushes a card in at the gate: accepted only while ENTRY allows it."""
        if not self.entry_allowed or self.position is not CardPosition.NONE:
            return False
        self.position = CardPosition.GATE
        self._presented_at = None  # not presented by us: nobody "takes" it
        return True

    def take_due(self) -> float | None:
        """When (monotonic) the customer takes the card presented at the gate; None if
        no one will (no card there, or ``take_after`` is None)."""
        if (self.position is CardPosition.GATE and self._presented_at is not None
                and self.take_after is not None):
            return self._presented_at + self.take_after
        return None

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
        if op in INIT_OPS:
            return self._init(op, now), b""
        if op in (Op.STATUS, Op.SENSORS):
            return None, b""
        if op is Op.VERSION:
            return None, self.version.encode("ascii")
        if op is Op.MACHINE_SERIAL:
            return None, self.serial.encode("ascii")
        if op is Op.BIN_COUNT:
            return None, str(self.retract_counter).encode("ascii")
        if op in (Op.ENTRY_ALLOW, Op.ENTRY_DENY):
            self.entry_allowed = op is Op.ENTRY_ALLOW
            return None, b""
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
        counting = op in COUNTING_INIT.values()
        base = next((b for b, c in COUNTING_INIT.items() if c is op), op)
        if self.position is CardPosition.NONE or base is Op.INIT_KEEP:
            return None
        if base is Op.INIT_GATE:
            self._present(now)
            return None
        if self.bin_full:
            return Problem.BIN_FULL
        self._into_bin(counted=counting)
        return None

    def _into_bin(self, *, counted: bool = True) -> None:
        """A card into the retain bin; the retract counter counts every capture, and the
        cards an initialisation retracts only with the counting INIT variants."""
        self.bin += 1
        self.retracted += 1
        if counted:
            self.retract_counter = (self.retract_counter or 0) + 1
        self.position = CardPosition.NONE
        self._presented_at = None

    def _move(self, op: Op, now: float, feed: bool) -> Problem | None:
        empty = self.position is CardPosition.NONE
        if op in _FEEDS:
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
        if op in _FEEDS:
            if empty:
                self._feed()
            if op is Op.DISPENSE:
                self._present(now)
            else:
                self.position = CardPosition.READ
                self.read_spot = "ic" if op is Op.TO_IC else "rf"
                self._presented_at = None
        elif op is Op.CAPTURE:
            self._into_bin()
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
