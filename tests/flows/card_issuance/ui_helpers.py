"""Shared by the page tests and the screenshot script: a kiosk app on the demo config
with real simulated devices, and the taps of the debit-card flow."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest

from kiosk_app.config import KioskConfig, load_config

REPO = Path(__file__).resolve().parents[3]


def demo_config(tmp: Path, *, dispenser: str = "cards=50&take=1.5", printer: str = "",
                camera: str = "scene=customer", small: bool = True,
                pinpad: str = "ceremony=true&pin=258013",
                inactivity_s: float = 600, take_timeout_s: float = 4.0) -> KioskConfig:
    cfg = load_config(REPO / "kiosk.toml")
    devices = cfg.devices
    upd = {
        "card_dispenser": devices.card_dispenser.model_copy(update={  # type: ignore[union-attr]
            "url": f"sim://card-dispenser?{dispenser}", "take_timeout_s": take_timeout_s}),
        "printer": devices.printer.model_copy(update={  # type: ignore[union-attr]
            "url": f"sim://printer?out={tmp / 'paper'}" + (f"&{printer}" if printer else "")}),
        "camera": devices.camera.model_copy(update={  # type: ignore[union-attr]
            "url": f"sim://camera?{camera}"}),
        "pinpad": devices.pinpad.model_copy(update={  # type: ignore[union-attr]
            "url": f"sim://pinpad?{pinpad}"}),
    }
    ui = cfg.ui.model_copy(update={"width": 540, "height": 960, "fullscreen": False}) if small \
        else cfg.ui.model_copy(update={"fullscreen": False})
    from ports import free_port

    # A port of its own: a sandbox bank another test (or the demo) left on 8790 is not ours.
    bank = cfg.bank.model_copy(update={"url": f"http://127.0.0.1:{free_port()}"})
    return cfg.model_copy(update={
        "base_dir": tmp, "devices": devices.model_copy(update=upd), "ui": ui, "bank": bank,
        "identity": cfg.identity.model_copy(update={"liveness_challenges": 2}),
        "timeouts": cfg.timeouts.model_copy(update={"inactivity_s": inactivity_s})})


#: (name, the session's state) for every screen of the flow: the page tests walk them in
#: every display mode, make_screens.py --staged renders them.
STEPS: list[tuple[str, dict[str, Any]]] = [
    ("intro", {"state": "intro"}),
    ("id-capture", {"state": "identity", "phase": "id_capture", "prompt_code": "card_too_small"}),
    ("face", {"state": "identity", "phase": "face_match", "prompt_code": "no_face"}),
    ("liveness", {"state": "identity", "phase": "liveness", "prompt_code": "do_turn_left",
                  "challenge": 1, "challenges": 2}),
    # Between movements, a head that has not come back is asked to face the screen.
    ("liveness-face-front", {"state": "identity", "phase": "liveness",
                             "prompt_code": "face_front", "challenge": 1, "challenges": 3}),
    ("liveness-nod", {"state": "identity", "phase": "liveness", "prompt_code": "do_nod",
                      "challenge": 2, "challenges": 3}),
    # Follow the dot: the dot drawn over the camera, on the screen's left (issue 16).
    ("liveness-dot", {"state": "identity", "phase": "liveness", "prompt_code": "do_follow_dot",
                      "challenge": 3, "challenges": 3, "dot_shown": True, "dot_x": 0.2,
                      "dot_y": 0.5}),
    ("identity-passed", {"state": "identity_passed", "phase": "result", "prompt_code": "pass"}),
    ("identity-failed", {"state": "identity_failed", "reason": "fail_id_timeout",
                         "can_retry": True}),
    ("identity-failed-final", {"state": "identity_failed", "reason": "fail_no_match",
                               "can_retry": False}),
    # A borderline check: a member of staff checks the ID on video (issue 16) ...
    ("identity-teller", {"state": "identity_borderline", "phase": "result",
                         "reason": "fail_no_match"}),
    # ... and when nobody could be reached: the usual refusal, saying so.
    ("identity-no-staff", {"state": "identity_failed", "reason": "fail_no_match",
                           "can_retry": True, "teller_unreachable": True}),
    ("signature", {"state": "signature",
                   "terms_text": "# Debit card agreement\n\n" + "Terms. " * 200}),
    ("preparing", {"state": "preparing"}),
    ("pin", {"state": "pin", "pin_digits": 3}),
    ("take-card", {"state": "take_card", "take_timeout_s": 30.0}),
    ("printing", {"state": "printing"}),
    ("done-no-printer", {"state": "done", "card_number": "6222 **** **** 1234",
                         "receipt_printed": False,
              "receipt_outcome": "not_printed", "receipt_url": "https://example.invalid/r/1"}),
    ("not-taken", {"state": "failed", "reason": "not_taken"}),
]
#: More screens of the same steps (docs/screens names), for the screenshots.
MORE_STEPS: list[tuple[str, dict[str, Any]]] = [
    ("pin-confirm", {"state": "pin", "pin_digits": 2, "pin_confirm": True}),
    ("pin-mismatch", {"state": "pin", "pin_digits": 0, "pin_retry_reason": "pin_mismatch"}),
    ("pin-cancelled", {"state": "failed", "reason": "pin_cancelled"}),
    ("bank-refused", {"state": "failed", "reason": "bank_under_age"}),
    ("done", {"state": "done", "card_number": "6222 **** **** 1234",
                      "customer_name": "COLLINS E. M.", "receipt_printed": True,
                      "receipt_outcome": "printed"}),
]


def draw_signature(qtbot: Any, app: Any, pad: Any) -> None:
    """A signature drawn with the mouse: press, drag through a squiggle, release."""
    w, h = pad.width(), pad.height()
    pts = [(0.15 + 0.7 * i / 40, 0.5 + 0.25 * ((-1) ** (i // 5)) * ((i % 5) / 5))
           for i in range(41)]
    to = [pad.mapToScene(QPointF(x * w, y * h)).toPoint() for x, y in pts]
    win = app.window
    QTest.mousePress(win, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, to[0])
    for p in to[1:]:
        QTest.mouseMove(win, p)
        qtbot.wait(5)
    QTest.mouseRelease(win, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, to[-1])


def texts(app: Any) -> list[str]:
    """Every visible text (our inline Text components included)."""
    from ui.conftest import _shown, items

    # Chinese phrases are held together with WORD JOINERs (no line break inside a word),
    # with ZERO WIDTH SPACEs where a title may break.
    return [str(i.property("text")).replace("\u2060", "").replace("\u200b", "")
            for i in items(app)
            if i.inherits("QQuickText") and _shown(i)]
