"""The done page tells the truth about the receipt after a fault mid-print: a receipt the
jammed cutter could not cut is to be torn off (and is never kept for a duplicate); a stub
is to be ignored, and the receipt is on screen as a QR code. Real simulators, offscreen."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from qr_images import screen_qr
from ui.conftest import find

from .test_pages import app_for, open_card_flow, sign_past_identity  # noqa: F401  (fixture)
from .ui_helpers import demo_config, texts


def keep_screen(app: Any, name: str) -> None:
    """With SMARTBRANCH_SCREENS=DIR, keep the screen as DIR/NAME.png (docs/screens)."""
    out = os.environ.get("SMARTBRANCH_SCREENS")
    if out:
        app.window.grabWindow().save(str(Path(out) / f"{name}.png"))


def _after_the_evidence_slip(printer: Any, strike: Any) -> None:
    """The e-signature slip prints first; the fault strikes during the receipt after it."""
    sim = printer.simulator

    def on_page(page: Any) -> None:
        if page.number == 1:
            strike(sim)

    sim.on_page = on_page


def _receipt_records(app: Any) -> list[dict[str, Any]]:
    return [r.data for r in app.runtime.journal.records() if r.kind == "card.receipt"]


def test_a_receipt_the_cutter_could_not_cut_is_torn_off(qtbot: Any, app_for: Any,  # noqa: F811
                                                        tmp_path: Path) -> None:
    app = app_for(demo_config(tmp_path, dispenser="take=0.3"))
    flow = open_card_flow(qtbot, app, "en_US")
    printer = app.runtime.devices["printer"]
    _after_the_evidence_slip(printer, lambda sim: sim.inject("cutter-error"))
    sign_past_identity(qtbot, app, flow)
    qtbot.waitUntil(lambda: flow.state == "done", timeout=20000)

    assert flow.receiptPrinted and flow.receiptOutcome == "printed_not_cut"
    page = printer.simulator.pages[-1]
    assert (page.complete, page.cut) == (True, False)
    assert "CARD ISSUED" in "\n".join(page.page.texts)
    assert printer.pending_jobs() == []  # in the customer's hands: no duplicate for staff
    assert ("Your receipt is printed, but the printer could not cut it. Please tear it off "
            "gently. Your card works with the PIN you chose.") in texts(app)
    assert find(app, "receiptQr") is None
    keep_screen(app, "card-done-not-cut-en_US")
    [record] = _receipt_records(app)
    assert (record["outcome"], record["reason"], record["printed"]) == (
        "printed_not_cut", "cutter", True)
    assert record["flow"] == flow.session.flow_id and record["reason_text"]


def test_a_receipt_that_stopped_part_way_is_on_screen(qtbot: Any, app_for: Any,  # noqa: F811
                                                     tmp_path: Path) -> None:
    app = app_for(demo_config(tmp_path, dispenser="take=0.3"))
    flow = open_card_flow(qtbot, app, "zh_CN")
    printer = app.runtime.devices["printer"]
    _after_the_evidence_slip(printer, lambda sim: sim.inject("paper-out", at_dots=200))
    sign_past_identity(qtbot, app, flow)
    qtbot.waitUntil(lambda: flow.state == "done", timeout=20000)

    assert not flow.receiptPrinted and flow.receiptOutcome == "partial"
    page = printer.simulator.pages[-1]
    assert (page.complete, page.cut) == (False, False)
    [kept] = printer.pending_jobs()
    assert kept.outcome == "partial" and kept.id in flow.receiptUrl
    assert ("打印机打印到一半停了。出来的纸条请不要理会。请用手机扫描此二维码获取凭条。"
            in texts(app))
    qtbot.waitUntil(lambda: screen_qr(app.window) == flow.receiptUrl, timeout=5000)
    keep_screen(app, "card-done-partial-zh_CN")
    [record] = _receipt_records(app)
    assert (record["outcome"], record["reason"], record["printed"]) == (
        "partial", "paper_out", False)
    assert record["job"] == kept.id
