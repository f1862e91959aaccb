"""Vendor-neutral vocabulary shared by the codecs, the driver and the simulator (no I/O).

Both vendor protocols report the same three facts after every command — where the card
is, how full the stacker is, whether the retain bin is full — and fail for the same
reasons under different codes. The codecs translate their bytes into these types.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, StrEnum


class CardPosition(StrEnum):
    NONE = "none"  # no card in the channel
    GATE = "gate"  # at the exit, the customer can take it (XFS: exit / entering)
    READ = "read"  # inside, at the RF/IC read position (XFS: transport / present)


class StackerLevel(StrEnum):
    EMPTY = "empty"
    LOW = "low"
    OK = "ok"


@dataclass(frozen=True)
class Reading:
    """What a positive reply says about the mechanism."""

    position: CardPosition
    stacker: StackerLevel
    bin_full: bool


class Problem(StrEnum):
    """Why a device refused a command; each vendor has its own code for each."""

    UNDEFINED_COMMAND = "undefinedCommand"
    PARAMETER = "parameter"
    SEQUENCE = "sequence"  # e.g. no card where the command needs one
    COMMAND_DATA = "commandData"
    JAM = "jam"
    SENSOR = "sensor"
    CARD_TOO_LONG = "cardTooLong"
    CARD_TOO_SHORT = "cardTooShort"
    CANNOT_RETRACT = "cannotRetract"
    MOVED_MANUALLY = "movedManually"
    COUNTER_OVERFLOW = "counterOverflow"
    MOTOR = "motor"
    CARD_READ = "cardRead"
    STACKER_EMPTY = "stackerEmpty"
    BIN_FULL = "binFull"
    NOT_INITIALISED = "notInitialised"


class Op(Enum):
    """Vendor-neutral operations; each protocol adapter maps them to its commands."""

    INIT_KEEP = "init-keep"  # initialise, leave any card where it is
    INIT_GATE = "init-gate"  # initialise, card (if any) to the gate
    INIT_CAPTURE = "init-capture"  # initialise, card (if any) to the retain bin
    # The same three, also switching the device's retract counter on (CRT-591 PM 34/35/37):
    # while on, every card the device puts in the retain bin is counted.
    INIT_KEEP_COUNT = "init-keep-count"
    INIT_GATE_COUNT = "init-gate-count"
    INIT_CAPTURE_COUNT = "init-capture-count"
    STATUS = "status"
    SENSORS = "sensors"  # the full sensor block (CRT-591 STATUS PM 31)
    DISPENSE = "dispense"  # from the stacker (or the channel) to the gate
    PRESENT = "present"  # a card already in the channel to the gate (no feed)
    TO_READ = "to-read"  # from the stacker (or the gate) to the RF/IC position
    TO_IC = "to-ic"  # from the stacker (or the gate) to the IC (contact) position
    CAPTURE = "capture"  # card in the channel to the retain bin
    EJECT = "eject"  # push the card out of the gate
    READ_UID = "read-uid"  # RF card serial number at the read position
    VERSION = "version"
    MACHINE_SERIAL = "machine-serial"  # the dispenser's own serial number
    ENTRY_ALLOW = "entry-allow"  # let a card be inserted at the gate
    ENTRY_DENY = "entry-deny"
    BIN_COUNT = "bin-count"  # retract counter, where the device keeps one


#: Initialise without / with the retract counter, by where a card inside goes.
COUNTING_INIT: dict[Op, Op] = {Op.INIT_KEEP: Op.INIT_KEEP_COUNT, Op.INIT_GATE: Op.INIT_GATE_COUNT,
                               Op.INIT_CAPTURE: Op.INIT_CAPTURE_COUNT}
INIT_OPS = frozenset({*COUNTING_INIT, *COUNTING_INIT.values()})


@dataclass(frozen=True)
class Sensors:
    """The CRT-591 sensor block (STATUS PM 31), one flag per sensor: True = covered/active.

    The reference names the block but not its layout; our definition (the simulator and
    the codec agree on it; see docs/card_dispenser.md) is six ASCII '0'/'1' bytes in
    this order.
    """

    gate: bool  # a card at the gate (exit)
    ic: bool  # a card at the IC (contact) position
    rf: bool  # a card at the RF position
    stacker_low: bool  # the pre-empty sensor: few cards left
    stacker_empty: bool
    bin_full: bool  # the only reliable "bin full" on some variants

    ORDER = ("gate", "ic", "rf", "stacker_low", "stacker_empty", "bin_full")

    def as_dict(self) -> dict[str, bool]:
        return {name: getattr(self, name) for name in self.ORDER}


class TakeResult(StrEnum):
    TAKEN = "taken"
    RETRACTED = "retracted"  # not taken in time: pulled back into the bin
    NOT_TAKEN = "notTaken"  # not taken in time, left at the gate (retract=False)

#: Reads that move nothing: after a link that dropped between two polls they are simply sent
#: again on a new connection (a movement's outcome is unknown, so it never is).
READ_ONLY_OPS = frozenset({Op.STATUS, Op.SENSORS, Op.READ_UID, Op.VERSION, Op.MACHINE_SERIAL,
                           Op.BIN_COUNT})

