"""Byte-exact card dispenser simulators (CRT-591 and K720) with injectable faults.

Both share one :class:`~devices.card_dispenser.mechanics.Mechanics` and one fault
plan; each speaks its vendor's handshake. Put one behind a
:class:`devices.simlink.PtyLink` or :class:`~devices.simlink.TcpLink` and open the
link's URL with pyserial like a real /dev/ttyUSB0.

Faults (``inject("name[:arg]")``, at start or while running):

=================  ==========================================================
jam[:N]            the Nth movement from now jams (card stuck; until reset)
pulled[:N]         the Nth movement from now: the card is pulled out by hand
stacker-low        stacker down to its low threshold
stacker-empty      no cards left
bin-full           retain bin at capacity
never-taken        the customer never takes a presented card
nak[:N]            NAK the next N commands instead of ACK (default 1)
bad-bcc[:N]        send the next N replies with a wrong BCC (default 1)
silence[:N]        ignore the next N commands (default: until cleared)
disconnect[:N]     cut the next N replies mid-frame and drop the line
slow[:S]           delay every reply by S seconds (default 1) until cleared
power-cycle        forget initialisation (commands refused until reset)
=================  ==========================================================

State file (``state_path``): the mechanism's physical state (stacker and bin counts,
where the card is, a jam, the retract counter, the serial number) is written
atomically after every change, before the reply that reports it goes out. A simulator
started again on the same file resumes like a real device after a power cut: the
cards are where they were, the device is not initialised (CRT-591 error B0).
"""

from __future__ import annotations

import logging
import threading
import time
from abc import abstractmethod
from collections import deque
from collections.abc import Iterable
from pathlib import Path
from typing import Any, ClassVar

from devices.card_dispenser import crt591, k720
from devices.card_dispenser.framing import (
    BadChecksum,
    Control,
    ControlEvent,
    Event,
    FrameEvent,
)
from devices.card_dispenser.mechanics import Mechanics, Outcome
from devices.card_dispenser.model import Op
from devices.card_dispenser.persist import read_json, write_json_atomic
from devices.simlink import ByteSimulator

log = logging.getLogger(__name__)

FAULTS = ("jam", "pulled", "stacker-low", "stacker-empty", "bin-full", "never-taken", "nak",
          "bad-bcc", "silence", "disconnect", "slow", "power-cycle")


class FaultError(ValueError):
    """An unknown or malformed fault name."""


def parse_fault(spec: str) -> tuple[str, float | None]:
    """``"nak:2"`` -> ("nak", 2.0); raises FaultError naming the known faults."""
    name, _, arg = spec.strip().partition(":")
    if name not in FAULTS:
        raise FaultError(f"unknown fault '{name}' (known: {', '.join(FAULTS)})")
    if not arg:
        return name, None
    try:
        value = float(arg)
    except ValueError:
        raise FaultError(f"fault '{name}' takes a number, got '{arg}'") from None
    if value < 0:
        raise FaultError(f"fault '{name}' takes a number >= 0, got '{arg}'")
    return name, value


