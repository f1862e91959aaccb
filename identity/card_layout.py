"""The ID-1 card the capture step reads: its size once rectified and where things are on it.

ID capture rectifies a card to 856×540 px (85.6×54 mm at 10 px/mm); the MRZ OCR and the
printed-name cross-check read the boxes below. The demo's simulated card (demo/idcard.py)
is drawn to this same layout, as a real card is printed to its issuer's.
"""

from __future__ import annotations

from pathlib import Path

CARD_W, CARD_H = 856, 540
#: Where things are on the rectified card (x0, y0, x1, y1).
PHOTO_BOX = (36, 104, 256, 384)
NAME_BOX = (290, 128, 830, 166)
MRZ_BOX = (24, 398, 832, 530)
#: The MRZ's OCR-B size on the card (px), and the font (Debian fonts-ocr-b).
MRZ_FONT_SIZE = 33
OCRB_FONT = Path("/usr/share/fonts/opentype/ocr-b/OCRB.otf")
