"""Split an ESC/POS byte stream into commands (no I/O, no rendering).

The parser is incremental: :meth:`CommandParser.feed` takes whatever chunk the link
delivered and returns the complete commands in it, keeping a command cut in half by the
transport for the next chunk. Lengths follow the Epson ESC/POS command reference for the
commands a receipt printer sees; an unknown ``ESC x`` / ``GS x`` is taken as two bytes
and reported as ``unknown`` (a real printer would print garbage, we log it).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Command:
    """``name`` is e.g. ``"ESC a"``, ``"GS ( k"``, ``"text"``; ``arg`` holds its parameter bytes."""

    name: str
    arg: bytes = b""


class Incomplete(Exception):
    """Not enough bytes yet for the command that starts here."""


# Fixed parameter counts after the command letter.
_ESC_FIXED = {
    b"@": 0, b"!": 1, b"E": 1, b"-": 1, b"a": 1, b"t": 1, b"M": 1, b"d": 1, b"J": 1, b"2": 0,
    b"3": 1, b"G": 1, b"{": 1, b"V": 1, b" ": 1, b"$": 2, b"\\": 2, b"p": 3, b"R": 1, b"=": 1,
    b"r": 1, b"L": 0, b"S": 0, b"i": 0, b"m": 0, b"U": 1, b"T": 1, b"e": 1, b"%": 1,
    b"c": 2, b"D": -1, b"B": 2, b"C": 1,
}
_GS_FIXED = {
    b"!": 1, b"B": 1, b"H": 1, b"h": 1, b"w": 1, b"f": 1, b"L": 2, b"W": 2, b"a": 1,
    b"r": 1, b"I": 1, b"b": 1, b"$": 2, b"\\": 2, b":": 0, b"^": 3, b"P": 2, b"T": 1,
}
_FS_FIXED = {b"&": 0, b".": 0, b"!": 1, b"-": 1, b"C": 1, b"S": 2, b"W": 1, b"p": 2, b"?": 1}


def _need(buf: bytes, end: int) -> None:
    if len(buf) < end:
        raise Incomplete


def parse_one(buf: bytes, i: int) -> tuple[Command, int]:
    """The command at ``buf[i]`` and the index after it; raises Incomplete."""
    b = buf[i]
    if b == 0x0A:
        return Command("LF"), i + 1
    if b == 0x0D:
        return Command("CR"), i + 1
    if b == 0x09:
        return Command("HT"), i + 1
    if b == 0x0C:
        return Command("FF"), i + 1
    if b == 0x10:
        _need(buf, i + 2)
        sub = buf[i + 1]
        if sub in (0x04, 0x05):  # DLE EOT n, DLE ENQ n
            _need(buf, i + 3)
            return Command("DLE EOT" if sub == 4 else "DLE ENQ", buf[i + 2:i + 3]), i + 3
        if sub == 0x14:  # DLE DC4 fn m t
            _need(buf, i + 5)
            return Command("DLE DC4", buf[i + 2:i + 5]), i + 5
        return Command("unknown", buf[i:i + 2]), i + 2
    if b == 0x1B:
        return _parse_esc(buf, i)
    if b == 0x1D:
        return _parse_gs(buf, i)
    if b == 0x1C:
        _need(buf, i + 2)
        letter = buf[i + 1:i + 2]
        n = _FS_FIXED.get(letter)
        if n is None:
            return Command("unknown", buf[i:i + 2]), i + 2
        _need(buf, i + 2 + n)
        return Command("FS " + letter.decode("latin-1"), buf[i + 2:i + 2 + n]), i + 2 + n
    if b < 0x20 or b == 0x7F:
        return Command("ignored", bytes([b])), i + 1
    # A text run: everything up to the next control byte.
    j = i
    while j < len(buf) and (buf[j] >= 0x20 and buf[j] != 0x7F):
        j += 1
    return Command("text", buf[i:j]), j


def _parse_esc(buf: bytes, i: int) -> tuple[Command, int]:
    _need(buf, i + 2)
    letter = buf[i + 1:i + 2]
    name = "ESC " + letter.decode("latin-1")
    if letter == b"*":  # ESC * m nL nH d1..dk: column bit image
        _need(buf, i + 5)
        m, nl, nh = buf[i + 2], buf[i + 3], buf[i + 4]
        k = (nl + 256 * nh) * (3 if m in (32, 33) else 1)
        _need(buf, i + 5 + k)
        return Command(name, buf[i + 2:i + 5 + k]), i + 5 + k
    if letter == b"D":  # ESC D n1..nk NUL: tab stops
        end = buf.find(b"\x00", i + 2)
        if end < 0:
            raise Incomplete
        return Command(name, buf[i + 2:end]), end + 1
    n = _ESC_FIXED.get(letter)
    if n is None:
        return Command("unknown", buf[i:i + 2]), i + 2
    _need(buf, i + 2 + n)
    return Command(name, buf[i + 2:i + 2 + n]), i + 2 + n


def _parse_gs(buf: bytes, i: int) -> tuple[Command, int]:
    _need(buf, i + 2)
    letter = buf[i + 1:i + 2]
    if letter == b"(":  # GS ( x pL pH data: length-prefixed functions (QR, graphics…)
        _need(buf, i + 5)
        fn = buf[i + 2:i + 3].decode("latin-1")
        size = buf[i + 3] + 256 * buf[i + 4]
        _need(buf, i + 5 + size)
        return Command("GS ( " + fn, buf[i + 5:i + 5 + size]), i + 5 + size
    if letter == b"8":  # GS 8 L p1 p2 p3 p4 data: long graphics
        _need(buf, i + 7)
        size = int.from_bytes(buf[i + 3:i + 7], "little")
        _need(buf, i + 7 + size)
        return Command("GS 8 L", buf[i + 7:i + 7 + size]), i + 7 + size
    if letter == b"v":  # GS v 0 m xL xH yL yH d1..dk: raster bit image
        _need(buf, i + 8)
        xb = buf[i + 4] + 256 * buf[i + 5]
        y = buf[i + 6] + 256 * buf[i + 7]
        _need(buf, i + 8 + xb * y)
        return Command("GS v 0", buf[i + 3:i + 8 + xb * y]), i + 8 + xb * y
    if letter == b"V":  # GS V m [n]
        _need(buf, i + 3)
        m = buf[i + 2]
        if m in (65, 66, 97, 98, 103, 104):
            _need(buf, i + 4)
            return Command("GS V", buf[i + 2:i + 4]), i + 4
        return Command("GS V", buf[i + 2:i + 3]), i + 3
    if letter == b"k":  # GS k m ...: barcode
        _need(buf, i + 3)
        m = buf[i + 2]
        if m <= 6:
            end = buf.find(b"\x00", i + 3)
            if end < 0:
                raise Incomplete
            return Command("GS k", buf[i + 2:end]), end + 1
        _need(buf, i + 4)
        size = buf[i + 3]
        _need(buf, i + 4 + size)
        return Command("GS k", buf[i + 2:i + 4 + size]), i + 4 + size
    n = _GS_FIXED.get(letter)
    if n is None:
        return Command("unknown", buf[i:i + 2]), i + 2
    _need(buf, i + 2 + n)
    return Command("GS " + letter.decode("latin-1"), buf[i + 2:i + 2 + n]), i + 2 + n


class CommandParser:
    """Incremental: feed chunks, get whole commands; a split command waits for its tail."""

    #: A declared length larger than this is a broken stream, not a big image: resync.
    MAX_PENDING = 4 * 1024 * 1024

    def __init__(self) -> None:
        self._buf = b""

    def feed(self, data: bytes) -> list[Command]:
        buf = self._buf + data
        out: list[Command] = []
        i = 0
        while i < len(buf):
            try:
                cmd, j = parse_one(buf, i)
            except Incomplete:
                break
            # A text run at the very end may continue in the next chunk: still emit it,
            # the interpreter's decoder keeps a half multi-byte character.
            out.append(cmd)
            i = j
        self._buf = buf[i:]
        if len(self._buf) > self.MAX_PENDING:
            out.append(Command("unknown", self._buf[:2]))
            self._buf = b""
        return out

    @property
    def pending(self) -> int:
        return len(self._buf)
