from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kiosk_app.cli import main
from o2o_sync.store import BranchStore

from .conftest import TOKEN, Channel, item

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def config(tmp_path: Path, channel: Channel) -> Path:
    text = (REPO / "kiosk.toml").read_text()
    text = text.replace('channel_url = "http://127.0.0.1:8780"', f'channel_url = "{channel.url}"')
    text = text.replace('api_token = "demo-branch-token"', f'api_token = "{TOKEN}"')
    path = tmp_path / "kiosk.toml"
    path.write_text(text)
    return path


def test_sync_once_and_status(
    config: Path, channel: Channel, capsys: pytest.CaptureFixture[str]
) -> None:
    for i in range(3):
        channel.book(10 + 15 * i)
    assert main(["o2o", "sync", "--once", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert "pulled 3 item(s)" in out and "outbox depth 0" in out
    assert main(["o2o", "status", "--json", "--config", str(config)]) == 0
    st = json.loads(capsys.readouterr().out)
    assert st["appointments"] == {"booked": 3} and st["outbox_depth"] == 0
    assert st["cursor"] and st["last_sync_utc"] and st["full_sync_done"]
    assert main(["o2o", "status", "--config", str(config)]) == 0
    assert "outbox depth: 0 pending" in capsys.readouterr().out


def test_sync_once_offline_keeps_working(
    config: Path, channel: Channel, capsys: pytest.CaptureFixture[str]
) -> None:
    store = BranchStore(config.parent / "var" / "branch.sqlite")
    store.apply_page([item("a1")], None)
    store.check_in("a1")
    store.close()
    channel.faults.down = True
    assert main(["o2o", "sync", "--once", "--config", str(config)]) == 1
    captured = capsys.readouterr()
    assert "pull failed: channel unreachable" in captured.err
    assert "outbox depth 1" in captured.out


def test_staff_add_and_purge(
    config: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("long enough pw\n"))
    assert main(["o2o", "staff-add", "bob", "--password-stdin", "--config", str(config)]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["o2o", "staff-add", "eve", "--password-stdin", "--config", str(config)]) == 1
    assert "at least 8" in capsys.readouterr().err
    assert main(["o2o", "purge", "--config", str(config)]) == 0
    assert "removed from 0 appointment(s)" in capsys.readouterr().out


def test_bad_config_and_listen_are_clear_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "kiosk.toml"
    shutil.copy(REPO / "kiosk.toml", bad)
    bad.write_text(bad.read_text().replace("retention_days = 90", "retention_days = 0"))
    assert main(["o2o", "status", "--config", str(bad)]) == 1
    assert "sync.retention_days" in capsys.readouterr().err
    assert (
        main(
            [
                "o2o",
                "staff-console",
                "--listen",
                "0.0.0.0:9999",
                "--config",
                str(REPO / "kiosk.toml"),
            ]
        )
        == 1
    )
    assert "loopback" in capsys.readouterr().err
