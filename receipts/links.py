"""Receipt links: ``{receipt_base_url}/{job_id}?t={token}``, the one place they are built.

A receipt the printer could not print (or the check-in ticket) is shown on screen with a QR
code carrying this link; receipts.link_server serves it. The base is ``[devices.printer]
receipt_base_url`` — a kiosk with no printer still shows the ticket's QR code against the
setting's default (a branch sets its own base on its printer table).
"""

from __future__ import annotations

from typing import Protocol
from urllib.parse import quote

from devices.printer.settings import PrinterSettings


class _Alternative(Protocol):
    @property
    def job_id(self) -> str: ...
    @property
    def token(self) -> str: ...


def default_base_url() -> str:
    return str(PrinterSettings.model_fields["receipt_base_url"].default)


def receipt_url(base_url: str, job_id: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/{quote(job_id, safe='')}?t={quote(token, safe='')}"


def link_for(settings: PrinterSettings | None, alternative: _Alternative) -> str:
    """The link of a kept job's screen alternative (devices.printer.driver.ScreenReceipt)."""
    base = settings.receipt_base_url if settings is not None else default_base_url()
    return receipt_url(base, alternative.job_id, alternative.token)


def queue_url(base_url: str, token: str) -> str:
    """The queue ticket's "Scan to follow the queue" link (receipts.queue_page): under the
    receipt base, so the bank's front that proxies receipt links proxies it too."""
    return f"{base_url.rstrip('/')}/q/{quote(token, safe='')}"
