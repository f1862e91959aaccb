"""Shared by the page tests and the screenshot script: a kiosk app on the demo config
with real simulated devices, and the taps of the debit-card flow."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest

from kiosk_app.config import KioskConfig, load_config

REPO = Path(__file__).resolve().parents[3]


def demo_config(tmp: Path, *, dispenser: str = "cards=50&take=1.5", printer: str = "",
                camera: str = "scene=customer", small: bool = True,
                pinpad: str = "ceremony=true&pin=258013",
                inactivity_s: float = 600) -> KioskConfig:
    cfg = load_config(REPO / "kiosk.toml")
    devices = cfg.devices
    upd = {
        "card_dispenser": devices.card_dispenser.model_copy(update={  # type: ignore[union-attr]
            "url": f"sim://card-dispenser?{dispenser}", "take_timeout_s": 4.0}),
        "printer": devices.printer.model_copy(update={  # type: ignore[union-attr]
            "url": f"sim://printer?out={tmp / 'paper'}" + (f"&{printer}" if printer else "")}),
        "camera": devices.camera.model_copy(update={  # type: ignore[union-attr]
            "url": f"sim://camera?{camera}"}),
        "pinpad": devices.pinpad.model_copy(update={  # type: ignore[union-attr]
            "url": f"sim://pinpad?{pinpad}"}),
    }
    ui = cfg.ui.model_copy(update={"width": 540, "height": 960, "fullscreen": False}) if small \
        else cfg.ui.model_copy(update={"fullscreen": False})
    from ports import free_port

    # A port of its own: a sandbox bank another test (or the demo) left on 8790 is not ours.
    bank = cfg.bank.model_copy(update={"url": f"http://127.0.0.1:{free_port()}"})
    return cfg.model_copy(update={
        "base_dir": tmp, "devices": devices.model_copy(update=upd), "ui": ui, "bank": bank,
        "identity": cfg.identity.model_copy(update={"liveness_challenges": 2}),
        "timeouts": cfg.timeouts.model_copy(update={"inactivity_s": inactivity_s})})


def draw_signature(qtbot: Any, app: Any, pad: Any) -> None:
    """A signature drawn with the mouse: press, drag through a squiggle, release."""
    w, h = pad.width(), pad.height()
    pts = [(0.15 + 0.7 * i / 40, 0.5 + 0.25 * ((-1) ** (i // 5)) * ((i % 5) / 5))
           for i in range(41)]
    to = [pad.mapToScene(QPointF(x * w, y * h)).toPoint() for x, y in pts]
    win = app.window
    QTest.mousePress(win, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, to[0])
    for p in to[1:]:
        QTest.mouseMove(win, p)
        qtbot.wait(5)
    QTest.mouseRelease(win, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, to[-1])


def texts(app: Any) -> list[str]:
    """Every visible text (our inline Text components included)."""
    from ui.conftest import _shown, items

    return [str(i.property("text")) for i in items(app)
            if i.inherits("QQuickText") and _shown(i)]
