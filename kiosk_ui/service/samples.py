"""Service-mode states for ``kiosk screens`` (docs/screens/service-*.png) and view tests.

Reports in the shapes technician.api returns, put through kiosk_ui.service.views like the
real ones. The printer's test page is drawn by the same ESC/POS renderer the printer
simulator uses, from the real ``test_page`` template; the camera snapshot is the stand-in
portrait with its focus measured as the camera self-test measures it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kiosk_core.config import CoreConfig
from kiosk_ui.service import views
from technician.api import (
    Counters,
    DeviceReport,
    ExportReport,
    FunctionReport,
    KioskReport,
    LinkReport,
    SelfTestReport,
    ServiceOverride,
    VerifyReport,
)

TECHNICIAN = ("t.li", "Li Wei")
AT = "2026-11-23T01:30:05+00:00"  # 09:30 in the branch


def devices(paper: str = "low") -> tuple[DeviceReport, ...]:
    return (
        DeviceReport("card_dispenser", "sim://card-dispenser?cards=50", False, "online",
                     "notPresent", {"stacker": "low", "bin": "ok"}, "CRT-591 V2.13",
                     "", "card jammed in the transport", "E31",
                     "2026-11-23T00:47:12+00:00"),
        DeviceReport("printer", "sim://printer?out=receipts", False, "online", "notSupported",
                     {"paper": paper}, "TM-T88V 30.21 ESC/POS", "paper near end", "", "", ""),
        DeviceReport("camera", "sim://camera?scene=customer", False, "online", "notSupported",
                     {}, "", "", "", "", ""),
        DeviceReport("pinpad", "sim://pinpad?ceremony=true&pin=••••", False, "hardwareError",
                     "notSupported", {}, "EPP-8000 4.02", "no answer on the line",
                     "no answer on the line", "TIMEOUT", "2026-11-23T01:21:40+00:00"),
    )


def report(*, card_out: bool = False, whole_out: bool = False) -> KioskReport:
    overrides = []
    if card_out:
        overrides.append(ServiceOverride("card", TECHNICIAN[0], "supplies",
                                         "2026-11-23T01:28:00+00:00"))
    if whole_out:
        overrides.append(ServiceOverride("*", TECHNICIAN[0], "maintenance",
                                         "2026-11-23T01:29:00+00:00"))
    out = ("out_of_service",) if card_out or whole_out else ()
    card_reasons = (*out, "pinpad_down")
    functions = (
        FunctionReport("card", False, card_reasons),
        FunctionReport("checkin", not whole_out, out if whole_out else (), ("printer",)),
        FunctionReport("teller", not whole_out, out if whole_out else ()),
    )
    return KioskReport(
        "KIOSK-DEMO-01", "Demo Branch", not whole_out, ("*",) if whole_out else (),
        ("pinpad",), functions, devices(),
        (LinkReport("bank", True), LinkReport("hub", True),
         LinkReport("sync", False, "last sync 2026-11-23T01:12:00Z; error: connection refused")),
        tuple(overrides), AT)


def test_page_png(path: Path, language: str = "en_US") -> Path:
    """The printer's test page as the simulator draws it."""
    from receipts.link_server import render_job_png
    from receipts.samples import SAMPLES
    from receipts.templates import render_receipt

    values = SAMPLES["test_page"][language]
    job = render_receipt("test_page", language, values)
    path.write_bytes(render_job_png(job.data))
    return path


def snapshot_png(path: Path) -> tuple[Path, float]:
    from PIL import Image

    from kiosk_ui.screens import portrait
    from technician.service import focus_value

    image = portrait(640, 480)
    Image.fromarray(image).save(path)
    return path, round(focus_value(image), 1)


def self_tests(artifacts: Path) -> dict[str, Any]:
    artifacts.mkdir(parents=True, exist_ok=True)
    page = test_page_png(artifacts / "printer-test-page.png")
    snap, focus = snapshot_png(artifacts / "camera-snapshot.png")
    tz = "Asia/Shanghai"
    return {
        "card_dispenser": views.self_test_view(SelfTestReport(
            "card_dispenser", True, {"feed": "ok", "to bin": "ok", "bin count": "ok",
                                     "state": "ok"}, values={"bin": 4.0}, at=AT), tz),
        "printer": views.self_test_view(SelfTestReport(
            "printer", True, {"printed": "ok", "cut": "ok"}, artifact=page, at=AT), tz),
        "camera": views.self_test_view(SelfTestReport(
            "camera", True, {"picture": "ok", "focus": "ok", "light": "ok"}, artifact=snap,
            values={"focus": focus, "luminance": 171.4}, at=AT), tz),
        "pinpad": views.self_test_error("pinpad", "the PIN pad does not answer (TIMEOUT)"),
    }


