"""The look rules a customer depends on: readable contrast and big touch targets."""

from __future__ import annotations

import re
from typing import Any

import pytest
from PySide6.QtQuick import QQuickItem

from kiosk_ui.app import QML_DIR
from kiosk_ui.screens import SHOTS

from .conftest import items

#: Theme.qml's colours as ``name: highContrast ? "<contrast>" : "<normal>"``.
PALETTES = re.findall(r'color (\w+): highContrast \? "(#[0-9A-Fa-f]{6})" : "(#[0-9A-Fa-f]{6})"',
                      (QML_DIR / "Theme.qml").read_text(encoding="utf-8"))
THEME = {name: normal for name, _, normal in PALETTES}
CONTRAST_THEME = {name: hc for name, hc, _ in PALETTES}

#: (text colour, background) pairs the screens use.
PAIRS = [("ink", "page"), ("inkSoft", "page"), ("inkSoft", "card"), ("ink", "card"),
         ("disabledInk", "disabledBg"), ("warnInk", "warnBg"), ("onDark", "amber"),
         ("onDark", "blue"), ("onDark", "teal"), ("onDarkSoft", "navy"),
         ("onDarkSoft", "navyDeep"), ("onDark", "navy"), ("navy", "card")]


def luminance(hex_colour: str) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize(("fg", "bg"), PAIRS)
def test_text_contrast_meets_wcag_aa(fg: str, bg: str) -> None:
    assert contrast(THEME[fg], THEME[bg]) >= 4.5, (fg, bg)


def test_body_text_contrast_is_high() -> None:
    assert contrast(THEME["ink"], THEME["page"]) >= 12
    assert contrast(THEME["inkSoft"], THEME["page"]) >= 7


def test_touch_targets_are_at_least_120_px(qtbot: Any, make_app: Any) -> None:
    app = make_app(start_runtime=False)
    checked = 0
    for shot in SHOTS:
        app.shell.show_state(shot.screen, shot.overlay, shot.service)
        qtbot.wait(20)
        for item in items(app):
            if item.metaObject().className() != "QQuickMouseArea" or not _active(item):
                continue
            checked += 1
            # Stage units: the 1080×1920 design, whatever the window's scale.
            assert min(item.width(), item.height()) >= 120, (shot.name, _owner(item))
    assert checked >= 15


def _active(item: QQuickItem) -> bool:
    if not item.isEnabled():
        return False
    node: QQuickItem | None = item
    while node is not None:
        if not node.isVisible() or node.opacity() == 0:
            return False
        node = node.parentItem()
    return True


def _owner(item: QQuickItem) -> str:
    parent = item.parentItem()
    return parent.objectName() or parent.metaObject().className() if parent else "?"
