"""The camera streams only while something uses it (issue 17, item 2): with no consumer it
reads ``idle_fps`` frames a second (none at all with 0), a consumer (subscriber, mailbox,
``acquire``, a preview's ``keep_streaming``) makes it stream at ``fps`` until it lets go,
and a fault is still noticed on an idle camera."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from devices.camera import driver as camera_driver
from devices.camera.driver import create
from devices.camera.settings import CameraSettings
from devices.camera.sources import FrameSource
from kiosk_core.status import DeviceState

SIZE = {"width": 160, "height": 120}


def _open(closing: Callable[[Any], Any], url: str = "sim://camera?scene=face&fps=20",
          **kw: Any) -> Any:
    cam = closing(create("camera", CameraSettings(url=url, **{**SIZE, **kw})))
    cam.start().result(timeout=30)
    return cam


def _until(cond: Callable[[], bool], timeout: float) -> float:
    t0 = time.monotonic()
    while not cond():
        if time.monotonic() - t0 > timeout:
            raise AssertionError(f"not within {timeout} s")
        time.sleep(0.02)
    return time.monotonic() - t0


def _frames_in(cam: Any, seconds: float) -> int:
    before = cam.frames_read
    time.sleep(seconds)
    return int(cam.frames_read - before)


def test_no_consumer_no_frames_until_acquired(closing: Callable[[Any], Any]) -> None:
    cam = _open(closing, idle_fps=0)
    _until(lambda: cam.latest() is not None, 5)  # one picture at open: a true status
    assert cam.frames_read == 1 and not cam.in_use
    assert _frames_in(cam, 1.0) == 0  # nobody uses it: the counter stands still
    release = cam.acquire()
    assert cam.in_use
    t0 = time.monotonic()
    _until(lambda: cam.frames_read > 1, 2)
    assert time.monotonic() - t0 < 1.0  # woken at once, not at the next idle read
    assert _frames_in(cam, 1.0) >= 10  # 20 fps asked; a loaded machine gets fewer
    release()
    release()  # twice is once
    assert not cam.in_use
    time.sleep(0.2)  # a frame already due may still come
    assert _frames_in(cam, 1.0) == 0


def test_idle_camera_reads_at_the_presence_rate(closing: Callable[[Any], Any]) -> None:
    cam = _open(closing, idle_fps=2)
    _until(lambda: cam.frames_read >= 1, 5)
    idle = _frames_in(cam, 2.0)
    assert 2 <= idle <= 6  # about 2 a second, nowhere near 20
    box, stop = cam.mailbox()  # a consumer: every frame
    try:
        assert box.get(timeout=2) is not None
        assert _frames_in(cam, 1.0) >= 10
    finally:
        stop()
    time.sleep(0.2)
    assert _frames_in(cam, 2.0) <= 6


def test_consumers_are_counted(closing: Callable[[Any], Any]) -> None:
    cam = _open(closing, idle_fps=0)
    _first, stop_first = cam.mailbox()
    release = cam.acquire()
    stop_first()
    assert cam.in_use  # the other still holds it
    assert _frames_in(cam, 0.5) >= 4
    release()
    assert not cam.in_use
    assert cam.describe()["in_use"] is False


def test_a_preview_keeps_it_streaming_while_it_asks(closing: Callable[[Any], Any]) -> None:
    cam = _open(closing, idle_fps=0)
    _until(lambda: cam.latest() is not None, 5)
    seqs = set()
    t_end = time.monotonic() + 1.0
    while time.monotonic() < t_end:  # a screen polling latest() at 10 Hz
        cam.keep_streaming(0.5)
        frame = cam.latest()
        assert frame is not None
        seqs.add(frame.seq)
        time.sleep(0.1)
    assert len(seqs) >= 5  # live, not the one idle picture
    time.sleep(0.8)  # the screen stopped asking: the lease ran out
    assert not cam.in_use
    assert _frames_in(cam, 0.8) == 0


def test_take_picture_wakes_an_idle_camera(closing: Callable[[Any], Any]) -> None:
    cam = _open(closing, idle_fps=0)
    _until(lambda: cam.latest() is not None, 5)
    first = cam.latest().seq
    t0 = time.monotonic()
    frame = cam.take_picture(timeout=2)
    assert frame.seq > first and time.monotonic() - t0 < 1.0
    assert not cam.in_use


@pytest.mark.parametrize("fault, code", [("dark", "too_dark"), ("unplugged", "unplugged"),
                                         ("frozen", "frozen")])
def test_a_fault_is_noticed_on_an_idle_camera(closing: Callable[[Any], Any], fault: str,
                                              code: str) -> None:
    cam = _open(closing, idle_fps=1, dark_after_s=0.5, frozen_after_s=1.0)
    _until(lambda: cam.frames_read >= 2, 5)
    cam.inject_fault(fault)
    # the next idle read (≤ 1 s) sees it; it is then decided at the full rate
    _until(lambda: cam.status.error_code == code, 5)
    cam.clear_fault()
    _until(lambda: cam.status.device is DeviceState.ONLINE and cam.status.error_code == "", 6)


def test_lost_frames_on_an_idle_camera(closing: Callable[[Any], Any]) -> None:
    cam = _open(closing, idle_fps=1, drop_window_s=2.0)
    _until(lambda: cam.frames_read >= 2, 5)
    cam.inject_fault("dropped-frames", drop_rate=0.5)
    _until(lambda: cam.status.error_code == "dropping_frames", 6)
    cam.clear_fault()
    _until(lambda: cam.status.error_code == "", 6)


class _LiveSource(FrameSource):
    """A live camera that delivers at its own pace (read and skip block like a device)."""

    live = True
    description = "fake live camera"

    def __init__(self, fps: float) -> None:
        self._period = 1.0 / fps
        self.reads = 0
        self.skips = 0
        self._n = 0
        self._closed = threading.Event()

    def _next(self) -> None:
        if self._closed.wait(self._period):
            raise OSError("closed")
        self._n += 1

    def read(self) -> np.ndarray:
        self._next()
        self.reads += 1
        return np.full((120, 160, 3), self._n % 200 + 40, np.uint8)

    def skip(self) -> bool:
        self._next()
        self.skips += 1
        return True

    def close(self) -> None:
        self._closed.set()


def test_an_idle_live_camera_lets_frames_go_by_unread(closing: Callable[[Any], Any],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    source = _LiveSource(fps=30)
    monkeypatch.setattr(camera_driver, "open_source", lambda *a, **k: source)
    cam = _open(closing, "cam://0", idle_fps=2)
    time.sleep(1.5)
    assert source.skips >= 20  # the device's pace is kept (its buffers stay fresh)
    assert 2 <= source.reads <= 5  # but only the presence frames are read and looked at
    assert cam.describe()["frames_dropped"] == 0  # skipped on purpose is not lost
    _box, stop = cam.mailbox()
    try:
        reads = source.reads
        time.sleep(0.5)
        assert source.reads - reads >= 8
    finally:
        stop()
    assert cam.describe()["frames_dropped"] == 0
