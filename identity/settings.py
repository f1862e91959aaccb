"""``[identity]`` in kiosk.toml: face match and liveness."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from identity.methods import method_names


class IdentitySettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    match_threshold: float = Field(0.5, gt=0, lt=1, description="face distance at or below = match")
    teller_band: float = Field(
        0.08, ge=0, lt=0.5,
        description="a failed face match at most this far above match_threshold is borderline: "
                    "a video teller who sees the customer and the ID may approve it; 0 = never")
    liveness_challenges: int = Field(3, ge=1, le=5)
    challenge_time_s: float = Field(6.0, gt=0)
    retention_minutes: int = Field(30, ge=0, description="biometric data wiped after this")
    liveness_attempts: int = Field(
        2, ge=1, le=3, description="a timed-out challenge may be retried with other challenges")
    liveness_method: str = Field("geometric", description="name in identity.methods.METHODS")

    @field_validator("liveness_method")
    @classmethod
    def _known_method(cls, v: str) -> str:
        if v not in method_names():
            raise ValueError(f"unknown liveness method '{v}' (have: {', '.join(method_names())})")
        return v
