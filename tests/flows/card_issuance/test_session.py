"""The debit-card screens without a screen: the identity check on the simulated camera,
the signature, then the real simulated dispenser and printer."""

from __future__ import annotations

import random
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from customer_flows.card_session import CardIssuanceSession, ink
from devices.camera.scenes import FaceScene
from esign.service import EvidenceService
from flows.prompt_follower import follow_prompts
from identity.privacy import BiometricVault
from identity.settings import IdentitySettings
from kiosk_core.prompts import PromptBoard

SIGNATURE = [[(100.0 + 10 * i, 300.0 + (40 if i % 2 else -40), 16.0 * i) for i in range(30)]]


class NoBlinkFirst(random.Random):
    """Challenges other than a blink first (the simulated person blinks on their own)."""

    def shuffle(self, x: Any) -> None:
        x.sort(key=lambda c: (c == "blink", c))


def make_session(tmp_path: Path, pool: ThreadPoolExecutor, engine: Any, devices: dict[str, Any],
                 **identity: Any) -> tuple[CardIssuanceSession, list[tuple[str, dict[str, Any]]]]:
    journal: list[tuple[str, dict[str, Any]]] = []
    board = PromptBoard()  # the simulated customer follows what the screens ask
    if "camera" in devices:
        follow_prompts(board, devices["camera"])
    session = CardIssuanceSession(
        devices=devices, engine=engine(**devices), submit=pool.submit, language="en_US",
        identity_settings=IdentitySettings(**{"liveness_challenges": 1, **identity}),
        vault=BiometricVault(tmp_path / "bio", tmp_path / "secrets", 60),
        evidence=lambda: EvidenceService(secrets_dir=tmp_path / "secrets",
                                         evidence_dir=tmp_path / "evidence",
                                         kiosk_id="KIOSK-TEST", branch="Demo Branch"),
        journal=lambda kind, data: journal.append((kind, data)),
        kiosk={"branch": "Demo Branch", "kiosk_id": "KIOSK-TEST-01",
               "timezone": "Asia/Shanghai"}, prompts=board,
        identity_options={"rng": NoBlinkFirst(4)})
    return session, journal


def wait_for(session: CardIssuanceSession, *states: str, timeout: float = 60) -> str:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if session.state in states:
            return session.state
        assert session.state != "failed", session.snapshot()  # not worth waiting for
        time.sleep(0.05)
    raise AssertionError(f"still {session.state!r}, wanted {states}")


def test_identity_signature_card_and_receipt(tmp_path: Path, pool: ThreadPoolExecutor,
                                             engine: Any, camera: Any, dispenser: Any,
                                             printer: Any) -> None:
    devices = {"camera": camera, "card_dispenser": dispenser(), "printer": printer()}
    session, journal = make_session(tmp_path, pool, engine, devices)
    session.continue_to_signature()  # taps out of order do nothing
    assert session.state == "intro"
    session.accept()
    phases = set()
    while session.state == "identity":
        phases.add(session.snapshot().phase)
        time.sleep(0.02)
    assert session.state == "identity_passed", session.snapshot()
    assert {"id_capture", "liveness"} <= phases
    identity_id = session._identity_id
    checked = dict(journal)["identity.checked"]
    assert checked["passed"] and checked["distance"] <= checked["threshold"]
    session.continue_to_signature()
    assert not session.sign([[(0.0, 0.0, 0.0), (5.0, 5.0, 9.0)]], 1000, 700)  # a dot
    from kiosk_core.clock import local_now

    before = local_now("Asia/Shanghai").strftime("%Y-%m-%d %H:%M")
    assert session.sign(SIGNATURE, 1000, 700) and ink(SIGNATURE) > 250
    wait_for(session, "done", "failed")
    after = local_now("Asia/Shanghai").strftime("%Y-%m-%d %H:%M")
    snap = session.snapshot()
    assert snap.state == "done" and snap.receipt_printed and snap.card_number.count("*") == 8
    pages = devices["printer"].simulator.pages
    receipt = "\n".join(pages[-1].page.texts)
    # The name on paper is the bank's record of the customer, masked as on the screen.
    assert snap.customer_name == "COLLINS E. M." and "COLLINS E. M." in receipt, receipt
    assert "EILEEN" not in receipt
    assert snap.card_number in receipt  # the same masked number on screen and on paper
    # The time on paper is the branch's (Shanghai), not the PC's UTC.
    assert before in receipt or after in receipt, receipt
    # The biometric data of the check is gone; the signature is kept, encrypted.
    wait_for_wiped = time.monotonic() + 10
    vault = session.vault
    while vault.items(identity_id) and time.monotonic() < wait_for_wiped:
        time.sleep(0.05)
    assert vault.items(identity_id) == []
    # The evidence: a record signed by the kiosk's key, over the exact terms shown.
    from esign.keys import load, public_key_pem
    from esign.record import verify
    from esign.terms import terms_document

    records = list((tmp_path / "evidence").rglob("record.json"))
    assert len(records) == 1 and records[0].parent.name == session.flow_id
    key = load(tmp_path / "secrets")
    assert key is not None
    doc = terms_document("debit", "en_US")
    result = verify(records[0].read_bytes(), public_key_pem(key),
                    document_bytes=doc.path.read_bytes(),
                    png_bytes=(records[0].parent / "signature.png").read_bytes())
    assert result.ok, result.problems
    signed = dict(journal)["esign.signed"]
    assert signed["document_sha256"] == doc.sha256 and signed["flow"] == session.flow_id
    session.close()


