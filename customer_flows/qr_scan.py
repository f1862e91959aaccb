"""Reading the customer's QR code from the camera: latest frame only, decoded off-screen.

:meth:`QrScanner.next` blocks (call it on a worker, never the GUI thread): it takes the
newest frame from the camera's one-slot mailbox (stale frames are dropped, never queued),
decodes it with :func:`identity.qr.read_qr`, and returns the frame for the preview with
what it read. One call per preview frame keeps decoding and preview in step.

Holding the mailbox is what makes the camera stream at its full rate (it idles at a few
frames a second while nothing uses it, devices.camera.driver): a scanner must be closed
when the scan ends, or the camera keeps streaming for nobody.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt


class CameraFrame(Protocol):
    @property
    def image(self) -> npt.NDArray[np.uint8]: ...


class FrameMailbox(Protocol):
    """The camera's one-slot mailbox: the newest frame, stale ones dropped."""

    def get(self, timeout: float | None = None) -> CameraFrame | None: ...

    @property
    def dropped(self) -> int: ...


class ScanCamera(Protocol):
    """What the scan needs of a camera (devices.camera's driver provides it; replace with
    devices.camera.api's Protocol once that lands)."""

    def mailbox(self) -> tuple[FrameMailbox, Callable[[], None]]: ...


@dataclass(frozen=True)
class ScanFrame:
    image: npt.NDArray[np.uint8] | None  # RGB, or None when no frame came in time
    text: str  # "" when no QR code was read


class QrScanner:
    def __init__(self, camera: ScanCamera) -> None:
        self._box, self._stop = camera.mailbox()
        self.frames = 0

    def next(self, timeout: float = 1.0) -> ScanFrame:
        from identity.qr import read_qr

        frame = self._box.get(timeout)
        if frame is None:
            return ScanFrame(None, "")
        self.frames += 1
        read = read_qr(frame.image)
        return ScanFrame(frame.image, read.text if read else "")

    @property
    def dropped(self) -> int:
        return self._box.dropped

    def close(self) -> None:
        self._stop()
