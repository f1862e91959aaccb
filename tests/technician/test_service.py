"""The technician's service over a running kiosk (simulated devices): report, self-tests,
supplies, service out/in, export — each action journalled with who."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from technician_support import records

from kiosk_core.journal import verify_file
from kiosk_core.status import SupplyState
from technician.api import TechnicianError
from technician.service import MASK, TechnicianService, focus_value, mask_secrets


def _wait(pred: Any, timeout: float = 5.0) -> Any:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := pred():
            return value
        time.sleep(0.05)
    raise AssertionError(f"not within {timeout} s")


def test_report_names_every_device_with_state_url_and_firmware(
        technician: TechnicianService) -> None:
    report = technician.report()
    kinds = {d.kind: d for d in report.devices}
    assert set(kinds) == {"card_dispenser", "printer", "camera", "pinpad"}
    assert all(d.state == "online" for d in kinds.values()), kinds
    assert kinds["card_dispenser"].firmware  # the simulator answers its version
    assert kinds["card_dispenser"].url.startswith("sim://card-dispenser")
    assert "258013" not in kinds["pinpad"].url  # the simulated pad's PIN is masked
    assert {f.function for f in report.functions} >= {"card_issuance", "walkin"}
    assert {link.name for link in report.links} == {"bank", "hub", "sync"}
    json.dumps(report.as_dict())  # the control API and the fleet send it as JSON


def test_a_fault_is_kept_as_the_last_error_after_it_cleared(
        runtime: Any, technician: TechnicianService) -> None:
    sim = runtime.devices["printer"].simulator
    sim.inject("cover-open")
    runtime.devices["printer"].refresh_status().result(timeout=5)
    _wait(lambda: next(d for d in technician.report().devices if d.kind == "printer")
          .last_error)
    sim.clear()
    runtime.devices["printer"].refresh_status().result(timeout=5)
    printer = _wait(lambda: next((d for d in technician.report().devices
                                  if d.kind == "printer" and d.state == "online"), None))
    assert printer.last_error and printer.last_error_at


def test_dispenser_self_test_puts_one_card_in_the_bin_and_is_journalled(
        runtime: Any, technician: TechnicianService) -> None:
    before = technician.counters().cards["retained"]
    report = technician.self_test("card_dispenser", who="T-1")
    assert report.ok, report.checks
    assert technician.counters().cards["retained"] == before + 1
    (rec,) = records(runtime, "technician.selftest")
    assert rec["device"] == "card_dispenser" and rec["who"] == "T-1" and rec["ok"]


def test_printer_self_test_shows_the_simulators_rendering(
        technician: TechnicianService) -> None:
    report = technician.self_test("printer", who="T-1")
    assert report.ok, report.checks
    assert report.artifact is not None and report.artifact.stat().st_size > 1000
    from PIL import Image

    with Image.open(report.artifact) as page:
        assert page.height > 200  # a whole test page, not an empty strip


def test_camera_self_test_gives_a_snapshot_and_a_focus_value(
        technician: TechnicianService) -> None:
    report = technician.self_test("camera", who="T-1")
    assert report.artifact is not None and report.artifact.exists()
    assert report.values["focus"] > 0
    assert "focus" in report.checks


def test_pinpad_self_test(technician: TechnicianService) -> None:
    report = technician.self_test("pinpad", who="T-1")
    assert "link" in report.checks and report.checks["link"] == "ok"


def test_unknown_device_is_refused_by_name(technician: TechnicianService) -> None:
    with pytest.raises(TechnicianError, match="no device 'scanner'"):
        technician.self_test("scanner", who="T-1")


def test_empty_stacker_out_then_replenished_back_in(
        runtime: Any, technician: TechnicianService) -> None:
    sim = runtime.devices["card_dispenser"].simulator
    sim.refill(0)
    runtime.devices["card_dispenser"].query_status().result(timeout=5)
    card = _wait(lambda: next(f for f in technician.report().functions
                              if f.function == "card_issuance" and "no_cards" in f.reasons))
    assert not card.available
    counters = technician.replenish("cards", 40, who="T-1")
    assert counters.cards["stacker_loaded"] == 40
    assert runtime.devices["card_dispenser"].status.supplies["stacker"] is not SupplyState.EMPTY
    card = next(f for f in technician.report().functions if f.function == "card_issuance")
    assert "no_cards" not in card.reasons
    (rec,) = records(runtime, "technician.replenish")
    assert rec == {"supply": "cards", "count": 40, "who": "T-1"}


@pytest.mark.parametrize("count", [0, -3, None, 10_001, True])
def test_replenish_refuses_a_bad_count(technician: TechnicianService, count: Any) -> None:
    with pytest.raises(TechnicianError, match="how many cards"):
        technician.replenish("cards", count, who="T-1")


def test_bin_emptied_resets_the_count_and_flags_a_mismatch(
        runtime: Any, technician: TechnicianService) -> None:
    technician.self_test("card_dispenser", who="T-1")
    held = technician.counters().cards["retained"]
    assert held >= 1
    counters = technician.empty_bin(held + 2, who="T-1")
    assert counters.cards["retained"] == 0
    (rec,) = records(runtime, "technician.bin_emptied")
    assert rec["expected"] == held and rec["removed"] == held + 2 and rec["mismatch"]


def test_paper_replaced_is_journalled(runtime: Any, technician: TechnicianService) -> None:
    sim = runtime.devices["printer"].simulator
    sim.inject("paper-out")
    runtime.devices["printer"].refresh_status().result(timeout=5)
    assert runtime.devices["printer"].status.supplies["paper"] is SupplyState.OUT
    technician.replenish("paper", None, who="T-1")
    assert runtime.devices["printer"].status.supplies["paper"] is SupplyState.FULL
    assert records(runtime, "technician.replenish")[0]["supply"] == "paper"


def test_function_and_whole_kiosk_out_and_back_survive_a_restart(
        runtime: Any, technician: TechnicianService, tech_config: Any) -> None:
    report = technician.set_service(False, "card_issuance", who="T-1", reason="new firmware")
    card = next(f for f in report.functions if f.function == "card_issuance")
    assert not card.available and "out_of_service" in card.reasons
    assert report.in_service  # the rest goes on
    report = technician.set_service(False, "*", who="T-1", reason="maintenance")
    assert not report.in_service
    assert {o.function for o in report.overrides} == {"card_issuance", "*"}
    outs = records(runtime, "technician.service_out")
    assert [(r["function"], r["who"]) for r in outs] == [("card_issuance", "T-1"), ("*", "T-1")]
    # A restart keeps the kiosk closed.
    from technician_support import FUNCTIONS

    from devices.registry import create_device
    from kiosk_core.runtime import KioskRuntime

    runtime.stop()
    again = KioskRuntime(tech_config, device_factory=create_device)
    again.start(wait_devices=True)
    try:
        again.declare_functions(FUNCTIONS)
        assert not again.service.in_service and "*" in again.out_of_service
        svc = TechnicianService(again)
        try:
            assert svc.set_service(True, "*", who="T-1").in_service
            svc.set_service(True, "card_issuance", who="T-1")
            assert not again.out_of_service
        finally:
            svc.close()
    finally:
        again.stop()


def test_unknown_function_is_refused(technician: TechnicianService) -> None:
    with pytest.raises(TechnicianError, match="no function 'loans'"):
        technician.set_service(False, "loans", who="T-1")


def test_export_writes_a_verifiable_journal_copy_and_masked_config(
        runtime: Any, technician: TechnicianService, tmp_path: Path) -> None:
    out = tmp_path / "export"
    report = technician.export(out, who="T-1")
    assert set(report.files) >= {"journal.sqlite", "journal_verify.json", "status.json",
                                 "counters.json", "logs.txt", "config.json"}
    assert verify_file(out / "journal.sqlite").ok
    config = (out / "config.json").read_text()
    assert "demo-webhook-secret" not in config and "258013" not in config
    assert records(runtime, "technician.export")[0]["who"] == "T-1"
    with pytest.raises(TechnicianError, match="not empty"):
        technician.export(out, who="T-1")


def test_journal_verify(technician: TechnicianService) -> None:
    result = technician.journal_verify()
    assert result.ok and result.count > 0


def test_mask_secrets() -> None:
    cfg = {"sync": {"api_token": "abc", "webhook_secret": "s", "token_file": "t.token",
                    "url": "http://u:pw@host/x"},
           "devices": {"pinpad": {"url": "sim://pinpad?ceremony=true&pin=258013"}},
           "technician": {"technicians": [{"id": "T", "pin_hash": "scrypt$1"}]}}
    m = mask_secrets(cfg)
    assert m["sync"]["api_token"] == MASK and m["sync"]["webhook_secret"] == MASK
    assert m["sync"]["token_file"] == "t.token"  # where, not what
    assert "pw" not in m["sync"]["url"]
    assert m["devices"]["pinpad"]["url"] == f"sim://pinpad?ceremony=true&pin={MASK}"
    assert m["technician"]["technicians"][0]["pin_hash"] == MASK


def test_focus_value_tells_sharp_from_blurred() -> None:
    import numpy as np

    rng = np.random.default_rng(0)
    sharp = rng.integers(0, 255, (120, 160, 3), np.uint8)
    flat = np.full((120, 160, 3), 128, np.uint8)
    assert focus_value(sharp) > 1000 > focus_value(flat) == 0.0
