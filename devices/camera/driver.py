"""The kiosk camera: frames from OpenCV or the simulator, delivered to subscribers.

A frame thread (``device-<name>-frames``) reads the source and hands every frame to the
subscribers *on that thread*; a subscriber must return quickly. Consumers that do heavy
work (face matching, liveness) or live on another thread (the Qt preview) take frames
through a :class:`LatestFrame` mailbox: it keeps only the newest frame, so a slow consumer
drops stale frames instead of queueing them, and the camera never waits for anyone.

The camera streams at ``fps`` only while something uses it: a subscriber or mailbox (the
QR scanner, identity capture, the video call's track, a technician's snapshot) holds it
for as long as it is subscribed, :meth:`Camera.acquire` holds it without frames, and
:meth:`Camera.keep_streaming` for a few seconds (a preview that polls ``latest()``).
Otherwise it reads ``idle_fps`` frames a second (one at once when opened): enough to keep
the status true (unplugged, too dark, frozen) on the attract screen, where a kiosk spends
most of its life, at a fraction of the cost. A picture that starts to look wrong (standing
still, going dark, frames lost) is looked at at the full rate until it is decided, so
faults are reported as fast as while streaming.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from devices.base import Device, DeviceError, DeviceNotReady
from devices.camera.health import FrameHealth, HealthLimits
from devices.camera.settings import CameraSettings
from devices.camera.simulator import CameraSimulator, SimulatorError
from devices.camera.sources import (
    DeviceGone,
    EndOfStream,
    FrameSource,
    SourceError,
    open_simulator,
    open_source,
)
from devices.urls import parse_device_url
from kiosk_core.listeners import Listeners
from kiosk_core.status import DeviceState, MediaState, SupplyState

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


#: Status error codes the camera reports (kiosk_core.status DeviceStatus.error_code).
UNPLUGGED, NO_FRAMES, FROZEN, TOO_DARK, DROPPING = (
    "unplugged", "no_frames", "frozen", "too_dark", "dropping_frames")
#: Consecutive read failures after which the source is closed and opened again.
REOPEN_AFTER_FAILURES = 3


class Camera(Device):
    kind = "camera"
    #: Watched by devices.base: a camera that went away is reopened with back-off.
    supervised = True

    def __init__(self, name: str, settings: CameraSettings) -> None:
        super().__init__(name, settings.url)
        self.settings = settings
        self._url = parse_device_url(settings.url, settings.url_schemes)
        self._source: FrameSource | None = None
        self._sim: CameraSimulator | None = None
        self._listeners: Listeners[Frame] = Listeners(f"camera {name} frame")
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._latest: Frame | None = None
        self._seq = 0
        self.frames_read = 0
        # Who uses the frames now (acquire / subscribers) and until when a preview does.
        self._demand = 0
        self._demand_lock = threading.Lock()
        self._lease_until = 0.0
        self._lost_at = -1e9  # when the source last returned no frame (a lost one)
        #: Set by acquire() and shutdown(): the frame thread looks again at once.
        self._wake = threading.Event()
        self.health = FrameHealth(HealthLimits(
            dark_luminance=settings.dark_luminance, dark_after_s=settings.dark_after_s,
            frozen_after_s=settings.frozen_after_s, max_drop_rate=settings.max_drop_rate,
            drop_window_s=settings.drop_window_s))
        self._condition: tuple[str, ...] = ()
        self._ended = False  # a video file played to its end (loop = false)

    # -- frames ----------------------------------------------------------------------------

    def subscribe_frames(self, listener: FrameListener) -> Callable[[], None]:
        """Call ``listener(frame)`` on the frame thread for every frame; the camera streams
        at its full rate until the returned function unsubscribes."""
        release = self.acquire()
        unsubscribe = self._listeners.subscribe(listener)

        def stop() -> None:
            unsubscribe()
            release()

        return stop

    # -- who needs frames -------------------------------------------------------------------

    def acquire(self) -> Callable[[], None]:
        """Stream at the full rate until the returned function is called (once counts)."""
        with self._demand_lock:
            self._demand += 1
        self._wake.set()
        released = threading.Event()

        def release() -> None:
            if released.is_set():
                return
            released.set()
            with self._demand_lock:
                self._demand -= 1

        return release

    def keep_streaming(self, seconds: float = 1.0) -> None:
        """Stream at the full rate for (at least) the next ``seconds``: for a consumer that
        polls ``latest()`` (a preview on screen) and renews it at every poll."""
        until = time.monotonic() + seconds
        with self._demand_lock:
            was = self._lease_until
            self._lease_until = max(was, until)
        if was < time.monotonic():
            self._wake.set()

    @property
    def in_use(self) -> bool:
        """Something holds the camera now (it streams at ``fps``, not ``idle_fps``)."""
        return self._demand > 0 or time.monotonic() < self._lease_until

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

    # -- the simulator's control channel (SimulatedCameraApi) ------------------------------

    @property
    def scene(self) -> object | None:
        """The simulated scene (to make the simulated customer act), or None."""
        return self._sim.scene if self._sim is not None else None

    def show_scene(self, scene: object) -> Callable[[], None] | None:
        """Simulated cameras only: play ``scene`` now; returns the function that puts the
        previous scene back (a no-op if the camera was reopened meanwhile), or None for a
        real camera or one not open yet."""
        sim = self._sim
        if sim is None:
            return None
        old, sim.scene = sim.scene, scene

        def restore() -> None:
            if self._sim is sim and sim.scene is scene:
                sim.scene = old

        return restore

    @property
    def faults(self) -> frozenset[str]:
        """Faults injected into the simulated camera (empty for a real one)."""
        return self._sim.faults if self._sim is not None else frozenset()

    def inject_fault(self, fault: str, *, drop_rate: float | None = None) -> None:
        """Simulated cameras only: ``unplugged``, ``frozen``, ``dark`` or ``dropped-frames``
        (``drop_rate``: the share lost). Raises DeviceError for a real camera."""
        if self._sim is None:
            raise DeviceError(f"{self.name}: faults are injected into simulated cameras only")
        try:
            self._sim.inject(fault, drop_rate=drop_rate)
        except SimulatorError as exc:
            raise DeviceError(str(exc)) from None

    def clear_fault(self, fault: str | None = None) -> None:
        """Simulated cameras only: the fault (all if None) is fixed."""
        if self._sim is None:
            raise DeviceError(f"{self.name}: faults are injected into simulated cameras only")
        try:
            self._sim.clear(fault)
        except SimulatorError as exc:
            raise DeviceError(str(exc)) from None

    # -- Device ----------------------------------------------------------------------------

    def open(self) -> None:
        s = self.settings
        self._ended = False
        source: FrameSource
        try:
            if self._url.scheme == "sim":
                if self._sim is None:  # the simulator outlives reopening (scene, faults)
                    self._sim = open_simulator(self._url, s.width, s.height, s.fps)
                try:
                    source = self._sim.connect()
                except SourceError as exc:
                    raise DeviceNotReady(f"camera unplugged: {exc}", code=UNPLUGGED) from exc
            else:
                try:
                    source = open_source(self._url, s.width, s.height, s.fps)
                except SourceError as exc:
                    code = UNPLUGGED if self._url.scheme == "cam" else ""
                    raise DeviceNotReady(f"{self.name}: {exc}", code=code) from exc
        except SourceError as exc:
            raise DeviceNotReady(f"{self.name}: {exc}") from exc
        self._source = source
        self.health.reset()
        self._condition = ()
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=f"device-{self.name}-frames",
                                        daemon=True)
        self._thread.start()
        self._publish(source)

    def reopen(self) -> None:
        """The supervisor (devices.base) reopens a camera that went away; a video that
        ended (``loop = false``) stays ended."""
        if self._ended:
            return
        super().reopen()

    def poll_status(self) -> None:
        """No I/O: the frame thread reports every change itself. A frame thread that died
        (a broken source) is a lost link for the supervisor to reopen."""
        thread = self._thread
        if not self._ended and (thread is None or not thread.is_alive()):
            raise OSError("the camera's frame thread stopped")

    def shutdown(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        if self._source is not None:
            self._source.close()
            self._source = None

    def describe(self) -> dict[str, object]:
        d = super().describe()
        d["frames_read"] = self.frames_read
        d["in_use"] = self.in_use
        latest = self._latest
        d["frame_size"] = list(latest.size) if latest else None
        h = self.health
        d["frames_dropped"] = h.dropped
        d["drop_rate"] = round(h.drop_rate, 3)
        d["luminance"] = round(h.luminance, 1) if h.luminance >= 0 else None
        d["frozen"] = h.frozen
        d["too_dark"] = h.dark
        if self._sim is not None:
            d["sim_faults"] = sorted(self._sim.faults)
        return d

    # -- status ----------------------------------------------------------------------------

    def _report_lost(self, code: str, detail: str) -> None:
        state = DeviceState.NO_DEVICE if code == UNPLUGGED else DeviceState.HARDWARE_ERROR
        key = (code, detail)
        if key != self._condition:
            self._condition = key
            self.status_model.update(device=state, media=MediaState.NOT_SUPPORTED,
                                     error_code=code, detail=detail,
                                     counters=self._counters())

    def _counters(self) -> dict[str, int]:
        return {"frames": self.frames_read, "frames_dropped": self.health.dropped}

    def _publish(self, src: FrameSource) -> None:
        """Report what the frames say, when it changes (never a status event per frame)."""
        h, lim = self.health, self.settings
        # "light" appears with the first dark picture (no record at every start), then stays.
        light = {"light": SupplyState.LOW} if h.dark else (
            {"light": SupplyState.OK} if "light" in self.status.supplies else None)
        if h.frozen:
            key: tuple[str, ...] = (FROZEN,)
            state, code = DeviceState.HARDWARE_ERROR, FROZEN
            detail = (f"camera frozen: the same picture for {lim.frozen_after_s:g} s or more "
                      f"({src.description})")
        elif h.dark:
            key = (TOO_DARK,)
            state, code = DeviceState.ONLINE, TOO_DARK
            detail = (f"picture too dark: mean brightness {h.luminance:.0f} of 255, needs "
                      f"{lim.dark_luminance:g} (light off, or the camera covered?)")
        elif h.dropping:
            key = (DROPPING,)
            state, code = DeviceState.ONLINE, DROPPING
            detail = (f"losing {h.drop_rate:.0%} of the frames over the last "
                      f"{lim.drop_window_s:g} s (cable, USB bandwidth or load)")
        else:
            key = ("ok",)
            state, code, detail = DeviceState.ONLINE, "", src.description
        prev = self._condition
        if key == prev:
            return
        self._condition = key
        if code:
            log.warning("camera %s: %s", self.name, detail)
        elif prev:
            log.info("camera %s: back to normal (%s)", self.name, detail)
        self.status_model.update(device=state, media=MediaState.NOT_SUPPORTED,
                                 supplies=light, error_code=code, detail=detail,
                                 counters=self._counters())

    # -- the frame thread ------------------------------------------------------------------

    def _lost(self, src: FrameSource, detail: str) -> None:
        """The camera went away: say so and end the frame thread; the supervisor
        (devices.base) reopens it with back-off, so it comes back without a restart."""
        self._report_lost(UNPLUGGED, detail)
        try:
            src.close()
        except Exception:
            log.exception("camera %s: closing its source failed", self.name)

    def _full_rate(self, now: float) -> bool:
        """Read every frame now: something uses the camera, or a fault is being decided."""
        return (self._demand > 0 or now < self._lease_until or self.health.unsettled
                or now - self._lost_at < 1.0)

    def _run(self) -> None:
        src = self._source
        assert src is not None
        failures = 0  # consecutive failed reads
        period = 1.0 / src.pace_fps if src.pace_fps else 0.0
        idle_fps = min(self.settings.idle_fps, src.pace_fps or self.settings.fps)
        idle_period = 1.0 / idle_fps if idle_fps > 0 else None
        now = time.monotonic()
        next_due = now
        last_read = now
        first = True  # the first frame at once: a true status and latest() from the start
        full = True
        while not self._stop.is_set():
            now = time.monotonic()
            was_full, full = full, self._full_rate(now)
            if full and not was_full:
                next_due = now  # woken by a consumer: its first frame without delay
                self.health.skip_gap()  # the idle gap is not lost frames
            if period:
                if full or first:
                    due = next_due
                elif idle_period is not None:
                    due = last_read + idle_period
                else:
                    due = now + 3600.0  # no idle reads: sleep until someone acquires
                delay = due - now
                if delay > 0:
                    # Until the frame is due, or a consumer / shutdown wakes us earlier.
                    if self._wake.wait(delay):
                        self._wake.clear()
                    continue
                if full:
                    next_due = max(next_due + period, now - period)
            elif not (full or first) and (idle_period is None
                                          or now - last_read < idle_period):
                # A live camera delivers at its own rate: take its frames off the wire (no
                # decoding) so the next one read is fresh, but look at few of them. One it
                # cannot take is read for real below, which reports what is wrong.
                try:
                    if src.skip():
                        continue
                except (SourceError, OSError):
                    pass
            last_read, first = now, False
            try:
                image = src.read()
            except EndOfStream:
                if self.settings.loop and src.rewind():
                    continue
                self._ended = True
                self.status_model.update(device=DeviceState.OFFLINE, detail="end of video",
                                         error_code="")
                break
            except DeviceGone as exc:
                self._lost(src, f"camera unplugged: {exc}")
                break
            except (SourceError, OSError) as exc:
                failures += 1
                if failures >= REOPEN_AFTER_FAILURES:  # reading more will not help: reopen
                    self._lost(src, f"camera lost: {exc}")
                    break
                self._report_lost(NO_FRAMES, str(exc))
                # A USB camera unplugged or a stream dropped: back off, keep trying.
                if self._stop.wait(0.2 * 2 ** (failures - 1)):
                    break
                continue
            except Exception as exc:  # a broken scene or codec must not kill the thread silently
                log.exception("camera %s: frame source failed", self.name)
                self.status_model.update(device=DeviceState.HARDWARE_ERROR, detail=str(exc),
                                         error_code="source_failed")
                break
            if failures:
                failures = 0
                self._condition = ()
            if image is None:  # a lost frame: the gap shows in the next one's sensor time
                self._lost_at = now
                continue
            now = time.monotonic()
            # Lost frames are counted from read times only while every frame is read.
            fps = src.nominal_fps if full else None
            if src.sensor_time is not None:
                fps = src.nominal_fps or src.pace_fps
            self.health.frame(now, image, src.sensor_time, live=src.live, fps=fps)
            self._publish(src)
            if self.health.frozen:
                continue  # an old picture is not handed on as new
            if image.flags.writeable:
                image.setflags(write=False)
            self._seq += 1
            frame = Frame(self._seq, now, image)
            self._latest = frame
            self.frames_read += 1
            if self.frames_read % 50 == 0:
                self.status_model.update(counters=self._counters())
            self._listeners.emit(frame)


def create(name: str, settings: CameraSettings) -> Camera:
    return Camera(name, settings)
