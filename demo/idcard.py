"""Synthetic ID-1 cards (856×540 px, 85.6×54 mm at 10 px/mm) for the demo and tests.

A fictitious "smartbranch demo" identity card: a portrait, printed fields and a TD1 MRZ in
OCR-B (Debian fonts-ocr-b), as ICAO 9303 lays it out, drawn to the layout identity's
capture step reads (:mod:`identity.card_layout`). The name is also printed in OCR-B so the
capture step can cross-check it against the MRZ.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw, ImageFont

from devices.mrz import build_td1
from identity.card_layout import (
    CARD_H,
    CARD_W,
    MRZ_BOX,
    MRZ_FONT_SIZE,
    NAME_BOX,
    OCRB_FONT,
    PHOTO_BOX,
)

__all__ = [
    "CARD_H",
    "CARD_W",
    "MRZ_BOX",
    "NAME_BOX",
    "PHOTO_BOX",
    "CardHolder",
    "portrait_crop",
    "render_card",
]

_SANS = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
_CJK = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


@dataclass(frozen=True)
class CardHolder:
    surname: str = "COLLINS"
    given_names: str = "EILEEN MARIE"
    document_number: str = "D23145890"
    birth_date: str = "561119"  # YYMMDD
    sex: str = "F"
    expiry_date: str = "310101"
    nationality: str = "UTO"  # ICAO's fictitious "Utopia"
    issuing_state: str = "UTO"

    def mrz_lines(self) -> list[str]:
        return build_td1(
            issuing_state=self.issuing_state, document_number=self.document_number,
            birth_date=self.birth_date, sex=self.sex, expiry_date=self.expiry_date,
            nationality=self.nationality, surname=self.surname, given_names=self.given_names,
        )


@cache
def font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    try:
        return ImageFont.truetype(str(path), size)
    except OSError as exc:
        raise FileNotFoundError(f"font {path} is missing (install fonts-ocr-b / fonts-noto-cjk)"
                                ) from exc


def _fmt(d: str) -> str:
    return f"{d[4:6]}.{d[2:4]}.{'19' if int(d[:2]) > 40 else '20'}{d[:2]}"


def render_card(portrait: npt.NDArray[np.uint8], holder: CardHolder | None = None
                ) -> npt.NDArray[np.uint8]:
    """Render the card; ``portrait`` is an RGB crop of the holder's head (any size)."""
    holder = holder or CardHolder()
    img = Image.new("RGB", (CARD_W, CARD_H), (226, 236, 244))
    d = ImageDraw.Draw(img)
    # Fine guilloche-like background lines (real cards have them; they stress edge finding).
    for i in range(0, CARD_H, 9):
        ys = [i + 4 * np.sin(x / 37.0 + i) for x in range(0, CARD_W, 8)]
        d.line(list(zip(range(0, CARD_W, 8), ys, strict=True)), fill=(208, 222, 236), width=1)
    d.rectangle((0, 0, CARD_W, 86), fill=(18, 52, 110))
    d.text((24, 12), "SMARTBRANCH DEMO IDENTITY CARD", font=font(_SANS, 30), fill="white")
    d.text((24, 50), "演示身份证 · SPECIMEN · NOT A REAL DOCUMENT", font=font(_CJK, 24),
           fill=(200, 215, 240))
    x0, y0, x1, y1 = PHOTO_BOX
    photo = Image.fromarray(portrait).convert("RGB").resize((x1 - x0, y1 - y0))
    img.paste(photo, (x0, y0))
    d.rectangle(PHOTO_BOX, outline=(60, 60, 60), width=2)
    small, mono = font(_SANS, 17), font(OCRB_FONT, 30)
    d.text((290, 104), "Surname, given names / 姓名", font=font(_CJK, 17), fill=(70, 70, 90))
    d.text((NAME_BOX[0], NAME_BOX[1] + 2), f"{holder.surname} {holder.given_names}", font=mono,
           fill="black")
    rows = [("Document no. / 证件号码", holder.document_number),
            ("Date of birth / 出生日期", _fmt(holder.birth_date)),
            ("Sex / 性别", holder.sex),
            ("Date of expiry / 有效期至", _fmt(holder.expiry_date)),
            ("Nationality / 国籍", holder.nationality)]
    for i, (label, value) in enumerate(rows):
        y = 180 + i * 42
        d.text((290, y), label, font=font(_CJK, 16), fill=(70, 70, 90))
        d.text((560, y - 2), value, font=font(_SANS, 22), fill="black")
    del small
    mrz_font = font(OCRB_FONT, MRZ_FONT_SIZE)
    d.rectangle(MRZ_BOX, fill=(246, 246, 240))
    for i, line in enumerate(holder.mrz_lines()):
        d.text((MRZ_BOX[0] + 14, MRZ_BOX[1] + 6 + i * 42), line, font=mrz_font, fill="black")
    return np.asarray(img, dtype=np.uint8).copy()


def portrait_crop(photo: npt.NDArray[np.uint8], face: tuple[int, int, int, int]
                  ) -> npt.NDArray[np.uint8]:
    """A passport-style crop (head and shoulders, 11:14) around face box (l, t, r, b)."""
    left, t, r, b = face
    cx, cy = (left + r) / 2, (t + b) / 2 - 0.1 * (b - t)
    w = 2.0 * (r - left)
    h = w * 14 / 11
    h_img, w_img = photo.shape[:2]
    x0, y0 = int(max(0, cx - w / 2)), int(max(0, cy - h / 2))
    x1, y1 = int(min(w_img, cx + w / 2)), int(min(h_img, cy + h / 2))
    return np.ascontiguousarray(photo[y0:y1, x0:x1])
