"""The menu offers what can be done now (issue 12): one device takes out only the functions
that need it, a refill brings them back without a restart, and the kiosk is out of service
only when nothing can be offered. Real shell and flow registrations, devices we control."""

from __future__ import annotations

from typing import Any

from kiosk_core.status import DeviceState, SupplyState

from .conftest import find, make_config, tap, texts

NO_CARDS_EN = "No cards left in this machine. A teller can help you."
NO_CARDS_ZH = "本机的卡已经发完了，柜员可以为您办理。"


def functions_config(kiosk_config: Any) -> Any:
    """The demo config with the dispenser and printer not ``required``: their functions
    declare them (what kiosk.toml should say once availability is per function)."""
    cfg = make_config(kiosk_config)
    devs = cfg.devices
    upd = {k: getattr(devs, k).model_copy(update={"required": False})
           for k in ("card_dispenser", "printer")}
    return cfg.model_copy(update={"devices": devs.model_copy(update=upd)})


def entry(app: Any, service_id: str) -> dict[str, Any]:
    return next(e for e in app.shell.menu if e["id"] == service_id)


def started(qtbot: Any, app: Any, fake: Any) -> None:
    """Every device online with cards and bin room, the bank attached."""
    fake.instances["card_dispenser"].submit(
        fake.instances["card_dispenser"].status_model.update,
        supplies={"stacker": SupplyState.OK, "bin": SupplyState.OK}).result(5)
    app.runtime.services["bank"] = object()  # the menu only asks whether it is there
    qtbot.waitUntil(lambda: app.shell.inService and entry(app, "card")["available"])


def go_to_menu(qtbot: Any, app: Any, language: str) -> None:
    tap(qtbot, app, "attractScreen")
    qtbot.waitUntil(lambda: find(app, "languageScreen") is not None)
    tap(qtbot, app, f"language_{language}")
    qtbot.waitUntil(lambda: find(app, "menuScreen") is not None)


def test_a_printer_fault_leaves_check_in_offered(qtbot: Any, make_app: Any,
                                                 fake_devices: Any, kiosk_config: Any) -> None:
    app = make_app(functions_config(kiosk_config))
    started(qtbot, app, fake_devices)
    go_to_menu(qtbot, app, "en_US")
    fake_devices.instances["printer"].set_state(DeviceState.HARDWARE_ERROR, "cutter").result(5)
    qtbot.waitUntil(lambda: "printer" in entry(app, "checkin")["degraded"])
    assert app.shell.inService and find(app, "menuScreen") is not None
    assert entry(app, "checkin")["available"] and entry(app, "card")["available"]
    assert find(app, "reason_checkin") is None
    # Said before it starts: the ticket will be on the screen.
    qtbot.waitUntil(lambda: find(app, "noPaper_checkin") is not None)
    assert find(app, "noPaper_teller") is None
    tap(qtbot, app, "service_checkin")  # and it starts
    qtbot.waitUntil(lambda: app.shell.screen == "flow")


def test_no_cards_disables_only_the_card_and_a_refill_brings_it_back(
        qtbot: Any, make_app: Any, fake_devices: Any, kiosk_config: Any) -> None:
    app = make_app(functions_config(kiosk_config))
    started(qtbot, app, fake_devices)
    go_to_menu(qtbot, app, "en_US")
    disp = fake_devices.instances["card_dispenser"]
    disp.submit(disp.status_model.update, supplies={"stacker": SupplyState.EMPTY}).result(5)
    qtbot.waitUntil(lambda: not entry(app, "card")["available"])
    card = entry(app, "card")
    assert (card["reason"], card["why"]) == ("devices_down", ["no_cards"])
    qtbot.waitUntil(lambda: NO_CARDS_EN in texts(app))
    assert find(app, "reason_card") is not None and find(app, "reason_checkin") is None
    assert app.shell.inService and entry(app, "checkin")["available"]
    # Tapping the disabled card says so instead of starting (no ID check, no signature).
    tap(qtbot, app, "service_card")
    qtbot.waitUntil(lambda: find(app, "menuNotice") is not None)
    assert app.shell.screen == "menu" and app.shell.flowModel is None
    assert texts(app).count(NO_CARDS_EN) == 2  # on the tile and in the box
    tap(qtbot, app, "menuNoticeOk")
    qtbot.waitUntil(lambda: find(app, "menuNotice") is None)
    # Staff refill the stacker: offered again, no restart.
    tap(qtbot, app, "service_card")
    qtbot.waitUntil(lambda: find(app, "menuNotice") is not None)
    disp.submit(disp.status_model.update, supplies={"stacker": SupplyState.OK}).result(5)
    qtbot.waitUntil(lambda: entry(app, "card")["available"])
    qtbot.waitUntil(lambda: find(app, "menuNotice") is None and find(app, "reason_card") is None)
    tap(qtbot, app, "service_card")
    qtbot.waitUntil(lambda: app.shell.screen == "flow")


