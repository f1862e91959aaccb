"""The driver against the simulator over real links: status, faults mid-job, kept jobs, reprint."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from qr_images import opencv_qrs, zxing_qrs

from devices.base import DeviceError
from devices.printer.driver import ReceiptPrinter, create
from devices.printer.jobkey import load_or_create_key
from devices.printer.jobs import JobNotFound, JobStore
from devices.printer.rtstatus import QUERY_ALL
from devices.printer.settings import PrinterSettings
from kiosk_core.status import DeviceState, MediaState, SupplyState
from receipts.printing import print_template, print_test_page, render_for
from receipts.samples import SAMPLES

Opener = Callable[..., ReceiptPrinter]


@pytest.fixture
def open_printer(tmp_path: Path, closing: Callable[[Any], Any]) -> Opener:
    def opener(url: str = "sim://printer", **kw: Any) -> ReceiptPrinter:
        settings = PrinterSettings(url=url, status_poll_s=kw.pop("status_poll_s", 0),
                                   timeout_s=kw.pop("timeout_s", 5), **kw)
        printer = closing(create("printer", settings, data_dir=tmp_path))
        assert isinstance(printer, ReceiptPrinter)
        printer.start().result(timeout=10)
        return printer

    return opener


def _card(printer: ReceiptPrinter, lang: str = "en_US") -> Any:
    return render_for(printer, "card_issuance", lang, SAMPLES["card_issuance"][lang])


@pytest.mark.parametrize("link", ["tcp", "pty"])
def test_prints_a_receipt_that_matches_what_was_sent(open_printer: Opener, link: str) -> None:
    printer = open_printer(f"sim://printer?link={link}")
    assert printer.status.device == DeviceState.ONLINE
    assert printer.status.supplies["paper"] == SupplyState.FULL
    receipt = _card(printer, "zh_CN")
    outcome = printer.print_receipt(receipt).result(timeout=10)
    assert outcome.printed and outcome.alternative is None
    page = printer.simulator.pages[-1].page
    assert page.complete
    assert page.texts == receipt.lines
    assert zxing_qrs(page.image) == opencv_qrs(page.image) == receipt.qr_payloads
    assert printer.pending_jobs() == []
    assert printer.status.counters["jobs_printed"] == 1


FAULTS = [
    ("paper-out", DeviceState.USER_ERROR, SupplyState.OUT, MediaState.NOT_PRESENT, "paperOut"),
    ("cover-open", DeviceState.USER_ERROR, SupplyState.FULL, MediaState.PRESENT, "coverOpen"),
    ("offline", DeviceState.OFFLINE, SupplyState.FULL, MediaState.PRESENT, "offline"),
    ("unrecoverable", DeviceState.HARDWARE_ERROR, SupplyState.FULL, MediaState.PRESENT,
     "unrecoverable"),
    # cutter-error: the whole receipt comes out uncut, nothing kept (test_print_outcomes.py)
]


@pytest.mark.parametrize("link", ["tcp", "pty"])
@pytest.mark.parametrize(("fault", "state", "paper", "media", "code"), FAULTS)
def test_fault_mid_job_keeps_the_job_and_reprint_works_after_clearing(
        open_printer: Opener, link: str, fault: str, state: DeviceState, paper: SupplyState,
        media: MediaState, code: str) -> None:
    printer = open_printer(f"sim://printer?link={link}&faults={fault}@mid-job")
    receipt = _card(printer)
    outcome = printer.print_receipt(receipt).result(timeout=10)

    assert not outcome.printed
    st = printer.status
    assert (st.device, st.supplies["paper"], st.media, st.error_code) == (state, paper, media, code)
    assert st.detail and outcome.error == st.detail
    sim = printer.simulator
    assert not sim.pages[-1].page.complete  # half a receipt came out
    kept = printer.pending_jobs()
    assert [j.id for j in kept] == [outcome.job_id] and kept[0].state == "failed"
    # The flow can show the receipt on screen instead.
    alt = outcome.alternative
    assert alt is not None and alt.job_id == outcome.job_id and alt.token
    assert "6222 **** **** 0123" in alt.text

    sim.clear(fault)
    again = printer.reprint(outcome.job_id).result(timeout=10)
    assert again.printed, again.error
    assert printer.status.device == DeviceState.ONLINE
    page = sim.pages[-1].page
    assert page.complete and page.texts == receipt.lines
    assert printer.pending_jobs() == []


@pytest.mark.parametrize("fault", ["cover-open", "paper-out", "offline"])
def test_printer_down_before_the_job_sends_nothing_and_keeps_it(open_printer: Opener,
                                                                fault: str) -> None:
    printer = open_printer(f"sim://printer?faults={fault}")
    assert not printer.can_print
    before = printer.simulator.bytes_received
    outcome = printer.print_receipt(_card(printer)).result(timeout=10)
    assert not outcome.printed and outcome.alternative is not None
    assert printer.simulator.bytes_received - before == len(QUERY_ALL)  # only the status query
    assert printer.simulator.pages == []
    assert len(printer.pending_jobs()) == 1


def test_paper_near_end_warns_but_keeps_printing(open_printer: Opener,
                                                caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        printer = open_printer("sim://printer?paper=near-end")
    st = printer.status
    assert (st.device, st.supplies["paper"], st.error_code) == (
        DeviceState.ONLINE, SupplyState.LOW, "paperLow")
    assert "paper near end" in st.detail
    assert any("paper near end" in r.getMessage() for r in caplog.records)
    assert printer.print_receipt(_card(printer)).result(timeout=10).printed


def test_kept_jobs_survive_a_restart(tmp_path: Path, open_printer: Opener,
                                     closing: Callable[[Any], Any]) -> None:
    printer = open_printer("sim://printer?faults=cover-open")
    outcome = printer.print_receipt(_card(printer)).result(timeout=10)
    printer.close()
    # A job the power cut caught while sending is reported as failed, not lost.
    store = JobStore(tmp_path / "printer-jobs",
                     key=load_or_create_key(tmp_path / "secrets" / "print-jobs.key"))
    job = store.get(outcome.job_id)
    job.state = "sending"
    store.save(job)

    again = open_printer("sim://printer")
    kept = again.pending_jobs()
    assert [j.id for j in kept] == [outcome.job_id]
    assert kept[0].state == "failed" and "interrupted" in kept[0].error
    assert again.reprint(outcome.job_id).result(timeout=10).printed
    assert again.pending_jobs() == []


def test_reprint_of_an_unknown_job_is_refused(open_printer: Opener) -> None:
    printer = open_printer()
    with pytest.raises(JobNotFound):
        printer.reprint("20260101T000000-deadbeef")
    with pytest.raises(JobNotFound):
        printer.reprint("../../etc/passwd")


def test_file_transport_writes_exact_bytes(tmp_path: Path, open_printer: Opener) -> None:
    out = tmp_path / "lp0"
    printer = open_printer(f"file://{out}")
    assert printer.status.supplies["paper"] == SupplyState.UNKNOWN
    receipt = _card(printer)
    assert printer.print_receipt(receipt).result(timeout=10).printed
    printer.close()
    assert out.read_bytes() == receipt.data


def test_unreachable_printer_reports_and_keeps_jobs(tmp_path: Path,
                                                    closing: Callable[[Any], Any]) -> None:
    settings = PrinterSettings(url="tcp://127.0.0.1:9", status_poll_s=0, timeout_s=1)
    printer = closing(create("printer", settings, data_dir=tmp_path))
    with pytest.raises(DeviceError):
        printer.start().result(timeout=10)
    assert printer.status.device == DeviceState.NO_DEVICE
    outcome = print_template(printer, "queue_ticket", "zh_CN",
                                     SAMPLES["queue_ticket"]["zh_CN"]).result(timeout=10)
    assert not outcome.printed and "cannot open" in outcome.error
    assert len(printer.pending_jobs()) == 1
    alt = outcome.alternative
    assert alt is not None and "A023" in alt.text and alt.job_id == outcome.job_id


def test_printer_that_goes_silent_is_offline_and_job_kept(open_printer: Opener) -> None:
    printer = open_printer("sim://printer", status_timeout_s=0.3)
    link = printer._transport.link  # type: ignore[union-attr]
    assert link is not None
    link.stop()  # the printer is switched off
    outcome = printer.print_receipt(_card(printer)).result(timeout=10)
    assert not outcome.printed
    assert printer.status.device in (DeviceState.OFFLINE, DeviceState.NO_DEVICE)
    assert len(printer.pending_jobs()) == 1


def test_status_poll_notices_a_fault_without_a_job(open_printer: Opener) -> None:
    printer = open_printer("sim://printer", status_poll_s=0.05)
    events: list[str] = []
    printer.subscribe(lambda e: events.append(str(e.current.device)))
    printer.simulator.inject("cover-open")
    deadline = time.monotonic() + 5
    while printer.status.device != DeviceState.USER_ERROR and time.monotonic() < deadline:
        time.sleep(0.02)
    assert printer.status.error_code == "coverOpen"
    assert "userError" in events


def test_test_page_and_self_test(open_printer: Opener) -> None:
    printer = open_printer()
    outcome = print_test_page(printer, "zh_CN", kiosk_id="KIOSK-T").result(timeout=10)
    assert outcome.printed
    page = printer.simulator.pages[-1].page
    assert "打印机测试页" in page.texts[0]
    assert zxing_qrs(page.image) == opencv_qrs(page.image) == ["smartbranch test page printer"]
    result = printer.self_test().result(timeout=10)
    assert result.ok and result.checks["paper"] == "full"


def test_jobs_on_disk_hold_no_full_card_number(tmp_path: Path, open_printer: Opener) -> None:
    printer = open_printer("sim://printer?faults=cover-open")
    printer.print_receipt(_card(printer)).result(timeout=10)
    for f in (tmp_path / "printer-jobs").iterdir():
        assert b"6222021234567890123" not in f.read_bytes()
        if f.suffix == ".json":
            assert json.loads(f.read_text("utf-8"))["state"] == "failed"


def test_printer_switched_on_after_the_kiosk_is_found_by_the_poll(
        tmp_path: Path, closing: Callable[[Any], Any]) -> None:
    from devices.printer.simulator import PrinterSimulator
    from devices.simlink import TcpLink

    sim = PrinterSimulator()
    link = TcpLink(sim, scheme="tcp")  # port reserved, not accepting yet
    settings = PrinterSettings(url=link.url, status_poll_s=0.05, timeout_s=1)
    printer = closing(create("printer", settings, data_dir=tmp_path))
    closing(link)
    # Nothing accepts connections until the link thread runs: a connect still succeeds
    # (backlog) but no status comes back, so the printer is not usable yet.
    try:
        printer.start().result(timeout=10)
    except DeviceError:
        pass
    assert printer.status.device != DeviceState.ONLINE
    link.start()  # the printer is switched on
    deadline = time.monotonic() + 10
    while printer.status.device != DeviceState.ONLINE and time.monotonic() < deadline:
        time.sleep(0.02)
    assert printer.status.device == DeviceState.ONLINE
    assert print_template(printer, "queue_ticket", "en_US",
                                  SAMPLES["queue_ticket"]["en_US"]).result(timeout=10).printed


def test_relative_jobs_dir_without_data_dir_is_an_error(monkeypatch) -> None:
    """No hidden KIOSK_DATA_DIR / cwd fallback: the data dir must be passed."""
    from devices.printer.driver import jobs_dir_for
    from devices.printer.settings import PrinterSettings

    monkeypatch.setenv("KIOSK_DATA_DIR", "/should/not/be/used")
    settings = PrinterSettings(url="sim://printer")
    with pytest.raises(ValueError, match="no data_dir"):
        jobs_dir_for(settings, None)
    assert jobs_dir_for(settings, "/data") == Path("/data") / settings.jobs_dir


def test_driver_satisfies_receipt_printer_api(tmp_path) -> None:
    from devices.printer.api import ReceiptPrinterAPI
    from devices.printer.driver import ReceiptPrinter
    from devices.printer.settings import PrinterSettings

    printer: ReceiptPrinterAPI = ReceiptPrinter("p", PrinterSettings(url="sim://printer"),
                                                data_dir=tmp_path)
    assert printer.name == "p"


@pytest.mark.parametrize("link", ["tcp", "pty"])
def test_a_job_that_prints_longer_than_the_status_time_out_is_printed(
        open_printer: Opener, link: str) -> None:
    """A slow print head (or a loaded machine rendering the page): the printer answers the
    driver's DLE EOT queries while the job is still in its buffer, so a job that takes
    several status time-outs to come out is reported printed, not a dropped line."""
    printer = open_printer(f"sim://printer?link={link}&speed=40", status_timeout_s=0.3)
    receipt = _card(printer)
    t0 = time.monotonic()
    outcome = printer.print_receipt(receipt).result(timeout=15)
    took = time.monotonic() - t0
    assert outcome.printed, outcome
    page = printer.simulator.pages[-1].page
    assert page.complete and page.cut and page.texts == receipt.lines
    # The paper really fed at 40 mm/s: a card receipt is well over 8 cm, so > 2 s; many
    # times the 0.3 s status time-out the driver waited each time it asked.
    assert took > 2.0
    assert printer.status.device == DeviceState.ONLINE


def test_paper_out_part_way_through_a_slow_job_is_a_stub(open_printer: Opener) -> None:
    printer = open_printer("sim://printer?speed=60&faults=paper-out@mid-job",
                           status_timeout_s=0.3)
    outcome = printer.print_receipt(_card(printer)).result(timeout=15)
    assert not outcome.printed and str(outcome.result) == "partial", outcome
    assert str(outcome.reason) == "paper_out"
    assert printer.status.supplies["paper"] == SupplyState.OUT
    assert len(printer.pending_jobs()) == 1


@pytest.mark.parametrize("value", ["-1", "fast", "nan"])
def test_a_bad_print_speed_is_refused_naming_the_option(value: str) -> None:
    from devices.printer.transport import open_transport
    from devices.urls import DeviceURLError

    with pytest.raises(DeviceURLError, match="speed"):
        open_transport(f"sim://printer?speed={value}", profile="TM-T88V", timeout=1)
