"""ESC/POS real-time status (DLE EOT 1-4): query bytes, reply parsing, and the mapping to
our status model. No I/O here: the driver sends :data:`QUERY_ALL` and hands the four reply
bytes to :func:`parse_replies`; the simulator builds its replies with :func:`encode`.

Each reply byte has the fixed form ``0xx1xx10`` (bits 1 and 4 set, bits 0 and 7 clear);
anything else is not a status byte (line noise, an Automatic Status Back frame…) and is
refused rather than guessed at.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk_core.status import DeviceState, MediaState, SupplyState

DLE_EOT = b"\x10\x04"
#: The four real-time queries, sent together; the printer answers one byte each, in order.
QUERY_ALL = b"".join(DLE_EOT + bytes([n]) for n in (1, 2, 3, 4))

FIXED_MASK = 0b1001_0011
FIXED_BITS = 0b0001_0010


class StatusReplyError(ValueError):
    """A byte that is not a well-formed DLE EOT reply."""


def is_status_byte(b: int) -> bool:
    return (b & FIXED_MASK) == FIXED_BITS


@dataclass(frozen=True)
class PrinterCondition:
    """What the four DLE EOT replies say, bit by bit (Epson TM series meaning)."""

    # n=1 printer status
    offline: bool = False
    waiting_recovery: bool = False
    feed_button: bool = False
    # n=2 offline cause
    cover_open: bool = False
    feeding_by_button: bool = False
    stopped_paper_end: bool = False
    error: bool = False
    # n=3 error cause
    cutter_error: bool = False
    unrecoverable: bool = False
    auto_recoverable: bool = False
    # n=4 roll paper sensor
    paper_near_end: bool = False
    paper_end: bool = False

    # -- mapping to the common status model ---------------------------------------------

    @property
    def paper(self) -> SupplyState:
        if self.paper_end or self.stopped_paper_end:
            return SupplyState.OUT
        if self.paper_near_end:
            return SupplyState.LOW
        return SupplyState.FULL

    @property
    def media(self) -> MediaState:
        # A roll printer has no presenter sensor: "media" says whether paper is loaded
        # and whether it is stuck (a cutter error is almost always jammed paper).
        if self.cutter_error:
            return MediaState.JAMMED
        if self.paper == SupplyState.OUT:
            return MediaState.NOT_PRESENT
        return MediaState.PRESENT

    @property
    def problems(self) -> list[str]:
        """Technician's words for every fault, most serious first."""
        out = []
        if self.unrecoverable:
            out.append("unrecoverable error: power-cycle the printer, then call service")
        if self.cutter_error:
            out.append("cutter error: clear the paper jam at the cutter")
        if self.auto_recoverable:
            out.append("auto-recoverable error (print head temperature): wait")
        if self.cover_open:
            out.append("cover open: close the printer cover")
        if self.paper == SupplyState.OUT:
            out.append("paper out: load a new roll")
        elif self.paper_near_end:
            out.append("paper near end: replace the roll soon")
        if self.offline and not out:
            out.append("printer offline")
        return out

    @property
    def device_state(self) -> DeviceState:
        if self.unrecoverable or self.cutter_error or self.auto_recoverable or self.error:
            return DeviceState.HARDWARE_ERROR
        if self.cover_open or self.paper == SupplyState.OUT:
            return DeviceState.USER_ERROR  # a person fixes it: close the cover, load paper
        if self.offline:
            return DeviceState.OFFLINE
        return DeviceState.ONLINE

    @property
    def can_print(self) -> bool:
        return self.device_state == DeviceState.ONLINE

    @property
    def error_code(self) -> str:
        if self.unrecoverable:
            return "unrecoverable"
        if self.cutter_error:
            return "cutterError"
        if self.auto_recoverable:
            return "autoRecoverable"
        if self.cover_open:
            return "coverOpen"
        if self.paper == SupplyState.OUT:
            return "paperOut"
        if self.offline:
            return "offline"
        if self.paper_near_end:
            return "paperLow"
        return ""


def _bit(b: int, n: int) -> bool:
    return bool(b >> n & 1)


def parse_replies(data: bytes) -> PrinterCondition:
    """The four replies to :data:`QUERY_ALL`, in order n=1,2,3,4."""
    if len(data) != 4:
        raise StatusReplyError(f"expected 4 status bytes, got {len(data)}: {data.hex()}")
    for i, b in enumerate(data, 1):
        if not is_status_byte(b):
            raise StatusReplyError(f"DLE EOT {i} reply 0x{b:02x} is not of the form 0xx1xx10")
    s1, s2, s3, s4 = data
    return PrinterCondition(
        offline=_bit(s1, 3), waiting_recovery=_bit(s1, 5), feed_button=_bit(s1, 6),
        cover_open=_bit(s2, 2), feeding_by_button=_bit(s2, 3), stopped_paper_end=_bit(s2, 5),
        error=_bit(s2, 6),
        cutter_error=_bit(s3, 3), unrecoverable=_bit(s3, 5), auto_recoverable=_bit(s3, 6),
        # Two sensor bits each (some models set only one of them): either counts.
        paper_near_end=_bit(s4, 2) or _bit(s4, 3), paper_end=_bit(s4, 5) or _bit(s4, 6),
    )


def encode(cond: PrinterCondition) -> bytes:
    """The four reply bytes a printer in ``cond`` sends (used by the simulator)."""

    def byte(*bits: tuple[int, bool]) -> int:
        v = FIXED_BITS
        for n, on in bits:
            if on:
                v |= 1 << n
        return v

    return bytes([
        byte((3, cond.offline), (5, cond.waiting_recovery), (6, cond.feed_button)),
        byte((2, cond.cover_open), (3, cond.feeding_by_button), (5, cond.stopped_paper_end),
             (6, cond.error)),
        byte((3, cond.cutter_error), (5, cond.unrecoverable), (6, cond.auto_recoverable)),
        byte((2, cond.paper_near_end), (3, cond.paper_near_end), (5, cond.paper_end),
             (6, cond.paper_end)),
    ])
