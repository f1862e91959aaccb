"""Technician service mode on the kiosk screen (issue 13): the hidden way in, the PIN and
its lock-out, every page, and every action in the journal with the technician's id."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt

from kiosk_ui.service.session import CornerGesture, Page, Phase, ServiceSession
from technician.auth import LoginResult, hash_pin
from technician.settings import TechnicianEntry, TechnicianSettings

from .conftest import find, make_config, tap, texts

PIN = "246810"
TECH = "t.li"


@pytest.fixture(scope="module")
def pin_hash() -> str:
    return hash_pin(PIN)


def tech_config(kiosk_config: Any, pin_hash: str, **settings: Any) -> Any:
    """The UI tests' config with one technician (Li Wei, PIN 246810)."""
    tech = TechnicianSettings(
        technicians=[TechnicianEntry(id=TECH, name="Li Wei", pin_hash=pin_hash)],
        **{"max_failures": 3, "lockout_s": 600.0, **settings})
    return make_config(kiosk_config).model_copy(update={"technician": tech})


def records(app: Any, since: int = 0) -> list[Any]:
    assert app.runtime.journal is not None
    return app.runtime.journal.records(since=since)


def last_seq(app: Any) -> int:
    recs = records(app)
    return recs[-1].seq if recs else 0


def by_technician(app: Any, since: int, kind_prefix: str = "technician.") -> list[Any]:
    """Journal records after ``since`` that name the technician (as who or technician)."""
    return [r for r in records(app, since) if r.kind.startswith(kind_prefix)
            and TECH in (r.data.get("who"), r.data.get("technician"))]


def stage_point(app: Any, x: float, y: float) -> QPoint:
    """A point on the 1080×1920 stage in window coordinates (Main.qml scales the stage)."""
    win = app.window
    scale = min(win.width() / 1080, win.height() / 1920)
    ox, oy = (win.width() - 1080 * scale) / 2, (win.height() - 1920 * scale) / 2
    return QPoint(int(ox + x * scale), int(oy + y * scale))


def scroll_to(app: Any, name: str) -> None:
    """Flick the page that holds ``name`` so that it is on screen (a technician scrolls)."""
    item = find(app, name)
    assert item is not None, f"no item {name!r}"
    flick = item.parentItem()
    while flick is not None and not flick.inherits("QQuickFlickable"):
        flick = flick.parentItem()
    if flick is None:
        return
    content = flick.property("contentItem")
    top = item.mapToItem(content, QPointF(0, 0)).y()
    span = max(0.0, flick.property("contentHeight") - flick.height())
    flick.setProperty("contentY", min(span, max(0.0, top - 40)))


_last_tap: dict[str, Any] = {}


def tap_on_page(qtbot: Any, app: Any, name: str) -> None:
    """Scroll ``name`` into view and tap it. Two taps on one spot within the double-click
    interval are a double-click to Qt (no second "clicked"): a finger waits a little."""
    import time

    for _ in range(20):  # pictures still loading grow the page: until it is in view
        scroll_to(app, name)
        qtbot.wait(30)
        item = find(app, name)
        assert item is not None
        if in_view(item):
            break
    spot = item.mapToScene(QPointF(item.width() / 2, item.height() / 2)).toPoint()
    if _last_tap.get("spot") == spot and time.monotonic() - _last_tap["at"] < 0.5:
        qtbot.wait(500)
    tap(qtbot, app, name)
    _last_tap.update(spot=spot, at=time.monotonic())


def in_view(item: Any) -> bool:
    """The middle of ``item`` is inside the page it scrolls in (not under the bars)."""
    flick = item.parentItem()
    while flick is not None and not flick.inherits("QQuickFlickable"):
        flick = flick.parentItem()
    if flick is None:
        return True
    y = item.mapToItem(flick, QPointF(0, item.height() / 2)).y()
    return 0 <= y <= flick.height()


def open_pin(qtbot: Any, app: Any) -> None:
    qtbot.keyClick(app.window, Qt.Key.Key_S,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: find(app, "servicePin") is not None)


