"""The engine, the speaker and the jack, with the real espeak-ng."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from pydantic import ValidationError
from voice_speech import speech_problem, voice_problem

from voice.engine import EngineMissing, EspeakEngine
from voice.jack import HeadphoneJack
from voice.settings import VoiceSettings
from voice.speaker import Speaker

TEXTS = {"zh_CN": "请选择您的语言：中文或英文。", "en_US": "Please choose your language."}


@pytest.mark.parametrize("language", list(TEXTS))
def test_speech_is_loud_and_in_the_right_voice(tmp_path: Path, language: str) -> None:
    engine = EspeakEngine()
    text = TEXTS[language]
    wav = engine.to_wav(text, language, tmp_path / "out.wav")
    assert speech_problem(text, language, wav, engine.phonemes(text, language)) == ""


def test_the_wrong_voice_is_caught() -> None:
    engine = EspeakEngine()
    wrong = VoiceSettings(voices={"zh_CN": "en-us", "en_US": "cmn"})
    swapped = EspeakEngine(wrong)
    assert voice_problem("en_US", swapped.phonemes(TEXTS["zh_CN"], "zh_CN"))
    assert voice_problem("zh_CN", swapped.phonemes(TEXTS["en_US"], "en_US"))
    # Debian's plain "cmn" voice reads its pinyin in English: caught, hence cmn-latn-pinyin.
    assert voice_problem("zh_CN", swapped.phonemes(TEXTS["zh_CN"], "en_US"))
    assert voice_problem("zh_CN", engine.phonemes(TEXTS["zh_CN"], "zh_CN")) == ""


def test_a_missing_engine_is_named() -> None:
    with pytest.raises(EngineMissing, match="no-such-espeak"):
        EspeakEngine(VoiceSettings(engine="no-such-espeak"))


def test_config_errors_name_the_key() -> None:
    with pytest.raises(ValidationError, match="rate"):
        VoiceSettings(rate=5)
    with pytest.raises(ValidationError, match="loudness"):
        VoiceSettings.model_validate({"loudness": 3})
    with pytest.raises(LookupError, match="fr_FR"):
        VoiceSettings().voice_for("fr_FR")


class FakeEngine:
    def __init__(self) -> None:
        self.started: list[str] = []
        self.procs: list[object] = []

    def start(self, text: str, language: str):  # type: ignore[no-untyped-def]
        import subprocess
        import sys

        self.started.append(text)
        proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
        self.procs.append(proc)
        return proc

    def to_wav(self, text: str, language: str, path: Path) -> Path:
        raise NotImplementedError

    def phonemes(self, text: str, language: str) -> str:
        raise NotImplementedError


def test_a_new_screen_interrupts_and_the_jack_gates() -> None:
    engine, jack = FakeEngine(), HeadphoneJack()
    speaker = Speaker(engine, VoiceSettings(), jack)
    speaker.say("first", "en_US")
    assert engine.started == []  # no headset: silent
    jack.set_plugged(True)  # plugged in: the screen's guidance is said
    assert engine.started == ["first"]
    t0 = time.monotonic()
    speaker.say("second", "en_US")
    assert time.monotonic() - t0 < 1.0  # never waits for speech to end
    assert engine.procs[0].poll() is not None  # type: ignore[attr-defined]
    assert speaker.speaking
    jack.set_plugged(False)
    assert not speaker.speaking
    always = Speaker(engine, VoiceSettings(always=True), HeadphoneJack())
    always.say("third", "en_US")
    assert engine.started[-1] == "third"
    always.stop()


def test_a_late_worker_does_not_bring_back_an_old_screen() -> None:
    engine = FakeEngine()
    speaker = Speaker(engine, VoiceSettings(always=True))
    speaker.say("new screen", "en_US", seq=2)
    speaker.say("old screen", "en_US", seq=1)  # its worker ran late
    assert engine.started == ["new screen"]
    speaker.stop()


# -- the jack --------------------------------------------------------------------------


def test_jack_urls_are_checked_when_the_config_loads() -> None:
    assert VoiceSettings().jack == "sim://jack"
    for bad in ("sim://jak", "sim://jack?plugged=maybe", "sim://jack?volume=3",
                "evdev:///tmp/x", "alsa://hw:0", ""):
        with pytest.raises(ValidationError, match="jack"):
            VoiceSettings(jack=bad)


def test_a_simulated_jack_starts_as_its_url_says() -> None:
    from voice.jack import open_jack

    assert open_jack("sim://jack?plugged=1").plugged
    assert not open_jack("sim://jack").plugged and open_jack("sim://jack").simulated
    none = open_jack("none")
    assert not none.plugged and not none.simulated


def test_the_evdev_jack_follows_headphone_insert_events(tmp_path: Path) -> None:
    """The kernel's input events, byte for byte, through a FIFO standing in for
    /dev/input/eventN (EVIOCGSW fails on it: unplugged at open)."""
    import os
    import time

    from voice.jack import EV_SW, EVENT, SW_HEADPHONE_INSERT, EvdevJack

    fifo = tmp_path / "event0"
    os.mkfifo(fifo)
    writer = os.open(fifo, os.O_RDWR)  # keeps the FIFO open for the reader
    jack = EvdevJack(str(fifo))
    seen: list[bool] = []
    jack.subscribe(seen.append)
    try:
        assert not jack.plugged
        ev = lambda kind, code, value: EVENT.pack(0, 0, kind, code, value)  # noqa: E731
        os.write(writer, ev(EV_SW, SW_HEADPHONE_INSERT, 1) + ev(0, 0, 0))  # + SYN_REPORT
        os.write(writer, ev(EV_SW, 0x04, 1))  # another switch (line-out): not ours
        half = ev(EV_SW, SW_HEADPHONE_INSERT, 0)
        os.write(writer, half[:10])  # an event split across reads
        time.sleep(0.05)
        os.write(writer, half[10:])
        end = time.monotonic() + 5
        while seen != [True, False] and time.monotonic() < end:
            time.sleep(0.01)
        assert seen == [True, False] and not jack.plugged
    finally:
        jack.close()
        os.close(writer)


def test_a_missing_jack_device_is_named() -> None:
    from voice.jack import open_jack

    with pytest.raises(FileNotFoundError, match="event99"):
        open_jack("evdev:///dev/input/event99")


from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@given(st.text(max_size=60))
def test_any_jack_setting_is_a_jack_or_a_clear_error(url: str) -> None:
    from voice.jack import JackURLError, check_jack_url

    try:
        assert check_jack_url(url) == url
    except JackURLError as exc:
        assert repr(url) in str(exc)
