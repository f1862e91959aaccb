"""The kiosk's display session (deploy/bin/smartbranch-session, issue 17 items 1 and 3) on
real display servers: an X server with no window manager (Xvfb standing in for Xorg) with
Qt's xcb platform, and Debian's cage Wayland kiosk compositor (its headless backend, as no
GPU is here) with Qt's wayland platform. Each run draws the attract screen and exits."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk_app.install import DEPLOY

SESSION = DEPLOY / "bin" / "smartbranch-session"
KIOSK = Path(sys.executable).parent / "kiosk"
NOBODY = 65534


def _config(tmp_path: Path) -> Path:
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text(f"""
[kiosk]
id = "KIOSK-SESSION-01"
branch = "Session Branch"

[storage]
data_dir = "{tmp_path / 'var'}"

[monitoring]
listen = ""

[logging.levels]
"qt.qpa.plugin" = "DEBUG"   # which platform plugin Qt loads
""", encoding="utf-8")
    return cfg


def _free_display() -> int:
    for n in range(91, 400):
        if not Path(f"/tmp/.X{n}-lock").exists() and not Path(f"/tmp/.X11-unix/X{n}").exists():
            return n
    raise AssertionError("no free X display number")


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed (dev.sh APT_PACKAGES)")
    return path


def _first_frame(done: subprocess.CompletedProcess[str]) -> dict[str, object]:
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    assert lines, f"no first frame (exit {done.returncode}):\n{done.stdout}\n{done.stderr}"
    report: dict[str, object] = json.loads(lines[-1])
    return report


def test_x11_session_with_no_window_manager(tmp_path: Path) -> None:
    _tool("Xvfb")
    n = _free_display()
    env = {**os.environ, "KIOSK_SESSION": "x11", "KIOSK_XSERVER": "Xvfb",
           "KIOSK_XSERVER_ARGS": "-screen 0 1080x1920x24 -nolisten tcp", "KIOSK_DISPLAY": f":{n}",
           "KIOSK_BIN": str(KIOSK), "QT_LOGGING_RULES": "qt.qpa.plugin=true"}
    env.pop("QT_QPA_PLATFORM", None)  # the session chooses xcb
    done = subprocess.run([str(SESSION), "run", "--exit-after-first-frame", "--config",
                           str(_config(tmp_path))], env=env, capture_output=True, text=True,
                          timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert float(str(_first_frame(done)["first_frame_s"])) > 0
    assert 'Successfully loaded Qt platform plugin "xcb"' in done.stderr, done.stderr
    assert not Path(f"/tmp/.X11-unix/X{n}").exists(), "the X server outlived the session"


def test_x11_session_reports_an_x_server_that_cannot_start(tmp_path: Path) -> None:
    env = {**os.environ, "KIOSK_SESSION": "x11", "KIOSK_XSERVER": "false",
           "KIOSK_DISPLAY": f":{_free_display()}", "KIOSK_BIN": str(KIOSK)}
    done = subprocess.run([str(SESSION), "run"], env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 1 and "did not start" in done.stderr, done.stderr
    bad = subprocess.run([str(SESSION)], env={**env, "KIOSK_SESSION": "gnome"},
                         capture_output=True, text=True, timeout=10)
    assert bad.returncode == 2 and "cage or x11" in bad.stderr


def test_cage_session_on_wayland(tmp_path: Path) -> None:
    cage = _tool("cage")
    _tool("Xwayland")  # cage refuses to start without it
    env = {**os.environ, "KIOSK_SESSION": "cage", "KIOSK_BIN": str(KIOSK),
           # No GPU or seat here: wlroots' headless output, software rendering.
           "WLR_BACKENDS": "headless", "WLR_LIBINPUT_NO_DEVICES": "1", "WLR_RENDERER": "pixman",
           "QT_LOGGING_RULES": "qt.qpa.plugin=true", "PATH": f"{Path(cage).parent}:/usr/bin:/bin"}
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    home = tmp_path / "home"
    home.mkdir()
    config = _config(tmp_path)
    command = [str(SESSION), "run", "--exit-after-first-frame", "--config", str(config)]
    if os.geteuid() == 0:
        # cage will not run as root (as on a kiosk: its own user). Run it as nobody; the
        # interpreter may sit in a root-only home, so nobody may search directories.
        if shutil.which("setpriv") is None:
            pytest.fail("setpriv is not installed (util-linux)")
        (tmp_path / "var").mkdir()
        for path in (runtime, home, tmp_path / "var"):
            os.chown(path, NOBODY, NOBODY)
        command = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups",
                   "--inh-caps=+dac_read_search", "--ambient-caps=+dac_read_search", *command]
    env.update(XDG_RUNTIME_DIR=str(runtime), HOME=str(home))
    env.pop("QT_QPA_PLATFORM", None)
    env.pop("DISPLAY", None)
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120,
                          cwd=tmp_path)
    if "Operation not permitted" in done.stderr and "setpriv" in done.stderr:
        pytest.skip(f"cannot drop to an unprivileged user here: {done.stderr.strip()}")
    report = _first_frame(done)
    assert float(str(report["first_frame_s"])) > 0
    assert report["heavy_loaded"] == []
    assert 'Successfully loaded Qt platform plugin "wayland"' in done.stderr, done.stderr
