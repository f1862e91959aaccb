"""``kiosk fleet status|keygen|send`` as a user runs them: the real CLI in a subprocess."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from fleet_support import OPS_PASSWORD, AgentFactory, Kiosk, report
from waiting import poll

from bench.fleet_status import Mosquitto

REPO = Path(__file__).resolve().parents[2]


def kiosk_cli(*args: str, cwd: Path, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("KIOSK_CONFIG", None)
    return subprocess.run([sys.executable, "-m", "kiosk_app.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def ops_config(tmp_path: Path, broker: Mosquitto) -> Path:
    """The operations centre's kiosk.toml: its own login, password in secrets_dir."""
    d = tmp_path / "ops"
    (d / "secrets").mkdir(parents=True)
    (d / "secrets" / "ops.pw").write_text(OPS_PASSWORD + "\n")
    cfg = d / "kiosk.toml"
    cfg.write_text(f"""
[kiosk]
id = "OPS"
branch = "HQ"

[fleet]
broker = "{broker.url}"
username = "ops"
password_file = "ops.pw"
topic_prefix = "sb"
""")
    return cfg


def test_status_lists_every_kiosk(make_agent: AgentFactory, ops_config: Path, watch: Any,
                                  tmp_path: Path) -> None:
    w = watch("sb/+/+/state")
    make_agent()
    down = Kiosk(report=report("K02", "上海 1", in_service=False, dispenser="hardwareError"))
    make_agent(k=down)
    poll(lambda: len(w.messages) >= 2)
    r = kiosk_cli("fleet", "status", "--json", "--config", str(ops_config), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    by = {k["kiosk"]: k for k in out["kiosks"]}
    assert set(by) == {"K01", "K02"}
    assert by["K01"]["state"] == "in_service" and by["K01"]["branch"] == "Main St"
    assert by["K02"]["branch"] == "上海 1" and by["K02"]["state"] == "out_of_service"
    assert by["K02"]["down"] == ["card_dispenser"]
    assert by["K02"]["devices_not_online"] == {"card_dispenser": "hardwareError"}
    assert by["K01"]["devices_not_online"] == {}
    assert 0 <= by["K01"]["age_s"] < 30
    r = kiosk_cli("fleet", "status", "--config", str(ops_config), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].split() == ["BRANCH", "KIOSK", "STATE", "AGE", "DEVICES", "NOT", "ONLINE"]
    assert any("K02" in line and "card_dispenser: hardwareError" in line for line in lines)


def test_status_with_broker_option_and_offline_kiosk(make_agent: AgentFactory,
                                                     ops_config: Path, broker: Mosquitto,
                                                     tmp_path: Path, watch: Any) -> None:
    w = watch("sb/+/+/state")
    agent = make_agent()
    poll(lambda: w.messages)
    agent.stop()
    poll(lambda: w.last("sb/Main%20St/K01/state")["state"] == "offline")
    other = tmp_path / "other.toml"  # no [fleet] broker: --broker says where
    other.write_text(ops_config.read_text().replace(f'broker = "{broker.url}"', ""))
    os.makedirs(tmp_path / "secrets", exist_ok=True)
    (tmp_path / "secrets" / "ops.pw").write_text(OPS_PASSWORD)
    r = kiosk_cli("fleet", "status", "--json", "--broker", broker.url, "--config", str(other),
                  cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    (k,) = json.loads(r.stdout)["kiosks"]
    assert k["state"] == "offline"


def test_status_errors_are_plain(ops_config: Path, tmp_path: Path) -> None:
    r = kiosk_cli("fleet", "status", "--config", str(ops_config), "--broker", "http://x",
                  cwd=tmp_path)
    assert r.returncode == 1 and "expected mqtt://" in r.stderr and "Traceback" not in r.stderr
    r = kiosk_cli("fleet", "status", "--config", str(ops_config), "--password-file",
                  str(tmp_path / "missing.pw"), cwd=tmp_path)
    assert r.returncode == 1 and "missing.pw not found" in r.stderr
    r = kiosk_cli("fleet", "status", "--config", str(ops_config), "--username", "intruder",
                  "--wait", "1", cwd=tmp_path)
    assert r.returncode == 1 and "refused the connection: Not authorized" in r.stderr


def test_status_of_an_unreachable_broker(ops_config: Path, tmp_path: Path) -> None:
    from ports import free_port

    r = kiosk_cli("fleet", "status", "--config", str(ops_config), "--wait", "0.5",
                  "--broker", f"mqtt://127.0.0.1:{free_port()}", cwd=tmp_path)
    assert r.returncode == 1 and "no answer from mqtt://127.0.0.1" in r.stderr


def test_keygen_then_send(make_agent: AgentFactory, ops_config: Path, secrets: Path,
                          kiosk: Kiosk, tmp_path: Path) -> None:
    keys = tmp_path / "keys"
    r = kiosk_cli("fleet", "keygen", "--out", str(keys), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert stat.S_IMODE((keys / "fleet_command.key").stat().st_mode) == 0o600
    assert (keys / "fleet_command.pub").read_bytes().startswith(b"-----BEGIN PUBLIC KEY")
    again = kiosk_cli("fleet", "keygen", "--out", str(keys), cwd=tmp_path)
    assert again.returncode == 1 and "not overwritten" in again.stderr
    (secrets / "fleet_command.pub").write_bytes((keys / "fleet_command.pub").read_bytes())
    kiosk.answer = "card_issuance out of service"
    agent = make_agent()
    poll(lambda: agent.status().listening)  # subscribed, not only connected
    t0 = time.time()
    r = kiosk_cli("fleet", "send", "K01", "Main St", "out", "--function", "card_issuance",
                  "--reason", "stacker empty", "--issuer", "ops:bob",
                  "--key", str(keys / "fleet_command.key"), "--config", str(ops_config),
                  cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    answer = json.loads(r.stdout)
    assert answer["accepted"] and answer["result"] == "card_issuance out of service"
    (cmd,) = kiosk.commands
    assert (cmd.name, cmd.function, cmd.reason, cmd.issuer) == (
        "out_of_service", "card_issuance", "stacker empty", "ops:bob")
    assert t0 - 1 < cmd.issued_at < time.time() and cmd.nonce == answer["nonce"]
    # A key the kiosk does not trust: refused, exit 1.
    kiosk_cli("fleet", "keygen", "--out", str(keys), "--name", "rogue", cwd=tmp_path)
    r = kiosk_cli("fleet", "send", "K01", "Main St", "in", "--key", str(keys / "rogue.key"),
                  "--config", str(ops_config), cwd=tmp_path)
    assert r.returncode == 1 and "refused: bad_signature" in r.stderr
    assert len(kiosk.commands) == 1


def test_send_to_nobody_gives_up(ops_config: Path, tmp_path: Path) -> None:
    keys = tmp_path / "keys"
    kiosk_cli("fleet", "keygen", "--out", str(keys), cwd=tmp_path)
    r = kiosk_cli("fleet", "send", "K99", "B", "reload", "--timeout", "1",
                  "--key", str(keys / "fleet_command.key"), "--config", str(ops_config),
                  cwd=tmp_path)
    assert r.returncode == 1 and "no answer from B/K99" in r.stderr
