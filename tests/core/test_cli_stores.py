"""The store commands refuse a file from a newer release with a clear message, untouched."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from kiosk_app.cli import main
from kiosk_core.flows import FlowStore
from kiosk_core.journal import Journal


def _newer(path: Path) -> str:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_journal_list_refuses_a_newer_file(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "journal.sqlite"
    with Journal(path, kiosk_id="K1") as j:
        j.append("kiosk.start", {})
    before = _newer(path)
    assert main(["journal", "list", "--db", str(path)]) == 1
    assert "newer than this software" in capsys.readouterr().err
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_flows_list_refuses_a_newer_file(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text('[kiosk]\nid = "K1"\nbranch = "B1"\n[storage]\ndata_dir = "var"\n')
    flows = tmp_path / "var" / "flows.sqlite"
    flows.parent.mkdir()
    FlowStore(flows).close()
    before = _newer(flows)
    assert main(["flows", "list", "--config", str(config)]) == 1
    assert "newer than this software" in capsys.readouterr().err
    assert hashlib.sha256(flows.read_bytes()).hexdigest() == before
