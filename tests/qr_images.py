"""Read QR codes back from what the kiosk shows or prints, as a customer's phone would.

``decode_qrs``/``screen_qr`` use the product's own reader (identity.qr: OpenCV, then ZXing);
``zxing_qrs`` and ``opencv_qrs`` each reader alone. Images get a white margin first: a printed
receipt has no quiet zone of its own beyond the paper's edge.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from identity.qr import read_qrs, read_qrs_opencv, read_qrs_zxing


def grey(image: Any) -> np.ndarray:
    """A PIL image, QImage or numpy array as a 2-D uint8 array."""
    from PIL import Image

    if isinstance(image, Image.Image):
        return np.asarray(image.convert("L"))
    if isinstance(image, np.ndarray):
        return image if image.ndim == 2 else np.asarray(Image.fromarray(image).convert("L"))
    from PySide6.QtGui import QImage

    shot = image.convertToFormat(QImage.Format.Format_Grayscale8)
    return np.frombuffer(shot.constBits(), np.uint8).reshape(
        shot.height(), shot.bytesPerLine())[:, : shot.width()].copy()


def decode_qrs(image: Any, margin: int = 40) -> list[str]:
    """The text of every QR code in ``image``."""
    arr = np.pad(grey(image), margin, constant_values=255)
    return [r.text for r in read_qrs(arr)]


def zxing_qrs(image: Any, margin: int = 40) -> list[str]:
    """Every code ZXing alone reads."""
    arr = np.pad(grey(image), margin, constant_values=255)
    return [r.text for r in read_qrs_zxing(arr)]


def opencv_qrs(image: Any, margin: int = 40) -> list[str]:
    """The code OpenCV's QRCodeDetector alone reads. Printed pages are read by both readers
    (on a scaled screen OpenCV misses some codes, so screen tests use the product's reader)."""
    arr = np.pad(grey(image), margin, constant_values=255)
    return [r.text for r in read_qrs_opencv(arr)]


def decode_file(path: Any) -> str:
    """The one QR code in an image file ("" if none)."""
    from PIL import Image

    with Image.open(path) as img:
        found = decode_qrs(img)
    return found[0] if len(found) == 1 else ""


def screen_qr(window: Any) -> str:
    """The one QR code on a Qt Quick window ("" if none, or if more than one)."""
    found = decode_qrs(window.grabWindow(), margin=0)
    return found[0] if len(found) == 1 else ""
