"""``[hub]`` in kiosk.toml: the video teller call hub."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class HubSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str = Field("ws://127.0.0.1:8765/kiosk", description="call hub signaling WebSocket")
    # A bank network passes its own STUN/TURN list; empty means host candidates only.
    ice_servers: list[str] = Field(default_factory=list)
    ice_addresses: list[str] = Field(
        default_factory=list, description="limit ICE to these local addresses"
    )