def test_someone_else_holding_the_card_is_refused(tmp_path: Path, pool: ThreadPoolExecutor,
                                                  engine: Any, camera: Any,
                                                  dispenser: Any) -> None:
    camera.scene.face = FaceScene(person="hopper")  # not the person on the ID card
    session, journal = make_session(tmp_path, pool, engine,
                                    {"camera": camera, "card_dispenser": dispenser()})
    session.accept()
    wait_for(session, "identity_failed", "identity_passed")
    snap = session.snapshot()
    assert snap.reason == "fail_no_match" and snap.can_retry
    assert snap.prompt_code == "fail_no_match"  # the page words it (identityFailTitle)
    assert not dict(journal)["identity.checked"]["passed"]
    session.close()


def test_a_customer_who_does_not_follow_the_challenge_fails_liveness(
        tmp_path: Path, pool: ThreadPoolExecutor, engine: Any, camera: Any,
        dispenser: Any) -> None:
    scene = camera.scene
    scene.act = lambda action: None  # the person ignores the instructions
    session, _ = make_session(tmp_path, pool, engine,
                              {"camera": camera, "card_dispenser": dispenser()},
                              challenge_time_s=1.5, liveness_attempts=1)
    session.accept()
    wait_for(session, "identity_failed", "identity_passed")
    snap = session.snapshot()
    assert snap.reason == snap.prompt_code == "fail_timeout", snap
    session.close()


def test_an_empty_stacker_is_told_before_the_identity_check(
        tmp_path: Path, pool: ThreadPoolExecutor, engine: Any, dispenser: Any) -> None:
    session, _ = make_session(tmp_path, pool, engine, {"card_dispenser": dispenser("cards=0")})
    session.accept()
    snap = session.snapshot()
    assert (snap.state, snap.reason, snap.attempts) == ("failed", "stacker_empty", 0)
    session.close()


def test_step_shown_and_back_offered_follow_the_state() -> None:
    """"Step n of 6" from the ID card on; Back only until something has started."""
    from customer_flows.card_session import BACK_STATES, STEPS, Snapshot, step_of

    def step(state: str, phase: str = "", reason: str = "") -> int:
        return step_of(Snapshot(state, 0, phase=phase, reason=reason))

    assert len(STEPS) == 6
    assert [step("intro"), step("identity", "id_capture"), step("identity", "face_match"),
            step("identity", "liveness"), step("identity_passed"), step("signature"),
            step("preparing"), step("pin"), step("take_card"), step("done"),
            step("failed")] == [0, 1, 2, 2, 2, 3, 4, 4, 5, 6, 0]
    assert step("identity_failed", reason="fail_id_timeout") == 1
    assert step("identity_failed", reason="fail_no_match") == 2
    waiting_or_finished = {"preparing", "pin", "dispensing", "take_card", "printing", "done",
                           "failed"}
    assert not waiting_or_finished & BACK_STATES
    assert {"intro", "identity", "identity_failed", "signature"} <= BACK_STATES
