"""What a PIN entry gives back: key events while it runs, a typed result at its end."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from devices.pinpad.protocol import KeyEvent, KeyInfo, KeyName

PinBlockFormat = Literal[0, 4]


class EntryCompletion(StrEnum):
    """How a PIN entry ended (XFS4IoT Keyboard.PinEntry completion)."""

    ENTER = "enter"  # the customer confirmed: a PIN block can be asked for
    CANCEL = "cancel"  # the customer pressed Cancel (or the host cancelled)
    TIMEOUT = "timeout"  # the entry's time limit ran out


@dataclass(frozen=True)
class PinEntry:
    completion: EntryCompletion
    digits: int  # how many digits were entered (never which)

    @property
    def entered(self) -> bool:
        return self.completion is EntryCompletion.ENTER


#: Called on the device's worker thread for each key event of a running entry.
OnKey = Callable[[KeyEvent], None]

__all__ = ["EntryCompletion", "KeyEvent", "KeyInfo", "KeyName", "OnKey", "PinBlockFormat",
           "PinEntry"]
