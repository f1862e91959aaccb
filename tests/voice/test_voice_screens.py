"""Every customer screen has guidance, and it is spoken (a WAV that is not silent, of a
plausible length, in the language's voice) in both languages."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from ui.conftest import make_config
from voice_speech import speech_problem

from kiosk_ui.screens import SHOTS, show_shot
from kiosk_ui.voice import find_guidance
from voice.engine import EspeakEngine

CUSTOMER_SHOTS = [s for s in SHOTS if not s.technician]
LANGUAGES = ("en_US", "zh_CN")


def test_every_screen_speaks_its_guidance(qtbot: Any, make_app: Any, kiosk_config: Any,
                                         tmp_path: Path) -> None:
    texts: dict[tuple[str, str], list[str]] = {}
    missing: list[str] = []
    for language in LANGUAGES:  # as `kiosk screens` does: one app per language
        kiosk = kiosk_config.kiosk.model_copy(update={"locale": language})
        app = make_app(make_config(kiosk_config.model_copy(update={"kiosk": kiosk})),
                       start_runtime=False)
        app.registry.load_installed()
        app.shell.refresh()
        for shot in CUSTOMER_SHOTS:
            show_shot(app, shot, language)
            qtbot.wait(20)
            text, _ = find_guidance(app.window.contentItem())
            if text:
                texts.setdefault((text, language), []).append(shot.name)
            else:
                missing.append(f"{shot.name}-{language}")
    engine = EspeakEngine()

    def check(item: tuple[int, tuple[str, str]]) -> str:
        i, (text, language) = item
        wav = engine.to_wav(text, language, tmp_path / f"{i}.wav")
        problem = speech_problem(text, language, wav, engine.phonemes(text, language))
        return f"{texts[(text, language)]} {language}: {problem}: {text!r}" if problem else ""

    with ThreadPoolExecutor(2) as pool:  # batch: two espeak-ng at a time (2 cores)
        problems = [p for p in pool.map(check, enumerate(texts)) if p]
    assert not missing, "screens without guidance: " + ", ".join(missing)
    assert not problems, "\n".join(problems)


def test_attach_voice_follows_the_screen_and_language(qtbot: Any, make_app: Any) -> None:
    from kiosk_ui.shell import Screen
    from kiosk_ui.voice import attach_voice
    from voice.settings import VoiceSettings

    app = make_app(start_runtime=False)
    guide = attach_voice(app, VoiceSettings(always=True))
    assert guide is not None
    show_shot(app, next(s for s in SHOTS if s.screen is Screen.LANGUAGE), "en_US")
    qtbot.waitUntil(lambda: bool(guide.spoken) and bool(guide.spoken[-1][0]), timeout=3000)
    first = guide.spoken[-1]
    app.shell.setLanguage("zh_CN" if first[1] == "en_US" else "en_US")
    qtbot.waitUntil(lambda: guide.spoken[-1][1] != first[1], timeout=3000)
    guide.speaker.stop()


def test_ctrl_alt_h_plugs_the_simulated_headset_and_keys_navigate(qtbot: Any,
                                                                  make_app: Any) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from kiosk_ui.shell import Screen
    from kiosk_ui.voice import attach_voice
    from voice.settings import VoiceSettings

    app = make_app(start_runtime=False)
    guide = attach_voice(app, VoiceSettings())  # sim://jack: unplugged
    assert guide is not None and not guide.speaker.active
    show_shot(app, next(s for s in SHOTS if s.screen is Screen.LANGUAGE), "en_US")
    qtbot.wait(300)
    assert guide.spoken == []  # nobody listens: nothing said
    ctrl_alt = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
    QTest.keyClick(app.window, Qt.Key.Key_H, ctrl_alt)
    assert guide.speaker.jack.plugged
    qtbot.waitUntil(lambda: bool(guide.spoken), timeout=3000)
    said = lambda: [t for t, _ in guide.spoken]  # noqa: E731
    # The language cards are choices too: the first one is spoken by its name.
    QTest.keyClick(app.window, Qt.Key.Key_Tab)
    assert guide.focused is not None and said()[-1] in ("中文", "English")
    while said()[-1] != "English":
        QTest.keyClick(app.window, Qt.Key.Key_Tab)
    QTest.keyClick(app.window, Qt.Key.Key_Return)  # chosen by the keys alone
    qtbot.waitUntil(lambda: app.shell.screen == "menu", timeout=3000)
    assert app.shell.language == "en_US"
    QTest.keyClick(app.window, Qt.Key.Key_H, ctrl_alt)
    assert not guide.speaker.jack.plugged and not guide.speaker.active
    guide.speaker.stop()


def test_every_flow_page_declares_guidance() -> None:
    """The flow pages (their steps are driven by their own flows' screenshot scripts, too
    slow to walk here) each declare a root ``guidance`` bound to the step."""
    import re

    from kiosk_ui.app import QML_DIR

    pages = sorted((QML_DIR.parent / "flows").glob("*.qml"))
    assert pages
    missing = [p.name for p in pages
               if not re.search(r"^    (readonly )?property string guidance\b",
                                p.read_text(encoding="utf-8"), re.M)]
    assert not missing, f"flow pages without guidance: {missing}"
