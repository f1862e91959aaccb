"""Configuration models shared by all devices (one ``[devices.<kind>]`` table each)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from devices.urls import SERIAL_SCHEMES, parse_device_url


class DeviceSettings(BaseModel):
    """What every ``[devices.<kind>]`` table holds. Device classes subclass it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    #: URL schemes this device class accepts.
    url_schemes: ClassVar[frozenset[str]] = SERIAL_SCHEMES

    url: str = Field(description="Where the device is: /dev/ttyUSB0, socket://host:port, sim://…")
    #: A required device that is down puts the kiosk out of service.
    required: bool = True
    enabled: bool = True
    # Supervision (devices.base): optional, so older kiosk.toml files stay valid.
    poll_interval_s: float = Field(
        1.0, ge=0, le=3600,
        description="status read while idle, every this many seconds (0: no idle polling)")
    reconnect_min_s: float = Field(
        0.5, gt=0, le=60, description="first wait before reopening a device whose link was lost")
    reconnect_max_s: float = Field(
        5.0, gt=0, le=600, description="the wait between reopen attempts doubles up to this")

    @field_validator("url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        parse_device_url(value, cls.url_schemes)
        return value

    @model_validator(mode="after")
    def _check_backoff(self) -> DeviceSettings:
        if self.reconnect_max_s < self.reconnect_min_s:
            raise ValueError(f"reconnect_max_s ({self.reconnect_max_s}) must be >= "
                             f"reconnect_min_s ({self.reconnect_min_s})")
        return self
