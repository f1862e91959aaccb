from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import cv2
import pytest

from devices.camera import synth
from devices.camera.scenes import PhoneScene
from kiosk_app.cli import main


def _save(path: Path, rgb: Any) -> str:
    cv2.imwrite(str(path), cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    return str(path)


def test_verify_json_reports_distance_threshold_and_boxes(
        tmp_path: Path, card_frame: Any, capsys: pytest.CaptureFixture[str]) -> None:
    card = _save(tmp_path / "card.png", card_frame)
    live = _save(tmp_path / "live.png", synth.face_frame("astronaut", synth.Pose(roll=4)))
    assert main(["identity", "verify", "--id", card, "--live", live, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["match"] is True and out["threshold"] == 0.5
    assert 0 < out["distance"] < 0.5 and out["live_box"]["right"] > out["live_box"]["left"]
    other = _save(tmp_path / "other.png", synth.face_frame("hopper", synth.Pose()))
    assert main(["identity", "verify", "--id", card, "--live", other]) == 3
    text = capsys.readouterr().out
    assert "match      no" in text and "threshold  0.5000" in text


def test_verify_errors_are_plain(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = _save(tmp_path / "room.png", synth.room())
    assert main(["identity", "verify", "--id", empty, "--live", empty]) == 1
    assert "no face found in the ID image" in capsys.readouterr().err
    (tmp_path / "junk.png").write_bytes(b"not a png")
    assert main(["identity", "qr", str(tmp_path / "junk.png")]) == 1
    assert "cannot read" in capsys.readouterr().err


def test_qr_and_mrz_commands(tmp_path: Path, card_frame: Any,
                             capsys: pytest.CaptureFixture[str]) -> None:
    img = _save(tmp_path / "qr.png", PhoneScene(text="SB-APPT:XYZ").frame(0.0))
    assert main(["identity", "qr", img]) == 0
    assert capsys.readouterr().out.strip() == "SB-APPT:XYZ"
    card = _save(tmp_path / "card.png", card_frame)
    assert main(["identity", "mrz", card]) == 0
    assert "COLLINS<<EILEEN<MARIE" in capsys.readouterr().out
