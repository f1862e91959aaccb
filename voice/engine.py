"""The speech engine: espeak-ng as a subprocess (WAV file, stdout or the audio device)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Protocol

from voice.settings import VoiceSettings


class EngineMissing(RuntimeError):
    """The TTS engine's executable is not installed (``apt-get install espeak-ng``)."""


class SpeechEngine(Protocol):
    def to_wav(self, text: str, language: str, path: Path) -> Path: ...
    def start(self, text: str, language: str) -> subprocess.Popen[bytes]: ...
    def phonemes(self, text: str, language: str) -> str: ...


class EspeakEngine:
    """espeak-ng, one process per utterance (it starts in a few milliseconds)."""

    def __init__(self, settings: VoiceSettings | None = None) -> None:
        self.settings = settings or VoiceSettings()
        exe = shutil.which(self.settings.engine)
        if exe is None:
            raise EngineMissing(
                f"[voice] engine: {self.settings.engine!r} not found"
                " (install Debian's espeak-ng: ./dev.sh setup)")
        self.exe = exe

    def _args(self, language: str) -> list[str]:
        s = self.settings
        return [self.exe, "-v", s.voice_for(language), "-s", str(s.rate), "-a", str(s.volume)]

    def to_wav(self, text: str, language: str, path: Path) -> Path:
        subprocess.run([*self._args(language), "-w", str(path), "--", text],
                       check=True, capture_output=True, timeout=60)
        return path

    def start(self, text: str, language: str) -> subprocess.Popen[bytes]:
        """Speak on the audio device; returns at once (kill the process to interrupt)."""
        return subprocess.Popen([*self._args(language), "--", text],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def phonemes(self, text: str, language: str) -> str:
        """The IPA espeak-ng would speak (``-q -x --ipa``): what the voice makes of the text."""
        out = subprocess.run([self.exe, "-q", "--ipa", "-v",
                              self.settings.voice_for(language), "--", text],
                             check=True, capture_output=True, timeout=60, text=True)
        return out.stdout
