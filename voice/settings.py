"""``[voice]`` in kiosk.toml: voice guidance through espeak-ng."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from voice.jack import check_jack_url


class VoiceSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = Field(True, description="speak guidance while a headset is plugged")
    always: bool = Field(False, description="speak even with no headset (a loudspeaker)")
    jack: str = Field("sim://jack", description="the headphone jack: sim://jack[?plugged=1], "
                      "evdev:///dev/input/eventN (SW_HEADPHONE_INSERT) or none")
    engine: str = Field("espeak-ng", min_length=1, description="the espeak-ng executable")
    #: espeak-ng voice per kiosk language. Mandarin is ``cmn-latn-pinyin``: Debian's plain
    #: ``cmn`` reads the pinyin it derives in English ("king three" for 请).
    voices: dict[str, str] = Field(
        default_factory=lambda: {"zh_CN": "cmn-latn-pinyin", "en_US": "en-us"})
    rate: int = Field(150, ge=80, le=450, description="words per minute")
    volume: int = Field(100, ge=0, le=200, description="espeak-ng amplitude")

    @field_validator("jack")
    @classmethod
    def _jack_url(cls, value: str) -> str:
        return check_jack_url(value)

    def voice_for(self, language: str) -> str:
        try:
            return self.voices[language]
        except KeyError:
            raise LookupError(f"[voice] voices has no voice for {language!r}") from None
