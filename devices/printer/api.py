"""What flows and receipts may call on a receipt printer (the driver satisfies it).

The driver sends ready-made ESC/POS jobs (a :class:`Printable`: bytes plus the plain-text copy
a screen shows when the paper is out) and reads status; building jobs from templates is
``receipts/``'s work (receipts.printing), so nothing here knows a template.
"""

from __future__ import annotations

from concurrent.futures import Future
from typing import TYPE_CHECKING, Protocol

from kiosk_core.status import DeviceStatus

if TYPE_CHECKING:
    from devices.printer.driver import PrintOutcome, ScreenReceipt
    from devices.printer.jobs import PrintJob
    from devices.printer.settings import PrinterSettings


class Printable(Protocol):
    """One job: its ESC/POS bytes and what identifies and describes it (receipts.Receipt)."""

    @property
    def template(self) -> str: ...
    @property
    def lang(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def data(self) -> bytes: ...
    @property
    def text(self) -> str: ...
    @property
    def qr_payloads(self) -> list[str]: ...


class ReceiptPrinterAPI(Protocol):
    name: str
    url: str

    @property
    def status(self) -> DeviceStatus: ...

    @property
    def can_print(self) -> bool: ...

    @property
    def geometry(self) -> tuple[int, int]: ...

    @property
    def settings(self) -> PrinterSettings: ...

    def print_receipt(self, receipt: Printable) -> Future[PrintOutcome]: ...

    def reprint(self, job_id: str) -> Future[PrintOutcome]: ...

    def keep(self, receipt: Printable, *, job_id: str, token: str) -> PrintJob: ...

    def has_job(self, job_id: str) -> bool: ...

    def pending_jobs(self) -> list[PrintJob]: ...

    def refresh_status(self) -> Future[DeviceStatus]: ...

    def screen_receipt(self, job: PrintJob | str) -> ScreenReceipt: ...


class JobSource(Protocol):
    """Where `kiosk diag printer` gets a test page or a sample job: receipts/ builds jobs, and
    the composition root installs it (devices/ cannot import receipts/)."""

    def test_page(self, printer: ReceiptPrinterAPI, lang: str) -> Printable: ...
    def sample_names(self) -> list[str]: ...
    def sample(self, printer: ReceiptPrinterAPI, name: str, lang: str) -> Printable: ...
