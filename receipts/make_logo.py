"""Draw the receipt logo (receipts/templates/logo.png): ``python -m receipts.make_logo``.

A 1-bit friendly mark (a bank portico in a rounded square) and the word "smartbranch",
drawn with DejaVu Sans Bold so that it rebuilds the same on any Debian machine.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

OUT = Path(__file__).parent / "templates" / "logo.png"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


def draw_logo() -> Image.Image:
    img = Image.new("1", (320, 72), 1)
    d = ImageDraw.Draw(img)
    d.rounded_rectangle((0, 0, 71, 71), radius=14, fill=0)
    d.polygon([(12, 26), (36, 10), (60, 26)], fill=1)  # pediment
    for x in (16, 30, 44):  # columns
        d.rectangle((x, 30, x + 10, 52), fill=1)
    d.rectangle((12, 56, 60, 61), fill=1)  # base
    font = ImageFont.truetype(FONT, 32)
    d.text((82, 14), "smartbranch", font=font, fill=0)
    return img


if __name__ == "__main__":
    draw_logo().save(OUT, optimize=True)
    print(OUT)
