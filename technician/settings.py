"""``[technician]`` and ``[monitoring]`` in kiosk.toml.

Relative paths: sockets and state inside ``[storage] data_dir``, tokens inside
``secrets_dir``. PIN hashes are made by ``kiosk technician hash-pin`` (never a PIN itself).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator


class TechnicianEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9._-]+$")
    name: str = Field(min_length=1, max_length=64)
    pin_hash: str = Field(description="`kiosk technician hash-pin` (scrypt)", repr=False)

    @field_validator("pin_hash")
    @classmethod
    def _scrypt(cls, value: str) -> str:
        if not value.startswith("scrypt$") or value.count("$") != 5:
            raise ValueError("must be made by `kiosk technician hash-pin` (scrypt$…)")
        return value


class TechnicianSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    technicians: list[TechnicianEntry] = Field(default_factory=list)
    max_failures: int = Field(5, ge=1, le=20, description="wrong PINs before the lock-out")
    lockout_s: float = Field(900.0, gt=0, description="how long service mode stays locked")
    idle_logout_s: float = Field(300.0, gt=0, description="service mode closes when idle")
    control_socket: Path = Field(Path("control.sock"),
                                 description="the control API's Unix socket (data_dir)")
    control_token_file: Path = Field(Path("control.token"),
                                     description="the control API's token (secrets_dir)")


class MonitoringSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    listen: str = Field("127.0.0.1:9108",
                        description="health and /metrics HTTP address; \"\" for off")
    token_file: Path = Field(Path("monitoring.token"),
                             description="bearer token scrapers send (secrets_dir)")
