"""Screenshots of what a customer sees when the camera has a fault, in both languages:
docs/screens/camera-<fault>-<where>-<lang>.png (offscreen, the real app, simulated devices).

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/camera/make_fault_screens.py \
        docs/screens [LANG…]

The identity step of the debit card (the fault strikes mid-check: the check stops and waits,
telling why) and the check-in QR scan (scanning goes on under the sentence), each with the
camera too dark, frozen and unplugged.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE.parents[1])]
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from flows.card_issuance.make_screens import _start_bank, pump, tap  # noqa: E402
from flows.card_issuance.ui_helpers import demo_config  # noqa: E402

FAULTS = {"dark": "camera_dark", "frozen": "camera_frozen", "unplugged": "camera_unplugged"}


def run(out: Path, lang: str, fault: str, tmp: Path) -> list[Path]:
    from kiosk_ui import i18n
    from kiosk_ui.app import KioskApp

    if i18n.stale():
        i18n.build()
    code = FAULTS[fault]
    app = KioskApp(demo_config(tmp, camera="scene=customer", small=False))
    written: list[Path] = []

    def shoot(where: str) -> None:
        pump(0.6)
        path = out / f"camera-{fault}-{where}-{lang}.png"
        app.window.grabWindow().save(str(path))
        written.append(path)

    try:
        app.show(fullscreen=False)
        pump(until=lambda: app._framed and app.shell.inService, limit=30)
        _start_bank(app)  # as kiosk_app does: the card service needs the bank
        cam: Any = app.runtime.devices["camera"]
        pump(until=lambda: cam.scene is not None, limit=60)
        tap(app, "attractScreen")
        tap(app, f"language_{lang}")
        tap(app, "service_card")
        flow: Any = app.shell.flowModel
        tap(app, "card_accept")
        # Mid-check (a camera already down is not offered for a card: the menu says why).
        cam.inject_fault(fault)
        pump(until=lambda: flow.promptCode == code, limit=30)
        shoot("identity")
        flow.finish()
        pump(0.5)
        tap(app, "service_checkin")
        tap(app, "checkin_qr")
        checkin: Any = app.shell.flowModel
        pump(until=lambda: checkin.error == code, limit=30)
        shoot("scan")
    finally:
        app.close()
    return written


def main(argv: list[str]) -> int:
    from demo.plugin import register_scenes

    register_scenes()  # sim://camera?scene=customer
    out = Path(argv[0]) if argv else Path("docs/screens")
    out.mkdir(parents=True, exist_ok=True)
    for lang in argv[1:] or ["en_US", "zh_CN"]:
        for fault in FAULTS:
            with tempfile.TemporaryDirectory() as tmp:
                for path in run(out, lang, fault, Path(tmp)):
                    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