class DispenserSimulator(ByteSimulator):
    """Shared part: the fault plan, delayed replies, resend on NAK, cancel on EOT."""

    protocol: ClassVar[str]

    def __init__(self, mechanics: Mechanics | None = None, faults: Iterable[str] = (),
                 address: int = 0, state_path: str | Path | None = None) -> None:
        super().__init__()
        self.mech = mechanics or Mechanics()
        self.address = address
        self.lock = threading.RLock()
        #: Where the mechanism's state is kept (None: in memory only).
        self.state_path = Path(state_path) if state_path is not None else None
        self._saved: dict[str, Any] | None = None
        if self.state_path is not None:
            self._load_state(self.state_path)
        self.nak_left = 0
        self.bad_bcc_left = 0
        self.silence_left = 0  # -1: until cleared
        self.disconnect_left = 0
        self.slow_s = 0.0
        #: Some devices ignore EOT and send a late reply anyway (tests stale replies).
        self.honour_eot = True
        #: Commands received: how many, and the latest texts (bounded: a simulator may
        #: serve for days).
        self.command_count = 0
        self.recent_commands: deque[bytes] = deque(maxlen=256)
        self._decoder = self._new_decoder()
        self._last_reply: bytes | None = None
        self._outbox: list[tuple[float, bytes]] = []
        for spec in faults:
            self.inject(spec)
        self.save_state()

    # -- the state file ------------------------------------------------------------------

    def _load_state(self, path: Path) -> None:
        state = read_json(path)  # StateFileError (a ValueError) names the file
        if state is None:
            return  # a new file: start from the options given
        try:
            self.mech.restore(state)
        except ValueError as exc:
            raise ValueError(f"{path}: {exc}") from None
        self.mech.resume(time.monotonic())
        self._saved = self.mech.snapshot()
        log.info("card dispenser simulator resumed from %s: %s", path, self._saved)

    def save_state(self) -> None:
        """Write the state file if the mechanism changed since the last write."""
        if self.state_path is None:
            return
        with self.lock:
            snap = self.mech.snapshot()
            if snap == self._saved:
                return
            write_json_atomic(self.state_path, snap)
            self._saved = snap

    # -- control (any thread) ----------------------------------------------------------

    def inject(self, spec: str) -> None:
        name, arg = parse_fault(spec)
        count = int(arg) if arg is not None else 1
        with self.lock:
            m = self.mech
            if name == "jam":
                m.jam_in = max(count, 1)
            elif name == "pulled":
                m.pull_in = max(count, 1)
            elif name == "stacker-low":
                m.cards = min(m.cards, m.low_threshold)
            elif name == "stacker-empty":
                m.cards = 0
            elif name == "bin-full":
                m.bin = max(m.bin, m.bin_capacity)
            elif name == "never-taken":
                m.take_after = None
            elif name == "nak":
                self.nak_left = count
            elif name == "bad-bcc":
                self.bad_bcc_left = count
            elif name == "silence":
                self.silence_left = count if arg is not None else -1
            elif name == "disconnect":
                self.disconnect_left = count
            elif name == "slow":
                self.slow_s = arg if arg is not None else 1.0
            elif name == "power-cycle":
                m.initialised = False
            self.save_state()

    def clear_faults(self) -> None:
        """Line faults off; mechanical state (a jam, an empty stacker) stays as it is."""
        with self.lock:
            self.nak_left = self.bad_bcc_left = self.silence_left = self.disconnect_left = 0
            self.slow_s = 0.0
            self.mech.jam_in = self.mech.pull_in = 0

    def refill(self, cards: int) -> None:
        if cards < 0:
            raise ValueError("cards must be >= 0")
        with self.lock:
            self.mech.cards = cards
            self.save_state()

    def empty_bin(self) -> None:
        """A technician empties the retain bin and resets the device's retract counter."""
        with self.lock:
            self.mech.bin = 0
            self.mech.retract_counter = 0
            self.save_state()

    def set_take_after(self, seconds: float | None) -> None:
        with self.lock:
            self.mech.take_after = seconds
        self.wake()

    def take_card(self) -> bool:
        with self.lock:
            taken = self.mech.take(time.monotonic())
            self.save_state()
            return taken

    def insert_card(self) -> bool:
        """Someone pushes a card in at the gate (accepted only while ENTRY allows it)."""
        with self.lock:
            inserted = self.mech.insert()
            self.save_state()
            return inserted

    # -- link callbacks (link thread) ------------------------------------------------

    def on_bytes(self, data: bytes) -> None:
        with self.lock:
            for event in self._decoder.feed(data):
                if self.silence_left:
                    if isinstance(event, FrameEvent):
                        self.silence_left -= self.silence_left > 0
                    continue
                self._on_event(event)

    def on_connect(self) -> None:
        self._forget()

    def on_disconnect(self) -> None:
        self._forget()

    def next_tick(self) -> float | None:
        """A delayed reply to send, or the customer taking the card; None when idle."""
        with self.lock:
            due = [self._outbox[0][0]] if self._outbox else []
            take = self.mech.take_due()
            if take is not None:
                due.append(take)
        return max(0.0, min(due) - time.monotonic()) if due else None

    def tick(self) -> None:
        now = time.monotonic()
        with self.lock:
            self.mech.tick(now)
            self.save_state()
            while self._outbox and self._outbox[0][0] <= now:
                _, frame = self._outbox.pop(0)
                self._transmit(frame)

    # -- for subclasses ----------------------------------------------------------------

    @abstractmethod
    def _new_decoder(self) -> crt591.Decoder | k720.Decoder: ...

    @abstractmethod
    def _on_event(self, event: Event) -> None: ...

    def _forget(self) -> None:
        with self.lock:
            self._decoder.reset()
            self._last_reply = None
            self._outbox.clear()

    def _command_received(self, text: bytes) -> bool:
        """ACK (True) or NAK (False, the host resends) a well-formed command."""
        self.command_count += 1
        self.recent_commands.append(text)
        if self.nak_left:
            self.nak_left -= 1
            self.send(bytes([Control.NAK]))
            return False
        self.send(bytes([Control.ACK]))
        return True

    def _reply(self, frame: bytes) -> None:
        self._last_reply = frame
        if self.slow_s:
            self._outbox.append((time.monotonic() + self.slow_s, frame))
        else:
            self._transmit(frame)

    def _resend(self) -> None:
        if self._last_reply is not None and not self._outbox:
            self._transmit(self._last_reply)

    def _cancel(self) -> None:
        if self.honour_eot:
            self._last_reply = None
            self._outbox.clear()

    def _transmit(self, frame: bytes) -> None:
        if self.bad_bcc_left:
            self.bad_bcc_left -= 1
            self.send(frame[:-1] + bytes([frame[-1] ^ 0xFF]))
        elif self.disconnect_left:
            self.disconnect_left -= 1
            self.send(frame[: len(frame) // 2])
            if self.link is not None:
                self.link.drop()
        else:
            self.send(frame)

    def _run(self, op: Op, *, feed: bool = True) -> Outcome:
        out = self.mech.run(op, time.monotonic(), feed=feed)
        self.save_state()  # before the reply: what the host is told is on disk
        return out


class Crt591Simulator(DispenserSimulator):
    """A CRT-591: ACK within the handshake, then the reply; resend on NAK; EOT cancels."""

    protocol = "crt591"
    _OPS: ClassVar[dict[tuple[int, int], Op]] = {
        v: k for k, v in crt591.OPS.items() if k is not Op.PRESENT}
    _KNOWN_CM: ClassVar[set[int]] = {cm for cm, _ in crt591.OPS.values()}

    def __init__(self, mechanics: Mechanics | None = None, faults: Iterable[str] = (),
                 address: int = 0, state_path: str | Path | None = None) -> None:
        mechanics = mechanics or Mechanics()
        if mechanics.version == "SIM 1.0":
            mechanics.version = "CRT-591-SIM V1.0"
        if mechanics.serial == "SIM00000001":
            mechanics.serial = "CRT591SIM0001"
        super().__init__(mechanics, faults, address, state_path)

    def _new_decoder(self) -> crt591.Decoder:
        return crt591.Decoder()

    def _on_event(self, event: Event) -> None:
        if isinstance(event, FrameEvent):
            if event.address != self.address:
                return  # another device on the bus
            try:
                text = crt591.parse_text(event.text)
            except crt591.ProtocolError:
                self.send(bytes([Control.NAK]))
                return
            if not isinstance(text, crt591.Command):
                return
            if self._command_received(event.text):
                self._reply(crt591.encode_frame(self._answer(text).text(), self.address))
        elif isinstance(event, BadChecksum):
            self.send(bytes([Control.NAK]))
        elif isinstance(event, ControlEvent):
            if event.control is Control.ACK:
                self._last_reply = None
            elif event.control is Control.NAK:
                self._resend()
            elif event.control is Control.EOT:
                self._cancel()

    def _answer(self, cmd: crt591.Command) -> crt591.Positive | crt591.Negative:
        op = self._OPS.get((cmd.cm, cmd.pm))
        if op is None:
            code = "01" if cmd.cm in self._KNOWN_CM else "00"
            return crt591.Negative(cmd.cm, cmd.pm, code)
        out = self._run(op)
        if out.problem is not None:
            return crt591.Negative(cmd.cm, cmd.pm, crt591.CODE_FOR[out.problem])
        r = out.reading
        status = bytes([crt591.POSITION_BYTE[r.position], crt591.STACKER_BYTE[r.stacker],
                        0x31 if r.bin_full else 0x30])
        data = crt591.encode_sensors(self.mech.sensors()) if op is Op.SENSORS else out.data
        return crt591.Positive(cmd.cm, cmd.pm, status, data)


class K720Simulator(DispenserSimulator):
    """A K720: ACK the command, execute it on ENQ, reply; resend on NAK; EOT cancels."""

    protocol = "k720"
    _BY_TEXT: ClassVar[dict[bytes, tuple[Op, bool]]] = {
        **{text: (op, True) for op, text in k720.OPS.items() if op is not Op.PRESENT},
        k720.OPS[Op.PRESENT]: (Op.DISPENSE, False),
        b"AP": (Op.STATUS, True),
        b"BE": (Op.STATUS, True),
        b"BD": (Op.STATUS, True),
    }

    def __init__(self, mechanics: Mechanics | None = None, faults: Iterable[str] = (),
                 address: int = 0, state_path: str | Path | None = None) -> None:
        mechanics = mechanics or Mechanics()
        if mechanics.version == "SIM 1.0":
            mechanics.version = "K720-SIM V1.0"
        super().__init__(mechanics, faults, address, state_path)
        self._pending: bytes | None = None

    def _new_decoder(self) -> k720.Decoder:
        return k720.Decoder()

    def _forget(self) -> None:
        super()._forget()
        self._pending = None

    def _on_event(self, event: Event) -> None:
        if isinstance(event, FrameEvent):
            if self._command_received(event.text):
                self._pending = event.text
        elif isinstance(event, BadChecksum):
            self.send(bytes([Control.NAK]))
        elif isinstance(event, ControlEvent):
            if event.control is Control.ENQ and self._pending is not None:
                text, self._pending = self._pending, None
                self._reply(k720.encode_frame(self._answer(text).text()))
            elif event.control is Control.NAK:
                self._resend()
            elif event.control is Control.EOT:
                self._pending = None if self.honour_eot else self._pending
                self._cancel()

    def _answer(self, text: bytes) -> k720.Reply:
        entry = self._BY_TEXT.get(text)
        if entry is None:
            if text[:2] == b"CS" and text[2:] in (b"0", b"1", b"2", b"3", b"4", b"5"):
                entry = (Op.STATUS, True)  # baud rate change: acknowledged, line unchanged
            else:
                known = any(t[:2] == text[:2] for t in self._BY_TEXT)
                return k720.Negative("01" if known else "00", self.mech.position)
        op, feed = entry
        out = self._run(op, feed=feed)
        if out.problem is not None:
            code = k720.CODE_FOR.get(out.problem, k720.FALLBACK_CODE)
            return k720.Negative(code, out.reading.position)
        r = out.reading
        status = bytes([k720.POSITION_BYTE[r.position], k720.STACKER_BYTE[r.stacker],
                        0x31 if r.bin_full else 0x30])
        data = out.data.hex().upper().encode() if op is Op.READ_UID else out.data
        return k720.Positive(text[:2], status, data)


SIMULATORS: dict[str, type[DispenserSimulator]] = {
    "crt591": Crt591Simulator,
    "k720": K720Simulator,
}


def make_simulator(protocol: str, *, cards: int = 50, bin_count: int = 0,
                   bin_capacity: int = 100, low_threshold: int = 5,
                   take_after: float | None = 0.5, faults: Iterable[str] = (),
                   address: int = 0, state_path: str | Path | None = None
                   ) -> DispenserSimulator:
    """A simulator for ``protocol`` with its stacker, bin and customer set up.

    With ``state_path``: an existing state file wins over ``cards`` and ``bin_count``
    (the simulator resumes); a missing one is created from them.
    """
    try:
        cls = SIMULATORS[protocol]
    except KeyError:
        raise ValueError(f"unknown protocol '{protocol}' (use {', '.join(SIMULATORS)})") from None
    if cards < 0 or bin_count < 0 or bin_capacity < 1:
        raise ValueError("cards and bin must be >= 0 and bin capacity >= 1")
    mech = Mechanics(cards=cards, bin=bin_count, bin_capacity=bin_capacity,
                     low_threshold=low_threshold, take_after=take_after)
    return cls(mech, faults, address, state_path)


__all__ = ["FAULTS", "Crt591Simulator", "DispenserSimulator", "FaultError", "K720Simulator",
           "make_simulator", "parse_fault"]
