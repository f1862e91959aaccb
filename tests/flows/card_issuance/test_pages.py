"""Tap through the debit-card pages on the offscreen kiosk, against the real simulated
camera, dispenser and printer (sim:// URLs)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from qr_images import screen_qr
from ui.conftest import find
from ui.conftest import tap as tap_item

from flows.prompt_follower import follow_prompts

from .ui_helpers import demo_config, draw_signature, texts


@pytest.fixture
def app_for(qtbot: Any) -> Iterator[Any]:
    from kiosk_ui import i18n
    from kiosk_ui.app import KioskApp

    if i18n.stale():
        i18n.build()
    apps: list[Any] = []

    def make(cfg: Any) -> Any:
        app = KioskApp(cfg)
        apps.append(app)
        app.show(fullscreen=False)
        qtbot.waitUntil(lambda: app._framed, timeout=5000)
        qtbot.waitUntil(lambda: app.shell.inService, timeout=20000)
        from kiosk_app.bank_service import start_bank

        start_bank(app.runtime)  # as kiosk_app starts it: the sandbox bank's own process
        camera = app.runtime.devices.get("camera")
        if camera is not None:  # the simulated customer reads the screen's prompts
            follow_prompts(app.runtime.prompts, camera)
        return app

    yield make
    for app in reversed(apps):
        app.close()


#: The holder of the demo ID card, as the bank sandbox knows them (what the MRZ gives).
DEMO_CUSTOMER = {"id_number": "D23145890", "id_name": "COLLINS EILEEN MARIE"}


def bank_ready(qtbot: Any, app: Any) -> None:
    """The demo's sandbox bank (its own process) answers and the PIN pad holds its key."""
    from kiosk_app.bank_service import wait_bank_ready

    qtbot.waitUntil(lambda: wait_bank_ready(app.runtime, 0.01), timeout=30000)


def sign_past_identity(qtbot: Any, app: Any, flow: Any, who: dict[str, str] | None = None
                       ) -> None:
    """Straight to a signed agreement (the identity path is covered end to end above): the
    bank ready, the terms on screen, the customer the bank will look up, a signature."""
    bank_ready(qtbot, app)
    session = flow.session
    session._load_terms()
    session._identity_id = "identity-not-run"
    session._personal.update(who or DEMO_CUSTOMER)
    session._set(state="signature")
    assert session.sign([[(0.0, 0.0, 0.0), (300.0, 0.0, 200.0)]], 1000, 600)


def tap(qtbot: Any, app: Any, name: str) -> None:
    """Tap once the page has been laid out and drawn after the last change (a Column
    positions its children when the frame is prepared, not when visibility changes)."""
    with qtbot.waitSignal(app.window.frameSwapped, timeout=5000):
        app.window.update()
    tap_item(qtbot, app, name)


def open_card_flow(qtbot: Any, app: Any, language: str) -> Any:
    tap(qtbot, app, "attractScreen")
    qtbot.waitUntil(lambda: find(app, "languageScreen") is not None)
    tap(qtbot, app, f"language_{language}")
    qtbot.waitUntil(lambda: find(app, "service_card") is not None)
    # Offered once it can be done (issue 12): the sandbox bank is up (its own process).
    qtbot.waitUntil(lambda: card_entry(app)["available"], timeout=30000)
    tap(qtbot, app, "service_card")
    qtbot.waitUntil(lambda: find(app, "cardIntro") is not None)
    return app.shell.flowModel


def card_entry(app: Any) -> dict[str, Any]:
    return next(e for e in app.shell.menu if e["id"] == "card")


