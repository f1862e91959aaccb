"""``kiosk run`` and ``kiosk screens``: the app wired to the runtime and the services.

Qt is imported inside the handlers only (``kiosk config check`` stays instant)."""

from __future__ import annotations

import argparse
import gc
import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

from kiosk_core.cli import CommandError, Commands, command_config

#: Modules that must not be loaded before the attract screen is drawn (checked by the
#: cold-start benchmark through ``kiosk run --exit-after-first-frame``).
#: asyncio and sqlite3 too: the core loop and storage start after the frame (issue 9).
HEAVY_MODULES = ("cv2", "dlib", "escpos", "aiohttp", "numpy", "asyncio", "sqlite3")


def add_commands(cli: Commands) -> None:
    run = cli.root.add_parser("run", help="run the kiosk app (full screen, portrait)")
    run.add_argument("--config", help="kiosk.toml (default: $KIOSK_CONFIG or ./kiosk.toml)")
    run.add_argument("--windowed", action="store_true", help="a window instead of full screen")
    # For bench/cold_start.py: print a JSON line when the first frame is drawn, then quit.
    run.add_argument("--exit-after-first-frame", action="store_true", help=argparse.SUPPRESS)
    # For bench/start_stall.py and its test: quit once every service has started.
    run.add_argument("--exit-after-start", action="store_true", help=argparse.SUPPRESS)
    run.set_defaults(handler=run_kiosk)

    screens = cli.root.add_parser(
        "screens", help="render every screen of every flow in every language to PNG")
    screens.add_argument("--out", required=True, help="folder for the PNG files")
    screens.add_argument("--config", help="kiosk.toml (default: $KIOSK_CONFIG or ./kiosk.toml)")
    screens.add_argument("--language", action="append", help="only this language (repeatable)")
    screens.add_argument("--mode", choices=("normal", "large", "contrast", "all"), default="all",
                         help="display mode: normal, large text, high contrast, or all (default)")
    screens.add_argument("--shell-only", action="store_true",
                         help="only the shell and call screens, not the flows' walks")
    screens.set_defaults(handler=render_screens)



def _translations() -> None:
    """Compile the translations if set-up has not (or the .ts changed since)."""
    from kiosk_ui import i18n

    if i18n.stale():
        try:
            i18n.build()
        except i18n.ToolError as exc:
            print(f"kiosk: warning: {exc}; screens will show English", file=sys.stderr)


def run_kiosk(args: argparse.Namespace) -> int:
    cfg = command_config(args.config)
    from kiosk_core.logging_config import configure  # [logging]: levels, journald or a file

    configure(getattr(args, "verbose", 0), json=getattr(args, "log_json", False),
              settings=cfg.logging, log_dir=cfg.data_dir / "logs")
    _translations()
    from devices.registry import create_device
    from kiosk_app import technician_services  # light: its heavy parts import when started
    from kiosk_app.services import start_services
    from kiosk_core.runtime import KioskRuntime
    from kiosk_ui.app import KioskApp

    runtime = KioskRuntime(cfg, device_factory=create_device)
    # One technician service for the service screens, `kiosk diag …`, health and the fleet,
    # built after the first frame (its imports would delay the attract screen).
    tech: list[technician_services.TechnicianSide] = []

    def build_technician(rt: KioskRuntime) -> tuple[Any, Any]:
        tech.append(technician_services.build(rt, args.config))
        return tech[0].service, tech[0].auth

    kiosk = KioskApp(cfg, runtime=runtime, technician_factory=build_technician)
    from kiosk_app.watchdog import attach_watchdog

    attach_watchdog(kiosk)  # under systemd: READY=1, the watchdog, STOPPING=1 (sd_notify)
    app = kiosk.app
    # Receipt links, the demo's channel + sync: on the core loop once storage is open.
    # The video teller's call is built on a worker; the teller desk gets it on the GUI thread.
    def attach_call(call: object) -> None:
        kiosk.bridge.on_gui(kiosk.shell.teller.attach_call, call)

    def start_all(side: technician_services.TechnicianSide | None) -> None:
        started = start_services(runtime, on_teller_call=attach_call)
        if side is not None:
            technician_services.start(runtime, side)
        if args.exit_after_start:
            print(json.dumps({"services": started}), flush=True)
            kiosk.bridge.on_gui(app.exit, 0)

    def started() -> None:  # on the GUI thread: the services start on a worker (their
        # imports and set-up held the GUI thread ~120 ms while "Getting ready…" showed)
        side = tech[0] if kiosk.technician is not None and tech else None
        kiosk.bridge.run_in_thread(start_all, side)

    kiosk.bridge.started.connect(started)
    # What exists once the flows are loaded lives as long as the kiosk: out of the
    # collector's sight, so a full collection (55–90 ms here, holding the GIL wherever it
    # runs) stays short during a customer's flow.
    kiosk.flowsLoaded.connect(gc.freeze)
    if args.exit_after_first_frame:
        def report(age: float) -> None:
            heavy = sorted(m for m in HEAVY_MODULES if m in sys.modules)
            # CPU seconds of the whole process so far: what the start costs, whatever else
            # the machine runs (the wall time grows with the load, this hardly does).
            cpu = time.process_time()
            print(json.dumps({"first_frame_s": round(age, 4), "cpu_s": round(cpu, 4),
                              "heavy_loaded": heavy}), flush=True)

        kiosk.firstFrame.connect(report)
        # Quit once the flows are loaded and the runtime started (and so is stopped
        # cleanly: its journal says kiosk.start … kiosk.stop), as on SIGTERM (below).
        kiosk.flowsLoaded.connect(lambda: app.exit(0))
    # SIGTERM/SIGINT end the app cleanly (devices closed, journal "kiosk.stop" written);
    # Python sees the signal at the view-model's next timer tick. exit(), not quit(): Qt 6's
    # quit() first closes every window inside the running event loop, and the offscreen
    # platform then sometimes fires a closed window's pending update timer (a segfault,
    # exit -11, instead of 0). After exec() returns, kiosk.close() takes the window down
    # with no event loop left to fire anything.
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: app.exit(0))
    try:
        kiosk.show(fullscreen=cfg.ui.fullscreen and not args.windowed)
        return int(app.exec())
    finally:
        kiosk.close()


def render_screens(args: argparse.Namespace) -> int:
    cfg = command_config(args.config)
    languages = args.language or list(cfg.kiosk.languages)
    unknown = [lang for lang in languages if lang not in cfg.kiosk.languages]
    if unknown:
        raise CommandError(f"language(s) {', '.join(unknown)} not in kiosk.languages "
                           f"({', '.join(cfg.kiosk.languages)})")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _translations()
    from kiosk_ui.screens import render

    out = Path(args.out)
    for path in render(cfg, out, languages, mode=args.mode):
        print(path, flush=True)
    if args.shell_only:
        return 0
    from kiosk_app import flow_screens

    if not flow_screens.available():
        print("kiosk screens: the flows' walks come with the source checkout (tests/); "
              "only the shell and call screens were rendered", file=sys.stderr)
        return 0
    modes = ["normal", "large", "contrast"] if args.mode == "all" else [args.mode]
    failed = flow_screens.run_walks(out, languages, modes)
    if failed:
        raise CommandError(f"these flows' screens failed: {', '.join(failed)}")
    return 0
