"""What came out of the printer for one job, and why: the typed outcome a flow tells the
customer and a journal records. No I/O: the driver decides from the real-time status it read
(DLE EOT) and from how far the job got; this module names the result and the reason.

    printed          whole and cut: the customer takes it
    printed_not_cut  whole, but the cutter jammed: the customer tears it off, staff clear it
    partial          printing stopped part-way (or the line dropped while sending): a stub
                     may hang out; the job is kept for reprint and shown on screen
    not_printed      nothing was printed (printer not ready before the job): kept, on screen

A job that came out whole (cut or not) is never kept for reprint: a reprint would be a
duplicate in staff's hands. Our templates end with the cut, so a cutter error after the
job's bytes means everything before it is on the paper.
"""

from __future__ import annotations

from enum import StrEnum

from devices.printer.rtstatus import PrinterCondition


class PrintResult(StrEnum):
    PRINTED = "printed"
    PRINTED_NOT_CUT = "printed_not_cut"
    PARTIAL = "partial"
    NOT_PRINTED = "not_printed"

    @property
    def on_paper(self) -> bool:
        """The customer has the whole receipt in hand (cut or to tear off)."""
        return self in (PrintResult.PRINTED, PrintResult.PRINTED_NOT_CUT)

    @property
    def kept(self) -> bool:
        """The job stays in the store for reprint (and its on-screen copy / link)."""
        return not self.on_paper


class PrintReason(StrEnum):
    NONE = ""
    PAPER_OUT = "paper_out"
    COVER_OPEN = "cover_open"
    CUTTER = "cutter"
    OFFLINE = "offline"
    DISCONNECTED = "disconnected"  # the link dropped while the job was being sent
    NO_STATUS = "no_status"  # the printer does not answer status
    UNRECOVERABLE = "unrecoverable"
    HARDWARE = "hardware"  # another printer error (head temperature…)
    TIMEOUT = "timeout"  # still busy after timeout_s: not confirmed
    INTERRUPTED = "interrupted"  # a power cut or restart while the job was being sent
    NO_PRINTER = "no_printer"  # the kiosk has no printer (flows)
    FAILED = "failed"  # anything else (the job could not be made or stored…)


#: The reason in plain words, for staff, logs and journal records (the screen has its own).
REASON_WORDS: dict[PrintReason, str] = {
    PrintReason.NONE: "",
    PrintReason.PAPER_OUT: "paper ran out",
    PrintReason.COVER_OPEN: "printer cover open",
    PrintReason.CUTTER: "cutter jammed: the paper was not cut",
    PrintReason.OFFLINE: "printer offline",
    PrintReason.DISCONNECTED: "connection to the printer lost",
    PrintReason.NO_STATUS: "printer does not answer",
    PrintReason.UNRECOVERABLE: "printer error (needs a power cycle)",
    PrintReason.HARDWARE: "printer error",
    PrintReason.TIMEOUT: "printer did not confirm the job in time",
    PrintReason.INTERRUPTED: "printing was interrupted",
    PrintReason.NO_PRINTER: "this kiosk has no printer",
    PrintReason.FAILED: "the job could not be printed",
}


def reason_of(cond: PrinterCondition | None) -> PrintReason:
    """Why a printer in ``cond`` does not print (most serious cause first)."""
    if cond is None:
        return PrintReason.NO_STATUS
    if cond.unrecoverable:
        return PrintReason.UNRECOVERABLE
    if cond.cutter_error:
        return PrintReason.CUTTER
    if cond.auto_recoverable:
        return PrintReason.HARDWARE
    if cond.cover_open:
        return PrintReason.COVER_OPEN
    if cond.paper_end or cond.stopped_paper_end:
        return PrintReason.PAPER_OUT
    if cond.error:
        return PrintReason.HARDWARE
    if cond.offline:
        return PrintReason.OFFLINE
    return PrintReason.NONE


#: The printer's status error codes (docs/printer.md, "Status") as reasons.
_CODE_REASONS = {
    "paperOut": PrintReason.PAPER_OUT, "coverOpen": PrintReason.COVER_OPEN,
    "cutterError": PrintReason.CUTTER, "unrecoverable": PrintReason.UNRECOVERABLE,
    "autoRecoverable": PrintReason.HARDWARE, "offline": PrintReason.OFFLINE,
    "noStatus": PrintReason.NO_STATUS, "writeFailed": PrintReason.DISCONNECTED,
}


def reason_of_code(error_code: str) -> PrintReason:
    """Why a printer whose status carries ``error_code`` did not take a job (a printer that
    is not ready with no code, e.g. one that cannot be opened, is offline)."""
    return _CODE_REASONS.get(error_code, PrintReason.OFFLINE)


def after_stop(cond: PrinterCondition | None) -> tuple[PrintResult, PrintReason]:
    """The job's bytes went out and the printer did not confirm them: what is on the paper.

    A cutter error stops the printer at the cut, the job's last command: the page is whole,
    uncut. Any other stop (paper end, cover, offline, error) came before the cut: a stub.
    """
    reason = reason_of(cond)
    if cond is not None and cond.cutter_error:
        return PrintResult.PRINTED_NOT_CUT, PrintReason.CUTTER
    if reason is PrintReason.NONE:  # ready again but never confirmed: assume the worst
        reason = PrintReason.TIMEOUT
    return PrintResult.PARTIAL, reason


__all__ = ["REASON_WORDS", "PrintReason", "PrintResult", "after_stop", "reason_of",
           "reason_of_code"]
