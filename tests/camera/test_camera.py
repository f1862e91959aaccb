from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from demo.scenes import card_image
from devices.base import DeviceNotReady
from devices.camera import scenes
from devices.camera.driver import Frame, LatestFrame, create
from devices.camera.settings import CameraSettings
from identity import faces
from kiosk_core.status import DeviceState


def _open(closing: Callable[[Any], Any], url: str, **kw: Any) -> Any:
    cam = closing(create("camera", CameraSettings(url=url, **kw)))
    cam.start().result(timeout=30)
    return cam


def test_sim_camera_delivers_frames_to_subscribers(closing: Callable[[Any], Any]) -> None:
    cam = _open(closing, "sim://camera?scene=qr&fps=20")
    box, stop = cam.mailbox()
    got = [box.get(timeout=5) for _ in range(3)]
    stop()
    assert all(f is not None and f.image.shape == (480, 640, 3) for f in got)
    assert [f.seq for f in got] == sorted({f.seq for f in got})  # strictly newer each time
    assert cam.status.device == DeviceState.ONLINE
    assert not got[0].image.flags.writeable


def test_latest_frame_drops_stale_frames() -> None:
    box = LatestFrame()
    img = np.zeros((2, 2, 3), np.uint8)
    for i in range(1, 6):
        box.put(Frame(i, 0.0, img))
    f = box.get(timeout=0)
    assert f is not None and f.seq == 5 and box.dropped == 4
    assert box.get(timeout=0.01) is None  # nothing newer yet


def test_image_sequence_plays_and_loops(tmp_path: Path, closing: Callable[[Any], Any]) -> None:
    for i in range(3):
        cv2.imwrite(str(tmp_path / f"f{i}.png"), np.full((48, 64, 3), 80 * i, np.uint8))
    cam = _open(closing, f"file://{tmp_path}/*.png", fps=50)
    box, stop = cam.mailbox()
    values = {int(f.image[0, 0, 0]) for f in (box.get(5) for _ in range(8)) if f}
    stop()
    assert values <= {0, 80, 160} and len(values) >= 2


def test_video_file_through_opencv(tmp_path: Path, closing: Callable[[Any], Any]) -> None:
    path = tmp_path / "clip.avi"
    w = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 25, (64, 48))
    for _i in range(10):
        w.write(np.full((48, 64, 3), (0, 0, 200), np.uint8))  # BGR red
    w.release()
    cam = _open(closing, f"file://{path}", loop=False)
    f = cam.take_picture(timeout=5)
    assert f.size == (64, 48) and f.image[..., 0].mean() > 150  # delivered as RGB


@pytest.mark.parametrize(("url", "words"), [
    ("file:///nonexistent/clip.mp4", "no such file"),
    ("sim://camera?scene=disco", "unknown scene"),
    ("file:///nonexistent/*.png", "no images"),
])
def test_bad_sources_fail_clearly(url: str, words: str, closing: Callable[[Any], Any]) -> None:
    cam = closing(create("camera", CameraSettings(url=url)))
    with pytest.raises(DeviceNotReady, match=words):
        cam.start().result(timeout=30)
    assert cam.status.device == DeviceState.NO_DEVICE


def test_bad_url_scheme_is_a_config_error() -> None:
    with pytest.raises(ValueError, match="unknown scheme"):
        CameraSettings(url="ftp://cam")


def test_simulated_person_blinks_and_turns_on_request() -> None:
    sc = scenes.FaceScene(natural_blink_s=0)
    base = faces.landmarks68(f := sc.frame(0.0), faces.detect(f)[0])
    sc.act("blink")
    closed = sc.frame(0.25 + 0.45 / 2)
    pts = faces.landmarks68(closed, faces.detect(closed)[0])
    assert faces.eye_aspect_ratio(pts) < 0.7 * faces.eye_aspect_ratio(base)
    sc.act("turn_left")
    turned = sc.frame(0.25 + 0.45 + 0.2 + 0.8)
    pts = faces.landmarks68(turned, faces.detect(turned)[0])
    assert faces.yaw_ratio(pts) - faces.yaw_ratio(base) > 0.15
    assert faces.homography_residual(base, pts) > 0.045
    with pytest.raises(scenes.SceneError):
        sc.act("dance")


def test_card_render_has_valid_mrz_layout() -> None:
    card = card_image()
    assert card.shape == (540, 856, 3)
