"""``[devices.printer]`` in kiosk.toml."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field, field_validator

from devices.settings import DeviceSettings
from kiosk_core.netaddr import parse_host_port


class PrinterSettings(DeviceSettings):
    # python-escpos transports: usb://VID:PID, serial:///dev/ttyS0, tcp://host:9100,
    # file:///dev/usb/lp0; sim://printer?paper=ok|near-end|out&faults=NAME[@mid-job],…&link=tcp|pty
    url_schemes: ClassVar[frozenset[str]] = frozenset({"usb", "serial", "tcp", "file", "sim"})

    profile: str = Field("TM-T88V", description="python-escpos printer profile")
    timeout_s: float = Field(10.0, gt=0, description="connect/write timeout; also the longest "
                             "wait for a job to finish printing")
    status_timeout_s: float = Field(1.0, gt=0, le=30, description="wait for a DLE EOT reply")
    status_poll_s: float = Field(5.0, ge=0, description="status poll while idle (0: off)")
    jobs_dir: str = Field("printer-jobs",
                          description="failed jobs kept here for reprint (under storage.data_dir)")
    jobs_key_path: str = Field(
        "secrets/print-jobs.key",
        description="AES-256 key the kept jobs are encrypted with, created owner-only on first "
                    "use (under storage.data_dir: the default is in storage.secrets_dir's "
                    "default folder; set it absolute if secrets_dir is elsewhere)")
    code_page: Literal["CP437", "CP850", "CP858", "CP1252", "CP866", "CP852"] = Field(
        "CP437", description="single-byte code page for non-Chinese text (ESC t)")
    receipt_base_url: str = Field(
        "https://receipts.smartbranch.example/r",
        description="where a customer fetches a receipt the printer could not print "
                    "(shown as a QR code on screen)")
    # Added with the receipt link server; optional so older kiosk.toml files stay valid.
    receipt_link_listen: str = Field(
        "", description="HOST:PORT where the kiosk serves receipt_base_url's links (the bank's "
                        "public HTTPS front proxies to it); empty: not served by this kiosk")
    receipt_link_days: float = Field(
        7, gt=0, le=366, description="a receipt link works this many days after the job; a "
                    "kept (unprinted) job is deleted after as long")

    @field_validator("receipt_link_listen")
    @classmethod
    def _check_listen(cls, value: str) -> str:
        if not value:
            return value
        try:
            parse_host_port(value)
        except ValueError as exc:  # pydantic names the key
            raise ValueError(f"{exc} (or \"\" for off)") from None
        return value
