"""`kiosk screens` and `kiosk run` as a user runs them: fresh processes, real files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QImage

from kiosk_ui.screens import SHOTS, modes

REPO = Path(__file__).resolve().parents[2]
KIOSK = Path(sys.executable).parent / "kiosk"  # the console script, as users run it


def kiosk(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([str(KIOSK), *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=60)


def demo_config(tmp_path: Path) -> Path:
    """kiosk.toml of the repository, storing its data under tmp_path."""
    text = (REPO / "kiosk.toml").read_text(encoding="utf-8")
    assert 'data_dir = "var"' in text
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text(text.replace('data_dir = "var"', f'data_dir = "{tmp_path / "var"}"'),
                   encoding="utf-8")
    return cfg


def test_screens_renders_every_screen_in_every_language(tmp_path: Path) -> None:
    out = tmp_path / "shots"
    # The shell's screens (the flows' walks: tests/flows/*, each checked by its own tests).
    proc = kiosk("screens", "--out", str(out), "--config", str(demo_config(tmp_path)),
                 "--shell-only", cwd=REPO)
    assert proc.returncode == 0, proc.stderr
    expected = {mode.file(s.name, lang) for s in SHOTS for lang in ("zh_CN", "en_US")
                for mode in modes() if mode.name == "normal" or not s.technician}
    assert {p.name for p in out.iterdir()} == expected
    assert {"menu-large-zh_CN.png", "menu-contrast-en_US.png"} <= expected
    assert {"attract-zh_CN.png", "menu-en_US.png", "timeout-prompt-zh_CN.png",
            "out-of-service-en_US.png", "call-teller-zh_CN.png"} <= expected
    for name in expected:
        img = QImage(str(out / name))
        assert (img.width(), img.height()) == (1080, 1920), name
    # Languages really differ, and screens differ from one another.
    zh, en = (out / "menu-zh_CN.png").read_bytes(), (out / "menu-en_US.png").read_bytes()
    assert zh != en
    assert (out / "menu-en_US.png").read_bytes() != (out / "language-en_US.png").read_bytes()
    assert "Traceback" not in proc.stderr and "TypeError" not in proc.stderr, proc.stderr


def test_screens_rejects_unknown_language(tmp_path: Path) -> None:
    proc = kiosk("screens", "--out", str(tmp_path), "--language", "fr_FR",
                 "--config", str(demo_config(tmp_path)), cwd=REPO)
    assert proc.returncode == 1
    assert "fr_FR" in proc.stderr and "Traceback" not in proc.stderr


def test_run_with_bad_config_names_the_key(tmp_path: Path) -> None:
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text(demo_config(tmp_path).read_text().replace("width = 1080", "width = 10"))
    proc = kiosk("run", "--config", str(cfg), "--windowed", cwd=tmp_path)
    assert proc.returncode == 1
    assert "ui.width" in proc.stderr and "Traceback" not in proc.stderr


def test_run_draws_attract_screen_before_heavy_imports(tmp_path: Path) -> None:
    proc = kiosk("run", "--config", str(demo_config(tmp_path)), "--windowed",
                 "--exit-after-first-frame", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["heavy_loaded"] == []
    assert report["first_frame_s"] > 0
    # The runtime started after the frame and was stopped cleanly on exit.
    journal = kiosk("journal", "verify", "--config", str(tmp_path / "kiosk.toml"), cwd=tmp_path)
    assert journal.returncode == 0, journal.stderr
    kinds = kiosk("journal", "list", "--json", "--config", str(tmp_path / "kiosk.toml"),
                  cwd=tmp_path).stdout
    records = [json.loads(line)["kind"] for line in kinds.splitlines()]
    assert records[0] == "kiosk.start" and records[-1] == "kiosk.stop"
