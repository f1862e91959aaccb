"""The serial handshake both vendors share, over any pyserial port.

``Transport.transact(frame)``: write the command, wait ~300 ms for ACK (resend on NAK
or silence, a bounded number of times), send ENQ if the protocol wants one, wait for
the reply frame (NAK a bad BCC or a frame cut short so the device resends), ACK it if
the protocol wants that, and return the reply text. Anything that goes wrong leaves
the transport marked dirty, so the next command starts from a clean line.
"""

from __future__ import annotations

import logging
import os
import select
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import serial

from devices.card_dispenser.errors import CommunicationError, LinkLost
from devices.card_dispenser.framing import (
    BadChecksum,
    Control,
    ControlEvent,
    Event,
    FrameEvent,
    Garbage,
)

log = logging.getLogger(__name__)

#: How long one read waits; deadlines are checked between reads.
READ_SLICE_S = 0.01


class Decoder(Protocol):
    def feed(self, data: bytes) -> list[Event]: ...
    def expire(self) -> list[Event]: ...
    def reset(self) -> None: ...
    @property
    def pending(self) -> bytes: ...


@dataclass(frozen=True)
class Truncated:
    """A frame that stopped arriving (inter-byte timeout): the device should resend it."""

    raw: bytes


@dataclass(frozen=True)
class Timing:
    ack_s: float = 0.3
    reply_s: float = 5.0
    interbyte_s: float = 0.1
    retries: int = 3


