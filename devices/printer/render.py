"""An ESC/POS interpreter that draws what a receipt printer would print, into a PIL image.

It covers what our receipts and plain python-escpos emit: text in Font A/B with sizes
(GS ! / ESC !), bold, underline, reverse, alignment, single-byte code pages (ESC t), Chinese
as GB18030 in Chinese mode (FS & … FS .), line spacing and feeds, raster images
(GS v 0, ESC *), native QR codes (GS ( k, drawn from the stored data with the qrcode
library) and the cut that ends a page. Fonts come from fontconfig (DejaVu Sans Mono for
Latin, Noto Sans CJK SC for Chinese), so the image reads like the paper.
"""

from __future__ import annotations

import codecs
import logging
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import qrcode
import qrcode.constants
from PIL import Image, ImageDraw, ImageFont

from devices.printer.codepages import CODE_PAGE_BY_NUMBER
from devices.printer.escpos_parse import Command

log = logging.getLogger(__name__)

PAPER_DOTS = 512  # 80 mm paper, 72 mm printable at 180 dpi
DEFAULT_LINE = 30  # ESC 2: 1/6 inch
_FONTS = {"A": (12, 24), "B": (9, 17)}
_QR_EC = {48: qrcode.constants.ERROR_CORRECT_L, 49: qrcode.constants.ERROR_CORRECT_M,
          50: qrcode.constants.ERROR_CORRECT_Q, 51: qrcode.constants.ERROR_CORRECT_H}


class FontNotFound(RuntimeError):
    pass


@lru_cache(maxsize=8)
def find_font(pattern: str) -> tuple[str, int]:
    """File and face index fontconfig picks for ``pattern`` (e.g. "Noto Sans CJK SC:bold")."""
    try:
        out = subprocess.run(["fc-match", "-f", "%{file}\n%{index}", pattern], check=True,
                             capture_output=True, text=True, timeout=10).stdout.split("\n")
    except (OSError, subprocess.SubprocessError) as exc:
        raise FontNotFound(f"fc-match failed for '{pattern}': {exc}") from None
    if not out[0]:
        raise FontNotFound(f"no font for '{pattern}' (install fonts-noto-cjk)")
    return out[0], int(out[1] or 0)


@lru_cache(maxsize=16)
def _font(kind: str, bold: bool, px: int) -> ImageFont.FreeTypeFont:
    pattern = ("Noto Sans CJK SC" if kind == "cjk" else "DejaVu Sans Mono") + (
        ":bold" if bold else "")
    path, index = find_font(pattern)
    return ImageFont.truetype(path, px, index=index)


@lru_cache(maxsize=4096)
def _glyph(ch: str, font: str, wide: bool, bold: bool) -> Image.Image:
    """One character cell at 1x size, white background, black ink (mode L)."""
    cw, chh = _FONTS[font]
    if wide:
        cw = 2 * cw  # a Chinese character is a square of two cells
        img = Image.new("L", (cw, chh), 255)
        f = _font("cjk", bold, chh - 2)
        ImageDraw.Draw(img).text((cw / 2, chh * 0.83), ch, font=f, fill=0, anchor="ms")
        return img
    img = Image.new("L", (cw, chh), 255)
    f = _font("mono", bold, round(cw / 0.602))
    ImageDraw.Draw(img).text((cw / 2, chh * 0.78), ch, font=f, fill=0, anchor="ms")
    return img


@dataclass
class TextStyle:
    font: str = "A"
    bold: bool = False
    underline: int = 0
    invert: bool = False
    width: int = 1
    height: int = 1
    upside_down: bool = False


@dataclass
class RenderedPage:
    """One job as paper: the image, and whether it came out whole and cut.

    ``complete``: everything up to the job's cut was printed (False: a stub, stopped
    part-way). ``cut``: the cutter cut it off (False for a stub, and for a whole page the
    jammed cutter could not cut: the customer tears it off). ``reason`` says why not."""

    image: Image.Image
    complete: bool = True
    reason: str = ""
    texts: list[str] = field(default_factory=list)  # decoded text lines, for tests and logs
    qr_payloads: list[str] = field(default_factory=list)
    cut: bool = True


