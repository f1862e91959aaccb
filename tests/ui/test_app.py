"""The shell in a real (offscreen) window: taps, time-outs, devices going down, teller."""

from __future__ import annotations

from typing import Any

import pytest

from kiosk_core.status import DeviceState
from kiosk_ui.registry import ScreenRegistry

from .conftest import find, make_config, tap, texts

ZH_MENU_TITLE = "请问您要办理什么业务？"
EN_MENU_TITLE = "What would you like to do?"


def go_to_menu(qtbot: Any, app: Any, language: str = "zh_CN") -> None:
    tap(qtbot, app, "attractScreen")
    qtbot.waitUntil(lambda: find(app, "languageScreen") is not None)
    tap(qtbot, app, f"language_{language}")
    qtbot.waitUntil(lambda: find(app, "menuScreen") is not None)


def test_attract_to_language_to_menu(qtbot: Any, make_app: Any, fake_devices: Any) -> None:
    from kiosk_ui.screens import ScriptedCall

    app = make_app(flow_modules=())  # no flows installed
    # Issue 12: out of service when nothing can be offered; the video teller can be.
    app.runtime.services["teller_call"] = ScriptedCall()
    qtbot.waitUntil(lambda: app.shell.inService)
    assert find(app, "attractScreen") is not None
    shown = texts(app)
    assert "欢迎光临" in shown and "Welcome" in shown and "演示支行" in shown
    go_to_menu(qtbot, app, "en_US")
    assert EN_MENU_TITLE in texts(app)
    # No flows are installed: the services say so instead of pretending.
    assert find(app, "reason_card") is not None and find(app, "reason_checkin") is not None
    tap(qtbot, app, "service_card")
    assert app.shell.screen == "menu"
    tap(qtbot, app, "startOverButton")
    qtbot.waitUntil(lambda: find(app, "attractScreen") is not None)


def test_language_switch_changes_visible_text(qtbot: Any, make_app: Any) -> None:
    app = make_app(start_runtime=False)
    go_to_menu(qtbot, app, "zh_CN")
    assert ZH_MENU_TITLE in texts(app) and "办理借记卡" in texts(app)
    tap(qtbot, app, "languageToggle")
    qtbot.waitUntil(lambda: EN_MENU_TITLE in texts(app))
    shown = texts(app)
    assert ZH_MENU_TITLE not in shown and "Get a debit card" in shown
    assert "Call a teller" in shown and "Monday, 23 November 2026" not in shown
    tap(qtbot, app, "languageToggle")
    qtbot.waitUntil(lambda: ZH_MENU_TITLE in texts(app))


def test_inactivity_prompt_more_time_then_timeout(qtbot: Any, make_app: Any,
                                                  kiosk_config: Any) -> None:
    cfg = make_config(kiosk_config, inactivity_s=0.4, more_time_prompt_s=0.6)
    app = make_app(cfg, start_runtime=False)
    go_to_menu(qtbot, app, "en_US")
    qtbot.waitUntil(lambda: find(app, "timeoutPrompt") is not None, timeout=3000)
    assert "Need more time?" in texts(app)
    tap(qtbot, app, "moreTimeButton")
    assert find(app, "timeoutPrompt") is None and app.shell.screen == "menu"
    qtbot.waitUntil(lambda: find(app, "timeoutPrompt") is not None, timeout=3000)
    # Nobody answers: back to the attract screen, session cleared, kiosk language again.
    qtbot.waitUntil(lambda: find(app, "attractScreen") is not None, timeout=3000)
    assert app.shell.overlay == "" and app.shell.language == "zh_CN"
    assert app.shell.shell.sessions_ended == 1


def test_finish_on_prompt_ends_session(qtbot: Any, make_app: Any, kiosk_config: Any) -> None:
    cfg = make_config(kiosk_config, inactivity_s=0.3, more_time_prompt_s=30)
    app = make_app(cfg, start_runtime=False)
    go_to_menu(qtbot, app)
    qtbot.waitUntil(lambda: find(app, "timeoutPrompt") is not None, timeout=3000)
    tap(qtbot, app, "finishButton")
    qtbot.waitUntil(lambda: find(app, "attractScreen") is not None)


def test_out_of_service_follows_device_events(qtbot: Any, make_app: Any,
                                              fake_devices: Any) -> None:
    app = make_app()
    qtbot.waitUntil(lambda: app.shell.inService)
    printer = fake_devices.instances["printer"]
    printer.set_state(DeviceState.HARDWARE_ERROR, "paper jam").result(timeout=5)
    qtbot.waitUntil(lambda: find(app, "outOfServiceScreen") is not None)
    assert "Not working: 凭条打印机" not in texts(app)
    assert any(t.startswith("故障设备：凭条打印机") for t in texts(app))
    # What the customer can still do: a teller, the counter.
    assert find(app, "oosCallTeller") is not None and "前往柜台" in texts(app)
    # An optional device going down does not matter.
    fake_devices.instances["camera"].set_state(DeviceState.OFFLINE).result(timeout=5)
    printer.set_state(DeviceState.ONLINE).result(timeout=5)
    qtbot.waitUntil(lambda: find(app, "attractScreen") is not None)
    assert app.shell.inService


