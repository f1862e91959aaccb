"""The demo's bank: the sandbox bank as its own process, the kiosk enrolled in it, the PIN
pad keyed by the demo's key ceremony; and the ways that start can fail, each bounded and
named in the log."""

from __future__ import annotations

import json
import logging
import re
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bank_host.api import BankHost
from bank_host.sandbox.bank import SandboxBank
from devices.registry import create_device
from kiosk_app import bank_service
from kiosk_app.bank_service import (
    PinKeyError,
    bank_failure,
    ensure_pin_key,
    sandbox_process,
    start_bank,
    wait_bank_ready,
    wants_sandbox,
)
from kiosk_app.config import load_config
from kiosk_core.runtime import KioskRuntime

REPO = Path(__file__).resolve().parents[2]
READY_S = 40.0  # generous on 2 busy cores; a pass takes a few seconds


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def kiosk_toml(tmp_path: Path, port: int, **replace: str) -> Path:
    """The repository's kiosk.toml with storage in ``tmp_path`` and the bank on ``port``."""
    text = (REPO / "kiosk.toml").read_text(encoding="utf-8")
    lines = []
    for line in text.splitlines():
        if line.startswith("data_dir"):
            line = f'data_dir = "{tmp_path / "data"}"'
        elif line.startswith('url = "http://127.0.0.1:8790"'):
            line = f'url = "http://127.0.0.1:{port}"'
        lines.append(line)
    text = "\n".join(lines) + "\n"
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new)
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def make_runtime() -> Iterator[Any]:
    runtimes: list[KioskRuntime] = []

    def make(path: Path) -> KioskRuntime:
        runtime = KioskRuntime(load_config(path), device_factory=create_device)
        runtimes.append(runtime)
        runtime.start(wait_devices=True)
        return runtime

    yield make
    for runtime in runtimes:
        runtime.stop()  # idempotent: the hooks are popped as they run


def test_demo_runs_the_sandbox_and_keys_the_pin_pad(tmp_path: Path, make_runtime: Any) -> None:
    port = free_port()
    runtime = make_runtime(kiosk_toml(tmp_path, port))
    assert wants_sandbox(runtime.config)
    assert start_bank(runtime)
    assert wait_bank_ready(runtime, READY_S), bank_failure(runtime)

    proc = sandbox_process(runtime)
    assert proc is not None and proc.poll() is None
    host: BankHost = runtime.services["bank"]
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/health", timeout=5) as resp:
        assert resp.status == 200
    customer = host.lookup_customer("D23145890", "COLLINS EILEEN MARIE", "t-1")
    assert customer.name == "COLLINS EILEEN MARIE" and customer.birth_date == "1956-11-19"

    # The pad holds the bank's AES PIN key (iso4), by the bank's KCV; a re-exchange (as
    # after a pad reset) gives the same key.
    pad: Any = runtime.devices["pinpad"]
    bank_kcv = host.pin_working_key("KIOSK-DEMO-01", "AES").kcv
    keys = {k.name: k for k in pad.key_info().result(timeout=5)}
    assert keys["pin"].algorithm == "AES" and keys["pin"].kcv == bank_kcv
    assert ensure_pin_key(pad, host, "KIOSK-DEMO-01", "AES") == bank_kcv

    # The sandbox's file is in the data dir and knows the kiosk (enrolled).
    db = runtime.config.data_dir / "bank_sandbox.sqlite"
    assert db.exists()

    # A working key wrapped under another master key (another bank's file) is refused by
    # the pad's KCV check, and named.
    other = SandboxBank(tmp_path / "other.sqlite")
    try:
        with pytest.raises(PinKeyError, match="refused the working key"):
            ensure_pin_key(pad, other.host("KIOSK-DEMO-01"), "KIOSK-DEMO-01", "AES")
    finally:
        other.close()

    runtime.stop()
    assert proc.poll() is not None  # ended with the kiosk, not left behind
    assert "bank" not in runtime.services


