"""Every step of the debit-card page in every display mode (normal, large text, high
contrast), in one walk per mode: each step says what it is for voice guidance, offers the
footer's Back only before anything started, clips no text, and every touch target is big
enough (kiosk_ui.touch_targets). The steps are set on the session directly (the real
identity check and devices are walked in test_pages.py).

Both languages. ``CARD_MODES_SHOTS=<dir>`` also saves each step as a PNG there (to look at
quickly; docs/screens is made by make_screens.py)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPointF, QRectF
from ui.conftest import _shown, find, items

from .test_pages import app_for, open_card_flow  # noqa: F401  (app_for: a fixture)
from .ui_helpers import STEPS, demo_config

#: The page's step items (StepPage in CardIssuance.qml).
STEP_PAGES = {"cardIntro", "cardIdentity", "cardIdentityPassed", "cardIdentityFailed",
              "cardIdentityTeller",
              "cardSignature", "cardPin", "cardDevice", "cardDone", "cardFailed"}
#: Where the customer can go back to the menu with the footer's Back.
WITH_BACK = {"intro", "id-capture", "face", "liveness", "liveness-nod", "liveness-dot",
             "liveness-face-front",
             "identity-passed", "identity-failed",
             "identity-failed-final", "identity-teller", "identity-no-staff", "signature"}


def _dot_problems(app: Any, snap: dict[str, Any]) -> list[str]:
    """Follow the dot: the dot is drawn only while asked, where the session says, over the
    camera picture, and big enough to see (≥ 96 px: elderly eyes)."""
    dot = next((i for i in items(app) if i.objectName() == "followDot"), None)
    if dot is None:  # the camera box (and the dot in it) exists only on the identity step
        return ["no followDot item on the identity step"] if snap["state"] == "identity" else []
    if not snap.get("dot_shown"):
        return ["the dot shows while not asked"] if _shown(dot) else []
    if not _shown(dot):
        return ["the dot is not shown"]
    box = dot.parentItem()
    centre = dot.mapToItem(box, QPointF(dot.width() / 2, dot.height() / 2))
    want = QPointF(snap["dot_x"] * box.width(), snap["dot_y"] * box.height())
    problems = []
    if abs(centre.x() - want.x()) > 2 or abs(centre.y() - want.y()) > 2:
        problems.append(f"the dot is at {centre.x():.0f},{centre.y():.0f}, not "
                        f"{want.x():.0f},{want.y():.0f}")
    if dot.width() < 96:
        problems.append(f"the dot is {dot.width():.0f} px wide")
    return problems


def _set_mode(app: Any, large: bool, contrast: bool) -> None:
    shell = app.shell
    if hasattr(shell, "setLargeText"):
        shell.setLargeText(large)
        shell.setHighContrast(contrast)


def _clipped(app: Any, page: Any) -> list[str]:
    """Visible texts that do not fit: wider than their box, or outside their button."""
    bad = []
    stage = QRectF(0, 0, 1080, 1920)
    for item in items(app):
        if not item.inherits("QQuickText") or not _shown(item) or not item.property("text"):
            continue
        if not _inside(item, page):
            continue
        w = float(item.property("paintedWidth"))
        r = QRectF(item.mapToScene(QPointF(0, 0)), item.mapToScene(QPointF(w, item.height())))
        box = _button_of(item)
        limit = QRectF(box.mapToScene(QPointF(0, 0)),
                       box.mapToScene(QPointF(box.width(), box.height()))) if box else stage
        if r.left() < limit.left() - 1 or r.right() > limit.right() + 1 \
                or (item.width() > 0 and w > item.width() + 1 and item.property("wrapMode")):
            bad.append(str(item.property("text"))[:60])
    return bad


def _inside(item: Any, root: Any) -> bool:
    while item is not None:
        if item is root:
            return True
        item = item.parentItem()
    return False


def _button_of(item: Any) -> Any:
    p = item.parentItem()
    while p is not None:
        if p.property("outline") is not None and p.property("pressedColour") is not None:
            return p
        p = p.parentItem()
    return None


def test_every_step_in_every_mode(qtbot: Any, app_for: Any, tmp_path: Path) -> None:  # noqa: F811
    try:
        from kiosk_ui.touch_targets import too_small
    except ImportError:  # helper A's module (contract 4) not there yet
        too_small = None
    shots = os.environ.get("CARD_MODES_SHOTS")
    app = app_for(demo_config(tmp_path, small=False, camera="scene=empty"))
    flow = open_card_flow(qtbot, app, "en_US")
    session = flow.session
    problems: list[str] = []
    modes = (("", False, False), ("large", True, False), ("contrast", False, True))
    for lang, (mode, large, contrast) in [(la, m) for la in ("en_US", "zh_CN") for m in modes]:
        if app.shell.language != lang:
            app.shell.setLanguage(lang)
            qtbot.waitUntil(lambda: app.shell.language == lang)  # noqa: B023
        _set_mode(app, large, contrast)
        for name, snap in STEPS:
            session._set(**{"phase": "", "prompt_code": "", "reason": "",
                            "teller_unreachable": False, "dot_shown": False,
                            "can_retry": False, "challenge": 0, "challenges": 0, **snap})
            qtbot.waitUntil(lambda: flow.state == snap["state"], timeout=5000)  # noqa: B023
            with qtbot.waitSignal(app.window.frameSwapped, timeout=5000):
                app.window.update()
            if snap.get("dot_shown"):
                qtbot.wait(250)  # the dot glides to a new place (90 ms) rather than jumps
            page = find(app, "cardIssuancePage")
            assert page is not None
            where = f"{name} ({mode or 'normal'}, {lang})"
            if not str(page.property("guidance")):
                problems.append(f"{where}: no guidance")
            if bool(flow.backAllowed) != (name in WITH_BACK):
                problems.append(f"{where}: back allowed = {flow.backAllowed}")
            problems += [f"{where}: clipped {t!r}" for t in _clipped(app, page)]
            problems += [f"{where}: {p}" for p in _dot_problems(app, snap)]
            step = next(i for i in items(app) if i.objectName() in STEP_PAGES and _shown(i))
            # Everything on one screen in normal size; in large text a step that does not
            # fit scrolls, and says so with a button ("More below").
            if step.property("interactive") and not (large and find(app, "cardMoreBelow")):
                problems.append(f"{where}: does not fit on the screen "
                                f"({step.property('contentHeight'):.0f} > {step.height():.0f})")
            if too_small is not None:
                problems += [f"{where}: too small {t}"
                             for t in too_small(app.window, app.runtime.config.ui)]
            if shots:
                suffix = f"-{mode}" if mode else ""
                app.window.grabWindow().save(str(Path(shots) / f"card-{name}{suffix}-{lang}.png"))
    _set_mode(app, False, False)
    assert not problems, "\n".join(problems)
