"""``[hub]`` in kiosk.toml: the video-teller call hub, and this kiosk's side of a call.

One table for both ends because on a demo machine both read the same file; a real hub
reads its own kiosk.toml (``kiosk hub --config``) with only the hub keys set.
Relative paths are inside ``[storage] data_dir`` (secrets inside ``secrets_dir``).
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

_HOURS = re.compile(r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d\Z")


class HubSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    # -- the kiosk's side ---------------------------------------------------------
    url: str = Field("ws://127.0.0.1:8765/ws", description="call hub signaling WebSocket")
    token_file: Path = Field(
        Path("hub_kiosk.token"),
        description="this kiosk's hub token (secrets_dir; `kiosk hub token --role kiosk`)")
    # A bank network passes its own STUN list (the hub adds its TURN relays with
    # time-limited credentials); empty means host candidates only, never Google's STUN.
    ice_servers: list[str] = Field(default_factory=list)
    ice_addresses: list[str] = Field(
        default_factory=list,
        description="local addresses ICE may use (e.g. only the VPN's); loopback allowed here")
    consent_required: bool = True
    answer_timeout_s: float = Field(
        120.0, gt=0, description="waiting longer than this offers a callback")
    teller_hours: str = Field("08:00-20:00", description="HH:MM-HH:MM, kiosk's time zone")
    teller_days: list[int] = Field(
        default_factory=lambda: [1, 2, 3, 4, 5, 6, 7], description="ISO weekdays, 1 = Monday")
    reconnect_s: float = Field(
        20.0, gt=0, description="after a network blip, give up rebuilding the call after this")
    video_width: int = Field(640, ge=160, le=1920)
    video_height: int = Field(480, ge=120, le=1080)
    video_fps: int = Field(15, ge=1, le=30)
    video_codec: str = Field("VP8", description="VP8 (light on a kiosk CPU) or H264")
    audio_in: str = Field(
        "sim://tone", description="microphone: sim://tone, sim://silence, alsa://default")
    audio_out: str = Field("", description="speaker: alsa://default, or empty for none")
    record: bool = Field(True, description="record calls as evidence, encrypted at rest")
    recordings_dir: Path = Path("recordings")
    recording_retention_days: int = Field(90, ge=1)

    # -- the hub's side (`kiosk hub`) ---------------------------------------------
    listen: str = Field("127.0.0.1:8765", description="HOST:PORT the hub serves on")
    db: Path = Field(Path("hub.sqlite"), description="queue and audit (data_dir)")
    secret_file: Path = Field(
        Path("hub_token.key"), description="HMAC key signing hub tokens (secrets_dir)")
    turn_urls: list[str] = Field(
        default_factory=list, description="turn:HOST:PORT relays handed out with credentials")
    turn_secret_file: Path = Field(
        Path("turn_secret"), description="coturn's static-auth-secret (secrets_dir)")
    turn_ttl_s: int = Field(3600, ge=60)
    kiosk_grace_s: float = Field(
        30.0, gt=0, description="a lost kiosk keeps its place (or its call) this long")
    wrap_up_s: float = Field(30.0, ge=0, description="after a call, before available again")

    def teller_minutes(self) -> tuple[int, int]:
        """``teller_hours`` as minutes since midnight (start, end); end may be 1440."""
        start, end = self.teller_hours.split("-")
        h0, m0 = start.split(":")
        h1, m1 = end.split(":")
        return int(h0) * 60 + int(m0), int(h1) * 60 + int(m1)

    def tellers_on_duty(self, now: datetime) -> bool:
        """Is ``now`` (the kiosk's local time) on a teller day, within teller hours? A
        window past midnight ("22:00-06:00") is allowed."""
        if now.isoweekday() not in self.teller_days:
            return False
        lo, hi = self.teller_minutes()
        minute = now.hour * 60 + now.minute
        return lo <= minute < hi if lo <= hi else (minute >= lo or minute < hi)

    @field_validator("teller_hours")
    @classmethod
    def _check_hours(cls, value: str) -> str:
        if not _HOURS.match(value):
            raise ValueError("expected HH:MM-HH:MM, e.g. 08:00-20:00")
        return value

    @field_validator("teller_days")
    @classmethod
    def _check_days(cls, value: list[int]) -> list[int]:
        if not value or any(d < 1 or d > 7 for d in value):
            raise ValueError("ISO weekdays 1 (Monday) to 7 (Sunday), at least one")
        return value

    @field_validator("video_codec")
    @classmethod
    def _check_codec(cls, value: str) -> str:
        if value.upper() not in ("VP8", "H264"):
            raise ValueError("VP8 or H264")
        return value.upper()
