"""What a job left on the paper after a fault, told truthfully: the real driver against the
simulator over real links. Each mid-job fault → the typed outcome and reason, the
simulator's page (whole or a stub, cut or not), the job store (a whole page is never kept
for reprint; a stub's job is kept, marked partial) and the reprint after clearing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from devices.base import DeviceError
from devices.printer.driver import ReceiptPrinter, create
from devices.printer.jobkey import load_or_create_key
from devices.printer.jobs import JobStore
from devices.printer.outcomes import PrintReason, PrintResult, after_stop, reason_of
from devices.printer.rtstatus import PrinterCondition
from devices.printer.settings import PrinterSettings
from devices.printer.simulator import PrinterSimulator, SimulatorError
from kiosk_core.status import DeviceState, MediaState
from receipts.printing import outcome_record, render_for
from receipts.samples import SAMPLES

Opener = Callable[..., ReceiptPrinter]


@pytest.fixture
def open_printer(tmp_path: Path, closing: Callable[[Any], Any]) -> Opener:
    def opener(url: str = "sim://printer", **kw: Any) -> ReceiptPrinter:
        settings = PrinterSettings(url=url, status_poll_s=0, timeout_s=kw.pop("timeout_s", 5),
                                   **kw)
        printer = closing(create("printer", settings, data_dir=tmp_path))
        assert isinstance(printer, ReceiptPrinter)
        printer.start().result(timeout=10)
        return printer

    return opener


def _card(printer: ReceiptPrinter, lang: str = "en_US") -> Any:
    return render_for(printer, "card_issuance", lang, SAMPLES["card_issuance"][lang])


MID_JOB = [
    ("paper-out", PrintReason.PAPER_OUT, "paper out"),
    ("cover-open", PrintReason.COVER_OPEN, "cover open"),
    ("offline", PrintReason.OFFLINE, "offline"),
    ("unrecoverable", PrintReason.UNRECOVERABLE, "unrecoverable error"),
    ("disconnect", PrintReason.DISCONNECTED, "connection lost"),
]


@pytest.mark.parametrize("link", ["tcp", "pty"])
@pytest.mark.parametrize(("fault", "reason", "page_reason"), MID_JOB)
def test_a_stop_part_way_is_partial_kept_marked_and_reprinted_whole(
        open_printer: Opener, link: str, fault: str, reason: PrintReason,
        page_reason: str) -> None:
    printer = open_printer(f"sim://printer?link={link}&faults={fault}@mid-job")
    sim = printer.simulator
    receipt = _card(printer)
    outcome = printer.print_receipt(receipt).result(timeout=15)

    if fault == "disconnect" and link == "pty":
        # A serial line cannot tell a dropped line from a slow printer: the job is never
        # confirmed, which is as much as the driver knows.
        reason = PrintReason.TIMEOUT
    assert (outcome.result, outcome.reason) == (PrintResult.PARTIAL, reason)
    assert not outcome.printed and not outcome.cut and outcome.kept
    assert outcome.error and outcome.reason_text
    # What the customer finds at the slot: a stub, not cut, with the start of the receipt.
    [page] = sim.pages
    assert (page.complete, page.cut, page.state) == (False, False, "partial")
    assert page.page.reason == page_reason
    assert 0 < len(page.page.texts) < len(receipt.lines)
    assert page.page.texts == receipt.lines[:len(page.page.texts)]
    # Kept for reprint, marked as a stub, with the on-screen copy.
    [kept] = printer.pending_jobs()
    assert kept.id == outcome.job_id and kept.state == "failed"
    assert (kept.outcome, kept.reason) == ("partial", str(reason))
    assert outcome.alternative is not None and outcome.alternative.job_id == outcome.job_id
    assert printer.status.counters["jobs_failed"] == 1
    record = outcome.record()
    assert record == {"job": outcome.job_id, "printed": False, "outcome": "partial",
                      "reason": str(reason), "reason_text": outcome.reason_text,
                      "detail": outcome.error}

    sim.clear(fault)
    again = printer.reprint(outcome.job_id).result(timeout=15)
    assert (again.result, again.reason, again.error) == (PrintResult.PRINTED, PrintReason.NONE,
                                                         "")
    assert again.alternative is None
    last = sim.pages[-1]
    assert (last.complete, last.cut, last.state) == (True, True, "cut")
    assert last.page.texts == receipt.lines
    assert printer.pending_jobs() == []


@pytest.mark.parametrize("link", ["tcp", "pty"])
def test_a_cutter_jam_is_printed_not_cut_and_never_kept(open_printer: Opener,
                                                        link: str) -> None:
    printer = open_printer(f"sim://printer?link={link}&faults=cutter-error")
    sim = printer.simulator
    receipt = _card(printer, "zh_CN")
    outcome = printer.print_receipt(receipt).result(timeout=15)

    assert (outcome.result, outcome.reason) == (PrintResult.PRINTED_NOT_CUT, PrintReason.CUTTER)
    assert outcome.printed and not outcome.cut and not outcome.kept
    assert outcome.alternative is None  # the customer has it: no screen copy, no duplicate
    assert "cutter" in outcome.error
    [page] = sim.pages
    assert (page.complete, page.cut, page.state) == (True, False, "not cut")
    assert page.describe() == "complete, not cut: cutter error"
    assert page.page.texts == receipt.lines  # the whole receipt, hanging uncut
    assert printer.pending_jobs() == []
    st = printer.status
    assert (st.device, st.media, st.error_code) == (
        DeviceState.HARDWARE_ERROR, MediaState.JAMMED, "cutterError")
    assert st.counters["jobs_printed"] == 1 and st.counters["jobs_not_cut"] == 1
    assert st.counters.get("jobs_failed", 0) == 0
    assert outcome.record()["outcome"] == "printed_not_cut"
    assert outcome.record()["printed"] is True

    # While jammed nothing more is printed (and nothing half-printed).
    blocked = printer.print_receipt(receipt).result(timeout=15)
    assert (blocked.result, blocked.reason) == (PrintResult.NOT_PRINTED, PrintReason.CUTTER)
    assert len(sim.pages) == 1
    # Jam cleared: DLE ENQ recovers the printer and the kept job prints and cuts.
    sim.clear("cutter-error")
    again = printer.reprint(blocked.job_id).result(timeout=15)
    assert again.result is PrintResult.PRINTED
    assert sim.pages[-1].state == "cut" and printer.pending_jobs() == []


def test_paper_out_after_a_few_lines_leaves_just_those_lines(open_printer: Opener) -> None:
    printer = open_printer()
    sim = printer.simulator
    receipt = _card(printer)
    first = printer.print_receipt(receipt).result(timeout=15)
    assert first.result is PrintResult.PRINTED
    full = sim.pages[-1].page.image.height
    sim.inject("paper-out", at_dots=full // 2)
    outcome = printer.print_receipt(receipt).result(timeout=15)
    assert (outcome.result, outcome.reason) == (PrintResult.PARTIAL, PrintReason.PAPER_OUT)
    stub = sim.pages[-1]
    assert stub.state == "partial" and stub.page.image.height < full
    assert 0 < len(stub.page.texts) < len(receipt.lines)
    assert [j.outcome for j in printer.pending_jobs()] == ["partial"]


@pytest.mark.parametrize(("fault", "reason"), [
    ("cover-open", PrintReason.COVER_OPEN), ("paper-out", PrintReason.PAPER_OUT),
    ("offline", PrintReason.OFFLINE), ("unrecoverable", PrintReason.UNRECOVERABLE)])
def test_a_printer_down_before_the_job_prints_nothing(open_printer: Opener, fault: str,
                                                      reason: PrintReason) -> None:
    printer = open_printer(f"sim://printer?faults={fault}")
    outcome = printer.print_receipt(_card(printer)).result(timeout=15)
    assert (outcome.result, outcome.reason) == (PrintResult.NOT_PRINTED, reason)
    assert outcome.kept and outcome.alternative is not None
    assert printer.simulator.pages == []
    [kept] = printer.pending_jobs()
    assert (kept.outcome, kept.reason) == ("not_printed", str(reason))


def test_a_printer_that_cannot_be_reached_prints_nothing(tmp_path: Path,
                                                         closing: Callable[[Any], Any]) -> None:
    settings = PrinterSettings(url="tcp://127.0.0.1:9", status_poll_s=0, timeout_s=1)
    printer = closing(create("printer", settings, data_dir=tmp_path))
    with pytest.raises(DeviceError):
        printer.start().result(timeout=10)
    outcome = printer.print_receipt(_card(printer)).result(timeout=15)
    assert (outcome.result, outcome.reason) == (PrintResult.NOT_PRINTED, PrintReason.OFFLINE)
    assert outcome.kept and len(printer.pending_jobs()) == 1


def test_a_job_cut_off_by_a_power_cut_is_marked_partial(tmp_path: Path,
                                                        open_printer: Opener) -> None:
    printer = open_printer("sim://printer?faults=cover-open")
    outcome = printer.print_receipt(_card(printer)).result(timeout=15)
    printer.close()
    store = JobStore(tmp_path / "printer-jobs",
                     key=load_or_create_key(tmp_path / "secrets" / "print-jobs.key"))
    job = store.get(outcome.job_id)
    job.state = "sending"
    store.save(job)
    again = open_printer("sim://printer")
    [kept] = again.pending_jobs()
    assert (kept.state, kept.outcome, kept.reason) == ("failed", "partial", "interrupted")


# -- the model, without a printer ------------------------------------------------------------


def test_after_stop_reads_the_paper_from_the_status() -> None:
    assert after_stop(PrinterCondition(error=True, cutter_error=True, offline=True)) == (
        PrintResult.PRINTED_NOT_CUT, PrintReason.CUTTER)
    assert after_stop(PrinterCondition(offline=True, paper_end=True,
                                       stopped_paper_end=True)) == (
        PrintResult.PARTIAL, PrintReason.PAPER_OUT)
    assert after_stop(PrinterCondition(offline=True, cover_open=True)) == (
        PrintResult.PARTIAL, PrintReason.COVER_OPEN)
    assert after_stop(None) == (PrintResult.PARTIAL, PrintReason.NO_STATUS)
    assert after_stop(PrinterCondition()) == (PrintResult.PARTIAL, PrintReason.TIMEOUT)
    assert reason_of(PrinterCondition(paper_near_end=True)) is PrintReason.NONE
    assert [r.on_paper for r in PrintResult] == [True, True, False, False]


def test_a_record_without_an_outcome() -> None:
    assert outcome_record(reason=PrintReason.NO_PRINTER, detail="no printer") == {
        "job": "", "printed": False, "outcome": "not_printed", "reason": "no_printer",
        "reason_text": "this kiosk has no printer", "detail": "no printer"}


def test_simulator_refuses_a_strike_before_the_paper() -> None:
    with pytest.raises(SimulatorError):
        PrinterSimulator().inject("paper-out", at_dots=0)
