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
    STATUS = "status"
    DISPENSE = "dispense"  # from the stacker (or the channel) to the gate
    PRESENT = "present"  # a card already in the channel to the gate (no feed)
    TO_READ = "to-read"  # from the stacker (or the gate) to the RF/IC position
    CAPTURE = "capture"  # card in the channel to the retain bin
    EJECT = "eject"  # push the card out of the gate
    READ_UID = "read-uid"  # RF card serial number at the read position
    VERSION = "version"
    BIN_COUNT = "bin-count"  # retract counter, where the device keeps one


class TakeResult(StrEnum):
    TAKEN = "taken"
    RETRACTED = "retracted"  # not taken in time: pulled back into the bin
    NOT_TAKEN = "notTaken"  # not taken in time, left at the gate (retract=False)
