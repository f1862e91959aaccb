"""The walk-in page on the offscreen window against the printer simulator: every step in
every display mode (touch targets measured on each), the texts a customer reads, and the
printer-out ticket with its QR code."""

from __future__ import annotations

from typing import Any

from qr_images import screen_qr
from ui.conftest import find

from kiosk_ui.touch_targets import out_of_sight, overflowing_text, too_small

from ..checkin.test_page import texts
from .conftest import make_config
from .screens import MODES, flow_modules, walk


def open_app(qtbot: Any, make_app: Any, cfg: Any) -> Any:
    app = make_app(make_config(cfg), flow_modules=flow_modules())
    qtbot.waitUntil(lambda: app.shell.inService, timeout=15000)
    return app


def test_every_step_in_every_mode_reads_well_and_is_big_enough(
        qtbot: Any, make_app: Any, checkin_config: Any, desks: None) -> None:
    app = open_app(qtbot, make_app, checkin_config)
    seen: dict[str, list[str]] = {}
    small: list[str] = []

    for mode in MODES:
        def snap(step: str, mode: str = mode) -> None:
            small.extend(f"{mode or 'normal'}/{step}: {t}"
                         for t in too_small(app.window, app.config.ui))
            small.extend(f"{mode or 'normal'}/{step}: {t} below the fold, no 'More below'"
                         for t in out_of_sight(app.window))
            small.extend(f"{mode or 'normal'}/{step}: text out of its box: {t}"
                         for t in overflowing_text(app.window))
            seen[f"{mode}/{step}"] = texts(app)
            # Voice guidance (contract 2): the page says what it shows.
            page = find(app, "walkinPage")
            assert page is not None and page.property("guidance")

        walk(app, "en_US", mode, snap)
    assert small == []
    assert "Take a queue number" in seen["/choose"]
    assert {"Open an account", "Loan consultation", "Foreign exchange"} <= set(seen["/choose"])
    assert "You're next." in seen["/ticket"]
    assert "Please take your ticket from the slot below the screen." in seen["/ticket"]
    assert any(t.startswith("1 person ahead of you\nabout ") for t in seen["/ticket-ahead"])
    assert not any("0 people" in t or "0 min" in t for t in seen["/ticket"])
    records = [r.data for r in app.runtime.journal.records() if r.kind == "walkin.ticket"]
    assert len(records) == 2 * len(MODES) and records[0]["service"] == "loan"


def test_printer_out_shows_the_number_and_a_qr_code(qtbot: Any, make_app: Any,
                                                     checkin_config: Any, desks: None) -> None:
    devs = checkin_config.devices
    cfg = checkin_config.model_copy(update={"devices": devs.model_copy(update={
        "printer": devs.printer.model_copy(update={
            "url": devs.printer.url + "&faults=cover-open"})})})
    app = open_app(qtbot, make_app, cfg)
    shown: dict[str, Any] = {}

    problems: list[str] = []

    def snap(step: str) -> None:
        shown["texts"] = texts(app)
        shown["qr"] = screen_qr(app.window) if find(app, "walkinQr") else ""
        problems.extend(f"{step}: {t}" for t in overflowing_text(app.window))

    walk(app, "zh_CN", "", snap, printer_out=True)
    assert ("打印机暂时不能用，所以没有纸质号票。请记住您的号码，或者用手机拍下这个二维码。"
            in shown["texts"])
    assert "下一位就是您。" in shown["texts"], "|".join(shown["texts"])
    assert "/q/" in shown["qr"]  # the ticket's live queue page
    walk(app, "zh_CN", "large", snap, printer_out=True)  # the longest lines
    assert problems == []
