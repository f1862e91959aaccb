"""The speaker: speaks one text at a time, never blocking its caller; a new text (a new
screen) interrupts the one being spoken. Speaks only while the jack has a headset (or
``[voice] always``)."""

from __future__ import annotations

import logging
import subprocess
import threading

from voice.engine import SpeechEngine
from voice.jack import HeadphoneJack
from voice.settings import VoiceSettings

log = logging.getLogger(__name__)


class Speaker:
    def __init__(self, engine: SpeechEngine, settings: VoiceSettings,
                 jack: HeadphoneJack | None = None) -> None:
        self.engine, self.settings = engine, settings
        self.jack = jack or HeadphoneJack()
        self._lock = threading.Lock()
        self._say_lock = threading.Lock()  # one say() at a time, from any worker
        self._seq = -1
        self._proc: subprocess.Popen[bytes] | None = None
        self.last: tuple[str, str] | None = None  # (text, language) last asked for
        self.jack.subscribe(self._jack_changed)

    @property
    def active(self) -> bool:
        return self.settings.enabled and (self.settings.always or self.jack.plugged)

    def say(self, text: str, language: str, seq: int | None = None) -> None:
        """Interrupt what is being spoken and speak ``text`` (returns at once: espeak-ng
        runs as its own process). ``seq`` orders calls handed to several workers: one
        older than the last spoken is dropped (the screen has moved on)."""
        with self._say_lock:
            if seq is not None:
                if seq < self._seq:
                    return
                self._seq = seq
            self.last = (text, language)
            self.stop()
            if not text or not self.active:
                return
            try:
                proc = self.engine.start(text, language)
            except (OSError, LookupError):
                log.exception("voice: cannot speak in %s", language)
                return
            with self._lock:
                self._proc = proc

    def stop(self) -> None:
        with self._lock:
            proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait(timeout=5)

    @property
    def speaking(self) -> bool:
        proc = self._proc
        return proc is not None and proc.poll() is None

    def _jack_changed(self, plugged: bool) -> None:
        if not plugged:
            self.stop()
        elif self.last is not None:  # plugged in: say the screen's guidance again
            self.say(*self.last, seq=self._seq)
