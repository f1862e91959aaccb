"""The EPP serial protocol (our own definition, "SBEPP/1"; see docs/pinpad.md). No I/O.

Frame, both directions::

    STX 0x02 | LEN (2 bytes, big-endian: CMD + DATA) | CMD (1) | DATA | ETX 0x03 | CRC (2)

CRC is CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF), big-endian, over LEN..ETX. A reply
carries ``CMD | 0x80`` and starts with a result byte (:class:`Result`). The pad pushes key
events unsolicited as ``EVENT`` frames (``key code, digits entered so far``); a digit's
value never leaves the pad.

:class:`Decoder` turns any byte stream into :class:`Frame`, :class:`BadFrame` (CRC or
ETX wrong) and :class:`Garbage` events; it never raises on bytes. The ``parse_*``
functions raise :class:`MalformedReply` for a frame whose data does not fit.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from enum import IntEnum, StrEnum

STX, ETX = 0x02, 0x03
REPLY_BIT = 0x80
MAX_DATA = 512  # longest CMD+DATA a frame may carry
HEADER = 3  # STX + LEN
TRAILER = 3  # ETX + CRC


class PinPadProtocolError(Exception):
    """Bytes that are not the protocol."""


class MalformedReply(PinPadProtocolError):
    """A well-framed reply whose data does not fit its command."""


class Cmd(IntEnum):
    RESET = 0x10
    STATUS = 0x11
    LOAD_MASTER = 0x20  # clear master key, key-ceremony state only
    IMPORT_KEY = 0x21  # working key encrypted under the master key, with KCV
    KEY_LIST = 0x22  # names, algorithms and KCVs of the loaded keys
    START_ENTRY = 0x30
    GET_PIN_BLOCK = 0x31
    END_ENTRY = 0x32
    #: Function keys only, no PIN (after XFS4IoT Keyboard.DataEntry with only the function
    #: keys active): the pad reports CLEAR/BACKSPACE/CANCEL/ENTER until END_ENTRY, RESET or
    #: a START_ENTRY; digit keys are not reported. No time limit. Voice navigation uses it.
    START_KEYS = 0x33
    EVENT = 0x40  # pushed by the pad, never answered
    SIM_PRESS = 0x7E  # simulator only: a scripted customer presses keys


class Result(IntEnum):
    OK = 0x00
    UNKNOWN_COMMAND = 0x01
    BAD_DATA = 0x02
    SEQUENCE = 0x03  # not now (no entry active, entry not finished…)
    NO_KEY = 0x04
    KCV_MISMATCH = 0x05
    NOT_IN_CEREMONY = 0x06
    TAMPERED = 0x07  # keys erased
    BUSY = 0x08  # a PIN entry is running
    KEY_STUCK = 0x09
    NO_PIN = 0x0A  # no completed PIN to make a block from
    WRONG_ALGORITHM = 0x0B  # key type does not fit the PIN block format


class Key(IntEnum):
    """Key codes in EVENT frames."""

    DIGIT = 0x01
    CLEAR = 0x02
    BACKSPACE = 0x03
    CANCEL = 0x04
    ENTER = 0x05
    TIMEOUT = 0x06  # not a key: the entry's time limit ran out


class KeyName(StrEnum):
    """The key event vocabulary the driver hands on (XFS4IoT-style, digits hidden)."""

    DIGIT = "digit"
    CLEAR = "clear"
    BACKSPACE = "backspace"
    CANCEL = "cancel"
    ENTER = "enter"
    TIMEOUT = "timeout"


KEY_NAMES = {Key.DIGIT: KeyName.DIGIT, Key.CLEAR: KeyName.CLEAR,
             Key.BACKSPACE: KeyName.BACKSPACE, Key.CANCEL: KeyName.CANCEL,
             Key.ENTER: KeyName.ENTER, Key.TIMEOUT: KeyName.TIMEOUT}

ALG_CODES = {"TDES": 0x01, "AES": 0x02}
ALG_NAMES = {v: k for k, v in ALG_CODES.items()}


class EntryState(IntEnum):
    IDLE = 0
    ENTRY = 1  # collecting digits
    DONE = 2  # entry ended with ENTER: a PIN is held for GET_PIN_BLOCK
    KEYS = 3  # reporting function keys (START_KEYS), no PIN collected


class Flag(IntEnum):
    TAMPERED = 0x01
    CEREMONY = 0x02
    MASTER_LOADED = 0x04
    KEY_STUCK = 0x08


# -- CRC and frames ---------------------------------------------------------------------


def crc16(data: bytes) -> int:
    """CRC-16/CCITT-FALSE."""
    crc = 0xFFFF
    for b in data:
        crc ^= b << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def encode_frame(cmd: int, data: bytes = b"") -> bytes:
    if not 0 <= cmd <= 0xFF:
        raise PinPadProtocolError(f"command {cmd} is not a byte")
    if 1 + len(data) > MAX_DATA:
        raise PinPadProtocolError(f"frame data too long ({len(data)} bytes)")
    body = struct.pack(">H", 1 + len(data)) + bytes([cmd]) + bytes(data) + bytes([ETX])
    return bytes([STX]) + body + struct.pack(">H", crc16(body))


@dataclass(frozen=True)
class Frame:
    cmd: int
    data: bytes
    raw: bytes

    @property
    def is_reply(self) -> bool:
        return bool(self.cmd & REPLY_BIT)


@dataclass(frozen=True)
class BadFrame:
    """A frame-shaped run of bytes whose ETX or CRC is wrong (the receiver drops it)."""

    raw: bytes
    reason: str


@dataclass(frozen=True)
class Garbage:
    raw: bytes


Event = Frame | BadFrame | Garbage


class Decoder:
    """Incremental: ``feed(bytes)`` returns what completed; every byte fed comes out in
    exactly one event's ``raw`` or stays :attr:`pending`."""

    def __init__(self) -> None:
        self._buf = bytearray()

    @property
    def pending(self) -> bytes:
        return bytes(self._buf)

    def reset(self) -> None:
        self._buf.clear()

    def feed(self, data: bytes) -> list[Event]:
        self._buf += bytes(data)
        return self._scan()

    def expire(self) -> list[Event]:
        """The line went quiet mid-frame: the pending STX was not a frame; skip it."""
        if not self._buf:
            return []
        first = Garbage(bytes(self._buf[:1]))
        del self._buf[:1]
        return _merge([first, *self._scan()])

    def _scan(self) -> list[Event]:
        buf = self._buf
        out: list[Event] = []
        i = 0
        junk = -1
        n = len(buf)
        while i < n:
            if buf[i] != STX:
                junk = i if junk < 0 else junk
                i += 1
                continue
            if n - i < HEADER:
                break
            length = (buf[i + 1] << 8) | buf[i + 2]
            if not 1 <= length <= MAX_DATA:
                junk = i if junk < 0 else junk
                i += 1
                continue
            end = i + HEADER + length + TRAILER
            if end > n:
                break
            if junk >= 0:
                out.append(Garbage(bytes(buf[junk:i])))
                junk = -1
            raw = bytes(buf[i:end])
            body = raw[1:-2]
            if raw[-3] != ETX:
                # Not a frame after all (an STX inside noise, a length hit by noise):
                # skip the STX only, a real frame may start inside.
                out.append(BadFrame(raw[:1], "no ETX where the length says"))
                i += 1
                continue
            if struct.unpack(">H", raw[-2:])[0] != crc16(body):
                out.append(BadFrame(raw, "CRC mismatch"))
            else:
                out.append(Frame(raw[3], raw[4:-3], raw))
            i = end
        if junk >= 0:
            out.append(Garbage(bytes(buf[junk:i])))
        del buf[:i]
        return _merge(out)


