"""QR codes for appointment check-in: OpenCV's QRCodeDetector, then ZXing.

OpenCV's ``cv2.QRCodeDetector`` reads the frame first. On frames it cannot read, ZXing
(zxing-cpp, the decoder behind many phone scanner apps) tries too: it reads codes OpenCV
misses, such as a code drawn at an uneven number of pixels per module (40 of 400 such codes
in ``python -m bench.qr``), and costs under a millisecond a frame.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True)
class QRRead:
    text: str
    # 4×2 in the frame: top-left, top-right, bottom-right, bottom-left
    corners: npt.NDArray[np.float32]
    reader: str  # "opencv" or "zxing"


def _grey(image: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    import cv2

    grey = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    return np.ascontiguousarray(grey)


def read_qrs_opencv(image: npt.NDArray[np.uint8]) -> list[QRRead]:
    """The code OpenCV's QRCodeDetector reads in an RGB (or grey) image (one at most: a
    customer shows one phone)."""
    import cv2

    text, pts, _ = cv2.QRCodeDetector().detectAndDecode(_grey(image))
    if not text or pts is None:
        return []
    return [QRRead(str(text), np.asarray(pts, np.float32).reshape(4, 2), "opencv")]


def read_qrs_zxing(image: npt.NDArray[np.uint8]) -> list[QRRead]:
    """Every code ZXing reads in an RGB (or grey) image."""
    import zxingcpp

    found = []
    for r in zxingcpp.read_barcodes(np.ascontiguousarray(image),
                                    formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)):
        if not r.valid or not r.text:
            continue
        p = r.position
        corners = np.array([(q.x, q.y) for q in (p.top_left, p.top_right, p.bottom_right,
                                                 p.bottom_left)], dtype=np.float32)
        found.append(QRRead(r.text, corners, "zxing"))
    return found


def read_qrs(image: npt.NDArray[np.uint8]) -> list[QRRead]:
    """The QR codes in an RGB (or grey) image: OpenCV's one, else every code ZXing reads."""
    return read_qrs_opencv(image) or read_qrs_zxing(image)


def read_qr(frame: npt.NDArray[np.uint8]) -> QRRead | None:
    """The first QR code in an RGB (or grey) frame; None if there is none or it is unreadable."""
    found = read_qrs(frame)
    return found[0] if found else None
