"""The ticket screen tells the truth after a fault mid-print (offscreen window, real
simulators): a ticket the jammed cutter could not cut is to be torn off and is not kept
for a duplicate; a stub is to be ignored, the ticket is on screen and kept for staff."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from qr_images import screen_qr
from ui.conftest import find, tap

from .test_page import model, shown, start, texts


def keep_screen(app: Any, name: str) -> None:
    """With SMARTBRANCH_SCREENS=DIR, keep the screen as DIR/NAME.png (docs/screens)."""
    out = os.environ.get("SMARTBRANCH_SCREENS")
    if out:
        app.window.grabWindow().save(str(Path(out) / f"{name}.png"))


def _check_in_by_qr(qtbot: Any, app: Any) -> Any:
    tap(qtbot, app, "checkin_qr")
    shown(qtbot, app, "checkinConfirm", 20000)
    tap(qtbot, app, "confirm_yes")
    shown(qtbot, app, "checkinTicket", 20000)
    return model(app)


def _ticket_record(app: Any) -> dict[str, Any]:
    [record] = [r.data for r in app.runtime.journal.records() if r.kind == "checkin.ticket"]
    return record


def test_an_uncut_ticket_is_to_be_torn_off(qtbot: Any, make_app: Any, checkin_config: Any,
                                          desks: None) -> None:
    app = start(qtbot, make_app, checkin_config)
    printer = app.runtime.devices["printer"]
    printer.simulator.inject("cutter-error")  # jams at the next cut
    vm = _check_in_by_qr(qtbot, app)

    assert vm.printed and vm.printOutcome == "printed_not_cut"
    on_screen = texts(app)
    assert "You are checked in. Your ticket is printed — please tear it off." in on_screen
    assert ("The printer could not cut the paper. Please pull your ticket gently and tear it "
            "off at the slot.") in on_screen
    assert find(app, "printerOutNotice") is None  # not "no paper ticket": it is there
    page = printer.simulator.pages[-1]
    assert (page.complete, page.cut) == (True, False)
    assert vm.ticketNumber in "\n".join(page.page.texts)
    assert printer.pending_jobs() == []  # never kept: a reprint would be a duplicate
    keep_screen(app, "checkin-ticket-not-cut-en_US")
    record = _ticket_record(app)
    assert (record["outcome"], record["reason"], record["printed"]) == (
        "printed_not_cut", "cutter", True)
    assert record["ticket"] == vm.ticketNumber and record["reason_text"]


def test_a_stub_is_to_be_ignored_and_the_ticket_is_on_screen(qtbot: Any, make_app: Any,
                                                            checkin_config: Any,
                                                            desks: None) -> None:
    app = start(qtbot, make_app, checkin_config, "zh_CN")
    printer = app.runtime.devices["printer"]
    printer.simulator.inject("cover-open", mid_job=True)
    vm = _check_in_by_qr(qtbot, app)

    assert not vm.printed and vm.printOutcome == "partial"
    assert find(app, "printerOutNotice") is not None
    assert ("打印机打印到一半停了。出来的纸条请不要理会。您的凭条显示在屏幕上：请记住您的排队号，"
            "或拍下这个二维码。工作人员稍后可为您补打凭条。") in texts(app)
    page = printer.simulator.pages[-1]
    assert (page.complete, page.cut) == (False, False)
    [kept] = printer.pending_jobs()
    assert kept.outcome == "partial" and kept.reason == "cover_open"
    qtbot.waitUntil(lambda: screen_qr(app.window) == vm.ticketUrl, timeout=10000)
    keep_screen(app, "checkin-ticket-partial-zh_CN")
    record = _ticket_record(app)
    assert (record["outcome"], record["reason"], record["printed"]) == (
        "partial", "cover_open", False)
    assert record["job"] == kept.id
