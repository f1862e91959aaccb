"""Typed card dispenser errors, each carrying the vendor's own code.

``error_for(problem, code, text)`` is the one place that turns a vendor's negative
reply into an exception; the XFS4IoT error names follow the CardReader interface.
"""

from __future__ import annotations

from typing import ClassVar

from devices.base import DeviceError, DeviceNotReady, DeviceTimeout
from devices.card_dispenser.model import Problem


class CardDispenserError(DeviceError):
    """A card dispenser refused or failed a command."""

    #: XFS4IoT CardReader error code (``errorCode`` of a commandErrorCode completion).
    xfs_error: ClassVar[str] = ""
    problem: ClassVar[Problem | None] = None


class ProtocolError(CardDispenserError):
    """Bytes that are not the protocol (from a codec or an unexpected reply)."""


class MalformedFrame(ProtocolError):
    """A frame whose text cannot be parsed."""


class CommunicationError(CardDispenserError, DeviceTimeout):
    """No ACK or reply in time, or too many NAKs: the command may not have run."""

    completion_code = "timeOut"


class LinkLost(CommunicationError):
    """The serial line or socket went away mid-command; the outcome is unknown."""


class InvalidCommand(CardDispenserError):
    completion_code = "invalidCommand"
    problem = Problem.UNDEFINED_COMMAND


class ParameterError(InvalidCommand):
    completion_code = "invalidData"
    problem = Problem.PARAMETER


class CommandDataError(InvalidCommand):
    completion_code = "invalidData"
    problem = Problem.COMMAND_DATA


class SequenceError(CardDispenserError):
    completion_code = "sequenceError"
    problem = Problem.SEQUENCE
    xfs_error = "noMedia"


class CardJam(CardDispenserError):
    problem = Problem.JAM
    xfs_error = "mediaJam"


class SensorError(CardDispenserError):
    problem = Problem.SENSOR


class MotorError(CardDispenserError):
    problem = Problem.MOTOR


class CardSizeError(CardDispenserError):
    problem = Problem.CARD_TOO_LONG
    xfs_error = "invalidMedia"


class CannotRetract(CardDispenserError):
    problem = Problem.CANNOT_RETRACT
    xfs_error = "mediaRetained"


class CardMovedManually(CardDispenserError):
    completion_code = "userError"
    problem = Problem.MOVED_MANUALLY
    xfs_error = "mediaRemoved"


class CounterOverflow(CardDispenserError):
    problem = Problem.COUNTER_OVERFLOW


class CardReadError(CardDispenserError):
    problem = Problem.CARD_READ
    xfs_error = "invalidMedia"


class StackerEmpty(CardDispenserError):
    problem = Problem.STACKER_EMPTY
    xfs_error = "noMedia"


class BinFull(CardDispenserError):
    problem = Problem.BIN_FULL
    xfs_error = "retainBinFull"


class NotInitialised(CardDispenserError, DeviceNotReady):
    completion_code = "deviceNotReady"
    problem = Problem.NOT_INITIALISED


_BY_PROBLEM: dict[Problem, type[CardDispenserError]] = {
    Problem.UNDEFINED_COMMAND: InvalidCommand,
    Problem.PARAMETER: ParameterError,
    Problem.COMMAND_DATA: CommandDataError,
    Problem.SEQUENCE: SequenceError,
    Problem.JAM: CardJam,
    Problem.SENSOR: SensorError,
    Problem.CARD_TOO_LONG: CardSizeError,
    Problem.CARD_TOO_SHORT: CardSizeError,
    Problem.CANNOT_RETRACT: CannotRetract,
    Problem.MOVED_MANUALLY: CardMovedManually,
    Problem.COUNTER_OVERFLOW: CounterOverflow,
    Problem.MOTOR: MotorError,
    Problem.CARD_READ: CardReadError,
    Problem.STACKER_EMPTY: StackerEmpty,
    Problem.BIN_FULL: BinFull,
    Problem.NOT_INITIALISED: NotInitialised,
}

#: Words a technician understands, per problem.
MESSAGES: dict[Problem, str] = {
    Problem.UNDEFINED_COMMAND: "undefined command",
    Problem.PARAMETER: "parameter error",
    Problem.COMMAND_DATA: "command data error",
    Problem.SEQUENCE: "command out of sequence (no card where one is needed?)",
    Problem.JAM: "card jam",
    Problem.SENSOR: "sensor error",
    Problem.CARD_TOO_LONG: "card too long",
    Problem.CARD_TOO_SHORT: "card too short",
    Problem.CANNOT_RETRACT: "card cannot be retracted",
    Problem.MOVED_MANUALLY: "card moved by hand",
    Problem.COUNTER_OVERFLOW: "retract counter overflow",
    Problem.MOTOR: "motor error",
    Problem.CARD_READ: "card could not be read",
    Problem.STACKER_EMPTY: "card stacker empty",
    Problem.BIN_FULL: "retain bin full",
    Problem.NOT_INITIALISED: "not initialised since power-on",
}


def error_for(problem: Problem | None, code: str, command: str = "") -> CardDispenserError:
    """The typed error for a negative reply (``problem`` None: a code we do not know)."""
    where = f" ({command})" if command else ""
    if problem is None:
        return CardDispenserError(f"device error {code}{where}", code=code)
    cls = _BY_PROBLEM[problem]
    return cls(f"{MESSAGES[problem]}{where} [code {code}]", code=code)
