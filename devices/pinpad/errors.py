"""Typed PIN pad errors: one per result code of the pad, each with its XFS4IoT name."""

from __future__ import annotations

from typing import ClassVar

from devices.base import DeviceError, DeviceNotReady, DeviceTimeout
from devices.pinpad.protocol import Result


class PinPadError(DeviceError):
    """The PIN pad refused or failed a command."""

    #: XFS4IoT KeyboardPinPad / KeyManagement error code.
    xfs_error: ClassVar[str] = ""


class PinPadLineError(PinPadError, DeviceTimeout):
    """No (valid) reply in time: the command may or may not have run."""

    completion_code = "timeOut"


class LinkLost(PinPadLineError):
    """The serial line or socket went away (device removed?)."""


class BadReply(PinPadError):
    """A reply that is not the protocol."""


class InvalidCommand(PinPadError):
    completion_code = "invalidCommand"


class InvalidData(PinPadError):
    completion_code = "invalidData"


class SequenceError(PinPadError):
    completion_code = "sequenceError"


class KeyNotFound(PinPadError):
    completion_code = "commandErrorCode"
    xfs_error = "keyNotFound"


class KcvMismatch(PinPadError):
    """The key decrypted under the master key does not have the KCV the bank sent."""

    completion_code = "commandErrorCode"
    xfs_error = "keyCheckValueMismatch"

    def __init__(self, message: str, *, code: str = "", computed: bytes = b"") -> None:
        super().__init__(message, code=code)
        self.computed = computed


class NotInCeremony(PinPadError):
    completion_code = "commandErrorCode"
    xfs_error = "accessDenied"


class Tampered(PinPadError, DeviceNotReady):
    """The pad was tampered with and erased its keys."""

    completion_code = "fraudAttempt"


class Busy(PinPadError):
    completion_code = "sequenceError"


class KeyStuck(PinPadError):
    completion_code = "hardwareError"
    xfs_error = "keyStuck"


class NoPin(PinPadError):
    completion_code = "commandErrorCode"
    xfs_error = "noPin"


class WrongAlgorithm(PinPadError):
    completion_code = "commandErrorCode"
    xfs_error = "formatNotSupported"


_BY_RESULT: dict[Result, tuple[type[PinPadError], str]] = {
    Result.UNKNOWN_COMMAND: (InvalidCommand, "unknown command"),
    Result.BAD_DATA: (InvalidData, "command data refused"),
    Result.SEQUENCE: (SequenceError, "command out of sequence"),
    Result.NO_KEY: (KeyNotFound, "no such key loaded"),
    Result.KCV_MISMATCH: (KcvMismatch, "key check value mismatch"),
    Result.NOT_IN_CEREMONY: (NotInCeremony, "clear key loading needs the key ceremony state"),
    Result.TAMPERED: (Tampered, "tampered: keys erased"),
    Result.BUSY: (Busy, "a PIN entry is running"),
    Result.KEY_STUCK: (KeyStuck, "a key is stuck"),
    Result.NO_PIN: (NoPin, "no completed PIN entry"),
    Result.WRONG_ALGORITHM: (WrongAlgorithm, "key type does not fit the PIN block format"),
}


def error_for(result: Result | int, what: str, rest: bytes = b"") -> PinPadError:
    code = f"{int(result):02X}"
    if not isinstance(result, Result) or result not in _BY_RESULT:
        return PinPadError(f"{what}: device error {code}", code=code)
    cls, words = _BY_RESULT[result]
    if cls is KcvMismatch:
        return KcvMismatch(f"{what}: {words} (pad computed {rest.hex().upper()})", code=code,
                           computed=rest)
    return cls(f"{what}: {words} [code {code}]", code=code)