def test_customer_gets_a_card_end_to_end(qtbot: Any, app_for: Any, tmp_path: Path) -> None:
    # A short inactivity time-out: waiting on the camera and the dispenser keeps the
    # session alive although nobody touches the screen.
    app = app_for(demo_config(tmp_path, inactivity_s=2))
    flow = open_card_flow(qtbot, app, "en_US")
    assert "Get a debit card" in texts(app)
    tap(qtbot, app, "card_accept")
    qtbot.waitUntil(lambda: find(app, "cardIdentity") is not None)
    # The live preview shows camera frames; the simulated customer holds up the card.
    qtbot.waitUntil(lambda: flow.frameUrl.startswith("image://cardcam/"), timeout=10000)
    preview = find(app, "cameraPreview")
    assert preview is not None
    qtbot.waitUntil(lambda: preview.property("sourceSize").width() == 640)  # a real frame
    seen: set[str] = set()
    prompts: set[str] = set()

    def progressed() -> bool:
        seen.add(flow.phase)
        shown = find(app, "identityPrompt")  # the page's words for the check's code
        if shown is not None:
            prompts.add(str(shown.property("text")))
        return flow.state != "identity"

    qtbot.waitUntil(progressed, timeout=60000)
    assert flow.state == "identity_passed", (flow.reason, flow.promptCode)
    assert {"id_capture", "face_match", "liveness"} <= seen
    assert any(p.startswith("Please") for p in prompts)  # instructions were shown
    assert "Identity confirmed" in texts(app)
    assert "Thank you. Your identity is confirmed." in texts(app)
    tap(qtbot, app, "card_continue")
    qtbot.waitUntil(lambda: find(app, "signaturePad") is not None)
    tap(qtbot, app, "card_sign")  # nothing drawn: refused with a hint
    qtbot.waitUntil(lambda: find(app, "signatureHint") is not None)
    assert flow.state == "signature"
    draw_signature(qtbot, app, find(app, "signaturePad"))
    bank_ready(qtbot, app)
    tap(qtbot, app, "card_sign")
    qtbot.waitUntil(lambda: flow.state == "take_card", timeout=20000)
    assert "Please take your card" in texts(app)
    qtbot.waitUntil(lambda: flow.state == "done", timeout=20000)
    assert app.shell.overlay == "" and app.shell.screen == "flow"  # never timed out
    assert flow.receiptPrinted and "*" in flow.cardNumber
    assert any(flow.cardNumber in t for t in texts(app))
    runtime = app.runtime
    pages = runtime.devices["printer"].simulator.pages
    assert [p.page.complete for p in pages] == [True, True]  # evidence slip, then receipt
    assert "E-SIGNATURE" in "\n".join(pages[0].page.texts)
    assert "CARD ISSUED" in "\n".join(pages[1].page.texts)
    kinds = [r.kind for r in runtime.journal.records()]
    assert {"identity.checked", "esign.signed", "card.issued"} <= set(kinds)
    # The signature is kept as a record signed by the kiosk's key.
    records = list((runtime.config.data_dir / "evidence").rglob("record.json"))
    assert len(records) == 1 and records[0].parent.name == flow.session.flow_id
    tap(qtbot, app, "card_finish")
    qtbot.waitUntil(lambda: find(app, "menuScreen") is not None)


def test_identity_fails_twice_then_only_a_teller(qtbot: Any, app_for: Any,
                                                 tmp_path: Path) -> None:
    app = app_for(demo_config(tmp_path, camera="scene=empty"))
    flow = open_card_flow(qtbot, app, "zh_CN")
    flow.session.identity_options = {"id_timeout_s": 0.5}
    tap(qtbot, app, "card_accept")
    qtbot.waitUntil(lambda: flow.state == "identity_failed", timeout=20000)
    assert flow.reason == "fail_id_timeout" and flow.canRetry
    # What happened comes first, in the page's own words.
    assert "我们没能读取您的身份证件。" in texts(app)
    tap(qtbot, app, "card_retry")
    qtbot.waitUntil(lambda: flow.state == "identity_failed" and not flow.canRetry, timeout=20000)
    assert find(app, "card_retry") is None
    # The teller is offered once: the footer's button (no second one on the page).
    assert find(app, "card_failed_teller") is None
    tap(qtbot, app, "callTellerButton")
    qtbot.waitUntil(lambda: app.shell.overlay == "call-teller")


