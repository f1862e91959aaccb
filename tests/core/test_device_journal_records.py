"""Every device change is journalled with its state, code and words (issue #12)."""

from __future__ import annotations

from types import MappingProxyType

from kiosk_core.runtime import device_records
from kiosk_core.status import DeviceState, DeviceStatus, MediaState, StatusModel, SupplyState


def events(*updates: dict[str, object]) -> list[tuple[str, dict[str, object]]]:
    model = StatusModel("card_dispenser", DeviceStatus(
        device=DeviceState.ONLINE, media=MediaState.NOT_PRESENT,
        supplies=MappingProxyType({"stacker": SupplyState.OK, "bin": SupplyState.OK})))
    out: list[tuple[str, dict[str, object]]] = []
    model.subscribe(lambda e: out.extend(device_records(e)))
    for u in updates:
        model.update(**u)  # type: ignore[arg-type]
    return out


def test_jam_record_carries_code_and_words() -> None:
    recs = events({"device": DeviceState.HARDWARE_ERROR, "media": MediaState.JAMMED,
                   "detail": "card jammed in the channel [code 40]", "error_code": "40"})
    kinds = [k for k, _ in recs]
    assert kinds == ["device.status", "device.media"]
    status = recs[0][1]
    assert status["state"] == "hardwareError" and status["code"] == "40"
    assert status["detail"] == "card jammed in the channel [code 40]"
    assert status["previous"] == "online"


def test_supply_changes_are_journalled_one_by_one() -> None:
    recs = events({"supplies": {"stacker": SupplyState.EMPTY}},
                  {"supplies": {"bin": SupplyState.FULL}},
                  {"supplies": {"stacker": SupplyState.OK}})
    assert [(d["supply"], d["level"], d["previous"]) for _, d in recs] == [
        ("stacker", "empty", "ok"), ("bin", "full", "ok"), ("stacker", "ok", "empty")]
    assert all(k == "device.supply" and d["state"] == "online" for k, d in recs)


def test_new_words_with_the_same_state_are_a_fault_record_counters_are_not() -> None:
    recs = events({"counters": {"dispensed": 1}},
                  {"detail": "counters not saved: disk full", "error_code": "COUNTERS_WRITE"})
    assert recs == [("device.fault", {"device": "card_dispenser", "state": "online",
                                      "detail": "counters not saved: disk full",
                                      "code": "COUNTERS_WRITE"})]
