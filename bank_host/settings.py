"""``[bank]`` in kiosk.toml: where the bank's core system answers, and how the kiosk talks to
it. The kiosk's id (sent with every request) is ``[kiosk] id``."""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator

from kiosk_core.config import Section


class BankHostSettings(Section):
    url: str = Field("http://127.0.0.1:8790", description="the bank host's base URL")
    timeout_s: float = Field(5.0, gt=0, le=120, description="per HTTP request to the bank")
    pin_format: Literal["iso4", "iso0"] = Field(
        "iso4", description="PIN block format: iso4 (AES) or iso0 (TDES)"
    )

    @field_validator("url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
            raise ValueError(f"expected http(s)://HOST[:PORT][/PATH], got {value!r}")
        try:
            parts.port  # noqa: B018 (raises on a bad port)
        except ValueError:
            raise ValueError(f"bad port in {value!r}") from None
        return value.rstrip("/")