def test_empty_stacker_says_so_and_offers_a_teller(qtbot: Any, app_for: Any,
                                                   tmp_path: Path) -> None:
    app = app_for(demo_config(tmp_path, dispenser="cards=1&take=never"))
    flow = open_card_flow(qtbot, app, "en_US")
    # Straight to the device part (the identity path is covered above).
    sign_past_identity(qtbot, app, flow)
    session = flow.session
    qtbot.waitUntil(lambda: flow.state == "take_card", timeout=20000)
    session.engine.resources["devices"]["card_dispenser"].cancel_wait()  # "time is up"
    qtbot.waitUntil(lambda: flow.state == "failed", timeout=20000)
    assert flow.reason == "not_taken"
    assert any("took it back" in t for t in texts(app))
    flow.finish()
    qtbot.waitUntil(lambda: find(app, "menuScreen") is not None)
    # The stacker is now empty: the menu says so before anything starts (issue 12; the
    # session's own check in accept() is tested in test_session.py).
    qtbot.waitUntil(lambda: card_entry(app)["why"] == ["no_cards"])
    assert "No cards left in this machine. A teller can help you." in texts(app)
    tap(qtbot, app, "service_card")
    qtbot.waitUntil(lambda: find(app, "menuNotice") is not None)
    assert app.shell.screen == "menu" and find(app, "cardIntro") is None
    tap(qtbot, app, "menuNoticeTeller")
    qtbot.waitUntil(lambda: app.shell.overlay == "call-teller")


def test_printer_out_shows_the_receipt_as_a_qr_code(qtbot: Any, app_for: Any,
                                                    tmp_path: Path) -> None:
    app = app_for(demo_config(tmp_path, dispenser="take=0.3"))
    flow = open_card_flow(qtbot, app, "zh_CN")
    printer = app.runtime.devices["printer"]
    printer.simulator.inject("paper-out")  # the roll ran out before this customer
    printer.refresh_status().result(5)
    sign_past_identity(qtbot, app, flow)
    qtbot.waitUntil(lambda: flow.state == "done", timeout=20000)
    assert not flow.receiptPrinted
    assert flow.receiptUrl.startswith(printer.settings.receipt_base_url + "/")
    kept = printer.pending_jobs()
    assert len(kept) == 1 and kept[0].id in flow.receiptUrl  # kept for a reprint
    qr = find(app, "receiptQr")
    assert qr is not None

    # The code is drawn once its image arrives (on a slow machine a frame or two later).
    qtbot.waitUntil(lambda: screen_qr(app.window) == flow.receiptUrl, timeout=5000)
    assert "打印机暂时无法使用。请用手机扫描此二维码获取凭条。" in texts(app)


def test_pin_on_the_pad_dots_mismatch_then_cancel(qtbot: Any, app_for: Any,
                                                  tmp_path: Path) -> None:
    """The PIN screen shows one dot per key pressed on the pad (never a digit); a
    confirmation that differs is caught by the bank and the customer starts again; Cancel
    ends it: the card goes to the bin and the bank is told."""
    app = app_for(demo_config(tmp_path, dispenser="take=0.3", pinpad="ceremony=true"))
    flow = open_card_flow(qtbot, app, "en_US")
    sign_past_identity(qtbot, app, flow)
    qtbot.waitUntil(lambda: flow.state == "pin", timeout=20000)
    pad = app.runtime.devices["pinpad"]
    assert "Choose a 6-digit PIN on the keypad" in texts(app)
    entering = lambda: pad.simulator.state.name == "ENTRY"  # noqa: E731 (keys before are lost)
    qtbot.waitUntil(entering, timeout=5000)
    pad.simulator.press("258")
    qtbot.waitUntil(lambda: flow.pinDigits == 3, timeout=5000)
    assert not any(d in "".join(texts(app)) for d in ("258",))  # no digit on the glass
    pad.simulator.press("013E")
    qtbot.waitUntil(lambda: flow.pinConfirm, timeout=5000)
    assert "Type the same PIN again" in texts(app)
    qtbot.waitUntil(entering, timeout=5000)
    pad.simulator.press("258014E")  # not the same
    qtbot.waitUntil(lambda: flow.pinRetryReason == "pin_mismatch" and not flow.pinConfirm,
                    timeout=10000)
    assert "The two PINs were not the same. Please start again." in texts(app)
    tap(qtbot, app, "card_pin_cancel")
    qtbot.waitUntil(lambda: flow.state == "failed", timeout=20000)
    assert flow.reason == "pin_cancelled"
    assert any("kept safe inside the machine" in t for t in texts(app))
    disp = app.runtime.devices["card_dispenser"]
    assert disp.simulator.mech.bin == 1 and disp.simulator.mech.position.value == "none"
    kinds = [r.kind for r in app.runtime.journal.records()]
    assert "card.retained" in kinds and "card.issued" not in kinds


