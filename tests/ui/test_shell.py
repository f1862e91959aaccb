"""The shell's rules without a window: session, inactivity, service, menu, translations."""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk_core.runtime import ServiceState
from kiosk_core.status import DeviceState, DeviceStatus
from kiosk_ui.bridge import service_view
from kiosk_ui.idle import IdlePhase, InactivityClock
from kiosk_ui.registry import FlowScreen, Reason, ScreenRegistry
from kiosk_ui.shell import OUT_OF_SERVICE, Overlay, Screen, ServiceView, Shell

PAGE = Path(__file__).parent / "flows" / "TestFlow.qml"
SAMPLE_FLOW = __name__.rpartition(".")[0] + ".flows.sample_flow"  # however pytest named us


def shell(now: float = 0.0) -> Shell:
    return Shell(default_language="zh_CN", languages=["zh_CN", "en_US"], inactivity_s=60,
                 prompt_s=20, now=now)


def test_inactivity_phases() -> None:
    clock = InactivityClock(60, 20, now=100)
    assert clock.phase(159.9) is IdlePhase.ACTIVE
    assert clock.phase(160) is IdlePhase.PROMPT
    assert clock.prompt_left(170) == pytest.approx(10)
    assert clock.phase(180) is IdlePhase.EXPIRED
    clock.touch(180)
    assert clock.phase(200) is IdlePhase.ACTIVE
    with pytest.raises(ValueError):
        InactivityClock(0, 20, now=0)


@given(st.floats(0.1, 1e4), st.floats(0.1, 1e4), st.floats(0, 3e4))
def test_prompt_left_is_within_the_prompt(inactivity: float, prompt: float, idle: float) -> None:
    clock = InactivityClock(inactivity, prompt, now=0)
    left = clock.prompt_left(idle)
    assert 0 <= left <= prompt
    assert (clock.phase(idle) is IdlePhase.EXPIRED) == (left == 0 and idle >= inactivity + prompt)


def test_session_walkthrough_and_timeout_clears_it() -> None:
    s = shell()
    assert s.visible_screen == "attract" and not s.in_session
    s.start_session(1)
    assert s.screen is Screen.LANGUAGE
    s.choose_language("en_US", 2)
    assert (s.screen, s.language) == (Screen.MENU, "en_US")
    s.tick(61)
    assert s.overlay is Overlay.NONE  # 59 s idle: not yet
    s.tick(62)
    assert s.overlay is Overlay.TIMEOUT_PROMPT
    s.activity(70)  # a stray touch does not dismiss the prompt...
    assert s.tick(81.9) is False and s.overlay is Overlay.TIMEOUT_PROMPT
    assert s.tick(82) is True  # ...and the session ends on time
    assert (s.screen, s.overlay, s.language) == (Screen.ATTRACT, Overlay.NONE, "zh_CN")
    assert s.sessions_ended == 1


def test_more_time_returns_to_what_the_prompt_covered() -> None:
    s = shell()
    s.start_session(0)
    s.call_teller(1)
    s.tick(61)
    assert s.overlay is Overlay.TIMEOUT_PROMPT
    s.more_time(65)
    assert s.overlay is Overlay.CALL_TELLER
    s.tick(124)
    assert s.overlay is Overlay.CALL_TELLER
    s.cancel_teller(125)
    assert s.overlay is Overlay.NONE and s.screen is Screen.LANGUAGE


def test_attract_screen_does_not_time_out() -> None:
    s = shell()
    assert s.tick(10_000) is False
    assert s.sessions_ended == 0


def test_single_language_skips_the_choice() -> None:
    s = Shell(default_language="en_US", languages=["en_US"], inactivity_s=1, prompt_s=1, now=0)
    s.start_session(0)
    assert s.screen is Screen.MENU
    with pytest.raises(ValueError, match="not offered"):
        s.set_language("zh_CN", 0)


def test_out_of_service_covers_idle_screens_but_not_a_running_flow() -> None:
    s = shell()
    s.set_service(ServiceView(in_service=False, starting=False, down=("printer",)))
    assert s.visible_screen == OUT_OF_SERVICE
    s.start_session(0)
    assert s.visible_screen == OUT_OF_SERVICE
    s.open_flow("x", 1)
    assert s.visible_screen == "flow"
    s.back_to_menu(2)
    assert s.visible_screen == OUT_OF_SERVICE
    s.set_service(ServiceView(in_service=True, starting=False))
    assert s.visible_screen == "menu"
    # Still starting is not out of service.
    s.set_service(ServiceView(in_service=False, starting=True))
    assert s.visible_screen == "menu"


def _status(state: DeviceState) -> DeviceStatus:
    return DeviceStatus(device=state, supplies=MappingProxyType({}))


