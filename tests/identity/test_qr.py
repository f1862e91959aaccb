"""QR reading: OpenCV's QRCodeDetector first, ZXing for the codes it cannot read."""

from __future__ import annotations

import numpy as np
import pytest

from bench.qr import screen_codes
from devices.camera import synth
from devices.camera.scenes import PhoneScene
from identity.qr import read_qr, read_qrs_opencv, read_qrs_zxing


def test_a_phone_code_is_read_by_opencv_with_its_corners() -> None:
    frame = PhoneScene(text="O2O:tok-apt_qr-000000").frame(0.5)
    got = read_qr(frame)
    assert got is not None and got.text == "O2O:tok-apt_qr-000000" and got.reader == "opencv"
    assert got.corners.shape == (4, 2)
    xs, ys = got.corners[:, 0], got.corners[:, 1]
    assert 0 <= xs.min() < xs.max() <= frame.shape[1] and 0 <= ys.min() < ys.max() <= frame.shape[0]


def test_codes_opencv_cannot_read_are_read_by_zxing() -> None:
    missed = [(text, img) for text, img in screen_codes(120) if not read_qrs_opencv(img)]
    assert missed, "the set should hold codes OpenCV misses (drawn at uneven module sizes)"
    for text, img in missed:
        got = read_qr(img)
        assert got is not None and (got.text, got.reader) == (text, "zxing")


@pytest.mark.parametrize("frame", [synth.room(), np.zeros((480, 640, 3), np.uint8),
                                   np.full((480, 640), 255, np.uint8)])
def test_no_code_is_none(frame: np.ndarray) -> None:
    assert read_qr(frame) is None and read_qrs_zxing(frame) == []
