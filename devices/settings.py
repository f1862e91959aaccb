"""Configuration models shared by all devices (one ``[devices.<kind>]`` table each)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

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

    @field_validator("url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        parse_device_url(value, cls.url_schemes)
        return value
