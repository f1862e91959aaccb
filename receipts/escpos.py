"""ESC/POS bytes for what our receipts use, built in memory (no I/O).

Why our own builder rather than python-escpos' ``text()``: python-escpos picks a code page
per character and gets Chinese wrong (python-escpos #491, #269): it never enters the
printer's Chinese (Kanji) mode. Here wide (CJK) characters are encoded as GB18030 and sent
raw between ``FS &`` (enter Chinese mode) and ``FS .`` (leave it); everything else goes
through the printer's single-byte code page selected with ``ESC t n``.
The builder also only emits a style command when the style actually changes, so the
bytes of a template are stable and compact (tests compare them byte for byte).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import groupby

import numpy as np
from PIL import Image

from devices.printer.codepages import CODE_PAGES

ESC = b"\x1b"
GS = b"\x1d"
FS = b"\x1c"
DLE = b"\x10"
LF = b"\n"


ALIGN = {"left": 0, "center": 1, "right": 2}
QR_EC = {"L": 48, "M": 49, "Q": 50, "H": 51}

#: Font A: 12 x 24 dots; a wide (CJK) character takes two cells.
CELL_W = 12


class EscPosError(ValueError):
    """Something cannot be expressed in ESC/POS (bad size, image too wide…)."""


@lru_cache(maxsize=8192)
def is_wide(ch: str) -> bool:
    """Does ``ch`` print as a double-width (Chinese) glyph?"""
    return unicodedata.east_asian_width(ch) in ("W", "F")


def display_width(text: str) -> int:
    """Width in Font A columns (Chinese characters take two)."""
    return sum(2 if is_wide(ch) else 1 for ch in text)


def _clean(text: str) -> str:
    # Control bytes in data would be printer commands: never let them through.
    if text.isprintable():
        return text
    return "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch)[0] != "C")


@dataclass(frozen=True)
class Style:
    bold: bool = False
    underline: bool = False
    invert: bool = False
    width: int = 1  # 1..8 character width multiplier (GS !)
    height: int = 1

    def size_byte(self) -> int:
        return ((self.width - 1) << 4) | (self.height - 1)


class EscPosBuilder:
    """Accumulates ESC/POS commands; :meth:`getvalue` returns the job's bytes."""

    def __init__(self, code_page: str = "CP437", width_dots: int = 512) -> None:
        if code_page not in CODE_PAGES:
            raise EscPosError(f"unknown code page '{code_page}' (use {', '.join(CODE_PAGES)})")
        self.code_page = code_page
        self._cp_number, self._codec = CODE_PAGES[code_page]
        self.width_dots = width_dots
        self._out = bytearray()
        self._style = Style()
        self._align = "left"

    # -- state --------------------------------------------------------------------------

    def initialize(self) -> EscPosBuilder:
        """ESC @ (reset) and select our code page: every job starts from a known state."""
        self._out += ESC + b"@" + ESC + b"t" + bytes([self._cp_number])
        self._style = Style()
        self._align = "left"
        return self

    def align(self, where: str) -> EscPosBuilder:
        if where not in ALIGN:
            raise EscPosError(f"alignment must be one of {', '.join(ALIGN)}, got '{where}'")
        if where != self._align:
            self._out += ESC + b"a" + bytes([ALIGN[where]])
            self._align = where
        return self

    def style(self, style: Style) -> EscPosBuilder:
        if not (1 <= style.width <= 8 and 1 <= style.height <= 8):
            raise EscPosError(f"text size must be 1..8, got {style.width}x{style.height}")
        cur = self._style
        if style.bold != cur.bold:
            self._out += ESC + b"E" + bytes([style.bold])
        if style.underline != cur.underline:
            self._out += ESC + b"-" + bytes([style.underline])
        if style.invert != cur.invert:
            self._out += GS + b"B" + bytes([style.invert])
        if (style.width, style.height) != (cur.width, cur.height):
            self._out += GS + b"!" + bytes([style.size_byte()])
        self._style = style
        return self

    # -- content ------------------------------------------------------------------------

    def text(self, text: str) -> EscPosBuilder:
        """Text in the current style: wide characters as raw GB18030 in Chinese mode."""
        self._out += encode_text(_clean(text), self._codec)
        return self

    def line(self, text: str = "") -> EscPosBuilder:
        return self.text(text).raw(LF)

    def feed(self, lines: int) -> EscPosBuilder:
        """ESC d n: print and feed n lines."""
        if not 0 <= lines <= 255:
            raise EscPosError(f"feed must be 0..255 lines, got {lines}")
        self._out += ESC + b"d" + bytes([lines])
        return self

    def image(self, img: Image.Image) -> EscPosBuilder:
        """GS v 0: a raster bit image (dark pixels print)."""
        self._out += raster_image(img, self.width_dots)
        return self

    def qr(self, data: str, *, module: int = 6, ec: str = "M") -> EscPosBuilder:
        """Native QR code (GS ( k, model 2): the printer draws it from the data."""
        payload = data.encode("utf-8")
        if not payload:
            raise EscPosError("empty QR data")
        if len(payload) > 7089:
            raise EscPosError(f"QR data too long ({len(payload)} bytes)")
        if not 1 <= module <= 16:
            raise EscPosError(f"QR module size must be 1..16, got {module}")
        if ec not in QR_EC:
            raise EscPosError(f"QR error correction must be one of {', '.join(QR_EC)}")

        def fn(code: int, body: bytes) -> bytes:
            n = len(body) + 2
            return GS + b"(k" + bytes([n & 0xFF, n >> 8, 49, code]) + body

        self._out += (fn(65, b"\x32\x00") + fn(67, bytes([module])) + fn(69, bytes([QR_EC[ec]]))
                      + fn(80, b"\x30" + payload) + fn(81, b"\x30"))
        return self

    def cut(self, feed_lines: int = 4) -> EscPosBuilder:
        """GS V 66 n: feed past the cutter and cut (full cut): the end of a job."""
        self._out += GS + b"V" + bytes([66, feed_lines])
        return self

    def raw(self, data: bytes) -> EscPosBuilder:
        self._out += data
        return self

    def getvalue(self) -> bytes:
        return bytes(self._out)


