"""QR codes for appointment check-in (cv2.QRCodeDetector, no extra dependency)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True)
class QRRead:
    text: str
    corners: npt.NDArray[np.float32]  # 4×2 in the frame


def read_qr(frame: npt.NDArray[np.uint8]) -> QRRead | None:
    """Decode the QR code in an RGB (or grey) frame; None if there is none or it is unreadable."""
    import cv2

    det = cv2.QRCodeDetector()
    grey = frame if frame.ndim == 2 else cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY)
    for img in (grey, cv2.resize(grey, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)):
        text, pts, _ = det.detectAndDecode(img)
        if text and pts is not None:
            scale = grey.shape[1] / img.shape[1]
            return QRRead(text, (pts.reshape(-1, 2) * scale).astype(np.float32))
    return None
