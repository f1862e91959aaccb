"""A remote teller driving the card flow (customer_flows.teller_actions), on the simulated
camera, dispenser and printer: what is allowed in each state, and that an approval really
lets the flow go on to a card."""

from __future__ import annotations

import base64
import hashlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from customer_flows.teller_actions import (
    NOT_NOW,
    CurrentFlow,
    KioskTellerActions,
    borderline,
)
from devices.camera.scenes import FaceScene
from esign.service import EvidenceService

from .test_session import SIGNATURE, make_session, wait_for

REPO = Path(__file__).resolve().parents[3]
KIOSK = {"branch": "Demo Branch", "kiosk_id": "KIOSK-TEST-01", "timezone": "Asia/Shanghai"}


def actions_for(tmp_path: Path, current: CurrentFlow,
                devices: dict[str, Any]) -> KioskTellerActions:
    return KioskTellerActions(
        current=current, devices=devices, kiosk=KIOSK,
        evidence=lambda: EvidenceService(secrets_dir=tmp_path / "secrets",
                                         evidence_dir=tmp_path / "evidence",
                                         kiosk_id="KIOSK-TEST-01", branch="Demo Branch"))


def test_borderline_rules() -> None:
    base = {"passed": False, "mrz_valid": True, "threshold": 0.5}
    assert borderline({**base, "reason": "fail_no_match", "distance": 0.55})
    assert not borderline({**base, "reason": "fail_no_match", "distance": 0.7})
    assert borderline({**base, "reason": "fail_timeout", "distance": 0.4})
    assert not borderline({**base, "reason": "fail_timeout", "distance": 0.52})
    assert not borderline({**base, "reason": "fail_not_live", "distance": 0.3})  # a spoof
    assert not borderline({**base, "reason": "fail_no_match", "distance": 0.52,
                           "mrz_valid": False})
    assert not borderline({**base, "reason": "fail_no_match", "distance": None})
    assert not borderline({**base, "passed": True, "reason": "", "distance": 0.3})


def test_the_teller_band_is_the_configured_one() -> None:
    from pydantic import ValidationError

    from identity.settings import IdentitySettings

    near = {"passed": False, "mrz_valid": True, "threshold": 0.5, "reason": "fail_no_match",
            "distance": 0.6}
    assert not borderline(near)  # the default band (0.08) ends at 0.58
    assert borderline(near, IdentitySettings(teller_band=0.12).teller_band)
    never = IdentitySettings(teller_band=0).teller_band
    assert not borderline({**near, "distance": 0.5000001}, never)
    for bad in (-0.1, 0.5, "wide"):
        try:
            IdentitySettings(teller_band=bad)
        except ValidationError as exc:
            assert "teller_band" in str(exc)
        else:
            raise AssertionError(f"teller_band={bad!r} accepted")
    from kiosk_app.config import load_config

    assert load_config(REPO / "kiosk.toml").identity.teller_band == 0.08


def test_menu_allows_print_and_documents_only(tmp_path: Path, printer: Any) -> None:
    p = printer()
    actions = actions_for(tmp_path, CurrentFlow(), {"printer": p})
    ctx = actions.context()
    assert ctx["state"] == "menu" and set(ctx["allowed"]) == {"print", "document.sign"}
    refused = actions.perform("identity.approve", {}, teller_id="T-1")
    assert not refused.ok and refused.reason == NOT_NOW and "menu" in refused.message
    bad = actions.perform("print", {"title": "", "text": "x"}, teller_id="T-1")
    assert not bad.ok and bad.reason == "bad_args" and "title" in bad.message
    done = actions.perform("print", {"title": "Your statement", "text": "Balance 1,234.00 CNY"},
                           teller_id="T-1")
    assert done.ok, done
    page = "\n".join(p.simulator.pages[-1].page.texts)
    assert "Balance 1,234.00 CNY" in page and "T-1" in page


