"""The shipped landmarks of the simulator's photos are what the identity models find."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
from make_rigs import ROOT, compute

from devices.camera.synth import RIGS_FILE, rig


def test_shipped_landmarks_match_the_models() -> None:
    shipped = json.loads(RIGS_FILE.read_text(encoding="utf-8"))
    fresh = compute()
    assert set(shipped) == set(fresh)
    for name in fresh:
        assert shipped[name]["box"] == fresh[name]["box"], name
        np.testing.assert_allclose(shipped[name]["landmarks"], fresh[name]["landmarks"],
                                   atol=1e-6, err_msg=name)


def test_building_a_face_rig_loads_no_face_model() -> None:
    code = ("import sys; from devices.camera import synth; r = synth.rig('astronaut'); "
            "assert r.pts.shape == (68, 2); "
            "print(sorted(m for m in ('dlib', 'face_recognition', 'identity')"
            " if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, timeout=60, check=True).stdout
    assert out.strip() == "[]"


def test_rig_points_are_the_shipped_ones() -> None:
    r = rig("hopper")
    shipped = json.loads(RIGS_FILE.read_text(encoding="utf-8"))["hopper"]
    assert r.box == tuple(shipped["box"])
    assert r.pts.shape == (68, 2)
