"""Screenshots of every step of the debit-card flow, in both languages and every display
mode, into docs/screens/card-<step>[-large|-contrast]-<lang>.png (offscreen, 1080×1920, real
simulated devices, the configured 30 s to take the card).

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/flows/card_issuance/make_screens.py \
        docs/screens [LANG…] [--modes=normal,large,contrast] [--live]

By default every step is set on the session directly (run_staged: quick, the same every
time); ``--live`` walks the real flow instead (the identity check against the simulated
customer, the devices), as the page tests do.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parents[1]), str(HERE.parents[2])]
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QPointF, Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from ui.conftest import find  # noqa: E402

from flows.card_issuance.ui_helpers import demo_config  # noqa: E402

_watch: list[Any] = []
#: The display mode being shot: "" (normal), "large" or "contrast" (docs/screens names).
MODE = {"now": ""}
#: What the customer has to take the card, as kiosk.toml configures it (the tests use 4 s).
TAKE_TIMEOUT_S = 30.0
CLOSER = "Bring the card closer to the camera."


def pump(seconds: float = 0.3, until: Any = None, limit: float = 90.0) -> None:
    end = time.monotonic() + (limit if until else seconds)
    while time.monotonic() < end:
        QGuiApplication.processEvents()
        time.sleep(0.01)
        if until is not None and until():
            return
    if until is not None:
        raise TimeoutError(f"screen did not come: {[w.snapshot() for w in _watch]}")


def tap(app: Any, name: str) -> None:
    pump(until=lambda: find(app, name) is not None, limit=10)
    item = find(app, name)
    assert item is not None
    p = item.mapToScene(QPointF(item.width() / 2, item.height() / 2)).toPoint()
    QTest.mouseClick(app.window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, p)
    pump(0.2)


def shoot(app: Any, out: Path, step: str, lang: str, settle: float = 0.6) -> None:
    pump(settle)
    mode = MODE["now"]
    path = out / f"card-{step}{'-' + mode if mode else ''}-{lang}.png"
    app.window.grabWindow().save(str(path))
    print(path)


def run(out: Path, lang: str, tmp: Path, *, printer: str = "", camera: str = "scene=customer",
        only_fail: bool = False, not_taken: bool = False) -> None:
    from flows.card_issuance.ui_helpers import draw_signature
    from flows.prompt_follower import follow_prompts
    from kiosk_ui import i18n
    from kiosk_ui.app import KioskApp

    if i18n.stale():
        i18n.build()
    app = KioskApp(demo_config(tmp, camera=camera, small=False,
                               dispenser="take=never" if not_taken else "cards=50&take=1.5",
                               # not taken: a short wait for the screen after it
                               take_timeout_s=4.0 if not_taken else TAKE_TIMEOUT_S))
    try:
        app.show(fullscreen=False)
        pump(until=lambda: app._framed and app.shell.inService, limit=30)
        _start_bank(app)
        follow_prompts(app.runtime.prompts, app.runtime.devices["camera"])
        tap(app, "attractScreen")
        tap(app, f"language_{lang}")
        _set_mode(app)
        tap(app, "service_card")
        flow: Any = app.shell.flowModel
        _watch[:] = [flow.session]
        if only_fail:
            flow.session.identity_options = {"id_timeout_s": 0.5}
            tap(app, "card_accept")
            pump(until=lambda: flow.state == "identity_failed")
            shoot(app, out, "identity-failed", lang)
            return
        if not printer:
            shoot(app, out, "intro", lang)
        # A slower hand, so that the guidance ("bring it closer") is on screen long enough
        # to be photographed on a busy machine.
        cam: Any = app.runtime.devices["camera"]
        pump(until=lambda: cam.scene is not None, limit=30)
        scene = cam.scene
        scene.card = _Slow(scene.card)
        tap(app, "card_accept")
        if not printer and not not_taken:
            for _ in range(3):
                # The very first check of a process may be slow to start (models loading)
                # and miss the guidance; then the customer starts again.
                pump(until=lambda: _seen(flow) == ("id_capture", CLOSER)  # noqa: B023
                     or flow.phase not in ("", "id_capture"), limit=30)  # noqa: B023
                if flow.phase == "id_capture":
                    break
                pump(until=lambda: flow.state != "identity")  # noqa: B023
                flow.finish()
                _set_mode(app)
                tap(app, "service_card")
                flow = app.shell.flowModel
                _watch[:] = [flow.session]
                tap(app, "card_accept")
            shoot(app, out, "id-capture", lang, settle=0.05)
            pump(until=lambda: flow.phase == "face_match", limit=30)
            shoot(app, out, "face", lang, settle=0.4)
            pump(until=lambda: flow.phase == "liveness" and flow.promptCode in (
                "do_turn_left", "do_turn_right", "do_smile", "do_blink"))
            shoot(app, out, "liveness", lang, settle=0.15)
        pump(until=lambda: flow.state != "identity")
        if not printer and not not_taken:
            shoot(app, out, "identity-passed", lang)
        tap(app, "card_continue")
        pump(0.3)
        draw_signature(_Bot(), app, find(app, "signaturePad"))
        if not printer and not not_taken:
            shoot(app, out, "signature", lang)
        elif printer:  # the roll runs out before the receipt: the kiosk shows it as a QR code
            prn: Any = app.runtime.devices["printer"]
            prn.simulator.inject("paper-out")
            prn.refresh_status().result(5)
        tap(app, "card_sign")
        pump(until=lambda: flow.state == "take_card", limit=30)
        if not printer and not not_taken:
            shoot(app, out, "take-card", lang)
        if not_taken:
            pump(until=lambda: flow.state == "failed", limit=30)
            shoot(app, out, "not-taken", lang)
            return
        pump(until=lambda: flow.state == "done", limit=30)
        shoot(app, out, "done-no-printer" if printer else "done", lang)
    finally:
        app.close()


def _set_mode(app: Any) -> None:
    """The display mode, as the customer switches it from the header (session only)."""
    app.shell.setLargeText(MODE["now"] == "large")
    app.shell.setHighContrast(MODE["now"] == "contrast")
    pump(0.2)


def _start_bank(app: Any) -> None:
    """As kiosk_app does: the sandbox bank as its own process, the PIN pad's keys."""
    from kiosk_app.bank_service import start_bank, wait_bank_ready

    start_bank(app.runtime)
    pump(until=lambda: wait_bank_ready(app.runtime, 0.01), limit=30)