def counters() -> Counters:
    return Counters(
        cards={"dispensed": 212, "presented": 208, "taken": 205, "retracted": 3,
               "captured": 4, "retained": 7, "stacker_loaded": 100,
               "dispensed_since_load": 88, "retained_source": "device",
               "last_mismatch": None, "updated": "2026-11-23T01:20:31+00:00",
               "stacker_remaining": 12},
        paper={"receipts_printed": 1480, "receipts_since_replaced": 236,
               "replaced_at": "2026-11-20T02:05:00+00:00"},
        transactions={"card_issuance": {"completed": 41, "failed": 2, "cancelled": 5},
                      "checkin": {"completed": 133, "failed": 1}},
        faults={"card_dispenser": 1, "pinpad": 2})


LOG = """\
2026-11-23 09:12:00 WARNING o2o_sync.sync: sync failed: connection refused (retry in 30 s)
2026-11-23 09:18:44 INFO    customer_flows.card_session: flow card-7f3a completed
2026-11-23 09:20:31 INFO    devices.card_dispenser.driver: stacker low (12 cards by our count)
2026-11-23 09:21:40 ERROR   devices.pinpad.driver: pinpad: no answer on the line (TIMEOUT)
2026-11-23 09:21:41 INFO    kiosk_core.runtime: card issuance not offered: pinpad_down
2026-11-23 09:25:02 INFO    devices.printer.driver: paper near end
2026-11-23 09:28:57 INFO    kiosk_ui.service.model: service mode: t.li signed in
2026-11-23 09:29:20 INFO    technician.service: self-test card_dispenser: ok
2026-11-23 09:29:33 INFO    technician.service: self-test printer: ok"""


def states(config: CoreConfig, artifacts: Path) -> dict[str, tuple[str, dict[str, Any]]]:
    """Shot name -> (page, ServiceModeModel.show_state data)."""
    tz = config.kiosk.timezone
    who = {"technician": TECHNICIAN}
    rep = views.report_view(report(), tz)
    from technician.service import mask_secrets

    masked = mask_secrets(config.model_dump(mode="json"))
    export_dir = config.storage.data_dir / "exports" / "20261123T013140Z"  # as configured
    return {
        "service-pin": ("pin", {"digits": 3}),
        "service-pin-wrong": ("pin", {"message": "wrong_pin", "failures_left": 2}),
        "service-pin-locked": ("pin", {"locked_for": 582.0}),
        "service-overview": ("overview", {**who, "report": rep}),
        "service-selftests": ("selftests", {**who, "report": rep,
                                            "self_tests": self_tests(artifacts)}),
        "service-selftests-camera": ("selftests", {
            **who, "report": rep, "self_tests": self_tests(artifacts),
            "scroll_to_end": "serviceSelfTests"}),
        "service-supplies": ("supplies", {
            **who, "counters": views.counters_view(counters(), tz),
            "notice": {"ok": True, "code": "paper_replaced", "arg": "", "text": ""}}),
        "service-logs": ("logs", {
            **who, "log_text": LOG, "verify": views.verify_view(VerifyReport(True, 18342)),
            "export": views.export_view(ExportReport(export_dir, (
                "journal.sqlite", "journal_verify.json", "status.json", "counters.json",
                "logs.txt", "config.json"))),
            "notice": {"ok": True, "code": "exported", "arg": str(export_dir), "text": ""}}),
        "service-config": ("config", {**who, "config_text": views.config_text(masked)}),
        "service-inout": ("service", {
            **who, "report": views.report_view(report(card_out=True), tz),
            "notice": {"ok": True, "code": "service_out", "arg": "card", "text": ""}}),
        "service-refused": ("selftests", {
            **who, "report": rep, "self_tests": {"card_dispenser": views.self_test_error(
                "card_dispenser", "a customer transaction is open (card-7f3a)")},
            "notice": {"ok": False, "code": "refused", "arg": "",
                       "text": "a customer transaction is open (card-7f3a): a test card now "
                               "would take the customer's card"}}),
    }