def encode_text(text: str, codec: str) -> bytes:
    """Encode ``text``: wide characters as ``FS & <GB18030> FS .``, the rest in ``codec``."""
    out = bytearray()
    for wide, group in groupby(text, key=is_wide):
        run = "".join(group)
        if wide:
            out += FS + b"&" + run.encode("gb18030") + FS + b"."
            continue
        try:
            out += run.encode(codec)
        except UnicodeEncodeError:
            out += b"".join(_encode_narrow(ch, codec) for ch in run)
    return bytes(out)


def _encode_narrow(ch: str, codec: str) -> bytes:
    try:
        return ch.encode(codec)
    except UnicodeEncodeError:
        pass
    # Not in the code page (e.g. "€" in CP437): the Chinese font has most symbols.
    try:
        return FS + b"&" + ch.encode("gb18030") + FS + b"."
    except UnicodeEncodeError:
        return b"?"


def raster_image(img: Image.Image, max_width: int = 512) -> bytes:
    """GS v 0 0 xL xH yL yH d…: 1 bit per dot, MSB first, rows padded to whole bytes."""
    return _raster_cached(img.tobytes(), img.mode, img.size, max_width)


@lru_cache(maxsize=16)
def _raster_cached(data: bytes, mode: str, size: tuple[int, int], max_width: int) -> bytes:
    img = Image.frombytes(mode, size, data)
    if img.width > max_width:
        raise EscPosError(f"image is {img.width} dots wide, the paper takes {max_width}")
    if img.mode in ("RGBA", "LA", "P"):
        bg = Image.new("RGBA", img.size, "white")
        img = Image.alpha_composite(bg, img.convert("RGBA"))
    gray = np.asarray(img.convert("L"))
    dark = gray < 128
    width_bytes = (img.width + 7) // 8
    padded = np.zeros((img.height, width_bytes * 8), dtype=bool)
    padded[:, : img.width] = dark
    bits = np.packbits(padded, axis=1)
    header = GS + b"v0\x00" + bytes([width_bytes & 0xFF, width_bytes >> 8,
                                     img.height & 0xFF, img.height >> 8])
    return header + bits.tobytes()