class Transport:
    """One serial line to one dispenser. Not thread-safe: the device worker owns it."""

    def __init__(self, port: serial.SerialBase, decoder: Decoder, timing: Timing, *,
                 enq_after_ack: bool, ack_replies: bool) -> None:
        self.port = port
        self.decoder = decoder
        self.timing = timing
        self.enq_after_ack = enq_after_ack
        self.ack_replies = ack_replies
        self._events: deque[Event | Truncated] = deque()
        self._dirty = True
        # A posix port (tty, pty): wait on its fileno with select (as pyserial documents)
        # and read what has arrived in one call, instead of pyserial's polling read.
        self._fd: int | None = None
        if isinstance(port, serial.Serial) and hasattr(port, "fileno"):
            try:
                self._fd = port.fileno()
            except (serial.SerialException, OSError, ValueError):
                self._fd = None
        #: Line statistics for diagnostics.
        self.stats = {"naks_received": 0, "naks_sent": 0, "timeouts": 0, "garbage_bytes": 0,
                      "stale_replies": 0}

    # -- line -----------------------------------------------------------------------

    def _write(self, data: bytes) -> None:
        try:
            self.port.write(data)
        except (serial.SerialException, OSError) as exc:
            raise LinkLost(f"write failed: {exc}") from exc

    def _read_some(self, wait: float) -> bytes:
        """What has arrived, waiting at most ``wait`` seconds for the first byte."""
        try:
            if self._fd is not None:
                ready, _, _ = select.select([self._fd], [], [], max(0.0, wait))
                return os.read(self._fd, 4096) if ready else b""
            waiting = self.port.in_waiting
            return bytes(self.port.read(waiting or 1))
        except (serial.SerialException, OSError, ValueError) as exc:
            raise LinkLost(f"read failed: {exc}") from exc

    def next_event(self, deadline: float) -> Event | Truncated | None:
        """The next decoded event before ``deadline`` (monotonic), or None."""
        last_rx = time.monotonic()
        while True:
            if self._events:
                return self._events.popleft()
            now = time.monotonic()
            if self.decoder.pending and now - last_rx >= self.timing.interbyte_s:
                self._queue(self.decoder.expire(), truncated=True)
                continue
            if now >= deadline:
                return None
            wait = deadline - now
            if self.decoder.pending:
                wait = min(wait, last_rx + self.timing.interbyte_s - now)
            data = self._read_some(min(wait, READ_SLICE_S * 10))
            if data:
                last_rx = time.monotonic()
                self._queue(self.decoder.feed(data))

    def _queue(self, events: list[Event], *, truncated: bool = False) -> None:
        for ev in events:
            if isinstance(ev, Garbage):
                self.stats["garbage_bytes"] += len(ev.raw)
                self._dirty = True
                if truncated:
                    self._events.append(Truncated(ev.raw))
                    truncated = False
                    continue
            self._events.append(ev)

    def resync(self) -> None:
        """Forget everything half-received: stale replies must not answer the next command."""
        self._events.clear()
        self.decoder.reset()
        try:
            self.port.reset_input_buffer()
        except (serial.SerialException, OSError) as exc:
            raise LinkLost(f"flush failed: {exc}") from exc
        self._dirty = False

    def cancel(self) -> None:
        """EOT: tell the device to drop the exchange in progress."""
        try:
            self._write(bytes([Control.EOT]))
        except LinkLost:
            pass
        self._dirty = True

    # -- handshake ------------------------------------------------------------------

    def transact(self, frame: bytes, what: str = "command",
                 answers: Callable[[bytes], bool] | None = None) -> bytes:
        """Send ``frame`` and return the reply text (see the module docstring).

        ``answers(text)`` tells a reply to this command from a stale one (a late reply to
        an earlier command that timed out): stale replies are skipped.
        """
        try:
            stale = self._dirty or self.port.in_waiting
        except (serial.SerialException, OSError) as exc:
            raise LinkLost(f"port unusable: {exc}") from exc
        if stale:
            self.resync()
        try:
            self._send_until_acked(frame, what)
            if self.enq_after_ack:
                self._write(bytes([Control.ENQ]))
            return self._await_reply(what, answers)
        except CommunicationError:
            self._dirty = True
            raise

    def _send_until_acked(self, frame: bytes, what: str) -> None:
        t = self.timing
        naks = silent = 0
        for _attempt in range(t.retries + 1):
            self._write(frame)
            deadline = time.monotonic() + t.ack_s
            while True:
                ev = self.next_event(deadline)
                if ev is None:
                    silent += 1
                    self.stats["timeouts"] += 1
                    break
                if isinstance(ev, ControlEvent) and ev.control is Control.ACK:
                    return
                if isinstance(ev, ControlEvent) and ev.control is Control.NAK:
                    naks += 1
                    self.stats["naks_received"] += 1
                    break
                # A stale frame or noise before the ACK: not ours, keep waiting.
        self.cancel()
        raise CommunicationError(
            f"{what}: not acknowledged after {t.retries + 1} tries "
            f"({naks} NAK, {silent} without answer)", code="NO_ACK")

    def _await_reply(self, what: str, answers: Callable[[bytes], bool] | None) -> bytes:
        t = self.timing
        resends = 0
        deadline = time.monotonic() + t.reply_s
        while True:
            ev = self.next_event(deadline)
            if ev is None:
                self.stats["timeouts"] += 1
                self.cancel()
                raise CommunicationError(f"{what}: no reply within {t.reply_s:g} s",
                                         code="NO_REPLY")
            if isinstance(ev, FrameEvent):
                if self.ack_replies:
                    self._write(bytes([Control.ACK]))
                if answers is not None and not answers(ev.text):
                    log.info("%s: skipping a stale reply %r", what, ev.text[:16])
                    self.stats["stale_replies"] += 1
                    continue
                return ev.text
            if isinstance(ev, (BadChecksum, Truncated)):
                if resends >= t.retries:
                    self.cancel()
                    raise CommunicationError(
                        f"{what}: reply corrupt after {resends} resends", code="BAD_REPLY")
                resends += 1
                self.stats["naks_sent"] += 1
                log.info("%s: reply %s, asking for it again", what,
                         "cut short" if isinstance(ev, Truncated) else "with bad BCC")
                self._write(bytes([Control.NAK]))
                deadline = time.monotonic() + t.reply_s
            # A late duplicate ACK or noise: ignore.
