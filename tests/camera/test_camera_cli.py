from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk_app.cli import main


def test_sim_then_diag_camera_round_trip(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "frames"
    assert main(["sim", "camera", "--scene", "qr", "--seconds", "0.3", "--fps", "10",
                 "--out", str(out)]) == 0
    assert len(list(out.glob("*.png"))) == 3
    capsys.readouterr()
    assert main(["diag", "camera", f"file://{out}/*.png", "--seconds", "0.5"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["device"] == "online" and info["frame_size"] == [640, 480]


def test_unknown_scene_is_a_plain_error(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sim", "camera", "--scene", "disco", "--out", str(tmp_path)]) == 1
    assert "unknown scene" in capsys.readouterr().err


def test_sim_camera_renders_faults(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import cv2

    out = tmp_path / "dark"
    assert main(["sim", "camera", "--scene", "qr", "--seconds", "1", "--fps", "10",
                 "--fault", "dark", "--fault", "dropped-frames", "--drop-rate", "0.5",
                 "--out", str(out)]) == 0
    files = sorted(out.glob("*.png"))
    assert len(files) == 5  # every other frame lost: gaps in the numbering
    assert float(cv2.imread(str(files[0])).mean()) < 40
    assert main(["sim", "camera", "--fault", "unplugged", "--out", str(tmp_path)]) == 1
    assert "no frames" in capsys.readouterr().err
    assert main(["sim", "camera", "--fault", "smoke", "--out", str(tmp_path)]) == 1
    assert "smoke" in capsys.readouterr().err
