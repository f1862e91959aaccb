"""Printer test helpers: look at glyphs in rendered pages (QR codes: tests/qr_images.py)."""

from __future__ import annotations

import numpy as np
from PIL import Image


def ink_rows(img: Image.Image) -> np.ndarray:
    """Rows of the page that have any ink."""
    arr = np.asarray(img.convert("L"))
    return np.where((arr < 128).any(axis=1))[0]
