"""Tap through the check-in page on the offscreen window, against the real simulators."""

from __future__ import annotations

from typing import Any

from qr_images import screen_qr
from ui.conftest import _shown, find, items, plain, tap

from .conftest import make_config


def texts(app: Any) -> list[str]:
    """Every visible text (our headings are inline Text components, so match by type)."""
    return [plain(str(i.property("text"))) for i in items(app)
            if i.inherits("QQuickText") and _shown(i)]


def shown(qtbot: Any, app: Any, name: str, timeout: int = 5000) -> None:
    """Wait for screen part ``name``, then for a frame: its layout is done before a tap."""
    qtbot.waitUntil(lambda: find(app, name) is not None, timeout=timeout)
    with qtbot.waitSignal(app.window.frameSwapped, timeout=5000):
        app.window.update()


def start(qtbot: Any, make_app: Any, cfg: Any, language: str = "en_US") -> Any:
    app = make_app(make_config(cfg))
    qtbot.waitUntil(lambda: app.shell.inService, timeout=15000)
    tap(qtbot, app, "attractScreen")
    shown(qtbot, app, "languageScreen")
    tap(qtbot, app, f"language_{language}")
    shown(qtbot, app, "service_checkin")
    tap(qtbot, app, "service_checkin")
    shown(qtbot, app, "checkinChoose")
    return app


def model(app: Any) -> Any:
    return app.shell.flowModel


def test_qr_path_to_a_printed_ticket(qtbot: Any, make_app: Any, checkin_config: Any,
                                     desks: None) -> None:
    app = start(qtbot, make_app, checkin_config)
    assert "Check in for your appointment" in texts(app)
    assert find(app, "tellerButton") is not None or any("teller" in t.lower() for t in texts(app))
    tap(qtbot, app, "checkin_qr")
    shown(qtbot, app, "cameraPreview")
    qtbot.waitUntil(lambda: not model(app).preview.isNull(), timeout=10000)
    shown(qtbot, app, "checkinConfirm", 20000)
    on_screen = texts(app)
    assert {"Loan consultation", "王*明", "***2222"} <= set(on_screen)
    tap(qtbot, app, "confirm_yes")
    shown(qtbot, app, "checkinTicket", 20000)
    number = model(app).ticketNumber
    assert number.startswith("A") and number in texts(app)
    assert "You are checked in. Please take your ticket." in texts(app)
    assert find(app, "printerOutNotice") is None
    tap(qtbot, app, "ticket_done")
    shown(qtbot, app, "menuScreen")


def enter_phone_and_code(qtbot: Any, app: Any, phone: str, code: str) -> None:
    for d in phone:
        tap(qtbot, app, f"key_{d}")
    tap(qtbot, app, "phone_next")
    shown(qtbot, app, "checkinCode")
    for ch in code:
        tap(qtbot, app, f"key_{ch}")


def test_phone_path_in_chinese_with_the_printer_out(qtbot: Any, make_app: Any,
                                                    checkin_config: Any, desks: None,
                                                    tmp_path: Any) -> None:
    devs = checkin_config.devices
    # Cover open from the start; not required, so the kiosk stays in service without it.
    cfg = checkin_config.model_copy(update={"devices": devs.model_copy(update={
        "printer": devs.printer.model_copy(
            update={"url": f"sim://printer?faults=cover-open&out={tmp_path}",
                    "required": False})})})
    app = start(qtbot, make_app, cfg, "zh_CN")
    tap(qtbot, app, "checkin_phone")
    shown(qtbot, app, "checkinPhone")
    # A wrong code first: plain words and the tries left.
    enter_phone_and_code(qtbot, app, "13800138000", "ZZZZ22")
    tap(qtbot, app, "code_find")
    shown(qtbot, app, "checkinError", 10000)
    assert model(app).error == "unknown" and model(app).attemptsLeft == 2
    tap(qtbot, app, "error_retry")
    shown(qtbot, app, "checkinCode")
    for ch in "K7Q2MX":
        tap(qtbot, app, f"key_{ch}")
    tap(qtbot, app, "code_find")
    shown(qtbot, app, "checkinConfirm", 10000)
    assert "开户" in texts(app)  # service name translated
    tap(qtbot, app, "confirm_yes")
    shown(qtbot, app, "checkinTicket", 20000)
    vm = model(app)
    assert not vm.printed and vm.ticketNumber in texts(app)
    assert find(app, "printerOutNotice") is not None
    # The code on screen is the ticket's: read it back off the rendered window.
    qtbot.waitUntil(lambda: screen_qr(app.window) == vm.ticketUrl, timeout=10000)
    # The job is kept for reprint on the printer.
    printer = app.runtime.devices["printer"]
    assert len(printer.pending_jobs()) == 1


def test_duplicate_check_in_is_refused_on_screen(qtbot: Any, make_app: Any,
                                                 checkin_config: Any, desks: None) -> None:
    from customer_flows.checkin import desk_for

    desk_for(checkin_config).check_in("apt_qr")  # checked in at the counter already
    app = start(qtbot, make_app, checkin_config)
    tap(qtbot, app, "checkin_qr")
    shown(qtbot, app, "checkinError", 20000)
    assert model(app).error == "used"
    assert "This appointment is already checked in" in texts(app)
    # Already in the queue: no "use phone number" (it would find the same), the same
    # ticket printed again instead.
    assert find(app, "error_phone") is None
    qtbot.waitUntil(lambda: find(app, "error_reprint") is not None, timeout=5000)
    tap(qtbot, app, "error_reprint")
    shown(qtbot, app, "checkinTicket", 20000)
    vm = model(app)
    assert vm.ticketNumber == "A001" and vm.printed
    assert "You're next." in texts(app)
    assert "Please take your ticket from the slot below the screen. ↓" in texts(app)
    assert app.runtime.devices["printer"].simulator.wait_for_pages(1)


def test_the_app_settles_a_check_in_cut_by_a_power_failure(
        qtbot: Any, make_app: Any, checkin_config: Any, desks: None) -> None:
    """The kiosk died right after the check-in committed; at the next start the app hands
    the flow definitions to the runtime and, once devices are up, finishes the flow."""
    from kiosk_core.flows import FlowStore

    from .test_power_cut import run_until_cut

    run_until_cut(checkin_config.base_dir, "apt_qr", "after_check_in")
    app = make_app(make_config(checkin_config))
    store = FlowStore(checkin_config.path("flows"))
    try:
        qtbot.waitUntil(lambda: [r.status for r in store.all()] == ["completed"], timeout=20000)
        data = store.all()[0].data
    finally:
        store.close()
    assert data["printed"] is True and data["ticket"]["number"] == "A001"
    pages = app.runtime.devices["printer"].simulator.wait_for_pages(1)
    assert len(pages) == 1  # the ticket printed once, after the restart