def type_pin(qtbot: Any, app: Any, pin: str) -> None:
    for d in pin:
        tap(qtbot, app, f"pin_{d}")
    assert app.service_mode.pinLength == len(pin)
    tap(qtbot, app, "pin_ok")
    qtbot.waitUntil(lambda: not app.service_mode.checking, timeout=5000)


def sign_in(qtbot: Any, app: Any) -> None:
    open_pin(qtbot, app)
    type_pin(qtbot, app, PIN)
    qtbot.waitUntil(lambda: find(app, "serviceOverview") is not None)


# -- the rules, without a window -------------------------------------------------------------


def test_corner_gesture_needs_the_hold_then_the_far_corner() -> None:
    g = CornerGesture(hold_s=3.0, tap_within_s=5.0)
    # A short press in the corner (a customer touching the screen) does nothing.
    g.press(50, 50, 0.0)
    assert not g.release(50, 50, 1.0) and not g.armed(1.0)
    # Held long enough, but released elsewhere (a swipe): nothing.
    g.press(50, 50, 10.0)
    assert not g.release(600, 900, 14.0) and not g.armed(14.0)
    # Held, then the bottom-right corner: done.
    g.press(50, 50, 20.0)
    assert not g.release(60, 40, 23.5) and g.armed(23.5)
    g.press(1040, 1880, 24.0)
    assert g.finishing
    assert g.release(1040, 1880, 24.1)
    assert not g.armed(24.1)
    # Armed, but the tap comes too late or somewhere else: starts over.
    g.press(50, 50, 30.0)
    g.release(50, 50, 33.0)
    g.press(1040, 1880, 39.0)
    assert not g.release(1040, 1880, 39.1)
    g.press(50, 50, 40.0)
    g.release(50, 50, 43.0)
    g.press(500, 500, 43.5)
    assert not g.release(500, 500, 43.6)
    g.press(1040, 1880, 44.0)
    assert not g.release(1040, 1880, 44.1)


def test_session_pin_rules() -> None:
    s = ServiceSession(pin_timeout_s=60, idle_logout_s=300)
    s.open_pin(0.0)
    for d in "12":
        s.digit(d, 1.0)
    assert s.submit(1.0) is None  # too short to be a PIN
    s.digit("3", 1.0)
    s.digit("x", 1.0)  # not a digit
    s.digit("4", 1.0)
    assert s.submit(2.0) == "1234" and s.pin == "" and s.checking
    s.digit("5", 2.0)  # ignored while checking
    s.login_result(LoginResult("wrong_pin", failures_left=2), 3.0)
    assert (s.phase, s.message, s.failures_left, s.pin) == (Phase.PIN, "wrong_pin", 2, "")
    for d in "9999":
        s.digit(d, 4.0)
    s.submit(4.0)
    s.login_result(LoginResult("locked", retry_after_s=600), 5.0)
    assert s.message == "locked" and s.locked_seconds(5.0) == 600
    s.digit("1", 6.0)
    assert s.pin == ""  # the keypad is dead while locked
    assert s.tick(64.9) is None and s.tick(66.0) == "pin_timeout"
    s.open_pin(100.0)
    for d in PIN:
        s.digit(d, 101.0)
    s.submit(101.0)
    s.login_result(LoginResult("ok", technician=TECH, name="Li Wei"), 102.0)
    assert (s.phase, s.page, s.technician) == (Phase.OPEN, Page.OVERVIEW, TECH)
    assert s.show(Page.SUPPLIES, 200.0) and not s.show(Page.SUPPLIES, 250.0)
    assert s.tick(549.0) is None and s.tick(551.0) == "idle"
    assert s.close() == (TECH, "Li Wei") and not s.active


# -- on the screen, over the real runtime (simulated devices) and the real service ----------


