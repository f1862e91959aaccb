"""What flows, identity and the demo may ask of a camera: the interfaces they are typed by.

:class:`devices.camera.driver.Camera` satisfies :class:`CameraApi` (and a simulated one
:class:`SimulatedCameraApi`; checked in tests/camera/test_api.py). Frames are delivered on
the camera's frame thread; a consumer that does heavy work takes them through a
one-slot mailbox, so it drops stale frames instead of making the camera wait.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from kiosk_core.status import DeviceStatus, Listener

RGB = npt.NDArray[np.uint8]


class CameraFrame(Protocol):
    @property
    def seq(self) -> int: ...

    @property
    def timestamp(self) -> float:
        """time.monotonic() when the frame was read."""
        ...

    @property
    def image(self) -> RGB:
        """RGB, (H, W, 3), read-only."""
        ...


class FrameMailbox(Protocol):
    """The newest frame not yet taken (stale ones are dropped, never queued)."""

    def get(self, timeout: float | None = None) -> CameraFrame | None: ...

    def peek(self) -> CameraFrame | None: ...

    @property
    def dropped(self) -> int: ...


class CameraApi(Protocol):
    @property
    def status(self) -> DeviceStatus:
        """The last reported status (no I/O)."""
        ...

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` on every status change (on the camera's threads); returns the
        function that unsubscribes."""
        ...

    def mailbox(self) -> tuple[FrameMailbox, Callable[[], None]]:
        """A mailbox fed by the camera, and the function that stops feeding it. The camera
        streams at its full rate while any mailbox is fed (it idles otherwise)."""
        ...

    def latest(self) -> CameraFrame | None:
        """The newest frame read (no waiting), or None before the first."""
        ...

    def take_picture(self, timeout: float = 2.0) -> CameraFrame:
        """The next frame (XFS4IoT Camera.TakePicture); raises DeviceNotReady on time-out."""
        ...


class Scene(Protocol):
    """A simulated camera's scene: the picture at ``t`` seconds into it."""

    def frame(self, t: float) -> RGB: ...


@runtime_checkable
class SimulatedCameraApi(CameraApi, Protocol):
    """A camera playing a simulated scene (``sim://camera?scene=…``): the simulator's
    control channel, used by the demo's simulated customer and by tests."""

    @property
    def scene(self) -> object | None:
        """The scene being played, or None (a real camera, or not open yet)."""
        ...

    def show_scene(self, scene: Scene) -> Callable[[], None] | None:
        """Play ``scene`` now; returns the function that puts the previous one back, or
        None if the camera plays no scene."""
        ...

    @property
    def faults(self) -> frozenset[str]:
        """The faults injected now (devices.camera.simulator.FAULTS)."""
        ...

    def inject_fault(self, fault: str, *, drop_rate: float | None = None) -> None:
        """Make the simulated camera ``unplugged``, ``frozen``, ``dark`` or lose frames
        (``dropped-frames``, ``drop_rate`` of them) until :meth:`clear_fault`."""
        ...

    def clear_fault(self, fault: str | None = None) -> None:
        """The fault (every fault if None) is fixed."""
        ...