def test_reason_in_chinese_and_a_full_bin(qtbot: Any, make_app: Any, fake_devices: Any,
                                          kiosk_config: Any) -> None:
    app = make_app(functions_config(kiosk_config))
    started(qtbot, app, fake_devices)
    go_to_menu(qtbot, app, "zh_CN")
    disp = fake_devices.instances["card_dispenser"]
    disp.submit(disp.status_model.update, supplies={"stacker": SupplyState.EMPTY}).result(5)
    qtbot.waitUntil(lambda: NO_CARDS_ZH in texts(app))
    disp.submit(disp.status_model.update, supplies={"stacker": SupplyState.OK,
                                                    "bin": SupplyState.FULL}).result(5)
    qtbot.waitUntil(lambda: entry(app, "card")["why"] == ["bin_full"])
    qtbot.waitUntil(lambda: "本机需要工作人员处理后才能发卡，柜员可以为您办理。" in texts(app))
    # The dispenser itself breaks: said as such, check-in still offered.
    disp.set_state(DeviceState.HARDWARE_ERROR).result(5)
    qtbot.waitUntil(lambda: entry(app, "card")["why"] == ["dispenser_down"])
    assert entry(app, "checkin")["available"] and app.shell.inService


def test_teller_needs_camera_and_the_video_service(qtbot: Any, make_app: Any,
                                                   fake_devices: Any, kiosk_config: Any) -> None:
    from kiosk_ui.screens import ScriptedCall

    app = make_app(functions_config(kiosk_config))
    started(qtbot, app, fake_devices)
    assert entry(app, "teller")["why"] == ["teller_offline"]
    app.runtime.services["teller_call"] = ScriptedCall()
    qtbot.waitUntil(lambda: entry(app, "teller")["available"])
    fake_devices.instances["camera"].set_state(DeviceState.OFFLINE).result(5)
    qtbot.waitUntil(lambda: not entry(app, "teller")["available"])
    assert entry(app, "teller")["why"] == ["camera_down"]
    # Without a camera the card cannot be issued (ID and face); check-in uses the keypad.
    assert "camera_down" in entry(app, "card")["why"] and entry(app, "checkin")["available"]


def test_everything_down_is_out_of_service_and_back_by_itself(
        qtbot: Any, make_app: Any, fake_devices: Any, kiosk_config: Any) -> None:
    # The demo's printer is `required = true`: without it nothing works, by its config.
    app = make_app(make_config(kiosk_config))
    started(qtbot, app, fake_devices)
    for kind in ("card_dispenser", "camera", "pinpad", "printer"):
        fake_devices.instances[kind].set_state(DeviceState.OFFLINE).result(5)
    qtbot.waitUntil(lambda: find(app, "outOfServiceScreen") is not None)
    assert not any(e["available"] for e in app.shell.menu)
    assert set(app.shell.downDevices) == {"card_dispenser", "printer"}  # the required ones
    fake_devices.instances["printer"].set_state(DeviceState.ONLINE).result(5)
    fake_devices.instances["card_dispenser"].set_state(DeviceState.ONLINE).result(5)
    qtbot.waitUntil(lambda: find(app, "attractScreen") is not None)
    assert app.shell.inService and entry(app, "checkin")["available"]
    assert entry(app, "card")["why"] == ["camera_down", "pinpad_down"]


def test_a_function_waiting_on_an_opening_device_is_starting_not_out_of_service() -> None:
    from types import MappingProxyType

    from kiosk_core.availability import Availability, Blocker, Unavailable
    from kiosk_core.runtime import ServiceState
    from kiosk_core.status import DeviceStatus
    from kiosk_ui.bridge import service_view

    opening = DeviceStatus(device=DeviceState.STARTING, supplies=MappingProxyType({}))
    state = ServiceState(in_service=False, down=("bank", "camera"), functions=(
        Availability("card", (Blocker("bank", Unavailable.BANK_DOWN),)),
        Availability("teller", (Blocker("camera", Unavailable.CAMERA_DOWN, opening=True),)),
    ))
    v = service_view(state, {"camera": opening}, started=True, open_deadline_passed=False)
    assert v.starting and not v.out_of_service and v.functions == state.functions
    v = service_view(state, {"camera": opening}, started=True, open_deadline_passed=True)
    assert v.out_of_service and v.down == ("bank", "camera") and v.opening_timed_out


def test_a_device_event_that_changes_nothing_keeps_the_cards(
        qtbot: Any, make_app: Any, fake_devices: Any, kiosk_config: Any) -> None:
    """The menu's cards are built again only when what they show changes: a device event
    that leaves the menu as it was (a counter, a repeated status) keeps the same objects."""
    app = make_app(functions_config(kiosk_config))
    started(qtbot, app, fake_devices)
    go_to_menu(qtbot, app, "en_US")
    card = find(app, "service_card")
    seen: list[int] = []
    app.shell.menuChanged.connect(lambda: seen.append(1))
    disp = fake_devices.instances["card_dispenser"]
    disp.submit(disp.status_model.update, counters={"dispensed": 7}).result(5)
    printer = fake_devices.instances["printer"]
    printer.set_state(DeviceState.ONLINE, "still fine").result(5)
    qtbot.wait(300)
    assert seen == [] and find(app, "service_card") is card
    # What the cards show changes: the menu follows at once.
    disp.submit(disp.status_model.update, supplies={"stacker": SupplyState.EMPTY}).result(5)
    qtbot.waitUntil(lambda: NO_CARDS_EN in texts(app))
    assert seen and find(app, "reason_card") is not None
