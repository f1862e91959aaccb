"""``kiosk hub token`` and ``kiosk hub`` (serving, with TURN credentials handed out)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from ports import free_port

from kiosk_app.cli import main
from video_teller import protocol as p
from video_teller.hub.tokens import load_or_create_key, verify

from .conftest import Client

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def config(tmp_path: Path) -> Path:
    text = (REPO / "kiosk.toml").read_text()
    path = tmp_path / "kiosk.toml"
    path.write_text(text)
    return path


def _hub_table(config: Path, extra: str) -> None:
    text = config.read_text().replace("[hub]\n", f"[hub]\n{extra}\n", 1)
    config.write_text(text)


def test_token_command(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["hub", "token", "--role", "teller", "--id", "anna", "--ttl", "120",
                 "--name", "Anna", "--languages", "zh_CN,en_US", "--skills",
                 "card_issuance,general", "--config", str(config)]) == 0
    token = capsys.readouterr().out.strip()
    key_path = config.parent / "secrets" / "hub_token.key"
    assert key_path.exists() and oct(key_path.stat().st_mode & 0o777) == "0o600"
    claims = verify(load_or_create_key(key_path), token, role=p.Role.TELLER)
    assert claims.name == "Anna" and claims.skills == (p.Skill.CARD_ISSUANCE, p.Skill.GENERAL)
    assert 0 < claims.exp - claims.iat <= 120
    # --config before the sub-command works as well.
    assert main(["hub", "--config", str(config), "token", "--role", "kiosk", "--id", "k9"]) == 0
    assert verify(load_or_create_key(key_path), capsys.readouterr().out.strip()).sub == "k9"
    assert main(["hub", "token", "--role", "kiosk", "--id", "bad id",
                 "--config", str(config)]) == 1
    assert "1-64 characters" in capsys.readouterr().err
    assert main(["hub", "token", "--role", "teller", "--id", "t", "--skills", "magic",
                 "--config", str(config)]) == 1


@pytest.mark.slow
async def test_serve_command_prints_ready_and_hands_out_turn(config: Path,
                                                             tmp_path: Path) -> None:
    secrets = config.parent / "secrets"
    secrets.mkdir(parents=True)
    (secrets / "turn_secret").write_text("turn-shared-secret\n")
    _hub_table(config, 'turn_urls = ["turn:127.0.0.1:3478"]\nturn_ttl_s = 600')
    port = free_port()
    db = tmp_path / "elsewhere" / "hub.sqlite"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "kiosk_app.cli", "hub", "--listen", f"127.0.0.1:{port}",
         "--db", str(db), "--config", str(config)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO, env=env)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith(f"call hub on http://127.0.0.1:{port}"), (
            line, proc.stderr.read() if proc.poll() is not None else "")  # type: ignore[union-attr]
        assert db.exists()
        from video_teller.hub.tokens import issue

        key = load_or_create_key(secrets / "hub_token.key")
        c = await Client.connect(f"ws://127.0.0.1:{port}/ws",
                                 issue(key, role="kiosk", sub="k1", ttl_s=60))
        welcome = await c.expect(p.Welcome)
        ice = welcome.ice_servers[0]
        await c.close()
        assert ice.urls == ["turn:127.0.0.1:3478"] and ice.credential
        expiry, user = ice.username.split(":")  # type: ignore[union-attr]
        assert user == "k1" and 500 < int(expiry) - time.time() <= 600
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0


def test_serve_command_refuses_bad_listen(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["hub", "--listen", "nowhere", "--config", str(config)]) == 1
    assert "--listen" in capsys.readouterr().err