def test_required_device_that_cannot_open_puts_kiosk_out_of_service(
        qtbot: Any, make_app: Any, fake_devices: Any) -> None:
    fake_devices.fail_open = {"card_dispenser"}
    app = make_app()
    qtbot.waitUntil(lambda: find(app, "outOfServiceScreen") is not None)
    assert app.shell.downDevices == ["card_dispenser"]
    tap(qtbot, app, "oosCallTeller")
    qtbot.waitUntil(lambda: find(app, "callTellerOverlay") is not None)


def test_demo_config_with_or_without_drivers(qtbot: Any, make_app: Any) -> None:
    """The real registry: a device whose driver module is not there is noDevice (out of
    service); once drivers exist the simulated devices come online. Both must work."""
    import importlib.util

    app = make_app()
    runtime = app.runtime
    required = {"card_dispenser", "printer"}
    missing = {k for k in required
               if importlib.util.find_spec(f"devices.{k}.driver") is None}
    if missing:
        qtbot.waitUntil(lambda: find(app, "outOfServiceScreen") is not None, timeout=10000)
        assert set(app.shell.downDevices) >= missing
        statuses = runtime.device_statuses()
        assert all(statuses[k].device is DeviceState.NO_DEVICE for k in missing)
    else:
        qtbot.waitUntil(lambda: app.shell.inService, timeout=15000)
        assert find(app, "attractScreen") is not None


SCREENS = ["attract", "language", "menu", "flow", "out-of-service"]


@pytest.mark.parametrize("screen", SCREENS)
def test_call_teller_on_every_screen(qtbot: Any, make_app: Any, fake_devices: Any,
                                     screen: str) -> None:
    from .flows import sample_flow

    reg = ScreenRegistry()
    sample_flow.register(reg)
    app = make_app(registry=reg, flow_modules=())
    qtbot.waitUntil(lambda: app.shell.inService)
    if screen != "attract":
        tap(qtbot, app, "attractScreen")
    if screen in ("menu", "flow"):
        tap(qtbot, app, "language_en_US")
    if screen == "flow":
        tap(qtbot, app, "service_card")
    if screen == "out-of-service":
        fake_devices.instances["card_dispenser"].set_state(DeviceState.NO_DEVICE).result(5)
    qtbot.waitUntil(lambda: app.shell.screen == screen)
    tap(qtbot, app, "callTellerButton")
    qtbot.waitUntil(lambda: find(app, "callTellerOverlay") is not None)
    assert app.shell.teller.state == "requesting"
    assert find(app, "tellerNotLinked") is not None  # honest: no video link yet
    tap(qtbot, app, "cancelTellerButton")
    qtbot.waitUntil(lambda: find(app, "callTellerOverlay") is None)
    assert app.shell.teller.state == "idle" and app.shell.screen == screen
    # Both the request and the cancel are in the journal (written off the GUI thread).
    qtbot.waitUntil(lambda: [r.kind for r in app.runtime.journal.records()
                             if r.kind.startswith("teller.")] == ["teller.request",
                                                                  "teller.cancel"])


def test_teller_hook_signals(qtbot: Any, make_app: Any) -> None:
    from kiosk_ui.screens import ScriptedCall
    from video_teller.api import CallPhase, CallView

    app = make_app(start_runtime=False)
    desk = app.shell.teller
    api = ScriptedCall(consent_required=False)
    desk.attach_call(api)  # what kiosk_app does with the real TellerCall
    with qtbot.waitSignal(desk.requested) as req:
        tap(qtbot, app, "callTellerButton")
    assert req.args == ["zh_CN", "attract"]
    qtbot.waitUntil(lambda: find(app, "callScreen_waiting") is not None)
    assert find(app, "tellerNotLinked") is None
    api.show(CallView(phase=CallPhase.IN_CALL, teller_name="王芳"))
    qtbot.waitUntil(lambda: "王芳" in texts(app))
    assert desk.state == "connected"
    with qtbot.waitSignal(desk.closed):
        api.show(CallView())  # the call is over
    qtbot.waitUntil(lambda: find(app, "callTellerOverlay") is None)


