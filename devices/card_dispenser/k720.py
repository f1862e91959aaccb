"""K720-style dispenser codec (Hengyu K720, QU-CD-720M…): ASCII frames and a decoder. No I/O.

Frame, both directions: ``STX(0x02) TEXT ETX(0x03) BCC`` with BCC the XOR of STX..ETX
and TEXT printable ASCII. The host sends a command, the device answers ACK (or NAK:
resend); the host then sends ENQ and the device executes it and replies.

The reference gives the command letters and the reply shape ``R1 R2 D1 D2 D3`` but not
what the reply bytes mean. **Our definition** (one place, here; see
docs/card_dispenser.md), chosen to match the CRT-591's status vocabulary:

* positive reply: ``R1 R2`` echo the command's two letters, ``D1 D2 D3`` are the
  status bytes — D1 card position ('0' none, '1' at the gate/take-out position,
  '2' at the read position), D2 stacker ('0' empty, '1' low, '2' enough), D3 bin
  ('0' not full, '1' full) — followed by data for GV (version) and RU (card UID, hex);
* negative reply: ``'E' 'R' e1 e0 D1`` — a two-character error code from
  :data:`ERROR_CODES` and the card position;
* a reply with a bad BCC is NAKed by the host and the device sends it again; the
  host does not ACK good replies (an ACK is ignored).

Commands used: DC dispense to the take-out position, FC0 card to the take-out
position, FC7 to the read position, FC4 out of the mouth, CP capture to the bin,
RS reset, RF status, GV version, and RU (read the RF card UID at the read position,
on variants with an RF module — an assumption, not in the reference).
"""

from __future__ import annotations

from dataclasses import dataclass

from devices.card_dispenser.errors import MalformedFrame, ProtocolError
from devices.card_dispenser.framing import (
    FrameEvent,
    StreamDecoder,
    bcc,
)
from devices.card_dispenser.model import CardPosition, Op, Problem, Reading, StackerLevel

STX = 0x02
ETX = 0x03
MAX_TEXT = 64

#: Vendor-neutral operations as command texts. Reset variants that also move the
#: card are RS followed by a move (see the driver's adapter).
OPS: dict[Op, bytes] = {
    Op.INIT_KEEP: b"RS",
    Op.STATUS: b"RF",
    Op.DISPENSE: b"DC",
    Op.PRESENT: b"FC0",
    Op.TO_READ: b"FC7",
    Op.CAPTURE: b"CP",
    Op.EJECT: b"FC4",
    Op.READ_UID: b"RU",
    Op.VERSION: b"GV",
}

#: Negative reply codes — our definition (see the module docstring).
ERROR_CODES: dict[str, Problem] = {
    "00": Problem.UNDEFINED_COMMAND,
    "01": Problem.PARAMETER,
    "02": Problem.SEQUENCE,
    "10": Problem.JAM,
    "11": Problem.SENSOR,
    "12": Problem.MOTOR,
    "20": Problem.MOVED_MANUALLY,
    "21": Problem.CANNOT_RETRACT,
    "30": Problem.STACKER_EMPTY,
    "31": Problem.BIN_FULL,
    "40": Problem.NOT_INITIALISED,
    "50": Problem.CARD_READ,
}
CODE_FOR: dict[Problem, str] = {p: c for c, p in ERROR_CODES.items()}
#: Problems a K720 has no code of its own for are reported as a sensor error.
FALLBACK_CODE = "11"

_POSITION = {0x30: CardPosition.NONE, 0x31: CardPosition.GATE, 0x32: CardPosition.READ}
_STACKER = {0x30: StackerLevel.EMPTY, 0x31: StackerLevel.LOW, 0x32: StackerLevel.OK}
POSITION_BYTE = {v: k for k, v in _POSITION.items()}
STACKER_BYTE = {v: k for k, v in _STACKER.items()}


@dataclass(frozen=True)
class Positive:
    command: bytes  # R1 R2
    status: bytes  # D1 D2 D3
    data: bytes = b""

    def text(self) -> bytes:
        return self.command + self.status + self.data

    def reading(self) -> Reading:
        d1, d2, d3 = self.status
        try:
            return Reading(_POSITION[d1], _STACKER[d2], {0x30: False, 0x31: True}[d3])
        except KeyError:
            raise MalformedFrame(f"bad status bytes {self.status!r}") from None


@dataclass(frozen=True)
class Negative:
    code: str
    position: CardPosition

    def text(self) -> bytes:
        return b"ER" + self.code.encode("ascii") + bytes([POSITION_BYTE[self.position]])

    @property
    def problem(self) -> Problem | None:
        return ERROR_CODES.get(self.code)


Reply = Positive | Negative


def parse_reply(text: bytes) -> Reply:
    """Parse a reply text; raises MalformedFrame."""
    if text[:2] == b"ER":
        if len(text) != 5 or text[4] not in _POSITION:
            raise MalformedFrame(f"bad negative reply {text!r}")
        try:
            code = text[2:4].decode("ascii")
        except UnicodeDecodeError:  # a line fault, not a reply: the typed error
            raise MalformedFrame(f"error code not ASCII: {text!r}") from None
        return Negative(code, _POSITION[text[4]])
    if len(text) < 5:
        raise MalformedFrame(f"reply too short: {text!r}")
    return Positive(bytes(text[:2]), bytes(text[2:5]), bytes(text[5:]))


def _check_text(text: bytes) -> None:
    if not 2 <= len(text) <= MAX_TEXT or any(not 0x20 <= b <= 0x7E for b in text):
        raise ProtocolError(f"K720 text must be 2..{MAX_TEXT} printable ASCII bytes: {text!r}")


def encode_frame(text: bytes) -> bytes:
    """``STX TEXT ETX BCC``; e.g. dispense ``02 44 43 03 06``."""
    _check_text(text)
    body = bytes([STX]) + text + bytes([ETX])
    return body + bytes([bcc(body)])


class Decoder(StreamDecoder):
    """Incremental K720 decoder; the same contract as the CRT-591 one.

    A frame is STX, printable ASCII, ETX, BCC. Anything else after an STX means the
    STX was noise: skip it and look again from the next byte.
    """

    def _frame_end(self, i: int) -> int:
        """Index after the frame starting at ``i``; 0 if incomplete; -1 if not a frame."""
        buf = self._buf
        n = len(buf)
        j = i + 1
        limit = min(n, i + 1 + MAX_TEXT + 1)
        while j < limit:
            b = buf[j]
            if b == ETX:
                if j - i - 1 < 2:
                    return -1
                return j + 2 if j + 1 < n else 0
            if not 0x20 <= b <= 0x7E:
                return -1
            j += 1
        return 0 if j < i + 1 + MAX_TEXT + 1 else -1

    stx = STX

    def _frame(self, raw: bytes) -> FrameEvent:
        return FrameEvent(raw[1:-2], raw)
