"""Every check-in step in every display mode on the offscreen window: touch targets of at
least 15 mm on the configured panel (kiosk_ui.touch_targets), voice guidance on each step,
and one Back at most (the footer's; none while waiting or once checked in)."""

from __future__ import annotations

from typing import Any

from ui.conftest import find

from kiosk_ui.touch_targets import out_of_sight, overflowing_text, too_small

from .conftest import make_config
from .screens import MODES, walk
from .test_page import texts


def test_every_step_in_every_mode_is_big_enough(qtbot: Any, make_app: Any,
                                                checkin_config: Any, desks: None) -> None:
    app = make_app(make_config(checkin_config))
    qtbot.waitUntil(lambda: app.shell.inService, timeout=15000)
    small: list[str] = []
    silent: list[str] = []
    backs: list[str] = []

    for mode in MODES:
        def snap(step: str, mode: str = mode) -> None:
            small.extend(f"{mode or 'normal'}/{step}: {t}"
                         for t in too_small(app.window, app.config.ui))
            small.extend(f"{mode or 'normal'}/{step}: {t} below the fold, no 'More below'"
                         for t in out_of_sight(app.window))
            small.extend(f"{mode or 'normal'}/{step}: text out of its box: {t}"
                         for t in overflowing_text(app.window))
            page = find(app, "checkinPage")
            if page is None or not page.property("guidance"):
                silent.append(f"{mode}/{step}")
            elif step in ("busy", "ticket", "ticket-printer-out") and page.property("showBack"):
                backs.append(f"{mode}/{step}")
            if texts(app).count("Back") > 1:
                backs.append(f"{mode}/{step}: two")

        walk(app, "en_US", mode, snap)
    assert small == []
    assert silent == []
    assert backs == []