def test_a_sandbox_already_serving_is_used_and_left_running(tmp_path: Path,
                                                           make_runtime: Any) -> None:
    # `kiosk bank sandbox serve` by hand on the demo's file (or one a killed kiosk left).
    port = free_port()
    path = kiosk_toml(tmp_path, port)
    db = tmp_path / "data" / "bank_sandbox.sqlite"
    db.parent.mkdir(parents=True)
    own = subprocess.Popen(
        [sys.executable, "-m", "kiosk_app.cli", "bank", "sandbox", "serve", "--db", str(db),
         "--port", str(port)], cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        assert own.stdout is not None
        assert re.search(rf"http://127\.0\.0\.1:{port}", own.stdout.readline())
        runtime = make_runtime(path)
        assert start_bank(runtime)
        assert wait_bank_ready(runtime, READY_S), bank_failure(runtime)
        assert sandbox_process(runtime) is None
        host: BankHost = runtime.services["bank"]
        assert host.lookup_customer("D23145890", "COLLINS EILEEN MARIE", "t-2").customer_id
        runtime.stop()
        assert own.poll() is None  # not the kiosk's to end
    finally:
        own.terminate()
        assert own.wait(timeout=10) == 0


def test_a_busy_port_is_a_named_failure(tmp_path: Path, make_runtime: Any,
                                        caplog: pytest.LogCaptureFixture) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        runtime = make_runtime(kiosk_toml(tmp_path, port))
        with caplog.at_level(logging.ERROR, logger="kiosk_app.bank_service"):
            assert start_bank(runtime)
            assert not wait_bank_ready(runtime, READY_S)
        reason = bank_failure(runtime)
        assert "exited with code" in reason and f"127.0.0.1:{port}" in reason, reason
        assert reason in caplog.text
        assert "bank" not in runtime.services
        proc = sandbox_process(runtime)
        assert proc is not None and proc.poll() is not None


def test_a_sandbox_that_dies_or_hangs_is_bounded(tmp_path: Path, make_runtime: Any,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    # Dies at once: its last words are in the reason.
    monkeypatch.setattr(bank_service, "sandbox_command", lambda db, port: [
        sys.executable, "-c", "import sys; print('no such database driver'); sys.exit(3)"])
    runtime = make_runtime(kiosk_toml(tmp_path / "a", free_port(), **{
        # The pad is not needed to fail; fewer devices, a faster test.
        'url = "sim://camera?scene=customer"': 'url = "sim://camera"'}))
    assert start_bank(runtime)
    assert not wait_bank_ready(runtime, READY_S)
    assert bank_failure(runtime) == ("the sandbox bank exited with code 3: "
                                     "no such database driver")
    assert not start_bank(runtime)  # once per runtime

    # Never says it is ready: given up after SANDBOX_READY_S, and the process is ended.
    monkeypatch.setattr(bank_service, "SANDBOX_READY_S", 1.0)
    monkeypatch.setattr(bank_service, "sandbox_command", lambda db, port: [
        sys.executable, "-c", "import time; time.sleep(60)"])
    runtime = make_runtime(kiosk_toml(tmp_path / "b", free_port()))
    assert start_bank(runtime)
    assert not wait_bank_ready(runtime, 15)
    assert "did not start within 1 s" in bank_failure(runtime)
    proc = sandbox_process(runtime)
    assert proc is not None and proc.poll() is not None


def test_a_real_bank_gets_no_sandbox_and_no_master_key(tmp_path: Path,
                                                       make_runtime: Any) -> None:
    # A bank that is not the demo's (here: nothing listens): no process, no ceremony; the
    # working-key exchange fails with the bank's reason, bounded by [bank] timeout_s.
    port = free_port()
    path = kiosk_toml(tmp_path, port, **{
        f'url = "http://127.0.0.1:{port}"': f'url = "http://127.0.0.1:{port}/core"'})
    runtime = make_runtime(path)
    assert not wants_sandbox(runtime.config)
    assert start_bank(runtime)
    assert not wait_bank_ready(runtime, READY_S)
    assert sandbox_process(runtime) is None
    assert "gave no AES PIN working key" in bank_failure(runtime)
    assert runtime.services["bank"].base_url == f"http://127.0.0.1:{port}/core"
    # The pad was left alone: still the simulator's own TDES master key, no working key.
    pad: Any = runtime.devices["pinpad"]
    assert [k.name for k in pad.key_info().result(timeout=5)] == ["master"]


def test_no_start_means_not_ready(tmp_path: Path) -> None:
    runtime = KioskRuntime(load_config(kiosk_toml(tmp_path, free_port())),
                           device_factory=create_device)
    assert not wait_bank_ready(runtime, 0.1) and bank_failure(runtime) == ""
    json.dumps(bank_service.algorithm_for("iso0"))  # a plain str
    assert bank_service.algorithm_for("iso0") == "TDES"
    assert bank_service.algorithm_for("iso4") == "AES"