#: Holders the sandbox bank knows (bank_host/sandbox/seed.json): the demo ID card's, and
#: one the bank refuses (under age for a debit card of their own).
DEMO_CUSTOMER = {"id_number": "D23145890", "id_name": "COLLINS EILEEN MARIE"}
UNDER_AGE = {"id_number": "440305201605056789", "id_name": "LI XIAOMING"}


def run_pin(out: Path, lang: str, tmp: Path, *, refused: bool = False) -> None:
    """The bank and PIN pad steps, straight after a signature (the identity path is shot
    above): preparing, the PIN on the pad, its confirmation, a mismatch; a bank refusal."""
    from kiosk_ui import i18n
    from kiosk_ui.app import KioskApp

    if i18n.stale():
        i18n.build()
    app = KioskApp(demo_config(tmp, small=False, pinpad="ceremony=true"))
    try:
        app.show(fullscreen=False)
        pump(until=lambda: app._framed and app.shell.inService, limit=30)
        _start_bank(app)
        tap(app, "attractScreen")
        tap(app, f"language_{lang}")
        _set_mode(app)
        tap(app, "service_card")
        flow: Any = app.shell.flowModel
        session = flow.session
        _watch[:] = [session]
        session._load_terms()
        session._identity_id = "screens"
        session._personal.update(UNDER_AGE if refused else DEMO_CUSTOMER)
        if not refused:
            session._set(state="preparing")
            shoot(app, out, "preparing", lang)
        session._set(state="signature")
        assert session.sign([[(0.0, 0.0, 0.0), (300.0, 0.0, 200.0)]], 1000, 600)
        if refused:
            pump(until=lambda: flow.state == "failed", limit=30)
            shoot(app, out, "bank-refused", lang)
            return
        pad: Any = app.runtime.devices["pinpad"]
        pump(until=lambda: pad.simulator.state.name == "ENTRY", limit=30)
        pad.simulator.press("258")
        pump(until=lambda: flow.pinDigits == 3, limit=10)
        shoot(app, out, "pin", lang)
        pad.simulator.press("013E")
        pump(until=lambda: flow.pinConfirm and pad.simulator.state.name == "ENTRY", limit=10)
        shoot(app, out, "pin-confirm", lang)
        pad.simulator.press("258014E")
        pump(until=lambda: flow.pinRetryReason == "pin_mismatch" and not flow.pinConfirm,
             limit=10)
        shoot(app, out, "pin-mismatch", lang)
        flow.cancelPin()
        pump(until=lambda: flow.state == "failed", limit=30)
        shoot(app, out, "pin-cancelled", lang)
    finally:
        app.close()


