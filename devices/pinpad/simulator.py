"""A byte-exact EPP simulator (SBEPP/1) with its keys, PIN buffer and injectable faults.

Put it behind a :class:`devices.simlink.PtyLink` or :class:`~devices.simlink.TcpLink`;
the driver opens the link's URL with pyserial like a real /dev/ttyUSB0.

The customer: :meth:`PinPadSimulator.press` (any thread) presses keys from a script —
``0``-``9`` digits, ``C`` clear, ``B`` backspace, ``X`` cancel, ``E`` enter — one every
``key_delay`` seconds. With ``pin="1234"`` the simulator types ``1234E`` each time a
PIN entry starts (``keys=…`` types a raw script instead). Over the link the host may
send ``SIM_PRESS`` (our simulator-only command, data = the script); a real pad refuses it.

Faults (``inject(name)``, at start or while running; ``clear_faults()`` ends them):

=============  =============================================================
key-stuck      a key is held down: PIN entry refused, status reports it
tamper         the case was opened: every key is erased, commands refused
silence        no replies (a time-out on the host), until cleared
removed        the device is unplugged: the link drops, nothing answers
=============  =============================================================
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Iterable

from devices.pinpad import pinblock
from devices.pinpad.pinblock import PinBlockError
from devices.pinpad.protocol import (
    ALG_CODES,
    ALG_NAMES,
    REPLY_BIT,
    BadFrame,
    Cmd,
    Decoder,
    EntryState,
    Flag,
    Frame,
    Key,
    KeyInfo,
    MalformedReply,
    PadStatus,
    Result,
    encode_event,
    encode_frame,
    encode_key_list,
    encode_status,
    parse_import_key,
    parse_pin_block_request,
)
from devices.simlink import ByteSimulator

log = logging.getLogger(__name__)

FAULTS = ("key-stuck", "tamper", "silence", "removed")
SCRIPT_KEYS = {"C": Key.CLEAR, "B": Key.BACKSPACE, "X": Key.CANCEL, "E": Key.ENTER}
MASTER = "master"
MAX_KEYS = 8
#: The simulator's default master key (2-key TDES), a well-known test key: never real.
DEFAULT_MASTER = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
FIRMWARE = "SBEPP-SIM 1.0"


class FaultError(ValueError):
    """An unknown fault name."""


def check_script(script: str) -> str:
    bad = sorted({c for c in script if not (c.isdigit() and c.isascii()) and c not in SCRIPT_KEYS})
    if bad:
        raise ValueError(f"key script {script!r}: unknown key(s) {''.join(bad)} "
                         f"(use 0-9, C clear, B backspace, X cancel, E enter)")
    return script


class PinPadSimulator(ByteSimulator):
    def __init__(self, *, master: bytes = DEFAULT_MASTER, master_algorithm: str = "TDES",
                 pin: str | None = None, keys: str | None = None, key_delay: float = 0.05,
                 ceremony: bool = False, faults: Iterable[str] = ()) -> None:
        super().__init__()
        self.lock = threading.RLock()
        self._decoder = Decoder()
        # name -> (algorithm, clear key); "master" is the key-encrypting key.
        self.keys: dict[str, tuple[str, bytes]] = {}
        if master:
            pinblock.kcv(master, master_algorithm)  # a bad key fails here, at start
            self.keys[MASTER] = (master_algorithm, bytes(master))
        self.ceremony = ceremony
        self.script: str | None = None
        if pin is not None:
            if not (pin.isdigit() and 4 <= len(pin) <= 12):
                raise ValueError(f"scripted pin {pin!r}: 4..12 digits")
            self.script = pin + "E"
        if keys is not None:
            self.script = check_script(keys)
        self.key_delay = key_delay
        self.tampered = False
        self.key_stuck = False
        self.silent = False
        self.removed = False
        self.state = EntryState.IDLE
        self._digits: list[str] = []
        self._min = self._max = 0
        self._deadline = 0.0
        self._queue: deque[str] = deque()
        self._next_key_at = 0.0
        self.command_count = 0
        self.recent_commands: deque[bytes] = deque(maxlen=256)
        for name in faults:
            self.inject(name)

    # -- control (any thread) -------------------------------------------------------------

    def inject(self, name: str) -> None:
        name = name.strip()
        if name not in FAULTS:
            raise FaultError(f"unknown fault '{name}' (known: {', '.join(FAULTS)})")
        with self.lock:
            if name == "key-stuck":
                self.key_stuck = True
            elif name == "tamper":
                self.tamper()
            elif name == "silence":
                self.silent = True
            elif name == "removed":
                self.removed = True
                if self.link is not None:
                    self.link.drop()

    def clear_faults(self) -> None:
        """Key freed, line back, device plugged in. A tamper is not undone: keys stay
        erased until a key ceremony loads them again."""
        with self.lock:
            self.key_stuck = self.silent = self.removed = False

    def tamper(self) -> None:
        with self.lock:
            self.tampered = True
            self.keys.clear()
            self._end_entry()

    def open_ceremony(self, open_: bool = True) -> None:
        """Key custodians' dual control (a switch and passwords on a real pad)."""
        with self.lock:
            self.ceremony = open_
            if open_:
                self.tampered = False  # a ceremony re-arms a tampered pad

    def press(self, script: str) -> None:
        """The customer presses these keys, one every ``key_delay`` seconds."""
        check_script(script)
        with self.lock:
            if not self._queue:
                self._next_key_at = time.monotonic() + self.key_delay
            self._queue.extend(script)
        self.wake()  # the link thread may be asleep until its next idle tick

    @property
    def digits(self) -> int:
        return len(self._digits)

    def kcvs(self) -> dict[str, str]:
        with self.lock:
            return {n: pinblock.kcv(k, a).hex().upper() for n, (a, k) in self.keys.items()}

    # -- ByteSimulator ----------------------------------------------------------------------

    def on_bytes(self, data: bytes) -> None:
        with self.lock:
            if self.removed:
                return
            for ev in self._decoder.feed(data):
                if isinstance(ev, Frame):
                    self._on_frame(ev)
                elif isinstance(ev, BadFrame):
                    log.debug("pinpad sim: dropped %s", ev.reason)

    def on_disconnect(self) -> None:
        with self.lock:
            self._decoder.reset()

    def next_tick(self) -> float | None:
        """The next key to press, or the entry's time-out; None while the pad waits."""
        with self.lock:
            due = [self._next_key_at] if self._queue else []
            if self.state is EntryState.ENTRY:
                due.append(self._deadline)
        return max(0.0, min(due) - time.monotonic()) if due else None

    def tick(self) -> None:
        with self.lock:
            now = time.monotonic()
            if self._queue and now >= self._next_key_at:
                self._key(self._queue.popleft())
                self._next_key_at = now + self.key_delay
            if self.state is EntryState.ENTRY and now >= self._deadline:
                self._push(Key.TIMEOUT)
                self._end_entry()

    # -- the pad -----------------------------------------------------------------------------

    def _push(self, key: Key) -> None:
        if not (self.silent or self.removed):
            self.send(encode_event(key, len(self._digits)))

    def _key(self, ch: str) -> None:
        if self.state is EntryState.KEYS:
            if not ch.isdigit():  # function keys only; digits are not reported
                self._push(SCRIPT_KEYS[ch])
            return
        if self.state is not EntryState.ENTRY:
            return  # keys pressed with no entry running are not reported
        if ch.isdigit():
            if len(self._digits) >= self._max:
                return  # the pad beeps; nothing is reported
            self._digits.append(ch)
            self._push(Key.DIGIT)
            return
        key = SCRIPT_KEYS[ch]
        if key is Key.CLEAR:
            self._digits.clear()
        elif key is Key.BACKSPACE:
            if self._digits:
                self._digits.pop()
        elif key is Key.ENTER:
            if len(self._digits) < self._min:
                return  # too short: ENTER is ignored (the pad beeps)
            self.state = EntryState.DONE
            self._queue.clear()
        elif key is Key.CANCEL:
            self._push(key)
            self._end_entry()
            return
        self._push(key)

    def _end_entry(self) -> None:
        self.state = EntryState.IDLE
        self._digits.clear()
        self._queue.clear()

    def _flags(self) -> int:
        flags = 0
        if self.tampered:
            flags |= Flag.TAMPERED
        if self.ceremony:
            flags |= Flag.CEREMONY
        if MASTER in self.keys:
            flags |= Flag.MASTER_LOADED
        if self.key_stuck:
            flags |= Flag.KEY_STUCK
        return flags

    def _status(self) -> bytes:
        return encode_status(PadStatus(self.state, self._flags(), len(self._digits), FIRMWARE))

    def _on_frame(self, frame: Frame) -> None:
        self.command_count += 1
        self.recent_commands.append(frame.raw)
        if self.silent or frame.is_reply:
            return
        try:
            result, data = self._answer(frame.cmd, frame.data)
        except (MalformedReply, PinBlockError) as exc:
            log.debug("pinpad sim: bad data for %02X: %s", frame.cmd, exc)
            result, data = Result.BAD_DATA, b""
        self.send(encode_frame(frame.cmd | REPLY_BIT, bytes([result]) + data))

    def _answer(self, cmd: int, data: bytes) -> tuple[Result, bytes]:
        if cmd in (Cmd.RESET, Cmd.STATUS):
            if cmd == Cmd.RESET:
                self._end_entry()
            return Result.OK, self._status()
        if cmd == Cmd.KEY_LIST:
            infos = [KeyInfo(n, a, pinblock.kcv(k, a)) for n, (a, k) in self.keys.items()]
            return Result.OK, encode_key_list(infos)
        if cmd == Cmd.SIM_PRESS:
            try:
                self.press(data.decode("ascii"))
            except (UnicodeDecodeError, ValueError):
                return Result.BAD_DATA, b""
            return Result.OK, b""
        if cmd == Cmd.END_ENTRY:
            self._end_entry()
            return Result.OK, b""
        if cmd == Cmd.LOAD_MASTER:
            return self._load_master(data)
        if self.tampered and cmd in (Cmd.IMPORT_KEY, Cmd.START_ENTRY, Cmd.GET_PIN_BLOCK):
            return Result.TAMPERED, b""
        if cmd == Cmd.IMPORT_KEY:
            return self._import_key(data)
        if cmd == Cmd.START_ENTRY:
            return self._start_entry(data)
        if cmd == Cmd.START_KEYS:
            return self._start_keys(data)
        if cmd == Cmd.GET_PIN_BLOCK:
            return self._pin_block(data)
        return Result.UNKNOWN_COMMAND, b""

    def _load_master(self, data: bytes) -> tuple[Result, bytes]:
        if not self.ceremony:
            return Result.NOT_IN_CEREMONY, b""
        alg = ALG_NAMES.get(data[0]) if data else None
        if alg is None:
            return Result.BAD_DATA, b""
        key = data[1:]
        check = pinblock.kcv(key, alg)
        # A new master key makes every working key under the old one useless.
        self.keys = {MASTER: (alg, key)}
        self.tampered = False
        return Result.OK, check

    def _import_key(self, data: bytes) -> tuple[Result, bytes]:
        req = parse_import_key(data)
        if MASTER not in self.keys:
            return Result.NO_KEY, b""
        if req.name == MASTER:
            return Result.BAD_DATA, b""
        if req.name not in self.keys and len(self.keys) > MAX_KEYS:
            return Result.BAD_DATA, b""
        master_alg, master = self.keys[MASTER]
        if req.algorithm != master_alg:
            return Result.WRONG_ALGORITHM, b""
        key = pinblock.unwrap_key(master, req.wrapped, req.algorithm)
        check = pinblock.kcv(key, req.algorithm)
        if check != req.kcv:
            return Result.KCV_MISMATCH, check
        self.keys[req.name] = (req.algorithm, key)
        return Result.OK, check

    def _start_entry(self, data: bytes) -> tuple[Result, bytes]:
        if len(data) != 4:
            return Result.BAD_DATA, b""
        lo, hi, tenths = data[0], data[1], (data[2] << 8) | data[3]
        if not 4 <= lo <= hi <= 12 or tenths == 0:
            return Result.BAD_DATA, b""
        if self.key_stuck:
            return Result.KEY_STUCK, b""
        if self.state is EntryState.ENTRY:
            return Result.BUSY, b""
        self._end_entry()  # a function-key entry (or a held PIN) ends here
        self.state = EntryState.ENTRY
        self._min, self._max = lo, hi
        self._deadline = time.monotonic() + tenths / 10
        if self.script:
            self.press(self.script)
        return Result.OK, b""

    def _start_keys(self, data: bytes) -> tuple[Result, bytes]:
        if data:
            return Result.BAD_DATA, b""
        if self.key_stuck:
            return Result.KEY_STUCK, b""
        if self.state is EntryState.ENTRY:
            return Result.BUSY, b""
        self._end_entry()
        self.state = EntryState.KEYS
        return Result.OK, b""

    def _pin_block(self, data: bytes) -> tuple[Result, bytes]:
        req = parse_pin_block_request(data)
        if self.state is not EntryState.DONE:
            return Result.NO_PIN, b""
        entry = self.keys.get(req.name)
        if entry is None or req.name == MASTER:
            return Result.NO_KEY, b""
        alg, key = entry
        pin = "".join(self._digits)
        if req.fmt == 0 and alg == "TDES":
            block = pinblock.encode_format0(pin, req.pan, key)
        elif req.fmt == 4 and alg == "AES" and len(key) == 16:
            block = pinblock.encode_format4(pin, req.pan, key)
        elif req.fmt in (0, 4):
            return Result.WRONG_ALGORITHM, b""
        else:
            return Result.BAD_DATA, b""
        self._end_entry()  # the PIN leaves the pad once, encrypted, then is wiped
        return Result.OK, block


__all__ = ["ALG_CODES", "DEFAULT_MASTER", "FAULTS", "FaultError", "PinPadSimulator",
           "check_script"]