def _merge(events: list[Event]) -> list[Event]:
    out: list[Event] = []
    for ev in events:
        if out and isinstance(ev, Garbage) and isinstance(out[-1], Garbage):
            out[-1] = Garbage(out[-1].raw + ev.raw)
        else:
            out.append(ev)
    return out


# -- command data ------------------------------------------------------------------------


def _name_bytes(name: str) -> bytes:
    raw = name.encode("ascii", "strict") if name.isascii() else b""
    if not 1 <= len(raw) <= 16 or not all(c.isalnum() or c in "_.-" for c in name):
        raise PinPadProtocolError(f"key name {name!r}: 1..16 of A-Z a-z 0-9 _ . -")
    return raw


def alg_code(algorithm: str) -> int:
    try:
        return ALG_CODES[algorithm]
    except KeyError:
        raise PinPadProtocolError(f"algorithm must be TDES or AES, not {algorithm!r}") from None


def load_master_data(key: bytes, algorithm: str) -> bytes:
    return bytes([alg_code(algorithm)]) + bytes(key)


def import_key_data(name: str, wrapped: bytes, kcv: bytes, algorithm: str) -> bytes:
    if len(kcv) != 3:
        raise PinPadProtocolError("a KCV is 3 bytes")
    raw = _name_bytes(name)
    return bytes([len(raw)]) + raw + bytes([alg_code(algorithm)]) + bytes(kcv) + bytes(wrapped)


