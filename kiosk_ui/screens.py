"""``kiosk screens``: render every shell screen in every language to PNG, offscreen.

Each screen is put in place through the view-model (the same path a customer's taps
take), with a fixed clock and a fixed service state so the pictures are reproducible.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from kiosk_core.config import CoreConfig
from kiosk_ui.shell import Overlay, Screen, ServiceView

if TYPE_CHECKING:  # Qt is imported only when rendering
    from PySide6.QtGui import QImage

    from kiosk_ui.app import KioskApp

IN_SERVICE = ServiceView(in_service=True, starting=False)


@dataclass(frozen=True)
class Shot:
    name: str
    screen: Screen
    overlay: Overlay = Overlay.NONE
    service: ServiceView = IN_SERVICE


SHOTS: tuple[Shot, ...] = (
    Shot("attract", Screen.ATTRACT),
    Shot("language", Screen.LANGUAGE),
    Shot("menu", Screen.MENU),
    Shot("timeout-prompt", Screen.MENU, Overlay.TIMEOUT_PROMPT),
    Shot("call-teller", Screen.MENU, Overlay.CALL_TELLER),
    Shot("out-of-service", Screen.MENU,
         service=ServiceView(in_service=False, starting=False, down=("card_dispenser", "printer"))),
)


def render(
    config: CoreConfig, out_dir: Path, languages: Iterable[str] | None = None
) -> list[Path]:
    """Write ``<shot>-<language>.png`` for every shot; returns the files written."""
    from kiosk_ui.app import KioskApp

    out_dir.mkdir(parents=True, exist_ok=True)
    fixed = datetime(2026, 11, 23, 9, 30, tzinfo=ZoneInfo(config.kiosk.timezone))
    written = []
    for lang in languages or config.kiosk.languages:
        # The attract screen leads with the kiosk's own language: render each as the default.
        kiosk = config.kiosk.model_copy(update={"locale": lang})
        cfg = config.model_copy(update={"kiosk": kiosk})
        app = KioskApp(cfg, start_runtime=False, wall_clock=lambda: fixed)
        try:
            app.show(fullscreen=False)
            for shot in SHOTS:
                app.shell.show_state(shot.screen, shot.overlay, shot.service)
                if shot.overlay is Overlay.CALL_TELLER:
                    app.shell.teller.request(lang, str(shot.screen))
                else:
                    app.shell.teller.set_ended()
                path = out_dir / f"{shot.name}-{lang}.png"
                grab(app).save(str(path))
                written.append(path)
        finally:
            app.close()
    return written


def grab(app: KioskApp) -> QImage:
    """Let pending bindings settle, then render the window to an image."""
    from PySide6.QtCore import QCoreApplication, QEventLoop

    for _ in range(3):
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
    return app.window.grabWindow()
