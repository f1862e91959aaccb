"""Creator CRT-591 (M001 protocol) codec: frames, texts and an incremental decoder. No I/O.

Frame, both directions: ``STX(0xF2) ADDR LENH LENL TEXT ETX(0x03) BCC`` where BCC is
the XOR of STX..ETX. Host text ``'C' CM PM [DATA]``; replies ``'P' CM PM st0 st1 st2
[DATA]`` or ``'N' CM PM e1 e0``. See shared/reference/card-dispensers.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from devices.card_dispenser.errors import MalformedFrame, ProtocolError
from devices.card_dispenser.framing import (
    FrameEvent,
    StreamDecoder,
    bcc,
)
from devices.card_dispenser.model import (
    CardPosition,
    Op,
    Problem,
    Reading,
    Sensors,
    StackerLevel,
)

STX = 0xF2
ETX = 0x03
MAX_DATA = 512
#: Longest text: 'P' CM PM st0 st1 st2 + DATA.
MAX_TEXT = 6 + MAX_DATA

# Command codes (CM) and parameters (PM), as ASCII bytes.
CM_INIT, CM_STATUS, CM_MOVE, CM_ENTRY = 0x30, 0x31, 0x32, 0x33
CM_RF, CM_SERIAL, CM_VERSION, CM_COUNTER = 0x60, 0xA2, 0xA4, 0xA5
PM_INIT_GATE, PM_INIT_CAPTURE, PM_INIT_KEEP = 0x30, 0x31, 0x33
#: The same, also counting retracted cards (the retract counter, read with CM A5).
PM_INIT_GATE_COUNT, PM_INIT_CAPTURE_COUNT, PM_INIT_KEEP_COUNT = 0x34, 0x35, 0x37
PM_STATUS, PM_SENSORS = 0x30, 0x31
#: ENTRY's parameters: the reference says "allow / deny" without the bytes; ours.
PM_ENTRY_ALLOW, PM_ENTRY_DENY = 0x30, 0x31
PM_TO_GATE, PM_TO_IC, PM_TO_RF, PM_TO_BIN, PM_EJECT = 0x30, 0x31, 0x32, 0x33, 0x39

#: The vendor-neutral operations as (CM, PM).
OPS: dict[Op, tuple[int, int]] = {
    Op.INIT_KEEP: (CM_INIT, PM_INIT_KEEP),
    Op.INIT_GATE: (CM_INIT, PM_INIT_GATE),
    Op.INIT_CAPTURE: (CM_INIT, PM_INIT_CAPTURE),
    Op.INIT_KEEP_COUNT: (CM_INIT, PM_INIT_KEEP_COUNT),
    Op.INIT_GATE_COUNT: (CM_INIT, PM_INIT_GATE_COUNT),
    Op.INIT_CAPTURE_COUNT: (CM_INIT, PM_INIT_CAPTURE_COUNT),
    Op.STATUS: (CM_STATUS, PM_STATUS),
    Op.SENSORS: (CM_STATUS, PM_SENSORS),
    Op.DISPENSE: (CM_MOVE, PM_TO_GATE),
    Op.PRESENT: (CM_MOVE, PM_TO_GATE),  # MOVE-to-gate moves a card already inside
    Op.TO_READ: (CM_MOVE, PM_TO_RF),
    Op.TO_IC: (CM_MOVE, PM_TO_IC),
    Op.CAPTURE: (CM_MOVE, PM_TO_BIN),
    Op.EJECT: (CM_MOVE, PM_EJECT),
    Op.READ_UID: (CM_RF, 0x30),
    Op.VERSION: (CM_VERSION, 0x30),
    Op.MACHINE_SERIAL: (CM_SERIAL, 0x30),
    Op.ENTRY_ALLOW: (CM_ENTRY, PM_ENTRY_ALLOW),
    Op.ENTRY_DENY: (CM_ENTRY, PM_ENTRY_DENY),
    Op.BIN_COUNT: (CM_COUNTER, 0x30),
}

#: Negative reply codes (e1 e0) from the M001 spec.
ERROR_CODES: dict[str, Problem] = {
    "00": Problem.UNDEFINED_COMMAND,
    "01": Problem.PARAMETER,
    "02": Problem.SEQUENCE,
    "04": Problem.COMMAND_DATA,
    "10": Problem.JAM,
    "12": Problem.SENSOR,
    "13": Problem.CARD_TOO_LONG,
    "14": Problem.CARD_TOO_SHORT,
    "40": Problem.CANNOT_RETRACT,
    "45": Problem.MOVED_MANUALLY,
    "50": Problem.COUNTER_OVERFLOW,
    "51": Problem.MOTOR,
    **{f"6{d}": Problem.CARD_READ for d in "0123456789"},
    "A0": Problem.STACKER_EMPTY,
    "A1": Problem.BIN_FULL,
    "B0": Problem.NOT_INITIALISED,
}
#: The code a device sends for each problem (the first one listed).
CODE_FOR: dict[Problem, str] = {}
for _code, _problem in ERROR_CODES.items():
    CODE_FOR.setdefault(_problem, _code)

_POSITION = {0x30: CardPosition.NONE, 0x31: CardPosition.GATE, 0x32: CardPosition.READ}
_STACKER = {0x30: StackerLevel.EMPTY, 0x31: StackerLevel.LOW, 0x32: StackerLevel.OK}
POSITION_BYTE = {v: k for k, v in _POSITION.items()}
STACKER_BYTE = {v: k for k, v in _STACKER.items()}


# -- texts ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Command:
    cm: int
    pm: int
    data: bytes = b""

    def text(self) -> bytes:
        return bytes([0x43, self.cm, self.pm]) + self.data


@dataclass(frozen=True)
class Positive:
    cm: int
    pm: int
    status: bytes  # st0 st1 st2
    data: bytes = b""

    def text(self) -> bytes:
        return bytes([0x50, self.cm, self.pm]) + self.status + self.data

    def reading(self) -> Reading:
        """The status bytes as vendor-neutral facts; ProtocolError if they are not valid."""
        st0, st1, st2 = self.status
        try:
            return Reading(_POSITION[st0], _STACKER[st1], {0x30: False, 0x31: True}[st2])
        except KeyError:
            raise MalformedFrame(f"bad status bytes {self.status!r}") from None


@dataclass(frozen=True)
class Negative:
    cm: int
    pm: int
    code: str  # e1 e0 as ASCII, e.g. "A0"

    def text(self) -> bytes:
        return bytes([0x4E, self.cm, self.pm]) + self.code.encode("ascii")

    @property
    def problem(self) -> Problem | None:
        return ERROR_CODES.get(self.code)


Text = Command | Positive | Negative


def encode_sensors(sensors: Sensors) -> bytes:
    """The sensor block's DATA: one ASCII '0'/'1' per sensor, in :attr:`Sensors.ORDER`."""
    return bytes(0x31 if getattr(sensors, n) else 0x30 for n in Sensors.ORDER)


