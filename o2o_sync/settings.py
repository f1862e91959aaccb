"""``[sync]`` in kiosk.toml: the link to the bank's online channel service."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from kiosk_core.netaddr import parse_host_port


class SyncSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = True
    channel_url: str = Field("http://127.0.0.1:8780", description="channel service base URL")
    webhook_listen: str = Field("127.0.0.1:8781", description="HOST:PORT for signed webhooks")
    # Secrets: SecretStr, so repr(), str(), model_dump() and `config` output show
    # "**********"; the code reads them with .get_secret_value() where they are used.
    webhook_secret: SecretStr = Field(SecretStr("demo-webhook-secret"),
                                      description="HMAC key of the channel's webhooks")
    api_token: SecretStr = Field(SecretStr("demo-branch-token"),
                                 description="bearer token at the channel service")
    interval_s: float = Field(30.0, gt=0, description="pull interval")
    retention_days: int = Field(90, ge=1, description="personal data purged after this")
    staff_console_listen: str = Field(
        "127.0.0.1:8782", description="HOST:PORT of the staff console"
    )
    # Added with issue 6; all optional so older kiosk.toml files stay valid.
    branch_id: str = Field(
        "DEMO",
        pattern=r"^[A-Za-z0-9._-]{1,32}$",
        description="this branch's id at the channel service",
    )
    page_size: int = Field(1000, ge=1, le=5000, description="change-feed page size")
    request_timeout_s: float = Field(15.0, gt=0, description="per HTTP request to the channel")
    webhook_tolerance_s: int = Field(300, ge=10, description="max age of a signed webhook")
    webhook_max_bytes: int = Field(65536, ge=1024, description="larger webhook bodies get 413")
    checkin_opens_min: int = Field(15, ge=0, description="check-in opens this long before")
    checkin_closes_min: int = Field(30, ge=0, description="and closes this long after the start")
    service_minutes: float = Field(6.0, gt=0, description="assumed time per customer at a counter")

    staff_console_public_origin: str = Field(
        "",
        pattern=r"^(https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?)?$",  # Rust regex: $ is the very end
        description="origin browsers see behind the TLS proxy, e.g. https://console.branch",
    )
    staff_console_trusted_proxies: tuple[str, ...] = Field(
        (), description="addresses of the TLS proxy whose X-Forwarded-* headers are believed"
    )

    @field_validator("webhook_secret", "api_token")
    @classmethod
    def _check_secret(cls, value: SecretStr) -> SecretStr:
        if len(value.get_secret_value()) < 8:
            raise ValueError("must be at least 8 characters")
        return value

    @field_validator("staff_console_trusted_proxies")
    @classmethod
    def _check_proxies(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        import ipaddress

        for p in value:
            ipaddress.ip_network(p, strict=False)  # ValueError names the bad one
        return value

    @field_validator("webhook_listen", "staff_console_listen")
    @classmethod
    def _check_listen(cls, value: str) -> str:
        parse_host_port(value)  # its ValueError becomes a ValidationError naming the key
        return value