def test_customer_chooses_a_product_and_signs_its_terms(qtbot: Any, app_for: Any,
                                                        tmp_path: Path) -> None:
    """Products come from [card_issuance] (kiosk.toml offers two): the chosen one's terms
    are shown and signed, the bank opens that product, the receipt names it."""
    app = app_for(demo_config(tmp_path, dispenser="take=0.3"))
    flow = open_card_flow(qtbot, app, "en_US")
    assert [p["id"] for p in flow.products] == ["debit", "savings"]
    tap(qtbot, app, "card_product_savings")
    qtbot.waitUntil(lambda: flow.product == "savings")
    sign_past_identity(qtbot, app, flow)
    session = flow.session
    assert "Savings account with a debit card" in session.snapshot().terms_text
    qtbot.waitUntil(lambda: flow.state == "done", timeout=30000)
    data = app.runtime.flow_store.get(session.flow_id).data
    assert data["product"] == "savings"
    pages = ["\n".join(p.page.texts) for p in app.runtime.devices["printer"].simulator.pages]
    assert any("Savings account with a debit card" in p and "CARD ISSUED" in p
               for p in pages), pages
    assert any("Savings account with a debit card: terms" in p and "E-SIGNATURE" in p
               for p in pages), pages
    signed = [r.data for r in app.runtime.journal.records() if r.kind == "esign.signed"]
    assert signed[-1]["document"].startswith("SAVINGS-ACCOUNT-AGREEMENT")


def _straight_to_the_bank(qtbot: Any, app: Any, who: dict[str, str]) -> Any:
    flow = open_card_flow(qtbot, app, "en_US")
    sign_past_identity(qtbot, app, flow, who)
    return flow


def test_bank_refusal_is_told_in_plain_words_before_any_card_moves(
        qtbot: Any, app_for: Any, tmp_path: Path) -> None:
    app = app_for(demo_config(tmp_path))
    flow = _straight_to_the_bank(qtbot, app, {"id_number": "440305201605056789",
                                              "id_name": "LI XIAOMING"})
    qtbot.waitUntil(lambda: flow.state == "failed", timeout=20000)
    assert flow.reason == "bank_under_age"
    assert any("older to get this card" in t for t in texts(app))
    assert app.runtime.devices["card_dispenser"].simulator.mech.dispensed == 0


def test_bank_down_nothing_is_opened_and_no_card_leaves(qtbot: Any, app_for: Any,
                                                         tmp_path: Path) -> None:
    from kiosk_app.bank_service import sandbox_process

    app = app_for(demo_config(tmp_path))
    bank_ready(qtbot, app)
    proc = sandbox_process(app.runtime)
    assert proc is not None
    proc.kill()  # the bank's host goes away
    proc.wait(10)
    flow = _straight_to_the_bank(qtbot, app, DEMO_CUSTOMER)
    qtbot.waitUntil(lambda: flow.state == "failed", timeout=30000)
    assert flow.reason == "bank_unavailable"
    assert any("cannot reach the bank" in t for t in texts(app))
    assert app.runtime.devices["card_dispenser"].simulator.mech.dispensed == 0



@pytest.mark.parametrize("fault", ["", "removed"])
def test_pin_not_typed_in_time_or_pad_unplugged_keeps_the_card(
        qtbot: Any, app_for: Any, tmp_path: Path, fault: str) -> None:
    """Nobody types (the customer walked away), or the pad is unplugged while the customer
    types: the entry ends at its time limit, the card goes to the bin, the screen says so."""
    app = app_for(demo_config(tmp_path, pinpad="ceremony=true"))
    pad = app.runtime.devices["pinpad"]
    flow = open_card_flow(qtbot, app, "en_US")
    flow.session.pin_timeout_s = 2.0
    sign_past_identity(qtbot, app, flow)
    qtbot.waitUntil(lambda: pad.simulator.state.name == "ENTRY", timeout=20000)
    if fault:
        pad.simulator.press("25")
        pad.simulator.inject(fault)
    qtbot.waitUntil(lambda: flow.state == "failed", timeout=40000)
    assert flow.reason in (("pin_timeout",) if not fault else ("pin_timeout", "pinpad"))
    disp = app.runtime.devices["card_dispenser"]
    qtbot.waitUntil(lambda: disp.simulator.mech.bin == 1, timeout=20000)
    assert disp.simulator.mech.position.value == "none"
    assert any("kept safe inside the machine" in t or "keypad is not working" in t
               for t in texts(app))
