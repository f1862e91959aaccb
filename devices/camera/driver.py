"""The kiosk camera: frames from OpenCV or the simulator, delivered to subscribers.

A frame thread (``device-<name>-frames``) reads the source and hands every frame to the
subscribers *on that thread*; a subscriber must return quickly. Consumers that do heavy
work (face matching, liveness) or live on another thread (the Qt preview) take frames
through a :class:`LatestFrame` mailbox: it keeps only the newest frame, so a slow consumer
drops stale frames instead of queueing them, and the camera never waits for anyone.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from devices.base import Device, DeviceNotReady
from devices.camera.settings import CameraSettings
from devices.camera.sources import EndOfStream, FrameSource, SourceError, open_source
from devices.urls import parse_device_url
from kiosk_core.listeners import Listeners
from kiosk_core.status import DeviceState, MediaState

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Frame:
    seq: int
    timestamp: float  # time.monotonic() when read
    image: npt.NDArray[np.uint8]  # RGB, read-only

    @property
    def size(self) -> tuple[int, int]:
        return self.image.shape[1], self.image.shape[0]


FrameListener = Callable[[Frame], None]


class LatestFrame:
    """A one-slot mailbox: ``put`` replaces the frame, ``get`` waits for a newer one."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._frame: Frame | None = None
        self._taken_seq = -1
        self.dropped = 0

    def put(self, frame: Frame) -> None:
        with self._cond:
            if self._frame is not None and self._frame.seq > self._taken_seq:
                self.dropped += 1  # the consumer never saw the previous one
            self._frame = frame
            self._cond.notify_all()

    def get(self, timeout: float | None = None) -> Frame | None:
        """The newest frame not yet taken, waiting up to ``timeout``; None on timeout."""
        with self._cond:
            ok = self._cond.wait_for(
                lambda: self._frame is not None and self._frame.seq > self._taken_seq, timeout)
            if not ok or self._frame is None:
                return None
            self._taken_seq = self._frame.seq
            return self._frame

    def peek(self) -> Frame | None:
        return self._frame


class Camera(Device):
    kind = "camera"

    def __init__(self, name: str, settings: CameraSettings) -> None:
        super().__init__(name, settings.url)
        self.settings = settings
        self._url = parse_device_url(settings.url, settings.url_schemes)
        self._source: FrameSource | None = None
        self._listeners: Listeners[Frame] = Listeners(f"camera {name} frame")
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._latest: Frame | None = None
        self._seq = 0
        self.frames_read = 0

    # -- frames ----------------------------------------------------------------------------

    def subscribe_frames(self, listener: FrameListener) -> Callable[[], None]:
        """Call ``listener(frame)`` on the frame thread for every frame."""
        return self._listeners.subscribe(listener)

    def mailbox(self) -> tuple[LatestFrame, Callable[[], None]]:
        """A LatestFrame fed by this camera, and the function that stops feeding it."""
        box = LatestFrame()
        return box, self.subscribe_frames(box.put)

    def latest(self) -> Frame | None:
        return self._latest

    def take_picture(self, timeout: float = 2.0) -> Frame:
        """The next frame (XFS4IoT Camera.TakePicture); waits up to ``timeout``."""
        box, stop = self.mailbox()
        try:
            frame = box.get(timeout)
        finally:
            stop()
        if frame is None:
            raise DeviceNotReady(f"{self.name}: no frame within {timeout:g} s")
        return frame

    @property
    def scene(self) -> object | None:
        """The simulated scene (to make the simulated customer act), or None."""
        return getattr(self._source, "scene", None)

    def show_scene(self, scene: object) -> Callable[[], None] | None:
        """Simulated cameras only: play ``scene`` now; returns the function that puts the
        previous scene back (a no-op if the camera was reopened meanwhile), or None for a
        real camera or one not open yet."""
        source = self._source
        old = getattr(source, "scene", None)
        if source is None or old is None:
            return None
        source.scene = scene  # type: ignore[attr-defined]

        def restore() -> None:
            if self._source is source:
                source.scene = old  # type: ignore[attr-defined]

        return restore

    # -- Device ----------------------------------------------------------------------------

    def open(self) -> None:
        s = self.settings
        try:
            self._source = open_source(self._url, s.width, s.height, s.fps)
        except SourceError as exc:
            raise DeviceNotReady(f"{self.name}: {exc}") from exc
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=f"device-{self.name}-frames",
                                        daemon=True)
        self._thread.start()
        self.status_model.update(device=DeviceState.ONLINE, media=MediaState.NOT_SUPPORTED,
                                 detail=self._source.description)

    def shutdown(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        if self._source is not None:
            self._source.close()
            self._source = None

    def describe(self) -> dict[str, object]:
        d = super().describe()
        d["frames_read"] = self.frames_read
        latest = self._latest
        d["frame_size"] = list(latest.size) if latest else None
        return d

    # -- the frame thread ------------------------------------------------------------------

    def _run(self) -> None:
        src = self._source
        assert src is not None
        period = 1.0 / src.pace_fps if src.pace_fps else 0.0
        next_due = time.monotonic()
        failures = 0
        while not self._stop.is_set():
            if period:
                delay = next_due - time.monotonic()
                if delay > 0 and self._stop.wait(delay):
                    break
                next_due = max(next_due + period, time.monotonic() - period)
            try:
                image = src.read()
            except EndOfStream:
                if self.settings.loop and src.rewind():
                    continue
                self.status_model.update(device=DeviceState.OFFLINE, detail="end of video")
                break
            except (SourceError, OSError) as exc:
                failures += 1
                self.status_model.update(device=DeviceState.HARDWARE_ERROR, detail=str(exc))
                # A USB camera unplugged or a stream dropped: back off, keep trying.
                if self._stop.wait(min(5.0, 0.2 * 2 ** min(failures, 5))):
                    break
                continue
            except Exception as exc:  # a broken scene or codec must not kill the thread silently
                log.exception("camera %s: frame source failed", self.name)
                self.status_model.update(device=DeviceState.HARDWARE_ERROR, detail=str(exc))
                break
            if failures:
                failures = 0
                self.status_model.update(device=DeviceState.ONLINE, detail=src.description)
            image.setflags(write=False)
            self._seq += 1
            frame = Frame(self._seq, time.monotonic(), image)
            self._latest = frame
            self.frames_read += 1
            if self.frames_read % 50 == 0:
                self.status_model.update(counters={"frames": self.frames_read})
            self._listeners.emit(frame)


def create(name: str, settings: CameraSettings) -> Camera:
    return Camera(name, settings)