def test_registered_flow_plugs_in(qtbot: Any, make_app: Any, fake_devices: Any) -> None:
    from .flows import sample_flow

    reg = ScreenRegistry()
    sample_flow.register(reg)
    app = make_app(registry=reg, flow_modules=())
    qtbot.waitUntil(lambda: app.shell.inService)
    go_to_menu(qtbot, app, "en_US")
    assert find(app, "reason_card") is None  # installed and its device is up
    assert find(app, "reason_checkin") is not None  # still not installed
    tap(qtbot, app, "service_card")
    qtbot.waitUntil(lambda: find(app, "testFlowPage") is not None)
    assert "test flow (en_US)" in texts(app)
    tap(qtbot, app, "testFlowDone")
    qtbot.waitUntil(lambda: find(app, "menuScreen") is not None)
    # Its device goes down: the entry is disabled with the reason.
    fake_devices.instances["card_dispenser"].set_state(DeviceState.USER_ERROR).result(5)
    qtbot.waitUntil(lambda: find(app, "outOfServiceScreen") is not None)
    entry = next(e for e in app.shell.menu if e["id"] == "card")
    assert (entry["available"], entry["reason"]) == (False, "devices_down")


def test_bridge_returns_results_on_the_gui_thread(qtbot: Any, make_app: Any,
                                                  fake_devices: Any) -> None:
    import threading

    app = make_app()
    bridge = app.bridge
    seen: list[tuple[int, Any, str]] = []
    bridge.taskDone.connect(lambda i, r: seen.append((i, r, threading.current_thread().name)))
    failed: list[tuple[int, str]] = []
    bridge.taskFailed.connect(lambda i, e: failed.append((i, e)))

    async def answer() -> str:
        return threading.current_thread().name

    a = bridge.run_async(answer())
    b = bridge.run_on_device("printer", lambda: threading.current_thread().name)
    c = bridge.run_on_device("nothing", lambda: 1)
    qtbot.waitUntil(lambda: len(seen) == 2 and len(failed) == 1)
    results = {i: (r, t) for i, r, t in seen}
    assert results[a] == ("core-loop", "MainThread")
    assert results[b][0].startswith("device-printer") and results[b][1] == "MainThread"
    assert failed[0][0] == c and "nothing" in failed[0][1]


def test_device_that_never_finishes_opening_counts_as_down(
        qtbot: Any, make_app: Any, fake_devices: Any, kiosk_config: Any) -> None:
    import threading

    fake_devices.hold_open = {"printer": threading.Event()}
    app = make_app(make_config(kiosk_config, device_open_s=0.3))
    # While it is opening the kiosk is getting ready, not out of service...
    assert app.shell.starting and find(app, "attractScreen") is not None
    # ...until it has had device_open_s.
    qtbot.waitUntil(lambda: find(app, "outOfServiceScreen") is not None, timeout=3000)
    assert app.shell.downDevices == ["printer"]
    fake_devices.hold_open["printer"].set()
    qtbot.waitUntil(lambda: find(app, "attractScreen") is not None)
    assert app.shell.inService


def test_runtime_that_cannot_start_is_out_of_service(
        qtbot: Any, make_app: Any, fake_devices: Any, kiosk_config: Any, tmp_path: Any) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    storage = kiosk_config.storage.model_copy(update={"data_dir": blocker})
    cfg = make_config(kiosk_config).model_copy(update={"storage": storage})
    app = make_app(cfg)
    qtbot.waitUntil(lambda: find(app, "outOfServiceScreen") is not None)
    assert any("系统" in t for t in texts(app))
    tap(qtbot, app, "oosCallTeller")  # a person can still be asked for
    qtbot.waitUntil(lambda: find(app, "callTellerOverlay") is not None)


def test_single_language_kiosk(qtbot: Any, make_app: Any, kiosk_config: Any) -> None:
    kiosk = kiosk_config.kiosk.model_copy(update={"locale": "en_US", "languages": ["en_US"]})
    app = make_app(make_config(kiosk_config).model_copy(update={"kiosk": kiosk}),
                   start_runtime=False)
    shown = texts(app)
    assert "Welcome" in shown and "欢迎光临" not in shown and "呼叫柜员" not in shown
    tap(qtbot, app, "attractScreen")  # straight to the menu: nothing to choose
    qtbot.waitUntil(lambda: find(app, "menuScreen") is not None)
    assert find(app, "languageToggle") is None


def test_close_deletes_qt_objects_on_the_gui_thread(qtbot: Any, make_app: Any,
                                                    fake_devices: Any) -> None:
    """Regression (CI segfault): an open flow's view-model and the shell's timer were left to
    Python's garbage collector, which may run on any thread; a QTimer deleted off the GUI
    thread stays registered there and crashes the next tick. close() deletes them itself."""
    import shiboken6

    from .flows import sample_flow

    reg = ScreenRegistry()
    sample_flow.register(reg)
    app = make_app(registry=reg, flow_modules=())
    qtbot.waitUntil(lambda: app.shell.inService)
    go_to_menu(qtbot, app, "en_US")
    tap(qtbot, app, "service_card")
    qtbot.waitUntil(lambda: find(app, "testFlowPage") is not None)
    model, shell = app.shell.flowModel, app.shell
    assert model is not None and shiboken6.isValid(model)
    app.close()
    assert not shiboken6.isValid(model)
    assert not shiboken6.isValid(shell)
    app.close()  # twice is harmless
