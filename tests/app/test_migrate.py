"""``kiosk migrate``: the stores of release 0.1 (frozen files, tests/app/fixtures/release-0.1)
brought to this release's schema, all or nothing — a failure puts every store back byte for
byte."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
FROZEN = Path(__file__).parent / "fixtures" / "release-0.1" / "var"


def _kiosk_of_release_0_1(tmp_path: Path) -> Path:
    """A kiosk.toml of this release over a copy of release 0.1's data directory."""
    data = tmp_path / "var"
    shutil.copytree(FROZEN, data)
    os.chmod(data / "secrets", 0o700)
    for key in (data / "secrets").iterdir():
        os.chmod(key, 0o600)
    text = (REPO / "kiosk.toml").read_text(encoding="utf-8")
    lines = [f'data_dir = "{data}"' if line.startswith("data_dir") else line
             for line in text.splitlines()]
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return cfg


def _digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and "backups" not in p.parts}


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kiosk_app.cli", *args], capture_output=True,
                          text=True, timeout=120, cwd=REPO,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})


def _config(path: Path) -> Any:
    from kiosk_app.config import load_config

    return load_config(path)


def test_release_0_1_migrates_and_everything_is_still_there(tmp_path: Path) -> None:
    cfg_path = _kiosk_of_release_0_1(tmp_path)
    run = _cli("migrate", "--config", str(cfg_path), "--json")
    assert run.returncode == 0, run.stderr[-3000:]
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert report["ok"] and not report["restored"]
    assert {s["store"] for s in report["stores"]} >= {"journal", "flows", "branch_db",
                                                      "print_jobs"}
    assert Path(report["backup"]).is_dir()

    cfg = _config(cfg_path)
    from kiosk_core.journal import verify_file
    from o2o_sync.store import BranchStore

    assert verify_file(cfg.path("journal")).ok
    store = BranchStore.from_config(cfg)
    try:
        assert store.appointment("apt1")["customer_name"] == "Wang Fang"
    finally:
        store.close()
    assert not cfg.path("branch_db").read_bytes().startswith(b"SQLite format 3")  # encrypted
    from devices.printer.driver import open_job_store

    jobs = open_job_store(cfg.devices.printer, cfg.data_dir)
    assert not jobs.set_aside  # every job file of 0.1 readable (its one job long expired)
    # Run again: nothing left to do, still fine.
    again = _cli("migrate", "--config", str(cfg_path), "--json")
    assert again.returncode == 0, again.stderr[-2000:]


def test_a_failing_store_puts_every_store_back(tmp_path: Path) -> None:
    from kiosk_app.migrate import Store, migrate, stores_of

    cfg = _config(_kiosk_of_release_0_1(tmp_path))
    before = _digest(cfg.data_dir)
    stores = stores_of(cfg)
    ran: list[str] = []

    def broken() -> None:
        ran.append("broken")
        raise RuntimeError("a migration step failed half-way")

    # The journal, flows and branch DB migrate first; the fourth store fails.
    stores.insert(3, Store("broken", [cfg.data_dir / "broken.sqlite"], broken))
    report = migrate(cfg, stores=stores)
    assert not report.ok and report.restored and report.failed == "broken"
    assert "half-way" in report.error and ran == ["broken"]
    assert _digest(cfg.data_dir) == before  # byte for byte, files made meanwhile gone
    assert cfg.path("branch_db").read_bytes().startswith(b"SQLite format 3")  # as it was


def test_the_command_says_what_failed_and_that_all_was_put_back(tmp_path: Path) -> None:
    cfg_path = _kiosk_of_release_0_1(tmp_path)
    cfg = _config(cfg_path)
    cfg.path("flows").write_bytes(b"not a database at all" * 100)  # a damaged store
    before = _digest(cfg.data_dir)
    run = _cli("migrate", "--config", str(cfg_path))
    assert run.returncode != 0 and "Traceback" not in run.stderr
    assert "flows" in run.stderr and "put back" in run.stderr
    assert _digest(cfg.data_dir) == before


def test_it_refuses_while_a_kiosk_runs(tmp_path: Path) -> None:
    import socket

    from technician.control_client import control_paths

    cfg_path = _kiosk_of_release_0_1(tmp_path)
    sock_path, _ = control_paths(_config(cfg_path))
    sock_path.parent.mkdir(parents=True, exist_ok=True)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        server.bind(str(sock_path))
        server.listen(1)
        run = _cli("migrate", "--config", str(cfg_path))
    finally:
        server.close()
    assert run.returncode != 0 and "stop it first" in run.stderr


@pytest.mark.parametrize("keep", ["0", "-1"])
def test_keep_needs_one(tmp_path: Path, keep: str) -> None:
    run = _cli("migrate", "--config", str(_kiosk_of_release_0_1(tmp_path)), "--keep", keep)
    assert run.returncode != 0 and "--keep" in run.stderr
