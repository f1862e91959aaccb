"""Live video on screen: ``VideoView`` shows a :class:`video_teller.api.FrameSource`.

The source (the call's decoder, the camera) keeps only its newest frame; the view polls
``latest()`` with a timer on the GUI thread, and only while it is visible in a window, so
a hidden or unloaded call screen costs nothing. An unchanged sequence number is skipped.
The QImage wraps the frame's own memory (no copy on the GUI thread): a source hands out a
new array for each frame and never writes to one it has handed out, and the view keeps a
reference to the array for as long as its image points into it.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Property, QObject, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtQml import qmlRegisterType
from PySide6.QtQuick import QQuickItem, QQuickPaintedItem

if TYPE_CHECKING:  # numpy (and the api, which needs it) only once a frame arrives
    import numpy as np

    from video_teller.api import FrameSource

log = logging.getLogger(__name__)

QML_MODULE = "SmartBranch.Views"


class FrameFeed(QObject):
    """A FrameSource handed to QML (a plain Python object cannot be a QML property)."""

    def __init__(self, source: FrameSource | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.source = source


def frame_image(rgb: Any) -> tuple[QImage, np.ndarray] | None:
    """A QImage over ``rgb`` (H×W×3 uint8) without copying, and the array it points into
    (keep it alive while the image is used). None for anything that is not such a frame."""
    import numpy as np

    if not isinstance(rgb, np.ndarray) or rgb.dtype != np.uint8 or rgb.ndim != 3 \
            or rgb.shape[2] != 3 or rgb.shape[0] == 0 or rgb.shape[1] == 0:
        return None
    arr = np.ascontiguousarray(rgb)  # a copy only if the source gave a strided view
    h, w = arr.shape[:2]
    return QImage(arr.data, w, h, arr.strides[0], QImage.Format.Format_RGB888), arr


class VideoView(QQuickPaintedItem):
    """Draws the newest frame of ``feed``: fitted (letter-boxed) or, with ``fill``, cropped
    to fill the item; ``mirror`` flips it (a self-view reads like a mirror)."""

    feedChanged = Signal()
    optionsChanged = Signal()
    frameChanged = Signal()  # a new frame was taken (hasFrame, framesShown)
    activeChanged = Signal()

    def __init__(self, parent: QQuickItem | None = None) -> None:
        super().__init__(parent)
        self._feed: FrameFeed | None = None
        self._mirror = False
        self._fill = False
        self._fps = 30
        self._background = QColor("#000000")
        self._seq: int | None = None
        self._image = QImage()
        self._array: np.ndarray | None = None  # the memory self._image points into
        self._frames = 0
        self._bad_logged = False
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(1000 // self._fps)
        self._timer.timeout.connect(self.poll)
        self.setOpaquePainting(True)
        self.visibleChanged.connect(self._update_polling)
        self.widthChanged.connect(self._fit_texture)
        self.heightChanged.connect(self._fit_texture)
        # Not self.window(): shiboken's return-value heuristic would make the parentless
        # QQuickWindow this item's child, and delete it with this item.
        self._in_window = False
        self.windowChanged.connect(self._window_changed)

    # -- properties ----------------------------------------------------------------------

    def _get_feed(self) -> QObject | None:
        return self._feed

    def _set_feed(self, feed: QObject | None) -> None:
        if feed is not None and not isinstance(feed, FrameFeed):
            raise TypeError(f"VideoView.feed wants a FrameFeed, not {type(feed).__name__}")
        if feed is self._feed:
            return
        self._feed = feed
        self._forget_frame()
        self.feedChanged.emit()
        self._update_polling()

    feed = Property(QObject, _get_feed, _set_feed, notify=feedChanged)

    def _get_mirror(self) -> bool:
        return self._mirror

    def _set_mirror(self, on: bool) -> None:
        self._mirror = bool(on)
        self.update()
        self.optionsChanged.emit()

    mirror = Property(bool, _get_mirror, _set_mirror, notify=optionsChanged)

    def _get_fill(self) -> bool:
        return self._fill

    def _set_fill(self, on: bool) -> None:
        self._fill = bool(on)
        self._fit_texture()
        self.update()
        self.optionsChanged.emit()

    fill = Property(bool, _get_fill, _set_fill, notify=optionsChanged)

    def _get_fps(self) -> int:
        return self._fps

    def _set_fps(self, fps: int) -> None:
        """How often to look for a new frame: at least the source's frame rate."""
        self._fps = max(1, min(int(fps), 60))
        self._timer.setInterval(1000 // self._fps)
        self.optionsChanged.emit()

    fps = Property(int, _get_fps, _set_fps, notify=optionsChanged)

    def _get_bg(self) -> QColor:
        return self._background

    def _set_bg(self, colour: QColor) -> None:
        self._background = QColor(colour)
        self.update()
        self.optionsChanged.emit()

    background = Property(QColor, _get_bg, _set_bg, notify=optionsChanged)

    def _has_frame(self) -> bool:
        return not self._image.isNull()

    def _frames_shown(self) -> int:
        return self._frames

    #: Something to show yet? (QML shows "waiting for the picture" until then.)
    hasFrame = Property(bool, _has_frame, notify=frameChanged)
    framesShown = Property(int, _frames_shown, notify=frameChanged)

    def _is_active(self) -> bool:
        return self._timer.isActive()

    #: Is the view polling its feed? Only while visible in a window with a feed.
    active = Property(bool, _is_active, notify=activeChanged)

    # -- polling -------------------------------------------------------------------------

    def _window_changed(self, window: Any) -> None:
        self._in_window = window is not None
        self._update_polling()

    def _update_polling(self, *_: Any) -> None:
        want = (self._feed is not None and self._feed.source is not None
                and self.isVisible() and self._in_window)
        if want == self._timer.isActive():
            return
        if want:
            self._timer.start()
            self.poll()  # show what there is now, not one interval later
        else:
            self._timer.stop()
        self.activeChanged.emit()

    def poll(self) -> None:
        """Take the source's newest frame if it is new (GUI thread; never blocks)."""
        source = self._feed.source if self._feed is not None else None
        if source is None:
            return
        try:
            got = source.latest()
        except Exception:  # a broken source must not take the screen down with it
            if not self._bad_logged:
                log.exception("video source %r failed", source)
                self._bad_logged = True
            return
        if got is None or got[0] == self._seq:
            return
        seq, rgb = got
        made = frame_image(rgb)
        if made is None:
            if not self._bad_logged:
                log.error("video source %r gave a frame that is not H×W×3 uint8: %r", source,
                          getattr(rgb, "shape", type(rgb)))
                self._bad_logged = True
            self._seq = seq
            return
        self._seq = seq
        resized = made[0].size() != self._image.size()
        self._image, self._array = made
        if resized:
            self._fit_texture()
        self._frames += 1
        self.update()
        self.frameChanged.emit()

    def _forget_frame(self) -> None:
        had = not self._image.isNull()
        self._seq, self._image, self._array = None, QImage(), None
        self.update()
        if had:
            self.frameChanged.emit()

    # -- drawing -------------------------------------------------------------------------

    def _scale(self) -> float:
        """Item pixels per frame pixel (fit or fill)."""
        iw, ih = self._image.width(), self._image.height()
        if iw == 0 or ih == 0 or self.width() <= 0 or self.height() <= 0:
            return 1.0
        kx, ky = self.width() / iw, self.height() / ih
        return max(kx, ky) if self._fill else min(kx, ky)

    def _fit_texture(self, *_: Any) -> None:
        """Paint at the frame's own resolution, never more: a 640×480 call shown on a
        1080-wide stage is rasterised small and scaled up by the scene graph (cheap),
        not smooth-scaled by QPainter on the GUI thread for every frame."""
        k = self._scale()
        if k <= 1.0:
            self.setTextureSize(QSize())  # shown smaller than it is: the item's own size
        else:
            self.setTextureSize(QSize(max(1, round(self.width() / k)),
                                      max(1, round(self.height() / k))))

    def paint(self, painter: QPainter) -> None:
        w, h = self.width(), self.height()
        painter.fillRect(QRectF(0, 0, w, h), self._background)
        img = self._image
        if img.isNull() or w <= 0 or h <= 0:
            return
        iw, ih = img.width(), img.height()
        k = self._scale()
        dw, dh = iw * k, ih * k
        target = QRectF((w - dw) / 2, (h - dh) / 2, dw, dh)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        painter.setClipRect(QRectF(0, 0, w, h))
        if self._mirror:
            painter.translate(w, 0)
            painter.scale(-1, 1)
        painter.drawImage(target, img)


_registered = False


def register_qml_types() -> None:
    """Make ``VideoView`` available through ``import SmartBranch.Views 1.0`` (once)."""
    global _registered
    if not _registered:
        qmlRegisterType(VideoView, QML_MODULE, 1, 0, "VideoView")  # type: ignore[call-overload]  # stub wants bytes, runtime str
        _registered = True