def start_entry_data(min_len: int, max_len: int, timeout_s: float) -> bytes:
    if not 4 <= min_len <= max_len <= 12:
        raise PinPadProtocolError(f"PIN length limits must be 4 ≤ min ≤ max ≤ 12, "
                                  f"not {min_len}..{max_len}")
    tenths = round(timeout_s * 10)
    if not 1 <= tenths <= 0xFFFF:
        raise PinPadProtocolError(f"time-out must be 0.1..6553.5 s, not {timeout_s}")
    return struct.pack(">BBH", min_len, max_len, tenths)


def pin_block_data(name: str, fmt: int, pan: str) -> bytes:
    if fmt not in (0, 4):
        raise PinPadProtocolError(f"PIN block format must be 0 or 4, not {fmt}")
    if not (pan.isascii() and pan.isdigit() and 1 <= len(pan) <= 19):
        raise PinPadProtocolError("the PAN must be 1..19 decimal digits")
    raw = _name_bytes(name)
    return bytes([len(raw)]) + raw + bytes([fmt]) + pan.encode("ascii")


@dataclass(frozen=True)
class ImportKey:
    name: str
    algorithm: str
    kcv: bytes
    wrapped: bytes


def parse_import_key(data: bytes) -> ImportKey:
    """What the pad reads from IMPORT_KEY data (raises MalformedReply if it does not fit)."""
    if len(data) < 1:
        raise MalformedReply("empty IMPORT_KEY data")
    n = data[0]
    if not 1 <= n <= 16 or len(data) < 1 + n + 4:
        raise MalformedReply("IMPORT_KEY data too short for its name")
    try:
        name = data[1 : 1 + n].decode("ascii")
        _name_bytes(name)
    except (UnicodeDecodeError, PinPadProtocolError):
        raise MalformedReply("bad key name") from None
    alg = ALG_NAMES.get(data[1 + n])
    if alg is None:
        raise MalformedReply(f"unknown algorithm code {data[1 + n]}")
    return ImportKey(name, alg, data[2 + n : 5 + n], data[5 + n :])


@dataclass(frozen=True)
class PinBlockRequest:
    name: str
    fmt: int
    pan: str


def parse_pin_block_request(data: bytes) -> PinBlockRequest:
    if len(data) < 1:
        raise MalformedReply("empty GET_PIN_BLOCK data")
    n = data[0]
    if not 1 <= n <= 16 or len(data) < 2 + n:
        raise MalformedReply("GET_PIN_BLOCK data too short")
    try:
        name = data[1 : 1 + n].decode("ascii")
        _name_bytes(name)
        pan = data[2 + n :].decode("ascii")
    except (UnicodeDecodeError, PinPadProtocolError):
        raise MalformedReply("bad key name or PAN") from None
    if not (pan.isdigit() and 1 <= len(pan) <= 19):
        raise MalformedReply("the PAN must be 1..19 decimal digits")
    return PinBlockRequest(name, data[1 + n], pan)


