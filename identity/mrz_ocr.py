"""Reading OCR-B text (the MRZ, and names printed in OCR-B) from a flattened card.

No tesseract: OCR-B is a fixed-pitch font designed for machines, so template matching
against glyphs we render ourselves from Debian's fonts-ocr-b is enough. Each character cell
is cropped to its ink box, scaled to 16×24 and compared (normalised correlation, plus
the ink height relative to the line — ``<`` is short) with every allowed glyph. Where the
ICAO layout fixes a position to digits or letters, only those are tried (0/O, 1/I, 8/B,
5/S and 2/Z are then never confused); the check digits catch the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import cv2
import numpy as np
import numpy.typing as npt

from devices.mrz import ALPHABET, MRZ, MRZError, parse

RGB = npt.NDArray[np.uint8]
GLYPH = (16, 24)  # w, h of the normalised glyph
DIGITS = "0123456789"
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ALNUM = DIGITS + LETTERS


@dataclass(frozen=True)
class Template:
    vec: npt.NDArray[np.float32]
    height: float  # ink height / cap height


def _normalise(ink: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    g = cv2.resize(ink, GLYPH, interpolation=cv2.INTER_AREA).astype(np.float32).ravel()
    g -= g.mean()
    n = float(np.linalg.norm(g))
    return g / n if n > 0 else g


@cache
def templates() -> dict[str, Template]:
    from PIL import Image, ImageDraw, ImageFont

    from identity.card_layout import OCRB_FONT

    f = ImageFont.truetype(str(OCRB_FONT), 64)
    cap = f.getbbox("H")[3] - f.getbbox("H")[1]
    out = {}
    for c in ALPHABET:
        img = Image.new("L", (80, 100), 0)
        ImageDraw.Draw(img).text((8, 4), c, font=f, fill=255)
        a = np.asarray(img, dtype=np.float32) / 255.0
        ys, xs = np.nonzero(a > 0.3)
        crop = a[ys.min():ys.max() + 1, xs.min():xs.max() + 1]
        out[c] = Template(_normalise(crop), (ys.max() - ys.min() + 1) / cap)
    return out


def _grey(rgb: RGB) -> npt.NDArray[np.uint8]:
    return np.asarray(cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2GRAY), dtype=np.uint8)


def _binarise(grey: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    _, ink = cv2.threshold(grey, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return np.asarray(ink, dtype=np.uint8)


def text_lines(ink: npt.NDArray[np.uint8], min_height: int = 8) -> list[tuple[int, int]]:
    """Row bands (y0, y1) that carry ink."""
    rows = ink.sum(1) > max(3, ink.shape[1] * 0.01)
    bands, start = [], None
    for y, on in enumerate([*list(rows), False]):
        if on and start is None:
            start = y
        elif not on and start is not None:
            if y - start >= min_height:
                bands.append((start, y))
            start = None
    return bands


def _glyph_boxes(ink: npt.NDArray[np.uint8]) -> list[tuple[int, int, int, int]]:
    """Character boxes (x0, y0, x1, y1) in one line band, left to right."""
    _n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    width = ink.shape[1]
    boxes = [(int(x), int(y), int(x + w), int(y + h)) for x, y, w, h, area in stats[1:]
             if area >= 4 and h >= ink.shape[0] * 0.25 and x > 0 and x + w < width]
    if boxes:  # card edges and borders are taller than any glyph
        med = float(np.median([b[3] - b[1] for b in boxes]))
        boxes = [b for b in boxes if b[3] - b[1] <= 1.6 * med and b[2] - b[0] <= 1.6 * med]
    boxes.sort()
    merged: list[tuple[int, int, int, int]] = []
    for b in boxes:  # pieces of one glyph overlap horizontally
        if merged and b[0] < merged[-1][2] - 1:
            m = merged[-1]
            merged[-1] = (m[0], min(m[1], b[1]), max(m[2], b[2]), max(m[3], b[3]))
        else:
            merged.append(b)
    return merged


def _classify(grey_band: npt.NDArray[np.float32], box: tuple[int, int, int, int],
              cap: float, allowed: str) -> tuple[str, float]:
    x0, y0, x1, y1 = box
    vec = _normalise(grey_band[y0:y1, x0:x1])
    h = (y1 - y0) / cap
    best, score = "<", -9.0
    for c in allowed:
        t = templates()[c]
        s = float(vec @ t.vec) - 1.5 * abs(h - t.height)
        if s > score:
            best, score = c, s
    return best, score


def read_line(grey: npt.NDArray[np.uint8], band: tuple[int, int], n_chars: int | None,
              allowed: list[str] | str) -> tuple[str, float]:
    """OCR one line; with ``n_chars`` the glyphs are put on a fixed pitch. Returns the text
    and the worst character score (a confidence)."""
    sub = grey[band[0]:band[1]]
    ink = _binarise(sub)
    boxes = _glyph_boxes(ink)
    if not boxes:
        return "", -9.0
    inv = (255.0 - sub.astype(np.float32)) / 255.0
    cap = float(np.median([b[3] - b[1] for b in boxes]))
    cap = max(cap, max(b[3] - b[1] for b in boxes) * 0.9)
    if n_chars is None:  # free text: spaces where the gap is wide
        out, worst = "", 9.0
        pitch = float(np.median(np.diff([(b[0] + b[2]) / 2 for b in boxes]))) if len(boxes) > 1 \
            else 1.0
        prev = None
        for b in boxes:
            if prev is not None and (b[0] + b[2]) / 2 - (prev[0] + prev[2]) / 2 > 1.6 * pitch:
                out += " "
            al = allowed if isinstance(allowed, str) else allowed[0]
            c, s = _classify(inv, b, cap, al)
            out, worst, prev = out + c, min(worst, s), b
        return out, worst
    centres = [(b[0] + b[2]) / 2 for b in boxes]
    first = centres[0]
    # MRZ glyphs sit on a fixed pitch with no spaces: most neighbours are one pitch apart.
    diffs = np.diff(centres)
    pitch = float(np.median(diffs)) if len(diffs) else 0.0
    span = (centres[-1] - first) / max(n_chars - 1, 1)
    if abs(span - pitch) < 0.08 * pitch:
        pitch = span  # both ends found: the span is the more precise estimate
    if pitch <= 0:
        return "", -9.0
    chars, worst = [], 9.0
    for k in range(n_chars):
        cx = first + k * pitch
        near = [b for b, c in zip(boxes, centres, strict=True) if abs(c - cx) < pitch * 0.5]
        al = allowed if isinstance(allowed, str) else allowed[k]
        if not near:
            chars.append("<" if "<" in al else "?")
            worst = min(worst, -1.0)
            continue
        b = (min(n[0] for n in near), min(n[1] for n in near), max(n[2] for n in near),
             max(n[3] for n in near))
        c, s = _classify(inv, b, cap, al)
        chars.append(c)
        worst = min(worst, s)
    return "".join(chars), worst


def _td1_allowed() -> list[list[str]]:
    f = "<"
    l1 = [LETTERS + f] * 5 + [ALNUM + f] * 9 + [DIGITS + f] + [ALNUM + f] * 15
    l2 = ([DIGITS] * 7 + ["MFX" + f] + [DIGITS] * 7 + [LETTERS + f] * 3 + [ALNUM + f] * 11
          + [DIGITS])
    l3 = [LETTERS + f] * 30
    return [l1, l2, l3]


def _td3_allowed() -> list[list[str]]:
    f = "<"
    l1 = [LETTERS + f] * 44
    l2 = ([ALNUM + f] * 9 + [DIGITS] + [LETTERS + f] * 3 + [DIGITS] * 7 + ["MFX" + f]
          + [DIGITS] * 7 + [ALNUM + f] * 14 + [DIGITS + f] + [DIGITS])
    return [l1, l2]


@dataclass(frozen=True)
class MRZRead:
    lines: list[str]
    confidence: float
    mrz: MRZ | None
    error: str = ""


def read_mrz(card: RGB, region: tuple[int, int, int, int] | None = None) -> MRZRead:
    """Find and read the MRZ in the lower part of a flat card (or in ``region``)."""
    h, w = card.shape[:2]
    x0, y0, x1, y1 = region or (int(w * 0.01), int(h * 0.70), int(w * 0.99), h - 2)
    grey = _grey(card[y0:y1, x0:x1])
    bands = text_lines(_binarise(grey))
    # MRZ lines are the tallest evenly spaced bands; keep the last 3 (TD1) or 2 (TD3).
    bands = [b for b in bands if b[1] - b[0] >= 0.6 * max(bb[1] - bb[0] for bb in bands)] \
        if bands else []
    if len(bands) >= 3:
        layout, n = _td1_allowed(), 30
        bands = bands[-3:]
    elif len(bands) == 2:
        layout, n = _td3_allowed(), 44
    else:
        return MRZRead([], 0.0, None, f"found {len(bands)} MRZ line(s)")
    pad = 2
    lines, conf = [], 9.0
    for band, allowed in zip(bands, layout, strict=True):
        band = (max(0, band[0] - pad), min(grey.shape[0], band[1] + pad))
        text, c = read_line(grey, band, n, allowed)
        lines.append(text)
        conf = min(conf, c)
    try:
        return MRZRead(lines, conf, parse(lines))
    except MRZError as exc:
        return MRZRead(lines, conf, None, str(exc))


def read_printed(card: RGB, box: tuple[int, int, int, int]) -> str:
    """Read a line printed in OCR-B (e.g. the holder's name) inside ``box`` (x0, y0, x1, y1)."""
    x0, y0, x1, y1 = box
    grey = _grey(card[y0:y1, x0:x1])
    bands = text_lines(_binarise(grey), min_height=6)
    if not bands:
        return ""
    band = max(bands, key=lambda b: b[1] - b[0])
    text, _ = read_line(grey, (max(0, band[0] - 2), min(grey.shape[0], band[1] + 2)), None,
                        LETTERS)
    return text
