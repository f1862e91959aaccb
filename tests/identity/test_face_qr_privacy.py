from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from devices.camera import synth
from devices.camera.scenes import PhoneScene
from identity import face_match
from identity.privacy import BiometricVault, VaultError
from identity.qr import read_qr


@pytest.fixture(scope="module")
def live_frames() -> dict[str, Any]:
    return {
        "same": synth.face_frame("astronaut", synth.Pose(cx=300, iod=80, roll=5, gain=0.85)),
        "other": synth.face_frame("hopper", synth.Pose()),
    }


def test_same_person_matches_with_margin(id_template: Any, live_frames: dict[str, Any]) -> None:
    r = face_match.FaceMatcher(id_template, 0.5).compare(live_frames["same"])
    assert r.match and r.distance < 0.45 and r.margin == pytest.approx(0.5 - r.distance)
    assert r.live_box.width > 60


def test_other_person_is_refused(id_template: Any, live_frames: dict[str, Any]) -> None:
    r = face_match.FaceMatcher(id_template, 0.5).compare(live_frames["other"])
    assert not r.match and r.margin < 0
    # A stricter or laxer threshold changes the decision, not the distance.
    assert face_match.FaceMatcher(id_template, 0.99).compare(live_frames["other"]).match


def test_no_face_is_an_error(id_template: Any) -> None:
    with pytest.raises(face_match.NoFace):
        face_match.FaceMatcher(id_template).compare(synth.room())
    with pytest.raises(ValueError):
        face_match.FaceMatcher(id_template, 1.5)


def test_qr_on_phone_is_decoded() -> None:
    res = read_qr(PhoneScene(text="SB-APPT:2026-11-23/0042").frame(0.5))
    assert res is not None and res.text == "SB-APPT:2026-11-23/0042"
    assert read_qr(synth.room()) is None


def test_vault_encrypts_authenticates_and_wipes(tmp_path: Path) -> None:
    v = BiometricVault(tmp_path / "bio", tmp_path / "secrets", retention_s=60)
    secret = b"FACE-TEMPLATE" * 50
    path = v.put("s1", "template", secret)
    assert secret not in path.read_bytes() and v.get("s1", "template") == secret
    key = tmp_path / "secrets" / "keys" / "biometric-vault" / "v1.key"  # the key store
    assert oct(os.stat(key).st_mode & 0o777) == "0o600"
    blob = bytearray(path.read_bytes())
    blob[-1] ^= 1
    path.write_bytes(bytes(blob))
    with pytest.raises(VaultError):
        v.get("s1", "template")
    os.rename(v.put("s1", "a", b"x"), path)  # a file moved to another name does not decrypt
    with pytest.raises(VaultError):
        v.get("s1", "template")
    with pytest.raises(VaultError):
        v.put("../etc", "x", b"")
    assert v.wipe("s1") == 1 and v.items("s1") == []
    assert "FACE" not in repr(v)


def test_vault_expiry_and_key_reuse(tmp_path: Path) -> None:
    v = BiometricVault(tmp_path / "bio", tmp_path / "secrets", retention_s=60)
    v.put("old", "img", np.zeros(10, np.uint8).tobytes())
    assert v.expire(now=0) == []
    v2 = BiometricVault(tmp_path / "bio", tmp_path / "secrets", retention_s=60)
    assert v2.get("old", "img") == bytes(10)  # same key file is reused
    import time

    assert v2.expire(now=time.time() + 61) == ["old"] and v2.items("old") == []