class EscPosRenderer:
    """Executes parsed commands; calls ``on_page`` with each finished (cut) page."""

    def __init__(self, width: int = PAPER_DOTS,
                 on_page: Callable[[RenderedPage], None] | None = None,
                 on_advance: Callable[[int], bool] | None = None) -> None:
        self.width = width
        self.on_page = on_page
        # Told the dots of paper used as they are used; returns False when the paper (or
        # the printer) stopped, which ends the page early.
        self.on_advance = on_advance
        self._reset_page()
        self.initialize()

    # -- state ----------------------------------------------------------------------------

    def initialize(self) -> None:
        """ESC @: modes back to power-on defaults (the page so far stays)."""
        self.style = TextStyle()
        self.align = 0
        self.line_spacing = DEFAULT_LINE
        self.codec = "cp437"
        self.kanji = False
        self.qr_module = 3
        self.qr_ec = 48
        self.qr_data = b""
        self._decoder = codecs.getincrementaldecoder("gb18030")(errors="replace")
        self._pending_text: list[str] = []

    def _reset_page(self) -> None:
        self._halted = False
        self.strips: list[Image.Image] = []
        self.line: list[tuple[Image.Image, int]] = []  # (cell image, baseline-to-bottom)
        self.line_x = 0
        self.texts: list[str] = []
        self.qrs: list[str] = []
        self._line_text: list[str] = []

    @property
    def page_started(self) -> bool:
        return bool(self.strips or self.line)

    # -- commands --------------------------------------------------------------------------

    def execute(self, cmd: Command) -> None:
        name, a = cmd.name, cmd.arg
        handler = _HANDLERS.get(name)
        if handler is not None:
            handler(self, a)
        elif name not in ("ignored", "CR", "DLE EOT", "DLE ENQ", "DLE DC4"):
            log.debug("renderer ignores %s %r", name, a[:16])

    def text(self, data: bytes) -> None:
        if self.kanji:
            chars = self._decoder.decode(data)
        else:
            chars = data.decode(self.codec, errors="replace")
        for ch in chars:
            self._put_char(ch)

    def _put_char(self, ch: str) -> None:
        s = self.style
        wide = self.kanji and ord(ch) > 0x7F
        cell = _glyph(ch, s.font, wide, s.bold)
        if s.width > 1 or s.height > 1:
            cell = cell.resize((cell.width * s.width, cell.height * s.height),
                               Image.Resampling.NEAREST)
        if s.underline:
            cell = cell.copy()
            ImageDraw.Draw(cell).rectangle(
                (0, cell.height - s.underline, cell.width, cell.height - 1), fill=0)
        if s.invert:
            cell = Image.eval(cell, lambda v: 255 - v)
        if s.upside_down:
            cell = cell.rotate(180)
        if self.line_x + cell.width > self.width:
            self.print_line()  # the printer wraps at the right margin
        self.line.append((cell, 0))
        self.line_x += cell.width
        self._line_text.append(ch)

    def print_line(self, *, empty_feeds: bool = True) -> None:
        """LF: print the line buffer and advance one line."""
        if not self.line:
            if empty_feeds:
                self._add_strip(Image.new("L", (self.width, self.line_spacing), 255))
            return
        tallest = max(c.height for c, _ in self.line)
        height = max(tallest, self.line_spacing)  # the spacing's extra dots come below
        strip = Image.new("L", (self.width, height), 255)
        x = self._aligned_x(self.line_x)
        for cell, _ in self.line:
            strip.paste(cell, (x, tallest - cell.height))
            x += cell.width
        self.texts.append("".join(self._line_text))
        self.line, self.line_x, self._line_text = [], 0, []
        self._add_strip(strip)

    def tab(self) -> None:
        """HT: to the next default tab stop (every 8 columns)."""
        for _ in range(8 - len(self._line_text) % 8):
            self._put_char(" ")

    def print_and_feed(self, lines: int) -> None:
        """ESC d n: print the buffer, then feed n lines."""
        self.print_line(empty_feeds=False)
        self.feed_dots(lines * self.line_spacing)

    def feed_dots(self, dots: int) -> None:
        if self.line:
            self.print_line()
        if dots > 0:
            self._add_strip(Image.new("L", (self.width, dots), 255))

    def image(self, img: Image.Image) -> None:
        if self.line:
            self.print_line()
        img = img.crop((0, 0, min(img.width, self.width), img.height))
        strip = Image.new("L", (self.width, img.height), 255)
        strip.paste(img, (self._aligned_x(img.width), 0))
        self._add_strip(strip)

    def print_qr(self) -> None:
        try:
            data = self.qr_data.decode("utf-8")
        except UnicodeDecodeError:
            data = self.qr_data.decode("latin-1")
        if not data:
            return
        qr = qrcode.QRCode(version=None, error_correction=_QR_EC.get(self.qr_ec, 0),
                           box_size=self.qr_module, border=0)
        try:
            qr.add_data(data)
            qr.make(fit=True)
        except Exception as exc:  # too much data: a printer prints nothing
            log.warning("QR not printable: %s", exc)
            return
        matrix = np.array(qr.get_matrix(), dtype=bool)
        dots = np.kron(matrix, np.ones((self.qr_module, self.qr_module), dtype=bool))
        self.image(Image.fromarray(np.where(dots, 0, 255).astype(np.uint8), "L"))
        self.qrs.append(data)

    def cut(self, feed: int = 0, *, blade_ok: bool = True) -> RenderedPage | None:
        """End of job: the page is finished and handed on (``blade_ok=False``: the cutter
        jammed, so the whole page came out but hangs uncut)."""
        if self.line:
            self.print_line()
        if feed and not self._add_strip(Image.new("L", (self.width, feed), 255)):
            return None
        if not blade_ok:
            return self.finish_page(complete=True, cut=False, reason="cutter error")
        return self.finish_page(complete=True)

    def finish_page(self, *, complete: bool, reason: str = "",
                    cut: bool | None = None) -> RenderedPage:
        if self.line and complete:
            self.print_line()
        height = sum(s.height for s in self.strips) or 1
        page = Image.new("L", (self.width, height), 255)
        y = 0
        for s in self.strips:
            page.paste(s, (0, y))
            y += s.height
        result = RenderedPage(page, complete, reason, self.texts, self.qrs,
                              cut=complete if cut is None else cut)
        self._reset_page()
        if self.on_page is not None:
            self.on_page(result)
        return result

    # -- helpers ---------------------------------------------------------------------------

    def _aligned_x(self, width: int) -> int:
        if self.align == 1:
            return max(0, (self.width - width) // 2)
        if self.align == 2:
            return max(0, self.width - width)
        return 0

    def _add_strip(self, strip: Image.Image) -> bool:
        self.strips.append(strip)
        self._halted = False
        if self.on_advance is not None and not self.on_advance(strip.height):
            self._halted = True
            return False
        return True


def _raster(r: EscPosRenderer, a: bytes) -> None:
    m, xb, y = a[0], a[1] + 256 * a[2], a[3] + 256 * a[4]
    bits = np.unpackbits(np.frombuffer(a[5:5 + xb * y], dtype=np.uint8)).reshape(y, xb * 8)
    img = Image.fromarray(np.where(bits, 0, 255).astype(np.uint8), "L")
    if m in (1, 49, 3, 51):  # double width
        img = img.resize((img.width * 2, img.height), Image.Resampling.NEAREST)
    if m in (2, 50, 3, 51):  # double height
        img = img.resize((img.width, img.height * 2), Image.Resampling.NEAREST)
    r.image(img)


def _column_image(r: EscPosRenderer, a: bytes) -> None:
    # ESC * m nL nH data: one band, 8 or 24 dots high, column bytes top to bottom.
    m, n = a[0], a[1] + 256 * a[2]
    rows = 24 if m in (32, 33) else 8
    per_col = rows // 8
    data = np.frombuffer(a[3:3 + n * per_col], dtype=np.uint8).reshape(n, per_col)
    bits = np.unpackbits(data, axis=1).T  # rows x n
    img = Image.fromarray(np.where(bits, 0, 255).astype(np.uint8), "L")
    if m in (0, 32):
        img = img.resize((img.width * 2, img.height), Image.Resampling.NEAREST)
    if rows == 8:
        img = img.resize((img.width, img.height * 3), Image.Resampling.NEAREST)
    # Bands are laid out by the line feeds that follow (python-escpos sets ESC 3 16).
    if r.line:
        r.print_line()
    r.line.append((img, 0))
    r.line_x += img.width


def _qr(r: EscPosRenderer, a: bytes) -> None:
    if len(a) < 2 or a[0] != 49:  # cn=49: QR code
        return
    fn = a[1]
    if fn == 67 and len(a) >= 3:
        r.qr_module = max(1, min(16, a[2]))
    elif fn == 69 and len(a) >= 3:
        r.qr_ec = a[2]
    elif fn == 80:
        r.qr_data = a[3:]
    elif fn == 81:
        r.print_qr()


def _print_mode(r: EscPosRenderer, a: bytes) -> None:
    n = a[0]
    r.style.font = "B" if n & 1 else "A"
    r.style.bold = bool(n & 8)
    r.style.height = 2 if n & 16 else 1
    r.style.width = 2 if n & 32 else 1
    r.style.underline = 1 if n & 128 else 0


def _size(r: EscPosRenderer, a: bytes) -> None:
    r.style.width = min(8, (a[0] >> 4) + 1)
    r.style.height = min(8, (a[0] & 7) + 1)


def _cut(r: EscPosRenderer, a: bytes) -> None:
    r.cut(a[1] if len(a) > 1 else 0)


def _code_page(r: EscPosRenderer, a: bytes) -> None:
    r.codec = CODE_PAGE_BY_NUMBER.get(a[0], "cp437")


def _set_kanji(on: bool) -> Callable[[EscPosRenderer, bytes], None]:
    def handler(r: EscPosRenderer, a: bytes) -> None:
        r.kanji = on
        r._decoder.reset()

    return handler


_HANDLERS: dict[str, Callable[[EscPosRenderer, bytes], None]] = {
    "text": lambda r, a: r.text(a),
    "LF": lambda r, a: r.print_line(),
    "FF": lambda r, a: r.print_line(),
    "HT": lambda r, a: r.tab(),
    "ESC @": lambda r, a: r.initialize(),
    "ESC !": _print_mode,
    "ESC E": lambda r, a: setattr(r.style, "bold", bool(a[0] & 1)),
    "ESC G": lambda r, a: setattr(r.style, "bold", bool(a[0] & 1)),
    "ESC -": lambda r, a: setattr(r.style, "underline", a[0] % 48 if a[0] in (0, 1, 2, 48, 49, 50)
                                  else 0),
    "ESC a": lambda r, a: setattr(r, "align", a[0] % 48 if a[0] % 48 <= 2 else 0),
    "ESC M": lambda r, a: setattr(r.style, "font", "B" if a[0] % 48 == 1 else "A"),
    "ESC {": lambda r, a: setattr(r.style, "upside_down", bool(a[0] & 1)),
    "ESC t": _code_page,
    "ESC 2": lambda r, a: setattr(r, "line_spacing", DEFAULT_LINE),
    "ESC 3": lambda r, a: setattr(r, "line_spacing", a[0]),
    "ESC d": lambda r, a: r.print_and_feed(a[0]),
    "ESC J": lambda r, a: r.feed_dots(a[0]),
    "ESC i": lambda r, a: _cut(r, b""),
    "ESC m": lambda r, a: _cut(r, b""),
    "ESC *": _column_image,
    "GS !": _size,
    "GS B": lambda r, a: setattr(r.style, "invert", bool(a[0] & 1)),
    "GS V": _cut,
    "GS v 0": _raster,
    "GS ( k": _qr,
    "FS &": _set_kanji(True),
    "FS .": _set_kanji(False),
}
