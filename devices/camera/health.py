"""What the frame thread learns from the frames themselves: frozen, too dark, frames lost.

No I/O and no clock of its own (``now`` is passed in), so it is tested frame by frame. Cheap
by design (it runs for every frame on the camera's thread): the picture is looked at through
a sparse grid of pixels (every 8th row and column), about 5 µs for a 640×480 frame.

- **frozen**: the sensor's clock stands still, or (a live sensor, whose noise changes every
  picture) the grid is the same as the last frame's, or the source hands back the very same
  buffer — for ``frozen_after_s``;
- **dark**: mean luminance (Rec. 601) below ``dark_luminance`` for ``dark_after_s``; bright
  again at 15 % above it, for as long (no flicker at the edge);
- **lost frames**: gaps in the sensor's frame times (or, without a sensor clock, gaps of more
  than 1.8 periods between reads of a live camera), counted, and their share over the last
  ``drop_window_s``.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

RGB = npt.NDArray[np.uint8]
_GRID = 8
_WEIGHTS = np.array([0.299, 0.587, 0.114], dtype=np.float32)


@dataclass(frozen=True)
class HealthLimits:
    dark_luminance: float = 40.0
    dark_after_s: float = 1.0
    frozen_after_s: float = 2.0
    max_drop_rate: float = 0.2
    drop_window_s: float = 5.0


def luminance(image: RGB) -> float:
    """Mean luminance (0-255) of ``image``, from a sparse grid of its pixels."""
    return _grid_luminance(image[::_GRID, ::_GRID])


def _grid_luminance(grid: RGB) -> float:
    if grid.ndim == 2:
        return float(grid.mean())
    return float(grid.reshape(-1, grid.shape[-1])[:, :3].mean(axis=0) @ _WEIGHTS)


class FrameHealth:
    def __init__(self, limits: HealthLimits) -> None:
        self.limits = limits
        self.dropped = 0  # frames lost since the camera was opened (a counter)
        self.frames = 0
        self.reset()

    def reset(self) -> None:
        """A new connection: nothing carried over but the counters."""
        self.frozen = False
        self.dark = False
        self.luminance = -1.0
        self._last_image: RGB | None = None
        self._last_grid: bytes = b""
        self._last_sensor: float | None = None
        self._last_read: float | None = None
        self._gap_skipped = False  # frames left unread on purpose since the last read
        self._stall_since: float | None = None
        self._dark_flip_since: float | None = None
        self._window: deque[tuple[float, int]] = deque()  # (time, frames lost before it)

    @property
    def drop_rate(self) -> float:
        """Share of the frames of the last window that never arrived."""
        lost = sum(n for _, n in self._window)
        total = lost + len(self._window)
        return lost / total if total else 0.0

    @property
    def unsettled(self) -> bool:
        """A change is on its way (a picture standing still, a light going or coming back,
        frames being lost): the camera should look at every frame until it is decided."""
        return (self._stall_since is not None and not self.frozen) \
            or self._dark_flip_since is not None or any(n for _, n in self._window)

    def skip_gap(self) -> None:
        """Frames were left unread on purpose (the camera idled): the gap before the next
        frame read is not lost frames."""
        self._gap_skipped = True

    @property
    def dropping(self) -> bool:
        # At least a second's worth of frames before a rate means anything.
        span = self._window[-1][0] - self._window[0][0] if self._window else 0.0
        return span >= 1.0 and self.drop_rate > self.limits.max_drop_rate

    def frame(self, now: float, image: RGB, sensor_time: float | None, *,
              live: bool, fps: float | None) -> None:
        """One frame read at ``now`` (monotonic seconds)."""
        lim = self.limits
        grid = image[::_GRID, ::_GRID]
        # -- frozen --------------------------------------------------------------------------
        if sensor_time is not None and self._last_sensor is not None:
            same = sensor_time <= self._last_sensor
        elif image is self._last_image:
            same = True
        elif live and self._last_grid:
            same = grid.tobytes() == self._last_grid
        else:
            same = False
        if same:
            if self._stall_since is None:
                self._stall_since = self._last_read if self._last_read is not None else now
            self.frozen = now - self._stall_since >= lim.frozen_after_s
        else:
            self._stall_since = None
            self.frozen = False
        # -- lost frames (only between pictures that are new) ---------------------------------
        if not same:
            lost = 0
            if fps:
                if sensor_time is not None and self._last_sensor is not None:
                    lost = max(0, round((sensor_time - self._last_sensor) * fps) - 1)
                elif live and self._last_read is not None and not self._gap_skipped:
                    gap = (now - self._last_read) * fps
                    lost = max(0, round(gap) - 1) if gap > 1.8 else 0
            self.dropped += lost
            self.frames += 1
            self._window.append((now, lost))
            while self._window and now - self._window[0][0] > lim.drop_window_s:
                self._window.popleft()
        # -- dark ----------------------------------------------------------------------------
        self.luminance = _grid_luminance(grid) if grid.size else 0.0
        flips = (self.luminance >= lim.dark_luminance * 1.15) if self.dark \
            else (self.luminance < lim.dark_luminance)
        if flips:
            if self._dark_flip_since is None:
                self._dark_flip_since = now
            if now - self._dark_flip_since >= lim.dark_after_s:
                self.dark = not self.dark
                self._dark_flip_since = None
        else:
            self._dark_flip_since = None
        self._last_image = image
        if live:
            self._last_grid = grid.tobytes()
        if sensor_time is not None:
            self._last_sensor = sensor_time
        self._last_read = now
        self._gap_skipped = False
