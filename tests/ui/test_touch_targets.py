"""Touch targets: every interactive element of every shell shot, in every display mode and
language, is at least 15 mm on the configured panel ([ui] diagonal_in)."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtQml import QQmlComponent
from PySide6.QtQuick import QQuickItem

from kiosk_core.config import UISettings
from kiosk_ui.app import QML_DIR
from kiosk_ui.screens import MODES, SHOTS, set_mode, show_shot
from kiosk_ui.touch_targets import (
    MIN_MM,
    interactive_items,
    mm_per_stage_px,
    out_of_sight,
    overflowing_text,
    too_small,
)

from .conftest import find

CUSTOMER_SHOTS = [s for s in SHOTS if not s.technician]


def test_density_of_the_demo_panel() -> None:
    ui = UISettings()  # 21.5" at 1080 × 1920
    assert mm_per_stage_px(ui) == pytest.approx(0.2479, abs=1e-3)
    # The stage scaled onto a smaller window: a stage pixel is bigger on the glass.
    assert mm_per_stage_px(UISettings(width=540, height=960)) == pytest.approx(0.2479, abs=1e-3)
    assert MIN_MM / mm_per_stage_px(ui) == pytest.approx(60.5, abs=0.5)


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("language", ["en_US", "zh_CN"])
def test_every_shell_target_is_big_enough(qtbot: Any, make_app: Any, mode: str,
                                          language: str) -> None:
    app = make_app(start_runtime=False)
    app.registry.load_installed()
    app.shell.refresh()
    problems = []
    counted = 0
    for shot in CUSTOMER_SHOTS:
        show_shot(app, shot, language, mode=MODES[mode])
        qtbot.wait(20)
        counted += len(interactive_items(app.window.contentItem()))
        problems += [f"{shot.name}: {p}" for p in too_small(app.window, app.config.ui)]
        problems += [f"{shot.name}: {p} is below the fold with no 'More below'"
                     for p in out_of_sight(app.window)]
        problems += [f"{shot.name}: text runs out of its box: {p}"
                     for p in overflowing_text(app.window)]
    assert counted > 3 * len(CUSTOMER_SHOTS)
    assert not problems, "\n".join(problems)


def test_a_small_button_is_caught(qtbot: Any, make_app: Any) -> None:
    app = make_app(start_runtime=False)
    set_mode(app, MODES["normal"])
    stage = find(app, "stage")
    assert stage is not None
    comp = QQmlComponent(app.engine)
    comp.setData(b'import QtQuick\nimport "."\nKioskButton { objectName: "tiny"; text: "x";'
                 b' width: 200; height: 40 }', QUrl.fromLocalFile(str(QML_DIR / "tiny.qml")))
    tiny = comp.create()
    assert tiny is not None, comp.errorString()
    assert isinstance(tiny, QQuickItem)
    tiny.setParentItem(stage)
    qtbot.wait(20)
    found = [p for p in too_small(app.window, app.config.ui) if "tiny" in p]
    assert found and "mm" in found[0]
    tiny.setVisible(False)  # hidden: not a target
    assert not [p for p in too_small(app.window, app.config.ui) if "tiny" in p]


def test_a_phrase_that_cannot_wrap_is_caught(qtbot: Any, make_app: Any) -> None:
    """Chinese with word joiners under WordWrap cannot break: it runs out of its box."""
    from kiosk_ui.i18n import keep_phrases

    app = make_app(start_runtime=False)
    set_mode(app, MODES["normal"])
    stage = find(app, "stage")
    assert stage is not None
    phrase = keep_phrases("工作人员稍后可为您补打凭条工作人员稍后可为您补打凭条")
    made = []
    for mode in ("Text.WordWrap", "Text.Wrap"):
        comp = QQmlComponent(app.engine)
        comp.setData(f'import QtQuick\nText {{ objectName: "long"; width: 300; '
                     f'font.pixelSize: 40; wrapMode: {mode}; text: "{phrase}" }}'.encode(),
                     QUrl.fromLocalFile(str(QML_DIR / "long.qml")))
        item = comp.create()
        assert isinstance(item, QQuickItem), comp.errorString()
        item.setParentItem(stage)
        made.append((comp, item))
        qtbot.wait(20)
        found = [p for p in overflowing_text(app.window) if "long" in p]
        assert bool(found) == (mode == "Text.WordWrap"), (mode, found)
        item.setVisible(False)
