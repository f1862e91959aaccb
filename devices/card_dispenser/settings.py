"""``[devices.card_dispenser]`` in kiosk.toml."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from devices.settings import DeviceSettings


class CardDispenserSettings(DeviceSettings):
    protocol: Literal["crt591", "k720"] = "crt591"
    address: int = Field(0, ge=0, le=15, description="bus address (DIP switches)")
    baudrate: int = Field(9600, gt=0)
    ack_timeout_ms: int = Field(300, gt=0, description="wait for ACK after a command")
    reply_timeout_ms: int = Field(5000, gt=0, description="wait for the reply after ACK")
    retries: int = Field(3, ge=0, le=10, description="resends on NAK or bad BCC")
    take_timeout_s: float = Field(30.0, gt=0, description="customer has this long to take the card")
    interbyte_timeout_ms: int = Field(
        100, gt=0, description="a frame that stops arriving for this long is cut short")
    take_poll_s: float = Field(
        0.1, gt=0, le=5, description="status polling while waiting for a take (poll_interval_s "
                                     "if that is shorter)")
    bin_high: int = Field(0, ge=0, description="bin count reported as 'high' (0: no threshold)")
    counters_path: str = Field(
        "card_dispenser_counters.json",
        description="the kiosk's card counts (JSON, written atomically): relative paths are "
                    "inside [storage] data_dir, absolute ones are used as they are, \"\" keeps "
                    "the counts in memory only")