def parse_sensors(data: bytes) -> Sensors:
    """The DATA of a STATUS PM 31 reply; MalformedFrame if it is not the block."""
    if len(data) != len(Sensors.ORDER) or any(b not in (0x30, 0x31) for b in data):
        raise MalformedFrame(f"bad sensor block {data!r} (want {len(Sensors.ORDER)} of '0'/'1')")
    return Sensors(*(b == 0x31 for b in data))


def parse_counter(data: bytes) -> int:
    """The retract counter's DATA (ASCII decimal digits); MalformedFrame otherwise."""
    if not data or not data.isdigit():
        raise MalformedFrame(f"retract counter is not a number: {data!r}")
    return int(data)


def parse_text(text: bytes) -> Text:
    """Parse a frame's text; raises MalformedFrame."""
    if len(text) < 3:
        raise MalformedFrame(f"text too short: {text.hex(' ')}")
    kind, cm, pm = text[0], text[1], text[2]
    if kind == 0x43:
        return Command(cm, pm, bytes(text[3:]))
    if kind == 0x50:
        if len(text) < 6:
            raise MalformedFrame(f"positive reply without status bytes: {text.hex(' ')}")
        return Positive(cm, pm, bytes(text[3:6]), bytes(text[6:]))
    if kind == 0x4E:
        if len(text) != 5:
            raise MalformedFrame(f"negative reply must have 2 code bytes: {text.hex(' ')}")
        try:
            code = text[3:5].decode("ascii")
        except UnicodeDecodeError:
            raise MalformedFrame(f"error code not ASCII: {text.hex(' ')}") from None
        return Negative(cm, pm, code)
    raise MalformedFrame(f"unknown text type 0x{kind:02X}")


# -- frames ---------------------------------------------------------------------------


def encode_frame(text: bytes, address: int = 0) -> bytes:
    """``STX ADDR LENH LENL TEXT ETX BCC``."""
    if not 0 <= address <= 0xFF:
        raise ProtocolError(f"address {address} out of range")
    if len(text) > MAX_TEXT:
        raise ProtocolError(f"text of {len(text)} bytes exceeds {MAX_TEXT}")
    body = bytes([STX, address, len(text) >> 8, len(text) & 0xFF]) + text + bytes([ETX])
    return body + bytes([bcc(body)])


def encode_command(cm: int, pm: int, data: bytes = b"", address: int = 0) -> bytes:
    return encode_frame(Command(cm, pm, data).text(), address)


class Decoder(StreamDecoder):
    """Incremental: ``feed(bytes)`` returns the events completed so far.

    On anything that is not a frame or a control byte it skips one byte and looks
    again, so a real frame right after garbage (or inside a false start) is found.
    """

    stx = STX

    def _frame_end(self, i: int) -> int:
        buf = self._buf
        if len(buf) - i < 4:
            return 0  # wait for the header
        length = (buf[i + 2] << 8) | buf[i + 3]
        if length > MAX_TEXT:
            return -1
        total = 4 + length + 2
        if len(buf) - i < total:
            return 0
        return i + total if buf[i + total - 2] == ETX else -1

    def _frame(self, raw: bytes) -> FrameEvent:
        return FrameEvent(raw[4:-2], raw, raw[1])


