"""``[devices.pinpad]`` in kiosk.toml."""

from __future__ import annotations

from pydantic import Field

from devices.settings import DeviceSettings


class PinPadSettings(DeviceSettings):
    baudrate: int = Field(9600, gt=0)
    reply_timeout_ms: int = Field(2000, gt=0, description="wait for a command's reply")
    interbyte_timeout_ms: int = Field(
        100, gt=0, description="a frame that stops arriving for this long is dropped")
    entry_margin_s: float = Field(
        2.0, ge=0, description="beyond a PIN entry's time-out, wait this long for its end")
    pin_key: str = Field("pin", min_length=1, max_length=16,
                         description="name of the PIN working key for PIN blocks")
