"""The simulated camera with fault injection (``sim://camera?scene=…&faults=…``).

Like the byte simulators of the other devices, the simulator outlives its connection: the
driver *connects* to it (:meth:`CameraSimulator.connect` → a :class:`SimSource`), and a fault
injected while it runs (``camera.inject_fault("dark")``, the demo's and tests' control
channel) stays until cleared, across the driver's reconnects. Faults:

- ``unplugged`` — reads fail and connecting fails (a USB camera pulled out);
- ``frozen`` — the last frame is delivered again and again, its sensor time standing still
  (a hung capture pipeline re-delivering its last buffer);
- ``dark`` — the picture at 1/8 of its brightness (the room's light is off);
- ``dropped-frames`` — a share (``drop_rate``) of the sensor's frames never arrives: the
  sensor numbers its frames, so each lost one leaves a gap in the sensor times.

The faults cost almost nothing per frame (a shift for ``dark``, nothing for the others): the
video-teller CPU bench runs on this simulator.
"""

from __future__ import annotations

import threading
import time

import numpy as np
import numpy.typing as npt

from devices.camera.plugin import FAULT_NAMES as FAULTS
from devices.camera.sources import DeviceGone, EndOfStream, FrameSource, SourceError

RGB = npt.NDArray[np.uint8]
#: Share of frames lost with ``dropped-frames`` unless ``drop_rate`` says otherwise.
DEFAULT_DROP_RATE = 0.4


class SimulatorError(ValueError):
    pass


class CameraSimulator:
    """A scene and its faults; thread-safe (faults are set from any thread)."""

    def __init__(self, scene: object, scene_name: str, fps: float, *,
                 faults: tuple[str, ...] = (), drop_rate: float = DEFAULT_DROP_RATE) -> None:
        self.scene = scene
        self.scene_name = scene_name
        self.fps = fps
        self._lock = threading.Lock()
        self._faults: set[str] = set()
        self.drop_rate = drop_rate
        for name in faults:
            self.inject(name)

    @property
    def faults(self) -> frozenset[str]:
        return frozenset(self._faults)

    def inject(self, fault: str, *, drop_rate: float | None = None) -> None:
        if fault not in FAULTS:
            raise SimulatorError(f"unknown camera fault '{fault}' (use {', '.join(FAULTS)})")
        if drop_rate is not None:
            if not 0 < drop_rate < 1:
                raise SimulatorError("drop_rate must be in (0, 1)")
            self.drop_rate = drop_rate
        with self._lock:
            self._faults.add(fault)

    def clear(self, fault: str | None = None) -> None:
        """The fault fixed (all if None): plugged back, pipeline restarted, light on."""
        if fault is not None and fault not in FAULTS:
            raise SimulatorError(f"unknown camera fault '{fault}' (use {', '.join(FAULTS)})")
        with self._lock:
            if fault is None:
                self._faults.clear()
            else:
                self._faults.discard(fault)

    def has(self, fault: str) -> bool:
        return fault in self._faults

    def connect(self) -> SimSource:
        """What the driver reads frames from; fails while the camera is unplugged."""
        if self.has("unplugged"):
            raise SourceError("cannot open the simulated camera: it is unplugged")
        return SimSource(self)


class SimSource(FrameSource):
    """One connection to the simulator. Frame times follow the wall clock from the first
    read, so a slow consumer sees the scene at its true pace (with frames dropped), as with
    a real camera; the *sensor* clock is ideal (frame n at n / fps), so only the simulated
    fault, not this machine's load, makes gaps in it."""

    def __init__(self, sim: CameraSimulator) -> None:
        self.sim = sim
        self.pace_fps = sim.fps
        self.description = f"simulated scene '{sim.scene_name}'"
        self._t0: float | None = None
        self._slot = -1  # the sensor's frame number
        self._last: RGB | None = None
        self._drop_acc = 0.0
        self._dropping = False
        self.sensor_time = None

    # The driver and the demo reach the scene through the source (SimulatedCameraApi).
    @property
    def scene(self) -> object:
        return self.sim.scene

    @scene.setter
    def scene(self, scene: object) -> None:
        self.sim.scene = scene

    def read(self) -> RGB | None:
        sim = self.sim
        if sim.has("unplugged"):
            raise DeviceGone("the camera was unplugged (no device on the bus)")
        if sim.has("frozen") and self._last is not None:
            return self._last  # the same buffer; the sensor time stands still
        self._slot += 1
        if not sim.has("dropped-frames"):
            self._dropping = False
        elif not self._dropping:  # the fault just struck: its first frame is lost at once
            self._dropping = True
            self._drop_acc = 0.0
            return None
        else:
            self._drop_acc += sim.drop_rate
            if self._drop_acc >= 1.0:
                self._drop_acc -= 1.0
                return None  # lost on the way: this period brings nothing
        now = time.monotonic()
        if self._t0 is None:
            self._t0 = now
        t = now - self._t0
        scene = sim.scene
        duration = getattr(scene, "duration", None)
        if duration is not None and t > duration:
            raise EndOfStream("end of scene")
        image: RGB = scene.frame(t)  # type: ignore[attr-defined]
        if sim.has("dark"):
            image = np.right_shift(image, 3)
        self.sensor_time = self._slot / sim.fps
        self._last = image
        return image

    def rewind(self) -> bool:
        self._t0 = None
        return True


__all__ = ["FAULTS", "CameraSimulator", "SimSource", "SimulatorError"]
