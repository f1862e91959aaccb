"""The card page's camera preview: frames converted once, on Qt's image reader thread."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from devices.camera.driver import create
from devices.camera.settings import CameraSettings


def test_a_frame_becomes_a_qimage_with_its_pixels() -> None:
    from kiosk_ui.flows.card_issuance import frame_image

    rgb = np.random.default_rng(1).integers(0, 256, (48, 64, 3), dtype=np.uint8)
    rgb.setflags(write=False)  # the camera's frames are read-only
    img = frame_image(rgb)
    assert (img.width(), img.height()) == (64, 48)
    for x, y in ((0, 0), (63, 47), (17, 30)):
        c = img.pixelColor(x, y)
        assert (c.red(), c.green(), c.blue()) == tuple(int(v) for v in rgb[y, x])
    with pytest.raises(ValueError, match="RGB uint8"):
        frame_image(np.zeros((4, 4), np.uint8))


def test_the_preview_is_converted_off_the_gui_thread(qtbot: Any, tmp_path: Path,
                                                     closing: Callable[[Any], Any]) -> None:
    from PySide6.QtCore import QUrl
    from PySide6.QtQuick import QQuickView

    from kiosk_ui.flows.card_issuance import PROVIDER, CameraFrames

    cam = closing(create("camera", CameraSettings(url="sim://camera?scene=empty")))
    cam.start().result(timeout=30)
    cam.take_picture(timeout=5)
    provider = CameraFrames()
    provider.camera = cam
    qml = tmp_path / "Preview.qml"
    qml.write_text(
        "import QtQuick\n"
        f"Image {{ width: 320; height: 240; cache: false; asynchronous: true;"
        f" source: \"image://{PROVIDER}/1\" }}\n", "utf-8")
    view = QQuickView()
    view.engine().addImageProvider(PROVIDER, provider)
    view.setSource(QUrl.fromLocalFile(str(qml)))
    view.show()
    root = view.rootObject()
    qtbot.waitUntil(lambda: root.property("sourceSize").width() == 640, timeout=10000)
    assert provider.converted == 1
    assert provider.threads and threading.main_thread().name not in provider.threads
    view.close()
    view.deleteLater()
