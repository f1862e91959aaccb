"""Every check-in step in Chinese with large text (the longest lines: phrases that must not
break), on its own so the test runners can share the work: touch targets, nothing below the
fold without "More below", no text out of its box."""

from __future__ import annotations

from typing import Any

from kiosk_ui.touch_targets import out_of_sight, overflowing_text, too_small

from .conftest import make_config
from .screens import walk


def test_every_step_in_chinese_large_text(qtbot: Any, make_app: Any, checkin_config: Any,
                                          desks: None) -> None:
    app = make_app(make_config(checkin_config))
    qtbot.waitUntil(lambda: app.shell.inService, timeout=15000)
    problems: list[str] = []
    walk(app, "zh_CN", "large", lambda step: problems.extend(
        f"{step}: {t}" for t in [*too_small(app.window, app.config.ui),
                                 *out_of_sight(app.window), *overflowing_text(app.window)]))
    assert problems == []
