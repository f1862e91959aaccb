"""Screenshots of every check-in step in both languages: docs/screens/checkin-<step>-<lang>.png.

    cd tests
    QT_QPA_PLATFORM=offscreen ../.venv/bin/python -m flows.checkin.screens ../docs/screens

The real app on the offscreen platform, real simulators (camera showing a phone with the QR
code, printer), a real branch DB seeded with today's appointments; taps like a finger's.
Error screens are reached by telling the session what the look-up said.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parents[3]


def wait_until(pred: Callable[[], bool], timeout: float = 20.0) -> None:
    from PySide6.QtTest import QTest

    deadline = time.monotonic() + timeout
    while not pred():
        if time.monotonic() > deadline:
            raise TimeoutError("screen did not come up")
        QTest.qWait(20)  # (a processEvents(…, ms) busy loop crashes PySide 6 here)


def settle(app: Any) -> None:
    from PySide6.QtTest import QTest

    QTest.qWait(400)  # let animations and image loads finish


def tap(app: Any, name: str) -> None:
    from PySide6.QtCore import QPointF, Qt
    from PySide6.QtTest import QTest
    from ui.conftest import find

    wait_until(lambda: find(app, name) is not None)
    settle(app)
    item = find(app, name)
    assert item is not None
    centre = item.mapToScene(QPointF(item.width() / 2, item.height() / 2)).toPoint()
    QTest.mouseClick(app.window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     centre)


def config(base: Path, printer_faults: str = "") -> Any:
    from kiosk_app.config import load_config

    from .conftest import QR_TOKEN, standard_bookings

    cfg = load_config(REPO / "kiosk.toml").model_copy(update={"base_dir": base})
    devs = cfg.devices
    faults = f"&faults={printer_faults}" if printer_faults else ""
    cfg = cfg.model_copy(update={
        "ui": cfg.ui.model_copy(update={"fullscreen": False}),
        "devices": devs.model_copy(update={
            "printer": devs.printer.model_copy(update={  # type: ignore[union-attr]
                "url": f"sim://printer?out={base / 'pages'}{faults}", "required": False}),
            "camera": devs.camera.model_copy(update={  # type: ignore[union-attr]
                "url": f"sim://camera?scene=qr&text=O2O:{QR_TOKEN}"}),
        })})
    from o2o_sync.store import BranchStore

    store = BranchStore.from_config(cfg)
    store.apply_page(standard_bookings(), "cursor-1")
    store.close()
    return cfg


MODES = ("", "large", "contrast")


def set_mode(app: Any, mode: str) -> None:
    app.shell.setLargeText(mode == "large")
    app.shell.setHighContrast(mode == "contrast")


def reset_bookings(app: Any) -> None:
    """Today's bookings as seeded again (a walk through every mode checks in more than
    once): no appointment checked in, no ticket."""
    from customer_flows.checkin import desk_for

    store = desk_for(app.config).store
    with store.tx() as c:
        c.execute("UPDATE appointments SET local_status='booked', qr_used=0, ticket_id=NULL "
                  "WHERE local_status IN ('checked_in', 'called')")
        c.execute("DELETE FROM tickets")
        c.execute("DELETE FROM ticket_counters")


def walk(app: Any, lang: str, mode: str, snap: Callable[[str], None], *,
         printer_out: bool = False) -> None:
    """Every check-in step, ``snap(step)`` on each (the screenshots; the touch-target test)."""
    from ui.conftest import find

    from flows.walkin.screens import press, to_menu

    reset_bookings(app)
    to_menu(app, lang)
    set_mode(app, mode)
    press(app, "service_checkin")
    wait_until(lambda: find(app, "checkinChoose") is not None)
    vm: Any = app.shell.flowModel
    if printer_out:  # only the ticket without paper
        press(app, "checkin_phone")
        for ch in "13800138000":
            press(app, f"key_{ch}")
        press(app, "phone_next")
        for ch in "K7Q2MX":
            press(app, f"key_{ch}")
        press(app, "code_find")
        press(app, "confirm_yes")
        wait_until(lambda: find(app, "checkinTicket") is not None)
        snap("ticket-printer-out")
        press(app, "ticket_done")
        return
    snap("choose")
    # Hold the decoder's answer back for a moment, to show the live preview.
    real_read, vm.session.qr_read = vm.session.qr_read, lambda text: None
    press(app, "checkin_qr")
    wait_until(lambda: not vm.preview.isNull())
    snap("scan")
    vm.session.qr_read = real_read
    wait_until(lambda: find(app, "checkinConfirm") is not None)
    snap("confirm")
    press(app, "confirm_yes")
    wait_until(lambda: find(app, "checkinTicket") is not None)
    snap("ticket")
    press(app, "ticket_done")
    to_menu(app, lang)
    set_mode(app, mode)
    press(app, "service_checkin")
    press(app, "checkin_phone")
    for ch in "1380013":
        press(app, f"key_{ch}")
    snap("phone")
    for ch in "8000":
        press(app, f"key_{ch}")
    press(app, "phone_next")
    for ch in "K7Q":
        press(app, f"key_{ch}")
    snap("code")
    # The waiting screen and the refusals, straight from the session.
    vm = app.shell.flowModel
    vm.session.busy_with = "lookup"
    vm.session.step = "busy"
    vm.changed.emit()
    snap("busy")
    for code, detail, path in (("used", "", "qr"), ("too_early", "15:45", "qr"),
                               ("unknown", "", "phone"), ("too_many", "", "phone"),
                               ("camera", "", "qr")):
        vm.session.path = path
        vm.session.attempts_left = 2
        vm.flow.can_reprint = code == "used"
        vm.session.refused(code, detail)
        vm.changed.emit()
        snap(f"error-{code.replace('_', '-')}")
    press(app, "error_done")
    wait_until(lambda: find(app, "menuScreen") is not None)


def shoot(out: Path, lang: str, printer_faults: str = "", mode: str = "") -> list[Path]:
    from kiosk_ui import i18n
    from kiosk_ui.app import KioskApp
    from kiosk_ui.screens import grab

    if i18n.stale():
        i18n.build()
    written: list[Path] = []
    suffix = f"-{mode}" if mode else ""
    with tempfile.TemporaryDirectory() as tmp:
        app = KioskApp(config(Path(tmp), printer_faults))
        try:
            app.show(fullscreen=False)
            wait_until(lambda: bool(app.shell.inService))

            def snap(step: str) -> None:
                settle(app)
                path = out / f"checkin-{step}{suffix}-{lang}.png"
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
            for path in shoot(out, lang, mode=mode) + shoot(out, lang, "cover-open", mode):
                print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
