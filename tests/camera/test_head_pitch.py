"""The simulator's head pitch (a nod): a 3-D rotation of the head's depth map about its
horizontal axis, and the follow-the-dot action that turns and nods towards a target."""

from __future__ import annotations

import numpy as np
import pytest

from devices.camera import scenes, synth
from identity import face_mesh
from identity.face_match import live_face


def _mesh(frame: np.ndarray) -> np.ndarray:
    box = live_face(frame)
    assert box is not None
    return face_mesh.mesh(frame, box)[0][:, :2]


def test_a_nod_moves_the_nose_further_than_the_forehead_and_chin() -> None:
    r = synth.rig("astronaut")
    pts = r.pts
    probe = np.array([pts[30], pts[27], pts[8]], dtype=np.float32)  # nose tip, bridge, chin
    xx, yy = probe[:, :1].copy(), probe[:, 1:].copy()
    _, src_y = synth._head_src(xx, yy, pts, 0.0, 18.0)
    moved = (yy - src_y).ravel()  # how far down each point's content came from
    assert moved[0] > 3.0, moved  # the nose tip comes down
    assert moved[0] > moved[1] + 2.0 and moved[0] > moved[2] + 2.0, moved
    same_x, same_y = synth._head_src(xx, yy, pts, 0.0, 0.0)
    assert np.array_equal(same_x, xx) and np.array_equal(same_y, yy)


def test_a_nodding_head_leaves_the_plane_a_leaned_photo_keeps() -> None:
    ref = _mesh(synth.face_frame("astronaut", synth.Pose()))
    down = _mesh(synth.face_frame("astronaut", synth.Pose(pitch=18)))
    up = _mesh(synth.face_frame("astronaut", synth.Pose(pitch=-15)))
    assert face_mesh.nose_parallax_xy(ref, down)[1] > 0.04
    assert face_mesh.nose_parallax_xy(ref, up)[1] < -0.03
    # Yaw alone hardly moves the nose vertically against the face.
    turned = _mesh(synth.face_frame("astronaut", synth.Pose(yaw=25)))
    assert abs(face_mesh.nose_parallax_xy(ref, turned)[1]) < 0.03


def test_the_scene_nods_when_asked() -> None:
    s = scenes.FaceScene()
    s.pose(0.0)
    s.act("nod")
    pitches = [s.pose(t / 10).pitch for t in range(0, 25)]
    assert max(pitches) == pytest.approx(scenes.NOD_DEG)
    assert pitches[-1] == 0.0  # and back up


def test_the_scene_follows_the_dot_it_is_told() -> None:
    s = scenes.FaceScene()
    s.pose(1.0)
    s.act("follow_dot@0:0.5,0.5;0.5:0.2,0.5;1.5:0.2,0.5;2.0:0.5,0.8;3.0:0.5,0.8")
    left, down = s.pose(1.0 + 1.2), s.pose(1.0 + 2.8)
    assert left.yaw > 20 and abs(left.pitch) < 1  # the dot on the screen's left
    assert down.pitch > 15 and abs(down.yaw) < 1  # the dot low on the screen
    with pytest.raises(scenes.SceneError):
        s.act("follow_dot@0:0.5")
    with pytest.raises(scenes.SceneError):
        s.act("follow_dot@2:0.5,0.5;1:0.5,0.5")
