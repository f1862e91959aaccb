"""The check-in and walk-in flows' steps (walked as their screenshot scripts walk them), each
spoken in both languages: guidance present, a WAV that is not silent, the right voice."""

from __future__ import annotations

import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from voice_speech import speech_problem

from kiosk_ui.voice import find_guidance
from voice.engine import EspeakEngine


def _walk(flow: str, lang: str) -> tuple[dict[str, str], list[str]]:
    from flows.checkin.screens import config, settle, wait_until

    from kiosk_ui.app import KioskApp

    module: Any
    if flow == "checkin":
        from flows.checkin import screens as module
        extra: dict[str, Any] = {}
    else:
        from flows.walkin import screens as module
        extra = {"flow_modules": module.flow_modules()}
    said: dict[str, str] = {}
    missing: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        app = KioskApp(config(Path(tmp)), **extra)
        try:
            app.show(fullscreen=False)
            wait_until(lambda: bool(app.shell.inService))

            def snap(step: str) -> None:
                settle(app)
                text, _ = find_guidance(app.window.contentItem())
                if text:
                    said[f"{flow}-{step}-{lang}"] = text
                else:
                    missing.append(f"{flow}-{step}-{lang}")

            module.walk(app, lang, "", snap)
        finally:
            app.close()
            from customer_flows.checkin import close_desks

            close_desks()
    return said, missing


@pytest.mark.slow
@pytest.mark.parametrize("flow", ["checkin", "walkin"])
def test_every_flow_step_speaks(qtbot: Any, flow: str, tmp_path: Path) -> None:
    from kiosk_ui import i18n

    if i18n.stale():
        i18n.build()
    said: dict[str, tuple[str, str]] = {}
    missing: list[str] = []
    for lang in ("en_US", "zh_CN"):
        texts, gaps = _walk(flow, lang)
        said.update({k: (v, lang) for k, v in texts.items()})
        missing += gaps
    assert said
    engine = EspeakEngine()

    def check(item: tuple[str, tuple[str, str]]) -> str:
        name, (text, lang) = item
        wav = engine.to_wav(text, lang, tmp_path / f"{name}.wav")
        problem = speech_problem(text, lang, wav, engine.phonemes(text, lang))
        return f"{name}: {problem}: {text!r}" if problem else ""

    with ThreadPoolExecutor(2) as pool:
        problems = [p for p in pool.map(check, said.items()) if p]
    assert not missing, "steps without guidance: " + ", ".join(missing)
    assert not problems, "\n".join(problems)
