"""`kiosk run` with the technician's side wired: a technician finds why a function is out,
puts it back over the CLI while the kiosk runs, and the health endpoint and the fleet view
(a real mosquitto) show it — the operations centre's signed command too."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from ports import free_port

from bench.fleet_status import Mosquitto
from fleet.signing import generate_keypair

REPO = Path(__file__).resolve().parents[2]
KIOSK = [sys.executable, "-m", "kiosk_app.cli"]
USERS = {"kiosk": "kiosk-pw", "ops": "ops-pw"}


def _until(pred: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = pred()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"not within {timeout} s: {what}")


@pytest.fixture
def place() -> Iterator[Path]:
    # The control socket's path must fit an AF_UNIX address (108 bytes).
    d = Path(tempfile.mkdtemp(dir="/tmp", prefix="sbw-"))
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.mark.slow
def test_technician_puts_a_function_back_while_the_kiosk_runs(place: Path) -> None:
    broker = Mosquitto(place / "broker", free_port(), USERS)
    broker.start()
    kiosk: subprocess.Popen[str] | None = None
    try:
        data, secrets = place / "var", place / "secrets"  # secrets beside data_dir
        secrets.mkdir(parents=True)
        private, public = generate_keypair()
        (place / "ops.key").write_bytes(private)
        (secrets / "fleet_command.pub").write_bytes(public)
        (secrets / "fleet_mqtt.password").write_text(USERS["kiosk"])
        (place / "ops.password").write_text(USERS["ops"])
        health = free_port()
        text = (REPO / "kiosk.toml").read_text("utf-8")
        for old, new in {
            'data_dir = "var"': f'data_dir = "{data}"',
            '"http://127.0.0.1:8093/r"': f'"http://127.0.0.1:{free_port()}/r"',
            '"127.0.0.1:8093"': f'"127.0.0.1:{free_port()}"',
            '"127.0.0.1:8781"': f'"127.0.0.1:{free_port()}"',
            '"127.0.0.1:8782"': f'"127.0.0.1:{free_port()}"',
            '"http://127.0.0.1:8790"': f'"http://127.0.0.1:{free_port()}"',
            '"ws://127.0.0.1:8765/ws"': f'"ws://127.0.0.1:{free_port()}/ws"',
            'listen = "127.0.0.1:9108"': f'listen = "127.0.0.1:{health}"',
            'broker = ""': f'broker = "{broker.url}"',
            'username = ""': 'username = "kiosk"',
        }.items():
            assert old in text, old
            text = text.replace(old, new)
        config = place / "kiosk.toml"
        config.write_text(text, "utf-8")
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}

        def cli(*args: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run([*KIOSK, *args, "--config", str(config)], env=env,
                                  capture_output=True, text=True, timeout=60)

        kiosk = subprocess.Popen([*KIOSK, "run", "--windowed", "--config", str(config)],
                                 env=env, stdout=subprocess.DEVNULL,
                                 stderr=open(place / "kiosk.log", "w"),  # noqa: SIM115
                                 text=True, start_new_session=True)
        _until(lambda: (data / "control.sock").exists(), 60, "the control socket")

        def status() -> dict[str, Any]:
            done = cli("diag", "status", "--json")
            assert "opened the devices directly" not in done.stderr, done.stderr
            return dict(json.loads(done.stdout))

        def card(report: dict[str, Any]) -> dict[str, Any]:
            # Declared by the menu once the flow modules loaded (after the first frame).
            return next((f for f in report["functions"] if f["function"] == "card"),
                        {})

        try:
            _until(lambda: card(status()).get("available"), 60, "card issuance offered")
        except AssertionError:
            print(json.dumps(status(), indent=1)[:3000])
            log = (place / "kiosk.log").read_text().splitlines()
            print("\n".join(x for x in log if "rror" in x or "arning" in x)[:6000])
            raise

        # A technician takes card issuance out over the CLI; the kiosk shows why.
        done = cli("diag", "service", "out", "card", "--reason", "new card stock")
        assert done.returncode == 0, done.stderr
        report = status()
        assert "out_of_service" in card(report)["reasons"]
        assert report["overrides"][0]["reason"] == "new card stock"
        assert report["overrides"][0]["who"].startswith("cli:")

        token = (secrets / "monitoring.token").read_text().strip()

        def healthz() -> dict[str, Any]:
            req = urllib.request.Request(f"http://127.0.0.1:{health}/healthz",
                                         headers={"Authorization": f"Bearer {token}"})
            try:
                with urllib.request.urlopen(req, timeout=5) as resp:
                    return dict(json.loads(resp.read()))
            except urllib.error.HTTPError as exc:
                return dict(json.loads(exc.read()))

        def health_card() -> dict[str, Any]:
            return dict(healthz()["functions"]["card"])

        assert not health_card()["available"]

        # The operations centre puts it back with a signed command.
        done = subprocess.run(
            [*KIOSK, "fleet", "send", "KIOSK-DEMO-01", "Demo Branch", "in", "--function", "card",
             "--key", str(place / "ops.key"), "--username", "ops",
             "--password-file", str(place / "ops.password"), "--config", str(config)],
            env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, (done.stdout, done.stderr)
        _until(lambda: health_card()["available"], 10, "back in service on /healthz")
        assert card(status())["available"]

        def fleet() -> list[dict[str, Any]]:
            out = subprocess.run(
                [*KIOSK, "fleet", "status", "--json", "--wait", "1", "--username", "ops",
                 "--password-file", str(place / "ops.password"), "--config", str(config)],
                env=env, capture_output=True, text=True, timeout=60)
            assert out.returncode == 0, out.stderr
            data = json.loads(out.stdout)
            return list(data["kiosks"] if isinstance(data, dict) else data)

        (row,) = _until(fleet, 20, "the kiosk in the fleet view")
        assert row["kiosk"] == "KIOSK-DEMO-01" and row["state"] == "in_service"

        kiosk.send_signal(signal.SIGTERM)
        kiosk.wait(timeout=30)
        (row,) = _until(lambda: [r for r in fleet() if r["state"] == "offline"], 20,
                        "offline after the kiosk stopped")
        # Every action is in the journal with who did it.
        listed = cli("journal", "list", "--json")
        kinds = [json.loads(line)["kind"] for line in listed.stdout.splitlines()]
        assert "technician.service_out" in kinds and "technician.service_in" in kinds
        assert "fleet.command" in kinds
    finally:
        if kiosk is not None and kiosk.poll() is None:
            os.killpg(kiosk.pid, signal.SIGKILL)
            kiosk.wait(timeout=10)
        broker.stop()