def test_pushed_document_is_signed_with_evidence(tmp_path: Path) -> None:
    actions = actions_for(tmp_path, CurrentFlow(), {})
    shown = actions.perform("document.sign", {"title": "Address change", "text": "New: 1 Road"},
                            teller_id="T-2")
    assert shown.ok
    sha = shown.data["sha256"]
    assert sha == hashlib.sha256(shown.data["text"].encode()).hexdigest()
    thin = actions.perform("document.complete",
                           {"doc_id": shown.data["doc_id"], "strokes": [[(0, 0, 0), (1, 1, 5)]],
                            "pad": [1000, 700]}, teller_id="T-2")
    assert not thin.ok and "ink" in thin.message
    forged = actions.perform("document.complete", {"doc_id": "../../etc", "strokes": SIGNATURE,
                                                   "pad": [1000, 700]}, teller_id="T-2")
    assert not forged.ok and forged.reason == "unknown"
    signed = actions.perform("document.complete",
                             {"doc_id": shown.data["doc_id"], "strokes": SIGNATURE,
                              "pad": [1000, 700], "call_id": "c-1"}, teller_id="T-2")
    assert signed.ok, signed
    assert signed.data["document_sha256"] == sha
    record = next((tmp_path / "evidence").rglob("record.json"))
    assert sha in record.read_text()
    again = actions.perform("document.complete",
                            {"doc_id": shown.data["doc_id"], "strokes": SIGNATURE,
                             "pad": [1000, 700]}, teller_id="T-2")
    assert not again.ok  # signed once only


@pytest.mark.slow
def test_teller_approves_a_liveness_check_the_customer_did_not_finish(
        tmp_path: Path, pool: ThreadPoolExecutor, engine: Any, camera: Any, dispenser: Any,
        printer: Any) -> None:
    camera.scene.act = lambda action: None  # the customer does not follow the challenge
    devices = {"camera": camera, "card_dispenser": dispenser(), "printer": printer()}
    session, _ = make_session(tmp_path, pool, engine, devices, challenge_time_s=1.5,
                              liveness_attempts=1)
    current = CurrentFlow()
    current.set("card_issuance", session)
    actions = actions_for(tmp_path, current, devices)
    assert actions.context()["state"] == "intro"
    session.accept()
    wait_for(session, "identity_failed", "identity_passed")
    assert session.state == "identity_failed"
    ctx = actions.context()
    assert "identity.approve" in ctx["allowed"], ctx
    assert ctx["face_distance"] <= ctx["match_threshold"]
    assert ctx["liveness"] == "not_completed"
    jpeg = base64.b64decode(ctx["id_image"].split(",", 1)[1])
    assert jpeg[:2] == b"\xff\xd8" and len(jpeg) < 60_000
    assert actions.perform("identity.approve", {}, teller_id="T-9").ok
    assert session.state == "identity_passed"
    # Approved means the customer goes on: signature, bank, card, receipt.
    session.continue_to_signature()
    assert session.sign(SIGNATURE, 1000, 700)
    wait_for(session, "done", timeout=90)
    current.clear(session)
    assert actions.context()["state"] == "menu"
    session.close()


@pytest.mark.slow
def test_someone_else_cannot_be_approved_and_can_be_declined(
        tmp_path: Path, pool: ThreadPoolExecutor, engine: Any, camera: Any,
        dispenser: Any) -> None:
    camera.scene.face = FaceScene(person="hopper")
    devices = {"camera": camera, "card_dispenser": dispenser()}
    session, _ = make_session(tmp_path, pool, engine, devices)
    current = CurrentFlow()
    current.set("card_issuance", session)
    actions = actions_for(tmp_path, current, devices)
    session.accept()
    wait_for(session, "identity_failed", "identity_passed")
    ctx = actions.context()
    assert "identity.approve" not in ctx["allowed"]
    assert set(ctx["handback_steps"]) == {"intro", "identity"}
    assert not actions.perform("identity.approve", {}, teller_id="T-9").ok
    assert session.state == "identity_failed"
    assert actions.perform("identity.decline", {}, teller_id="T-9").ok
    snap = session.snapshot()
    assert snap.state == "failed" and snap.reason == "teller_declined"
    session.close()