def run_staged(out: Path, lang: str, tmp: Path) -> None:
    """Every step (ui_helpers.STEPS + MORE_STEPS) set on the session directly, in the
    current mode: quick and the same every time (the live runs above depend on the
    simulated customer's timing). The camera steps show the demo customer's picture."""
    from customer_flows.card_issuance import FLOW
    from flows.card_issuance.ui_helpers import MORE_STEPS, STEPS
    from kiosk_ui import i18n
    from kiosk_ui.app import KioskApp

    if i18n.stale():
        i18n.build()
    app = KioskApp(demo_config(tmp, small=False, take_timeout_s=TAKE_TIMEOUT_S))
    try:
        app.show(fullscreen=False)
        pump(until=lambda: app._framed and app.shell.inService, limit=30)
        _start_bank(app)
        tap(app, "attractScreen")
        tap(app, f"language_{lang}")
        _set_mode(app)
        tap(app, "service_card")
        flow: Any = app.shell.flowModel
        session = flow.session
        _watch[:] = [session]
        session._load_terms()  # the real agreement, in the page's language
        cam: Any = app.runtime.devices["camera"]
        pump(until=lambda: cam.latest() is not None, limit=30)
        # The demo customer does what the screen asks (card up, face, the movement).
        from flows.prompt_follower import follow_prompts
        from kiosk_core.prompts import Prompt

        follow_prompts(app.runtime.prompts, cam)
        asks = {"id-capture": Prompt(FLOW, "show_id_card"),
                "liveness": Prompt(FLOW, "challenge", {"challenge": "turn_left"}),
                "liveness-nod": Prompt(FLOW, "challenge", {"challenge": "nod"}),
                # The head turned to the customer's left, towards the dot there.
                "liveness-dot": Prompt(FLOW, "challenge", {"challenge": "turn_left"})}
        for name, step in STEPS + MORE_STEPS:
            snap = {k: v for k, v in step.items() if k != "terms_text"}
            session._set(**{"phase": "", "prompt_code": "", "reason": "",
                            "teller_unreachable": False,
                            "can_retry": False, "challenge": 0, "challenges": 0,
                            "dot_shown": False,
                            "pin_confirm": False, "pin_retry_reason": "", **snap})
            pump(until=lambda: flow.state == snap["state"], limit=10)  # noqa: B023
            if name in asks:
                app.runtime.prompts.show(asks[name])
            shoot(app, out, name, lang, settle=2.0 if snap["state"] == "identity" else 0.4)
    finally:
        app.close()


def _seen(flow: Any) -> tuple[str, str]:
    now = (str(flow.phase), str(flow.promptCode))
    if os.environ.get("SCREENS_DEBUG"):
        print(now, flow.frameUrl, flush=True)
    return now


class _Slow:
    def __init__(self, card: Any) -> None:
        self.card = card

    def frame(self, t: float) -> Any:
        # Nobody for a moment, then a hand bringing the card closer slowly.
        if t < 1.0:
            from devices.camera import synth

            return synth.room(self.card.size, 0)
        return self.card.frame((t - 1.0) * 0.3)


class _Bot:
    @staticmethod
    def wait(ms: int) -> None:
        pump(ms / 1000)


if __name__ == "__main__":
    from demo.plugin import register_scenes

    register_scenes()  # sim://camera?scene=customer (the kiosk CLI and tests/conftest do it)
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screens")
    out.mkdir(parents=True, exist_ok=True)
    args = sys.argv[2:]
    modes = next((a.split("=", 1)[1].split(",") for a in args if a.startswith("--modes=")),
                 ["normal", "large", "contrast"])
    langs = [a for a in args if not a.startswith("--")] or ["zh_CN", "en_US"]
    staged = "--live" not in args
    for mode, lang in [(m, la) for m in modes for la in langs]:
        MODE["now"] = "" if mode == "normal" else mode
        if staged:
            with tempfile.TemporaryDirectory() as d:
                run_staged(out, lang, Path(d))
            continue
        with tempfile.TemporaryDirectory() as d:
            run(out, lang, Path(d))
        with tempfile.TemporaryDirectory() as d:
            run(out, lang, Path(d), printer="paper=out")
        with tempfile.TemporaryDirectory() as d:
            run(out, lang, Path(d), camera="scene=empty", only_fail=True)
        with tempfile.TemporaryDirectory() as d:
            run(out, lang, Path(d), not_taken=True)
        with tempfile.TemporaryDirectory() as d:
            run_pin(out, lang, Path(d))
        with tempfile.TemporaryDirectory() as d:
            run_pin(out, lang, Path(d), refused=True)