def test_key_sequence_opens_the_pin_screen_and_cancel_goes_back(
        qtbot: Any, make_app: Any, fake_devices: Any, kiosk_config: Any, pin_hash: str) -> None:
    app = make_app(tech_config(kiosk_config, pin_hash))
    open_pin(qtbot, app)
    assert "Technician PIN" in texts(app) or "技术员密码" in texts(app)
    assert app.service_mode.phase == "pin" and app.shell.screen in ("attract", "out-of-service")
    for d in "12":
        tap(qtbot, app, f"pin_{d}")
    assert app.service_mode.pinLength == 2
    tap(qtbot, app, "pin_back")
    assert app.service_mode.pinLength == 1
    tap(qtbot, app, "pinCancel")
    qtbot.waitUntil(lambda: find(app, "serviceMode") is None)
    assert not app.service_mode.active and app.service_mode.pinLength == 0


def test_hidden_corner_gesture_opens_the_pin_screen(
        qtbot: Any, make_app: Any, fake_devices: Any, kiosk_config: Any, pin_hash: str) -> None:
    from kiosk_ui.service.session import CornerGesture

    app = make_app(tech_config(kiosk_config, pin_hash))
    app.service_mode.gesture = CornerGesture(hold_s=0.3, tap_within_s=3.0)
    left = Qt.MouseButton.LeftButton
    corner, far = stage_point(app, 40, 40), stage_point(app, 1050, 1890)
    # A customer's quick touch in the corner, then the far corner: no service mode.
    qtbot.mouseClick(app.window, left, pos=corner)
    qtbot.mouseClick(app.window, left, pos=far)
    qtbot.wait(100)
    assert not app.service_mode.active
    app.shell.endSession()
    qtbot.waitUntil(lambda: app.shell.screen in ("attract", "out-of-service"))
    # Held, then the far corner: the PIN screen, and the tap reached nothing underneath.
    qtbot.mousePress(app.window, left, pos=corner)
    qtbot.wait(450)
    qtbot.mouseRelease(app.window, left, pos=corner)
    qtbot.mouseClick(app.window, left, pos=far)
    qtbot.waitUntil(lambda: find(app, "servicePin") is not None)
    assert app.shell.overlay == ""  # the teller button in that corner did not see the tap


def test_wrong_pins_lock_out_and_the_lock_survives_a_restart(
        qtbot: Any, make_app: Any, fake_devices: Any, kiosk_config: Any, pin_hash: str) -> None:
    cfg = tech_config(kiosk_config, pin_hash)
    app = make_app(cfg)
    open_pin(qtbot, app)
    type_pin(qtbot, app, "1111")
    assert app.service_mode.message == "wrong_pin" and app.service_mode.failuresLeft == 2
    assert any("2" in t and ("Wrong PIN" in t or "密码错误" in t) for t in texts(app))
    type_pin(qtbot, app, "2222")
    type_pin(qtbot, app, "3333")
    assert app.service_mode.message == "locked" and app.service_mode.lockedSeconds > 590
    assert any("10 min" in t or "10 分" in t for t in texts(app))
    # The keypad is dead while locked, the right PIN included.
    tap(qtbot, app, "pin_2")
    assert app.service_mode.pinLength == 0
    kinds = [r.kind for r in records(app)]
    assert kinds.count("technician.login_failed") == 3 and "technician.locked" in kinds
    assert "technician.login" not in kinds
    tap(qtbot, app, "pinCancel")
    app.close()

    # Pull the plug: a new kiosk over the same data folder is still locked.
    again = make_app(cfg)
    open_pin(qtbot, again)
    assert again.service_mode.message == "locked" and again.service_mode.lockedSeconds > 580
    assert again.technician_auth is not None and again.technician_auth.locked_for() > 580
    assert again.technician_auth.login(PIN).outcome == "locked"


