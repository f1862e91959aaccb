"""Printer test helpers: decode QR codes and look at glyphs in rendered pages."""

from __future__ import annotations

import numpy as np
from PIL import Image


def decode_qrs(img: Image.Image) -> list[str]:
    """Every QR code OpenCV finds in ``img`` (padded: the printer adds no quiet zone)."""
    import cv2

    arr = np.asarray(img.convert("L"))
    arr = cv2.copyMakeBorder(arr, 40, 40, 40, 40, cv2.BORDER_CONSTANT, value=255)
    det = cv2.QRCodeDetector()
    ok, texts, _, _ = det.detectAndDecodeMulti(arr)
    found = [t for t in texts if t] if ok else []
    if not found:
        text, _, _ = det.detectAndDecode(arr)
        found = [text] if text else []
    return found


def ink_rows(img: Image.Image) -> np.ndarray:
    """Rows of the page that have any ink."""
    arr = np.asarray(img.convert("L"))
    return np.where((arr < 128).any(axis=1))[0]
