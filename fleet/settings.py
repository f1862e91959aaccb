"""``[fleet]`` in kiosk.toml: this kiosk's telemetry to the bank's MQTT broker."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field


class FleetSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    broker: str = Field("", description='mqtt://host:port of the broker; "" for off')
    username: str = ""
    password_file: Path = Field(Path("fleet_mqtt.password"),
                                description="the broker password (secrets_dir)")
    topic_prefix: str = Field("smartbranch", pattern=r"^[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*$")
    command_key_file: Path = Field(
        Path("fleet_command.pub"),
        description="the operations centre's Ed25519 public key, PEM (secrets_dir)")
    command_max_age_s: float = Field(60.0, gt=0, description="older commands are refused")
    buffer_max: int = Field(1000, ge=10, description="messages kept while the broker is away")
    keepalive_s: int = Field(15, ge=5, le=600)
    coalesce_s: float = Field(
        0.2, ge=0, le=10,
        description="changes within this long after the first go out as one snapshot")
    heartbeat_s: float = Field(
        60.0, ge=1, description="the state is republished this often even without a change")
