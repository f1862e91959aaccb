"""Screenshots of every walk-in step, in both languages and every display mode:
docs/screens/walkin-<step>[-large|-contrast]-<lang>.png.

    cd tests
    QT_QPA_PLATFORM=offscreen ../.venv/bin/python -m flows.walkin.screens ../docs/screens

The real app offscreen, the printer simulator (a cover-open fault for the printer-out
ticket), the real branch store; taps like a finger's. :func:`walk` is also what the page
test runs (with a touch-target check at every step instead of a picture).
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parents[3]
MODES = ("", "large", "contrast")
WALKIN_MODULE = "kiosk_ui.flows.walkin_ticket"


def flow_modules() -> list[str]:
    from kiosk_ui.registry import FLOW_MODULES

    return [*FLOW_MODULES, *([WALKIN_MODULE] if WALKIN_MODULE not in FLOW_MODULES else [])]


def set_mode(app: Any, mode: str) -> None:
    app.shell.setLargeText(mode == "large")
    app.shell.setHighContrast(mode == "contrast")


def scroll_to(app: Any, name: str) -> None:
    """Scroll the Flickable holding ``name`` (the menu, a long page) so all of it shows."""
    from PySide6.QtCore import QPointF
    from ui.conftest import find

    from flows.checkin.screens import settle, wait_until

    wait_until(lambda: find(app, name) is not None)
    settle(app)  # a mode just switched: the layout first
    item = find(app, name)
    flick = item.parentItem()
    while flick is not None and not flick.inherits("QQuickFlickable"):
        flick = flick.parentItem()
    if flick is None:
        return
    content = flick.property("contentItem")
    top = item.mapToItem(content, QPointF(0, 0)).y()
    view = flick.height()
    y = flick.property("contentY")
    if top < y or top + item.height() > y + view:
        most = max(0.0, flick.property("contentHeight") - view)
        flick.setProperty("contentY", min(most, max(0.0, top + item.height() - view + 40)))
        settle(app)


def to_menu(app: Any, lang: str) -> None:
    """The menu in ``lang``: a new session from the attract screen if the last one ended
    (finished, or timed out on a slow machine), else the same customer again."""
    from ui.conftest import find

    from flows.checkin.screens import settle, tap, wait_until

    settle(app)
    wait_until(lambda: find(app, "menuScreen") is not None
               or find(app, "attractScreen") is not None)
    if find(app, "menuScreen") is None:
        tap(app, "attractScreen")
        tap(app, f"language_{lang}")
        wait_until(lambda: find(app, "menuScreen") is not None)


def press(app: Any, name: str) -> None:
    from flows.checkin.screens import tap

    scroll_to(app, name)
    tap(app, name)


def walk(app: Any, lang: str, mode: str, snap: Callable[[str], None], *,
         printer_out: bool = False) -> None:
    """attract → language → menu → take a number → ticket (and the waiting and error
    screens, from the session) — ``snap(step)`` on each."""
    from ui.conftest import find

    from flows.checkin.screens import wait_until

    to_menu(app, lang)
    set_mode(app, mode)
    press(app, "service_walkin")
    wait_until(lambda: find(app, "walkinChoose") is not None)
    vm: Any = app.shell.flowModel
    if not printer_out:
        snap("choose")
        vm.session.state.step = "busy"
        vm.changed.emit()
        snap("busy")
        vm.session.state.step, vm.session.state.error = "error", "failed"
        vm.changed.emit()
        snap("error")
        press(app, "walkin_retry")
        wait_until(lambda: find(app, "walkinChoose") is not None)
    press(app, "walkin_loan")
    wait_until(lambda: find(app, "walkinTicket") is not None)
    snap("ticket-printer-out" if printer_out else "ticket")
    if not printer_out:  # a second customer: one ahead
        press(app, "walkin_done")
        to_menu(app, lang)
        set_mode(app, mode)
        press(app, "service_walkin")
        press(app, "walkin_forex")
        wait_until(lambda: find(app, "walkinTicket") is not None)
        snap("ticket-ahead")
    press(app, "walkin_done")
    wait_until(lambda: find(app, "menuScreen") is not None)


def shoot(out: Path, lang: str, mode: str, printer_faults: str = "") -> list[Path]:
    from flows.checkin.screens import config, settle, wait_until
    from kiosk_ui import i18n
    from kiosk_ui.app import KioskApp
    from kiosk_ui.screens import grab

    if i18n.stale():
        i18n.build()
    written: list[Path] = []
    suffix = f"-{mode}" if mode else ""
    with tempfile.TemporaryDirectory() as tmp:
        app = KioskApp(config(Path(tmp), printer_faults), flow_modules=flow_modules())
        try:
            app.show(fullscreen=False)
            wait_until(lambda: bool(app.shell.inService))

            def snap(step: str) -> None:
                settle(app)
                path = out / f"walkin-{step}{suffix}-{lang}.png"
                grab(app).save(str(path))
                written.append(path)

            walk(app, lang, mode, snap, printer_out=bool(printer_faults))
        finally:
            app.close()
            from customer_flows.checkin import close_desks

            close_desks()
    return written


def main(argv: list[str]) -> int:
    out = Path(argv[1] if len(argv) > 1 else REPO / "docs" / "screens")
    out.mkdir(parents=True, exist_ok=True)
    langs = argv[2].split(",") if len(argv) > 2 else ["zh_CN", "en_US"]
    modes = argv[3].split(",") if len(argv) > 3 else list(MODES)
    for lang in langs:
        for mode in modes:
            for path in shoot(out, lang, mode) + shoot(out, lang, mode, "cover-open"):
                print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
