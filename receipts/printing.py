"""Templates onto a printer: the one place that turns (template, language, values) into a
job for a :class:`devices.printer.api.ReceiptPrinterAPI` (laid out for its code page and
paper width) and hands it over. The driver only sends bytes and keeps the job until it prints.
"""

from __future__ import annotations

from concurrent.futures import Future
from datetime import datetime
from typing import TYPE_CHECKING, Any

from devices.printer.api import ReceiptPrinterAPI
from devices.printer.outcomes import REASON_WORDS, PrintReason, PrintResult
from receipts.templates import Receipt, render_receipt

if TYPE_CHECKING:
    from devices.printer.driver import PrintOutcome


def render_for(printer: ReceiptPrinterAPI, template: str, lang: str,
               values: dict[str, Any]) -> Receipt:
    """``template`` rendered for ``printer`` (its code page, paper width and columns)."""
    width_dots, columns = printer.geometry
    return render_receipt(template, lang, values, code_page=printer.settings.code_page,
                          columns=columns, width_dots=width_dots)


def print_template(printer: ReceiptPrinterAPI, template: str, lang: str,
                   values: dict[str, Any]) -> Future[PrintOutcome]:
    """Render and print; the future never loses the job (see ReceiptPrinter.print_receipt)."""
    return printer.print_receipt(render_for(printer, template, lang, values))


def outcome_record(outcome: PrintOutcome | None = None, *, job: str = "",
                   result: PrintResult = PrintResult.NOT_PRINTED,
                   reason: PrintReason = PrintReason.FAILED, detail: str = "") -> dict[str, Any]:
    """What a journal record says about one print: the job, whether the customer has it
    (``printed``), the outcome (printed, printed_not_cut, partial, not_printed) and the
    reason as a code and in words. Without an ``outcome`` (no printer, the printer raised),
    from ``result``/``reason``/``detail``."""
    if outcome is not None:
        return outcome.record()
    out: dict[str, Any] = {"job": job, "printed": result.on_paper, "outcome": str(result),
                           "reason": str(reason), "reason_text": REASON_WORDS[reason]}
    if detail:
        out["detail"] = detail
    return out


def test_page_values(printer: ReceiptPrinterAPI, kiosk_id: str = "") -> dict[str, Any]:
    status = printer.status
    return {
        "kiosk_id": kiosk_id or printer.name, "printer_url": printer.url[:80],
        "profile": printer.settings.profile, "code_page": printer.settings.code_page,
        "printed_at": datetime.now(), "paper": str(status.supplies.get("paper", "?")),
        "test_qr": f"smartbranch test page {printer.name}",
    }


def print_test_page(printer: ReceiptPrinterAPI, lang: str = "en_US",
                    kiosk_id: str = "") -> Future[PrintOutcome]:
    """The technician's test page (template ``test_page``)."""
    return print_template(printer, "test_page", lang, test_page_values(printer, kiosk_id))


class PrinterJobs:
    """receipts/ as the job source of `kiosk diag printer --test-page | --sample NAME`."""

    def test_page(self, printer: ReceiptPrinterAPI, lang: str) -> Receipt:
        return render_for(printer, "test_page", lang, test_page_values(printer))

    def sample_names(self) -> list[str]:
        from receipts.samples import SAMPLES

        return list(SAMPLES)

    def sample(self, printer: ReceiptPrinterAPI, name: str, lang: str) -> Receipt:
        from receipts.samples import SAMPLES

        return render_for(printer, name, lang, SAMPLES[name][lang])
