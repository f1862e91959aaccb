"""Availability per function (issue 12): the rules, over random device and service states."""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk_core.availability import (
    Availability,
    Blocker,
    Unavailable,
    any_available,
    device,
    evaluate,
    needs,
    service,
    supply,
)
from kiosk_core.config import CoreConfig
from kiosk_core.runtime import KioskRuntime
from kiosk_core.status import DeviceState, DeviceStatus, StatusModel, SupplyState

# The declarations as the kiosk's menu makes them (kiosk_ui.flows.*, kiosk_ui.registry).
CARD = needs(
    device("card_dispenser",
           supply("stacker", (SupplyState.EMPTY, SupplyState.MISSING), Unavailable.NO_CARDS),
           supply("bin", (SupplyState.FULL, SupplyState.MISSING), Unavailable.BIN_FULL)),
    device("camera"), device("pinpad"), service("bank", Unavailable.BANK_DOWN),
    optional=("printer",))
CHECKIN = needs(optional=("camera", "printer"))
TELLER = needs(device("camera"), service("teller_call", Unavailable.TELLER_OFFLINE))
FUNCTIONS = {"card": CARD, "checkin": CHECKIN, "teller": TELLER}
KINDS = ("card_dispenser", "camera", "pinpad", "printer")


def status(state: DeviceState = DeviceState.ONLINE, **supplies: SupplyState) -> DeviceStatus:
    return DeviceStatus(device=state, supplies=MappingProxyType(dict(supplies)))


ALL_UP = {"card_dispenser": status(stacker=SupplyState.OK, bin=SupplyState.OK),
          "camera": status(), "pinpad": status(), "printer": status()}
LIVE = {"bank": object(), "teller_call": object()}


def test_everything_up_offers_every_function() -> None:
    for fid, n in FUNCTIONS.items():
        a = evaluate(fid, n, ALL_UP, LIVE)
        assert a.available and a.reasons == () and a.degraded == ()


def test_no_cards_and_bin_full_close_only_the_card() -> None:
    s = {**ALL_UP, "card_dispenser": status(stacker=SupplyState.EMPTY, bin=SupplyState.FULL)}
    card = evaluate("card", CARD, s, LIVE)
    assert card.reasons == (Unavailable.NO_CARDS, Unavailable.BIN_FULL)
    assert evaluate("checkin", CHECKIN, s, LIVE).available
    low = {**ALL_UP, "card_dispenser": status(stacker=SupplyState.LOW, bin=SupplyState.HIGH)}
    assert evaluate("card", CARD, low, LIVE).available  # low is not empty


def test_a_printer_fault_only_degrades() -> None:
    s = {**ALL_UP, "printer": status(DeviceState.HARDWARE_ERROR)}
    for fid in ("card", "checkin"):
        a = evaluate(fid, FUNCTIONS[fid], s, LIVE)
        assert a.available and a.degraded == ("printer",)


def test_services_and_their_own_word() -> None:
    class Hub:
        available = False

    assert evaluate("card", CARD, ALL_UP, {"teller_call": 1}).reasons == (Unavailable.BANK_DOWN,)
    assert evaluate("teller", TELLER, ALL_UP, {"bank": 1, "teller_call": Hub()}).reasons == (
        Unavailable.TELLER_OFFLINE,)


def test_required_device_is_needed_by_every_function() -> None:
    s = {**ALL_UP, "printer": status(DeviceState.OFFLINE)}
    a = evaluate("checkin", CHECKIN, s, LIVE, required=("printer",))
    assert a.reasons == (Unavailable.PRINTER_DOWN,) and not a.available


def test_a_device_still_opening_is_waiting() -> None:
    s = {**ALL_UP, "camera": status(DeviceState.STARTING)}
    a = evaluate("teller", TELLER, s, LIVE)
    assert a.waiting and a.blockers == (Blocker("camera", Unavailable.CAMERA_DOWN, True),)
    assert not evaluate("teller", TELLER, s, {}).waiting  # the hub is not opening


STATES = st.sampled_from(list(DeviceState))
STACKER = st.sampled_from([SupplyState.OK, SupplyState.LOW, SupplyState.EMPTY,
                           SupplyState.MISSING, SupplyState.UNKNOWN])
BIN = st.sampled_from([SupplyState.OK, SupplyState.HIGH, SupplyState.FULL,
                       SupplyState.MISSING, SupplyState.UNKNOWN])


@st.composite
def worlds(draw: Any) -> tuple[dict[str, DeviceStatus], dict[str, object], frozenset[str]]:
    statuses: dict[str, DeviceStatus] = {}
    for kind in KINDS:
        if draw(st.booleans()) or kind == "card_dispenser":
            statuses[kind] = status(draw(STATES))
    if "card_dispenser" in statuses and draw(st.booleans()):
        statuses["card_dispenser"] = status(statuses["card_dispenser"].device,
                                            stacker=draw(STACKER), bin=draw(BIN))
    live = {name: object() for name in ("bank", "teller_call") if draw(st.booleans())}
    required = frozenset(draw(st.sets(st.sampled_from(KINDS), max_size=2)))
    return statuses, live, required


def usable(statuses: dict[str, DeviceStatus], kind: str) -> bool:
    return kind in statuses and statuses[kind].device.usable