def test_service_view_waits_for_devices_still_opening() -> None:
    state = ServiceState(in_service=False, down=("card_dispenser", "printer"))
    statuses = {"card_dispenser": _status(DeviceState.STARTING),
                "printer": _status(DeviceState.NO_DEVICE)}
    assert service_view(state, statuses, started=False, open_deadline_passed=False).starting
    v = service_view(state, statuses, started=True, open_deadline_passed=False)
    assert v.out_of_service and v.down == ("printer",)
    only_opening = ServiceState(in_service=False, down=("card_dispenser",))
    v = service_view(only_opening, statuses, started=True, open_deadline_passed=False)
    assert v.starting and not v.out_of_service
    v = service_view(only_opening, statuses, started=True, open_deadline_passed=True)
    assert v.out_of_service and v.down == ("card_dispenser",)
    ok = ServiceState(in_service=True, degraded=("camera",))
    v = service_view(ok, statuses, started=True, open_deadline_passed=False)
    assert v.in_service and v.degraded == ("camera",)


def test_menu_never_offers_a_flow_that_is_not_installed() -> None:
    reg = ScreenRegistry()
    entries = {e.id: e for e in reg.menu({})}
    assert entries["card"].available is False and entries["card"].reason is Reason.NOT_INSTALLED
    assert entries["checkin"].reason is Reason.NOT_INSTALLED
    # Issue 12: calling a teller needs the camera and the video teller service.
    assert entries["teller"].available is False
    teller = {e.id: e for e in reg.menu({"camera": _status(DeviceState.ONLINE)},
                                        live={"teller_call": object()})}["teller"]
    assert teller.available is True
    assert "walkin" not in entries  # declared for when its flow lands, not shown before


def test_menu_reports_devices_a_flow_needs() -> None:
    reg = ScreenRegistry()
    reg.register(FlowScreen("card_issuance", PAGE, lambda ctx: None,
                            devices=("card_dispenser", "printer")))
    up = {"card_dispenser": _status(DeviceState.ONLINE), "printer": _status(DeviceState.ONLINE)}
    assert {e.id: e for e in reg.menu(up)}["card"].available
    down = {**up, "printer": _status(DeviceState.HARDWARE_ERROR)}
    card = {e.id: e for e in reg.menu(down)}["card"]
    assert (card.available, card.reason, card.devices_down) == (False, Reason.DEVICES_DOWN,
                                                                ("printer",))
    card = {e.id: e for e in reg.menu({}, starting=True)}["card"]
    assert card.reason is Reason.STARTING


def test_registry_loads_installed_modules_and_skips_missing_ones() -> None:
    reg = ScreenRegistry()
    loaded = reg.load_installed(["kiosk_ui.flows.no_such_flow", SAMPLE_FLOW])
    assert loaded == [SAMPLE_FLOW]
    assert reg.get("card_issuance") is not None
    with pytest.raises(ValueError, match="does not exist"):
        reg.register(FlowScreen("x", PAGE.with_name("Missing.qml"), lambda ctx: None))


def test_registry_does_not_hide_a_broken_flow_module(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "broken_flow.py").write_text("import no_such_dependency_xyz\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ModuleNotFoundError, match="no_such_dependency_xyz"):
        ScreenRegistry().load_installed(["broken_flow"])


def test_display_modes_last_for_the_session_only() -> None:
    s = shell()
    s.start_session(1)
    s.set_large_text(True, 2)
    s.set_high_contrast(True, 3)
    s.choose_language("en_US", 4)
    assert s.large_text and s.high_contrast and s.screen is Screen.MENU
    s.set_large_text(False, 5)
    assert not s.large_text and s.high_contrast
    s.end_session()  # the attract screen is back: the next customer starts plain
    assert not s.large_text and not s.high_contrast


def test_display_modes_reset_when_the_session_times_out() -> None:
    s = shell()
    s.start_session(0)
    s.set_large_text(True, 0)
    s.set_high_contrast(True, 0)
    assert s.tick(60) is False and s.overlay is Overlay.TIMEOUT_PROMPT
    assert s.tick(80) is True
    assert s.screen is Screen.ATTRACT and not s.large_text and not s.high_contrast


def test_branch_name_per_language() -> None:
    from kiosk_core.config import ConfigError, KioskSettings, validate

    k = KioskSettings(id="K1", branch="Demo Branch", branch_names={"zh_CN": "演示支行"})
    assert k.branch_in("zh_CN") == "演示支行"
    assert k.branch_in("en_US") == "Demo Branch"
    with pytest.raises(ConfigError, match=r"kiosk\.branch_names"):
        from kiosk_core.config import CoreConfig
        validate(CoreConfig, {"kiosk": {"id": "K1", "branch": "B", "branch_names": {"fr_FR": "x"}}})


def test_panel_size_is_validated_with_its_key() -> None:
    from kiosk_core.config import ConfigError, CoreConfig, validate

    with pytest.raises(ConfigError, match=r"ui\.diagonal_in"):
        validate(CoreConfig, {"kiosk": {"id": "K1", "branch": "B"}, "ui": {"diagonal_in": 2}})
    cfg = validate(CoreConfig, {"kiosk": {"id": "K1", "branch": "B"}})
    assert cfg.ui.diagonal_in == 21.5
