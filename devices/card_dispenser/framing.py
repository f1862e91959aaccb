"""What both vendors' decoders emit: control bytes, frames, bad frames and skipped garbage.

Every byte fed to a decoder comes out in exactly one event's ``raw`` (or is still
pending inside the decoder), so nothing is silently lost or invented.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from enum import IntEnum
from functools import reduce

from devices.card_dispenser.errors import ProtocolError


class Control(IntEnum):
    ENQ = 0x05
    ACK = 0x06
    NAK = 0x15
    EOT = 0x04


CONTROL_BYTES = frozenset(int(c) for c in Control)


def bcc(data: bytes) -> int:
    """XOR of every byte (both vendors' block check character)."""
    return reduce(lambda a, b: a ^ b, data, 0)


@dataclass(frozen=True)
class ControlEvent:
    control: Control

    @property
    def raw(self) -> bytes:
        return bytes([self.control])


@dataclass(frozen=True)
class FrameEvent:
    """A well-formed frame. ``text`` is what lies between the header and ETX."""

    text: bytes
    raw: bytes
    address: int = 0


@dataclass(frozen=True)
class BadChecksum:
    """A frame whose BCC does not match: the receiver NAKs it and the sender resends."""

    raw: bytes
    expected: int
    received: int


@dataclass(frozen=True)
class Garbage:
    """Bytes skipped while looking for the next frame or control byte."""

    raw: bytes


Event = ControlEvent | FrameEvent | BadChecksum | Garbage


def merge_garbage(events: list[Event]) -> list[Event]:
    """Join neighbouring Garbage events (so expire() reports one run of junk)."""
    out: list[Event] = []
    for ev in events:
        if out and isinstance(ev, Garbage) and isinstance(out[-1], Garbage):
            out[-1] = Garbage(out[-1].raw + ev.raw)
        else:
            out.append(ev)
    return out


class StreamDecoder(ABC):
    """What both vendors' incremental decoders share: ``feed(bytes)`` returns the events
    completed so far; subclasses implement ``_scan`` over ``self._buf``."""

    def __init__(self) -> None:
        self._buf = bytearray()

    @property
    def pending(self) -> bytes:
        """Bytes held back because they may start a frame."""
        return bytes(self._buf)

    def reset(self) -> None:
        self._buf.clear()

    def feed(self, data: bytes) -> list[Event]:
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise ProtocolError(f"decoder fed {type(data).__name__}, not bytes")
        self._buf += data
        return self._scan()

    def expire(self) -> list[Event]:
        """The line went quiet: what is pending is not a frame. Skip its first byte, rescan."""
        if not self._buf:
            return []
        first = Garbage(bytes(self._buf[:1]))
        del self._buf[:1]
        return merge_garbage([first, *self._scan()])

    #: The vendor's start-of-frame byte.
    stx: int = 0x02

    @abstractmethod
    def _frame_end(self, i: int) -> int:
        """Index after the frame starting at ``i``; 0 if incomplete; -1 if not a frame."""

    @abstractmethod
    def _frame(self, raw: bytes) -> FrameEvent:
        """The event for a frame whose BCC checked out."""

    def _scan(self) -> list[Event]:
        """Consume complete frames, control bytes and junk from ``self._buf``."""
        buf = self._buf
        events: list[Event] = []
        junk_start = -1
        i = 0
        n = len(buf)

        def flush_junk(upto: int) -> None:
            nonlocal junk_start
            if junk_start >= 0:
                events.append(Garbage(bytes(buf[junk_start:upto])))
                junk_start = -1

        while i < n:
            b = buf[i]
            if b in CONTROL_BYTES:
                flush_junk(i)
                events.append(ControlEvent(Control(b)))
                i += 1
                continue
            if b == self.stx:
                end = self._frame_end(i)
                if end == 0:
                    break  # wait for the rest
                if end > 0:
                    flush_junk(i)
                    raw = bytes(buf[i:end])
                    expected = bcc(raw[:-1])
                    if expected == raw[-1]:
                        events.append(self._frame(raw))
                    else:
                        events.append(BadChecksum(raw, expected, raw[-1]))
                    i = end
                    continue
            if junk_start < 0:
                junk_start = i
            i += 1
        flush_junk(i)
        del buf[:i]
        return events
