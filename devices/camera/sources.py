"""Where frames come from: an OpenCV capture (camera index, video file, stream URL), an image
sequence, or a simulated scene. Every source returns RGB frames; all blocking happens on the
camera's frame thread."""

from __future__ import annotations

import glob
import os
from abc import ABC, abstractmethod
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote

import numpy as np
import numpy.typing as npt

from devices.urls import DeviceURL

if TYPE_CHECKING:
    from devices.camera.simulator import CameraSimulator

RGB = npt.NDArray[np.uint8]
IMAGE_EXTS = (".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp")


class SourceError(OSError):
    """The source cannot be opened or has stopped delivering frames."""


class EndOfStream(SourceError):
    pass


class DeviceGone(SourceError):
    """The camera itself went away (unplugged): reading again cannot help, reopening may."""


class FrameSource(ABC):
    #: Pace reads to this rate (None: the source blocks by itself, like a real camera).
    pace_fps: float | None = None
    description = "source"
    #: The sensor's own time of the last frame read (seconds), if the source knows it: a
    #: gap in it is a lost frame, a standstill a frozen camera. None: not known.
    sensor_time: float | None = None
    #: A live sensor (its picture always changes a little: noise): the same picture twice
    #: in a row is a frozen camera. False for files and still images.
    live: bool = False
    #: Frames per second the source should deliver (for counting lost frames), if known.
    nominal_fps: float | None = None

    @abstractmethod
    def read(self) -> RGB | None:
        """The next frame, or None when this period brought none (a lost frame); raises
        EndOfStream at the end, SourceError on failure (DeviceGone: the camera went away)."""

    def rewind(self) -> bool:
        """Start again from the first frame; False if the source cannot."""
        return False

    def skip(self) -> bool:
        """Let the next frame of a source that delivers at its own rate (``pace_fps`` None:
        a live camera) go by unread while the camera idles; True if one went by. Blocks
        like :meth:`read`, so the idle camera still keeps the camera's pace."""
        return self.read() is not None

    def close(self) -> None:  # noqa: B027 - optional hook: most sources hold nothing
        """Release the device or file."""


class CaptureSource(FrameSource):
    """cv2.VideoCapture over a camera index, a video file or a network stream."""

    def __init__(self, target: int | str, width: int, height: int, *, is_file: bool) -> None:
        import cv2

        self._cv2 = cv2
        self.target = target
        self.is_file = is_file
        self.cap = cv2.VideoCapture(target)
        if not self.cap.isOpened():
            raise SourceError(f"cannot open {target!r}")
        if isinstance(target, int):
            self.cap.set(cv2.CAP_PROP_FRAME_WIDTH, width)
            self.cap.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
        fps = float(self.cap.get(cv2.CAP_PROP_FPS) or 0)
        # A file is read as fast as the disk allows: pace it at its own frame rate.
        self.pace_fps = (fps if 0 < fps < 240 else 25.0) if is_file else None
        self.live = not is_file
        self.nominal_fps = fps if not is_file and 0 < fps < 240 else None
        self.description = f"{'file' if is_file else 'capture'} {target}"

    def read(self) -> RGB:
        ok, frame = self.cap.read()
        if not ok or frame is None:
            if self.is_file:
                raise EndOfStream(f"end of {self.target}")
            raise SourceError(f"no frame from {self.target}")
        if frame.ndim == 2:
            frame = self._cv2.cvtColor(frame, self._cv2.COLOR_GRAY2RGB)
        else:
            frame = self._cv2.cvtColor(frame, self._cv2.COLOR_BGR2RGB)
        return np.ascontiguousarray(frame)

    def rewind(self) -> bool:
        return bool(self.is_file and self.cap.set(self._cv2.CAP_PROP_POS_FRAMES, 0))

    def skip(self) -> bool:
        # grab() takes the frame off the device without decoding or converting it.
        return bool(self.cap.grab())

    def close(self) -> None:
        self.cap.release()


class ImageSequence(FrameSource):
    """Still images (one file or a glob, sorted by name) played at ``fps``."""

    def __init__(self, paths: list[str], fps: float) -> None:
        import cv2

        if not paths:
            raise SourceError("no images match")
        self._cv2 = cv2
        self.paths = paths
        self.pace_fps = fps
        self.index = 0
        self.description = f"{len(paths)} image(s) from {Path(paths[0]).parent}"

    def read(self) -> RGB:
        if self.index >= len(self.paths):
            raise EndOfStream("end of image sequence")
        path = self.paths[self.index]
        self.index += 1
        frame = self._cv2.imread(path, self._cv2.IMREAD_COLOR)
        if frame is None:
            raise SourceError(f"cannot read image {path}")
        return np.ascontiguousarray(self._cv2.cvtColor(frame, self._cv2.COLOR_BGR2RGB))

    def rewind(self) -> bool:
        self.index = 0
        return True


def open_simulator(url: DeviceURL, width: int, height: int, fps: float) -> CameraSimulator:
    """The simulated camera a ``sim://camera?…`` URL names (raises SourceError)."""
    from devices.camera.plugin import SCENE_OPTIONS, SIM
    from devices.camera.scenes import make_scene
    from devices.camera.simulator import CameraSimulator
    from devices.sim import SimURLError, sim_options

    try:
        opts = sim_options(url, SIM, extra=SCENE_OPTIONS)
    except SimURLError as exc:
        raise SourceError(str(exc)) from None
    name = opts.pop("scene")
    fps = opts.pop("fps", fps)
    faults = opts.pop("faults", ())
    drop_rate = opts.pop("drop_rate")
    try:
        scene = make_scene(name, (width, height), **opts)
        return CameraSimulator(scene, name, fps, faults=faults, drop_rate=drop_rate)
    except ValueError as exc:
        raise SourceError(str(exc)) from exc


def open_source(url: DeviceURL, width: int, height: int, fps: float) -> FrameSource:
    """Build the source a camera URL names (raises SourceError)."""
    if url.scheme == "sim":
        return open_simulator(url, width, height, fps).connect()
    if url.scheme == "cam":
        try:
            index = int(url.target or "0")
        except ValueError:
            raise SourceError(f"cam://{url.target}: expected a camera index like cam://0") from None
        return CaptureSource(index, width, height, is_file=False)
    if url.scheme == "file":
        path = unquote(url.target)
        if any(ch in path for ch in "*?["):
            return ImageSequence(sorted(glob.glob(path)), fps)
        if not os.path.exists(path):
            raise SourceError(f"no such file: {path}")
        if path.lower().endswith(IMAGE_EXTS):
            return ImageSequence([path], fps)
        return CaptureSource(path, width, height, is_file=True)
    # rtsp://, http(s):// — OpenCV's FFmpeg backend
    return CaptureSource(url.raw, width, height, is_file=False)