# -- replies -----------------------------------------------------------------------------


def result_of(data: bytes) -> tuple[Result | int, bytes]:
    """The reply's result code (an unknown code stays an int) and the rest."""
    if not data:
        raise MalformedReply("reply without a result byte")
    try:
        return Result(data[0]), data[1:]
    except ValueError:
        return data[0], data[1:]


@dataclass(frozen=True)
class PadStatus:
    state: EntryState
    flags: int
    digits: int
    firmware: str

    @property
    def tampered(self) -> bool:
        return bool(self.flags & Flag.TAMPERED)

    @property
    def ceremony(self) -> bool:
        return bool(self.flags & Flag.CEREMONY)

    @property
    def master_loaded(self) -> bool:
        return bool(self.flags & Flag.MASTER_LOADED)

    @property
    def key_stuck(self) -> bool:
        return bool(self.flags & Flag.KEY_STUCK)


def encode_status(s: PadStatus) -> bytes:
    return bytes([s.state, s.flags & 0xFF, s.digits]) + s.firmware.encode("ascii", "replace")


def parse_status(rest: bytes) -> PadStatus:
    if len(rest) < 3:
        raise MalformedReply(f"status needs 3 bytes, got {len(rest)}")
    try:
        state = EntryState(rest[0])
    except ValueError:
        raise MalformedReply(f"unknown entry state {rest[0]}") from None
    if rest[2] > 12:
        raise MalformedReply(f"digit count {rest[2]} > 12")
    return PadStatus(state, rest[1], rest[2], rest[3:].decode("ascii", "replace"))


@dataclass(frozen=True)
class KeyInfo:
    name: str
    algorithm: str
    kcv: bytes


def encode_key_list(keys: list[KeyInfo]) -> bytes:
    out = bytearray([len(keys)])
    for k in keys:
        raw = _name_bytes(k.name)
        out += bytes([len(raw)]) + raw + bytes([alg_code(k.algorithm)]) + k.kcv
    return bytes(out)


def parse_key_list(rest: bytes) -> list[KeyInfo]:
    if not rest:
        raise MalformedReply("key list without a count")
    count, i, out = rest[0], 1, []
    for _ in range(count):
        if i >= len(rest):
            raise MalformedReply("key list cut short")
        n = rest[i]
        entry = rest[i + 1 : i + 1 + n + 4]
        if not 1 <= n <= 16 or len(entry) != n + 4:
            raise MalformedReply("key list entry cut short")
        alg = ALG_NAMES.get(entry[n])
        if alg is None:
            raise MalformedReply(f"unknown algorithm code {entry[n]}")
        out.append(KeyInfo(entry[:n].decode("ascii", "replace"), alg, entry[n + 1 :]))
        i += 1 + n + 4
    if i != len(rest):
        raise MalformedReply("bytes after the key list")
    return out


@dataclass(frozen=True)
class KeyEvent:
    """A key pressed on the pad: which kind, and how many digits are entered now."""

    key: KeyName
    digits: int


def encode_event(key: Key, digits: int) -> bytes:
    return encode_frame(Cmd.EVENT, bytes([key, digits]))


def parse_event(data: bytes) -> KeyEvent:
    if len(data) != 2:
        raise MalformedReply(f"key event needs 2 bytes, got {len(data)}")
    try:
        key = Key(data[0])
    except ValueError:
        raise MalformedReply(f"unknown key code {data[0]}") from None
    if data[1] > 12:
        raise MalformedReply(f"digit count {data[1]} > 12")
    return KeyEvent(KEY_NAMES[key], data[1])
