"""Issue 9: after the first frame the flows load off the GUI thread (importing them there
froze the attract screen for 0.5–0.8 s: numpy, sqlite_utils, the sessions …)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.ui.test_commands import demo_config

#: Runs `kiosk run --exit-after-first-frame` with an audit hook that notes which thread
#: first imports each module (the "import" event comes from import statements, so the flow
#: modules themselves, loaded by importlib, are seen through what they import).
PROBE = """
import json, sys, threading
seen = {}
def hook(event, args):
    if event == "import" and args[0] not in seen:
        seen[args[0]] = threading.current_thread().name
sys.addaudithook(hook)
from kiosk_app.cli import main
try:
    code = main()
finally:
    print("IMPORTS " + json.dumps(seen), flush=True)
sys.exit(code)
"""
WATCHED = ("numpy", "sqlite_utils", "customer_flows.card_session",
           "customer_flows.checkin_session", "customer_flows.walkin", "kiosk_ui.qr_view")


def run_probe(tmp_path: Path, exit_flag: str) -> tuple[list[str], dict[str, str]]:
    """`kiosk run --windowed EXIT_FLAG` under PROBE: its output lines, and the thread that
    first imported each module."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, "run", "--config", str(demo_config(tmp_path)),
         "--windowed", exit_flag],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    line = next(x for x in lines if x.startswith("IMPORTS "))
    return lines, json.loads(line.removeprefix("IMPORTS "))


def test_the_flows_are_imported_off_the_gui_thread(tmp_path: Path) -> None:
    _, threads = run_probe(tmp_path, "--exit-after-first-frame")
    for module in WATCHED:
        assert module in threads, f"{module} was never imported"
        assert threads[module] != "MainThread", f"{module} imported on the GUI thread"


def test_every_page_is_compiled_ahead_while_the_attract_screen_shows(make_app: Any,
                                                                    qtbot: Any) -> None:
    """Compiled at the first customer's tap, the menu held the GUI thread ~65 ms: every
    shell page and every registered flow's page is compiled on the engine's loader thread
    once the flows are loaded, and each compiles without an error."""
    from PySide6.QtQml import QQmlComponent

    from kiosk_ui.app import QML_DIR, SHELL_PAGES

    app = make_app()
    urls = {c.url().toLocalFile() for c in app._compiled}
    assert {str(QML_DIR / p) for p in SHELL_PAGES} <= urls
    assert {str(f.qml) for f in app.registry.flows.values()} <= urls
    assert len(app.registry.flows) >= 3  # card issuance, check-in, walk-in ticket
    qtbot.waitUntil(lambda: all(c.status() != QQmlComponent.Status.Loading
                                for c in app._compiled), timeout=20000)
    errors = {c.url().toLocalFile(): c.errorString() for c in app._compiled if c.isError()}
    assert not errors
    assert all(c.isReady() for c in app._compiled)


#: What the composition root starts once the runtime is up: the receipt-link server, the
#: sandbox bank, the video teller, the demo's channel and customer, the technician's servers.
SERVICE_MODULES = ("receipts.link_server", "kiosk_app.bank_service", "kiosk_app.teller_service",
                   "demo.customer", "demo.appointments", "aiohttp.web")


def test_the_services_start_off_the_gui_thread(tmp_path: Path) -> None:
    """Started on the GUI thread, their imports and set-up froze "Getting ready…" for
    80–280 ms."""
    lines, threads = run_probe(tmp_path, "--exit-after-start")
    started = json.loads(next(x for x in lines if x.startswith('{"services"')))["services"]
    assert {"receipt-links", "bank", "demo-customer"} <= set(started), started
    for module in SERVICE_MODULES:
        assert module in threads, f"{module} was never imported"
        assert threads[module] != "MainThread", f"{module} imported on the GUI thread"
