"""The identity check sends codes only; the card page words every one of them in the
customer's language (the Qt catalog), on screen and in what voice guidance speaks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ui.conftest import find

from identity.prompts import PromptCode

from .test_pages import app_for, open_card_flow  # noqa: F401  (app_for: a fixture)
from .ui_helpers import demo_config, texts


def _plain(text: str) -> str:
    return text.replace("\u2060", "").replace("\u200b", "")


def _show(qtbot: Any, app: Any, session: Any, **snap: Any) -> None:
    session._set(**{"phase": "", "prompt_code": "", "reason": "", "can_retry": False,
                    "challenge": 0, "challenges": 0, **snap})
    with qtbot.waitSignal(app.window.frameSwapped, timeout=5000):
        app.window.update()


def test_every_prompt_code_is_worded_in_both_languages(qtbot: Any, app_for: Any,  # noqa: F811
                                                       tmp_path: Path) -> None:
    app = app_for(demo_config(tmp_path, camera="scene=empty"))
    flow = open_card_flow(qtbot, app, "en_US")
    session = flow.session
    seen: dict[str, dict[str, str]] = {}  # code -> language -> words on screen
    for lang in ("en_US", "zh_CN"):
        app.shell.setLanguage(lang)
        qtbot.waitUntil(lambda: app.shell.language == lang)  # noqa: B023
        for code in PromptCode:
            if code is PromptCode.PASSED:
                continue
            phase = "liveness" if code.startswith("do_") else "face_match"
            _show(qtbot, app, session, state="identity", phase=phase, prompt_code=str(code))
            qtbot.waitUntil(lambda: flow.promptCode == code)  # noqa: B023
            shown = find(app, "identityPrompt")
            assert shown is not None
            seen.setdefault(str(code), {})[lang] = _plain(str(shown.property("text")))
    for shown_code, words in seen.items():
        assert words["en_US"] and words["en_US"] != shown_code, shown_code
        assert any("\u4e00" <= ch <= "\u9fff" for ch in words["zh_CN"]), (shown_code, words)
    assert seen["do_turn_left"] == {"en_US": "Please turn your head slowly to your left.",
                                    "zh_CN": "请慢慢向左转头。"}
    assert seen["card_too_small"]["zh_CN"] == "请把证件再靠近摄像头一些。"


def test_voice_guidance_speaks_the_challenge_in_the_page_language(
        qtbot: Any, app_for: Any, tmp_path: Path) -> None:  # noqa: F811
    app = app_for(demo_config(tmp_path, camera="scene=empty"))
    flow = open_card_flow(qtbot, app, "zh_CN")
    session = flow.session
    _show(qtbot, app, session, state="identity", phase="liveness", prompt_code="do_smile",
          challenge=1, challenges=2)
    qtbot.waitUntil(lambda: flow.promptCode == "do_smile")
    page = find(app, "cardIssuancePage")
    assert page is not None
    assert "请微笑。" in _plain(str(page.property("guidance")))
    app.shell.setLanguage("en_US")
    qtbot.waitUntil(lambda: "Please smile." in str(page.property("guidance")))
    # A passed check: the page's own words for it, in the customer's language.
    _show(qtbot, app, session, state="identity_passed", phase="result", prompt_code="pass")
    qtbot.waitUntil(lambda: "Thank you. Your identity is confirmed." in texts(app))
