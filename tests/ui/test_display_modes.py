"""Large text and high contrast: session-only, 1.4× sizes, a WCAG-AAA palette."""

from __future__ import annotations

from typing import Any

import pytest

from kiosk_ui.app import QML_DIR
from kiosk_ui.screens import MODES, modes

from .conftest import find, tap
from .test_look import CONTRAST_THEME, PAIRS, THEME, contrast

#: Pairs only high contrast adds: outline buttons' text on a card, pressed buttons.
CONTRAST_PAIRS = [*PAIRS, ("onDark", "bluePressed"), ("onDark", "amberPressed"),
                  ("onDark", "navyDeep"), ("blue", "card"), ("teal", "card"),
                  ("amber", "card"), ("blue", "page"), ("inkSoft", "disabledBg"),
                  ("ink", "warnBg"), ("focus", "page")]


def test_every_colour_has_a_contrast_value() -> None:
    text = (QML_DIR / "Theme.qml").read_text(encoding="utf-8")
    colours = text.count("property color ")
    assert len(THEME) == len(CONTRAST_THEME) == colours >= 18


@pytest.mark.parametrize(("fg", "bg"), CONTRAST_PAIRS)
def test_high_contrast_text_meets_wcag_aaa(fg: str, bg: str) -> None:
    assert contrast(CONTRAST_THEME[fg], CONTRAST_THEME[bg]) >= 7, (fg, bg)


def test_modes() -> None:
    assert [m.name for m in modes()] == ["normal", "large", "contrast"]
    assert MODES["large"].file("menu", "zh_CN") == "menu-large-zh_CN.png"
    assert MODES["normal"].file("menu", "zh_CN") == "menu-zh_CN.png"
    with pytest.raises(ValueError, match="unknown mode"):
        modes("huge")


def test_switches_scale_theme_and_reset_at_the_end_of_the_session(
        qtbot: Any, make_app: Any) -> None:
    app = make_app(start_runtime=False)
    app.shell.startSession()
    qtbot.wait(30)
    base = find(app, "largeTextSwitch")
    assert base is not None
    tap(qtbot, app, "largeTextSwitch")
    qtbot.waitUntil(lambda: app.shell.shell.large_text, timeout=2000)
    tap(qtbot, app, "highContrastSwitch")
    qtbot.waitUntil(lambda: app.shell.shell.high_contrast, timeout=2000)
    assert app.shell.property("largeText") and app.shell.property("highContrast")
    app.shell.endSession()
    assert not app.shell.property("largeText") and not app.shell.property("highContrast")
