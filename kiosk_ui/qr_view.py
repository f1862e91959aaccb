"""What the pages draw codes and camera frames with: ``FrameView`` and ``qr_image``.

A QR code on screen is drawn one whole number of pixels per module with no smoothing, so a
phone (and OpenCV/ZXing in the tests) reads it at any size the layout gives it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Property, QPointF, QRectF, Signal
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtQml import qmlRegisterType
from PySide6.QtQuick import QQuickPaintedItem

QML_MODULE = "SmartBranch.Views"


class FrameView(QQuickPaintedItem):
    """Draws a QImage (the camera's latest frame, a QR code) scaled to fit, centred.
    ``smooth: false`` keeps a QR code's modules sharp."""

    imageChanged = Signal()
    backgroundChanged = Signal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._image = QImage()
        self._background = QColor("black")

    def _get(self) -> QImage:
        return self._image

    def _set(self, image: QImage) -> None:
        self._image = image
        self.update()
        self.imageChanged.emit()

    image = Property(QImage, _get, _set, notify=imageChanged)

    def _get_bg(self) -> QColor:
        return self._background

    def _set_bg(self, colour: QColor) -> None:
        self._background = QColor(colour)
        self.update()
        self.backgroundChanged.emit()

    background = Property(QColor, _get_bg, _set_bg, notify=backgroundChanged)

    def paint(self, painter: QPainter) -> None:
        painter.fillRect(QRectF(0, 0, self.width(), self.height()), self._background)
        img = self._image
        if img.isNull():
            return
        k = min(self.width() / img.width(), self.height() / img.height())
        if not self.smooth():
            # Whole screen pixels per module. The stage is scaled to the window (Main.qml),
            # so count pixels after that scale, not in the item's own units.
            scale = self.mapToScene(QPointF(1, 0)).x() - self.mapToScene(QPointF(0, 0)).x()
            device = painter.device()
            scale *= device.devicePixelRatioF() if device is not None else 1.0
            scale = scale if scale > 0 else 1.0
            k = max(1.0, float(int(k * scale))) / scale
        w, h = img.width() * k, img.height() * k
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, self.smooth())
        painter.drawImage(QRectF((self.width() - w) / 2, (self.height() - h) / 2, w, h), img)


def qr_image(text: str) -> QImage:
    """``text`` as a QR code, one pixel per module with a 2-module quiet zone (ECC level M)."""
    import numpy as np
    import qrcode

    qr = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(text)
    qr.make(fit=True)
    grey = np.where(np.array(qr.get_matrix(), dtype=bool), 0, 255).astype(np.uint8)
    h, w = grey.shape
    return QImage(grey.tobytes(), w, h, w, QImage.Format.Format_Grayscale8).copy()


_registered = False


def register_qml_types() -> None:
    """Make ``import SmartBranch.Views 1.0`` work (once per process)."""
    global _registered
    if not _registered:
        qmlRegisterType(FrameView, QML_MODULE, 1, 0, "FrameView")  # type: ignore[call-overload]  # stub wants bytes, runtime str
        _registered = True