@settings(max_examples=300, deadline=None)
@given(worlds())
def test_each_reason_is_right(world: Any) -> None:
    statuses, live, required = world
    got = {fid: evaluate(fid, n, statuses, live, required=required)
           for fid, n in FUNCTIONS.items()}
    req_ok = all(usable(statuses, k) for k in required)
    # Check-in: nothing of its own but the required devices.
    assert got["checkin"].available == req_ok
    # Call a teller: the camera and the video teller service.
    teller = set(got["teller"].reasons)
    assert (Unavailable.CAMERA_DOWN in teller) == (not usable(statuses, "camera"))
    assert (Unavailable.TELLER_OFFLINE in teller) == ("teller_call" not in live)
    # The card: every reason stands for exactly what is wrong.
    card = set(got["card"].reasons)
    disp = statuses.get("card_dispenser")
    disp_ok = usable(statuses, "card_dispenser")
    assert (Unavailable.DISPENSER_DOWN in card) == (not disp_ok)
    stacker = disp.supplies.get("stacker") if disp else None
    bin_ = disp.supplies.get("bin") if disp else None
    assert (Unavailable.NO_CARDS in card) == (
        disp_ok and stacker in (SupplyState.EMPTY, SupplyState.MISSING))
    assert (Unavailable.BIN_FULL in card) == (
        disp_ok and bin_ in (SupplyState.FULL, SupplyState.MISSING))
    assert (Unavailable.PINPAD_DOWN in card) == (not usable(statuses, "pinpad"))
    assert (Unavailable.CAMERA_DOWN in card) == (not usable(statuses, "camera"))
    assert (Unavailable.BANK_DOWN in card) == ("bank" not in live)
    assert got["card"].available == (not card)
    # The printer never closes a function unless it is required.
    if "printer" not in required:
        assert Unavailable.PRINTER_DOWN not in card | teller
        assert ("printer" in got["card"].degraded) == (not usable(statuses, "printer"))


class _Dev:
    """A ManagedDevice with a status model and nothing else (no worker: none is needed)."""

    def __init__(self, name: str) -> None:
        self.status_model = StatusModel(name)

    @property
    def status(self) -> DeviceStatus:
        return self.status_model.current

    def subscribe(self, listener: Any) -> Any:
        return self.status_model.subscribe(listener)


def _runtime(tmp_path: Path, required: frozenset[str]) -> tuple[KioskRuntime, dict[str, _Dev]]:
    cfg = CoreConfig.model_validate({"kiosk": {"id": "K1", "branch": "B"},
                                     "base_dir": tmp_path})
    rt = KioskRuntime(cfg, device_factory=lambda kind, s: None)  # type: ignore[arg-type,return-value]
    devs = {k: _Dev(k) for k in KINDS}
    rt.devices.update(devs)  # type: ignore[arg-type]
    rt.required.update(required)
    for d in devs.values():
        d.subscribe(rt._on_device_event)
    return rt, devs


@settings(max_examples=120, deadline=None)
@given(worlds())
def test_out_of_service_iff_nothing_available(tmp_path_factory: Any, world: Any) -> None:
    statuses, live, required = world
    rt, devs = _runtime(tmp_path_factory.mktemp("rt"), required)
    rt.declare_functions(FUNCTIONS)
    for kind, dev in devs.items():
        st_ = statuses.get(kind, status(DeviceState.NO_DEVICE))
        dev.status_model.update(device=st_.device, supplies=st_.supplies)
    rt.services.update(live)
    avail: dict[str, Availability] = rt.availability()
    assert rt.service.in_service == any_available(avail.values())
    assert rt.service.functions == tuple(avail.values())
    if not rt.service.in_service:
        down_required = sorted(k for k in required if not devs[k].status.device.usable)
        assert list(rt.service.down) == (down_required or sorted(
            {b.what for a in avail.values() for b in a.blockers}))


def test_runtime_follows_services_and_refills(tmp_path: Path) -> None:
    rt, devs = _runtime(tmp_path, frozenset())
    events: list[Any] = []
    rt.subscribe(lambda e: events.append(e) if e.kind == "service" else None)
    rt.declare_functions({"card": CARD})
    for k in KINDS:
        devs[k].status_model.update(device=DeviceState.ONLINE)
    devs["card_dispenser"].status_model.update(supplies={"stacker": SupplyState.EMPTY})
    rt.services["bank"] = object()
    card = rt.availability()["card"]
    assert card.reasons == (Unavailable.NO_CARDS,) and not rt.service.in_service
    devs["card_dispenser"].status_model.update(supplies={"stacker": SupplyState.OK})
    assert rt.service.in_service and rt.service.function("card") == Availability("card")
    rt.services.pop("bank")  # the bank went away: withdrawn at once
    assert rt.service.function("card").reasons == (Unavailable.BANK_DOWN,)
    assert events and events[-1].service == rt.service


def test_without_declared_functions_required_devices_decide(tmp_path: Path) -> None:
    rt, devs = _runtime(tmp_path, frozenset({"printer"}))
    for k in KINDS:
        devs[k].status_model.update(device=DeviceState.ONLINE)
    assert rt.service.in_service
    devs["camera"].status_model.update(device=DeviceState.OFFLINE)
    assert rt.service.in_service and rt.service.degraded == ("camera",)
    devs["printer"].status_model.update(device=DeviceState.OFFLINE)
    assert not rt.service.in_service and rt.service.down == ("printer",)