def test_refused_while_a_customer_is_in_a_flow(
        qtbot: Any, make_app: Any, fake_devices: Any, kiosk_config: Any, pin_hash: str) -> None:
    from kiosk_ui.registry import ScreenRegistry

    from .flows import sample_flow
    from .test_app import go_to_menu

    reg = ScreenRegistry()
    sample_flow.register(reg)
    app = make_app(tech_config(kiosk_config, pin_hash), registry=reg, flow_modules=())
    qtbot.waitUntil(lambda: app.shell.inService)
    go_to_menu(qtbot, app, "en_US")
    tap(qtbot, app, "service_card")
    qtbot.waitUntil(lambda: find(app, "testFlowPage") is not None)
    qtbot.keyClick(app.window, Qt.Key.Key_S,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
    qtbot.wait(100)
    assert not app.service_mode.active and app.shell.screen == "flow"
    assert find(app, "testFlowPage") is not None and find(app, "serviceRefused") is not None
    qtbot.waitUntil(lambda: "technician.entry_refused" in [r.kind for r in records(app)])
    # Once the customer is done, the way in works again.
    tap(qtbot, app, "testFlowDone")
    qtbot.waitUntil(lambda: find(app, "menuScreen") is not None)
    open_pin(qtbot, app)


def test_idle_service_mode_signs_out(
        qtbot: Any, make_app: Any, fake_devices: Any, kiosk_config: Any, pin_hash: str) -> None:
    app = make_app(tech_config(kiosk_config, pin_hash, idle_logout_s=1.5))
    sign_in(qtbot, app)
    start = last_seq(app)
    qtbot.waitUntil(lambda: not app.service_mode.active, timeout=5000)
    assert find(app, "serviceMode") is None
    qtbot.waitUntil(lambda: any(r.kind == "technician.logout" for r in records(app, start)))
    out = next(r for r in records(app, start) if r.kind == "technician.logout")
    assert out.data == {"technician": TECH, "reason": "idle"}


def wait_idle(qtbot: Any, app: Any, timeout: int = 15000) -> None:
    qtbot.waitUntil(lambda: not app.service_mode.busy, timeout=timeout)


def test_every_action_lands_in_the_journal_with_the_technician(
        qtbot: Any, make_app: Any, kiosk_config: Any, pin_hash: str, tmp_path: Path) -> None:
    """The simulated kiosk: sign in, look, test, refill, close and reopen, export."""
    app = make_app(tech_config(kiosk_config, pin_hash))
    qtbot.waitUntil(lambda: all(s.device.usable for s in app.runtime.device_statuses().values()),
                    timeout=15000)
    sign_in(qtbot, app)
    sm = app.service_mode
    login = [r for r in records(app) if r.kind == "technician.login"]
    assert [r.data["technician"] for r in login] == [TECH]
    assert any("Li Wei" in t for t in texts(app))

    # Overview: every device in the common model, with its URL.
    qtbot.waitUntil(lambda: len(sm.report.get("devices", [])) == 4)
    for kind in ("card_dispenser", "printer", "camera", "pinpad"):
        qtbot.waitUntil(lambda k=kind: find(app, f"overviewDevice_{k}") is not None)
    shown = texts(app)
    assert any("sim://card-dispenser?cards=50" in t for t in shown)  # its URL
    assert any("online" in t or "在线" in t for t in shown)

    # Self-tests: each device; the printer's page and the camera's snapshot on screen.
    tap(qtbot, app, "tab_selftests")
    qtbot.waitUntil(lambda: find(app, "selftest_printer") is not None)
    seq = last_seq(app)
    for kind in ("card_dispenser", "printer", "camera", "pinpad"):
        tap_on_page(qtbot, app, f"selftest_{kind}")
        qtbot.waitUntil(lambda k=kind: k in sm.selfTests, timeout=3000)  # the tap landed
        qtbot.waitUntil(lambda k=kind: f"selftest:{k}" not in sm.busy, timeout=30000)
        assert not sm.selfTests[kind]["running"], (kind, sm.selfTests[kind], sm.notice)
    results = sm.selfTests
    assert results["card_dispenser"]["ok"], results["card_dispenser"]
    assert results["printer"]["ok"] and results["printer"]["artifact"].startswith("file://")
    assert results["camera"]["artifact"] and any(v["name"] == "focus"
                                                 for v in results["camera"]["values"])
    qtbot.waitUntil(lambda: find(app, "selftestArtifact_printer") is not None)
    image = find(app, "selftestArtifact_printer")
    assert image is not None and image.property("paintedHeight") > 100  # loaded, drawn
    assert find(app, "selftestValue_focus") is not None
    tests = [r for r in by_technician(app, seq) if r.kind == "technician.selftest"]
    assert sorted(r.data["device"] for r in tests) == ["camera", "card_dispenser", "pinpad",
                                                        "printer"]

    # Supplies: cards loaded (typed on the keypad), bin emptied, paper replaced.
    tap(qtbot, app, "tab_supplies")
    qtbot.waitUntil(lambda: sm.counters.get("cards") is not None)
    seq = last_seq(app)
    for d in "120":
        tap_on_page(qtbot, app, f"count_{d}")
    tap_on_page(qtbot, app, "cardsLoaded")
    wait_idle(qtbot, app)
    assert sm.notice.get("code") == "cards_loaded", sm.notice
    retained = sm.counters["retained"]
    assert retained >= 1  # the test card
    tap_on_page(qtbot, app, "binEmptied")  # the count removed defaults to what the bin holds
    wait_idle(qtbot, app)
    assert sm.notice.get("code") == "bin_emptied", sm.notice
    tap_on_page(qtbot, app, "paperReplaced")
    wait_idle(qtbot, app)
    assert sm.notice.get("code") == "paper_replaced", sm.notice
    # Refused: the service's own words on screen, nothing journalled.
    assert find(app, "cardsField") is not None
    tap_on_page(qtbot, app, "cardsLoaded")  # the count was spent: asks for a new one
    assert sm.notice.get("code") == "count_needed"
    sm.binEmptied(20000)
    wait_idle(qtbot, app)
    assert sm.notice.get("code") == "refused" and "0 to 10000" in sm.notice["text"]
    notice = find(app, "serviceNoticeText")
    assert notice is not None and "0 to 10000" in notice.property("text")
    done = {(r.kind, r.data.get("supply")) for r in by_technician(app, seq)}
    assert done >= {("technician.replenish", "cards"), ("technician.bin_emptied", None),
                    ("technician.replenish", "paper")}
    loaded = next(r for r in by_technician(app, seq) if r.data.get("supply") == "cards")
    assert loaded.data["count"] == 120
    emptied = next(r for r in by_technician(app, seq) if r.kind == "technician.bin_emptied")
    assert emptied.data["removed"] == retained
    assert sm.counters["stackerRemaining"] == 120

    # Out of service and back: one function, then the whole kiosk.
    tap(qtbot, app, "tab_service")
    qtbot.waitUntil(lambda: find(app, "service_card") is not None)
    seq = last_seq(app)
    tap_on_page(qtbot, app, "reason_supplies")
    tap_on_page(qtbot, app, "service_card")
    wait_idle(qtbot, app)
    assert "card" in app.runtime.out_of_service
    assert app.runtime.out_of_service["card"]["who"] == TECH
    assert app.runtime.out_of_service["card"]["reason"] == "supplies"
    qtbot.waitUntil(lambda: find(app, "service_card") is not None
                    and any(f["function"] == "card" and f["out"]
                            for f in sm.report["functions"]))
    tap_on_page(qtbot, app, "service_card")
    wait_idle(qtbot, app)
    assert "card" not in app.runtime.out_of_service
    tap_on_page(qtbot, app, "service_kiosk")
    wait_idle(qtbot, app)
    assert "*" in app.runtime.out_of_service
    qtbot.waitUntil(lambda: sm.report.get("wholeOut") is True)
    tap_on_page(qtbot, app, "service_kiosk")
    wait_idle(qtbot, app)
    assert app.runtime.out_of_service == {}
    moves = [(r.kind, r.data["function"]) for r in by_technician(app, seq)]
    assert moves == [("technician.service_out", "card"), ("technician.service_in", "card"),
                     ("technician.service_out", "*"), ("technician.service_in", "*")]

    # Logs and journal: the chain verified, an export to a new folder.
    tap(qtbot, app, "tab_logs")
    qtbot.waitUntil(lambda: sm.verify.get("done") is True, timeout=10000)
    assert sm.verify["ok"] and sm.verify["count"] > 10
    seq = last_seq(app)
    tap(qtbot, app, "exportAll")
    wait_idle(qtbot, app)
    assert sm.notice.get("code") == "exported", sm.notice
    folder = Path(sm.exportResult["directory"])
    assert folder.parent == app.config.data_dir / "exports"
    assert {"journal.sqlite", "status.json", "config.json"} <= {p.name for p in folder.iterdir()}
    assert [r.kind for r in by_technician(app, seq)] == ["technician.export"]
    assert sm.logText != ""

    # Configuration with the secrets masked.
    tap(qtbot, app, "tab_config")
    qtbot.waitUntil(lambda: sm.configText != "")
    assert "[sync]" in sm.configText and "demo-webhook-secret" not in sm.configText

    tap(qtbot, app, "serviceSignOut")
    qtbot.waitUntil(lambda: not sm.active)
    qtbot.waitUntil(lambda: any(r.kind == "technician.logout" for r in records(app)))
    out = [r for r in records(app) if r.kind == "technician.logout"][-1]
    assert out.data == {"technician": TECH, "reason": "signed_out"}


def test_customers_read_closed_for_maintenance(
        qtbot: Any, make_app: Any, fake_devices: Any, kiosk_config: Any, pin_hash: str) -> None:
    from kiosk_ui.registry import ScreenRegistry

    from .flows import sample_flow
    from .test_app import go_to_menu

    reg = ScreenRegistry()
    sample_flow.register(reg)
    from kiosk_ui.screens import ScriptedCall

    app = make_app(tech_config(kiosk_config, pin_hash), registry=reg, flow_modules=())
    app.runtime.services["teller_call"] = ScriptedCall()  # so one function stays offered
    qtbot.waitUntil(lambda: app.shell.inService)
    app.runtime.set_out_of_service("card", True, who=TECH, reason="maintenance")
    go_to_menu(qtbot, app, "en_US")
    qtbot.waitUntil(lambda: find(app, "reason_card") is not None)
    entry = next(e for e in app.shell.menu if e["id"] == "card")
    assert not entry["available"] and entry["why"][0] == "out_of_service"
    assert "Closed for maintenance right now. A teller can help you." in texts(app)
    # The whole kiosk: not "broken", closed by staff; nothing listed as not working.
    app.runtime.set_out_of_service("*", True, who=TECH, reason="maintenance")
    qtbot.waitUntil(lambda: find(app, "outOfServiceScreen") is not None)
    assert app.shell.closedByStaff and app.shell.downDevices == []
    shown = texts(app)
    assert "Sorry, this machine is closed for maintenance" in shown
    assert any(t.startswith("Closed by staff") for t in shown)
    # The technician finds why and puts it back, on the screen.
    sign_in(qtbot, app)
    # The report is built off the GUI thread after sign-in: wait for it, as a screen does.
    qtbot.waitUntil(lambda: app.service_mode.report.get("wholeOut") is True)
    assert not app.service_mode.report["inService"]
    tap(qtbot, app, "tab_service")
    qtbot.waitUntil(lambda: find(app, "service_kiosk") is not None)
    tap(qtbot, app, "service_kiosk")
    qtbot.waitUntil(lambda: "*" not in app.runtime.out_of_service)
    qtbot.waitUntil(lambda: find(app, "service_card") is not None
                    and app.service_mode.report["wholeOut"] is False)
    tap(qtbot, app, "service_card")
    qtbot.waitUntil(lambda: app.runtime.out_of_service == {})
    tap(qtbot, app, "serviceSignOut")
    qtbot.waitUntil(lambda: find(app, "attractScreen") is not None)
    qtbot.waitUntil(lambda: next(e for e in app.shell.menu if e["id"] == "card")["available"])


def test_stopping_the_kiosk_signs_the_technician_out(
        qtbot: Any, make_app: Any, fake_devices: Any, kiosk_config: Any, pin_hash: str) -> None:
    from kiosk_core.journal import Journal

    app = make_app(tech_config(kiosk_config, pin_hash))
    sign_in(qtbot, app)
    path = app.config.path("journal")
    app.close()
    with Journal(path) as journal:
        kinds = [(r.kind, r.data) for r in journal.records()]
    assert ("technician.logout", {"technician": TECH, "reason": "shutdown"}) in kinds
    assert kinds[-1][0] == "kiosk.stop"
