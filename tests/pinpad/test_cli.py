"""``kiosk sim pinpad`` as a real process; ``kiosk diag pinpad`` against it."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import IO, Any

import pytest

from devices.pinpad import pinblock
from devices.pinpad.driver import create
from devices.pinpad.settings import PinPadSettings
from kiosk_app.cli import main
from kiosk_core.status import DeviceState

from .conftest import MASTER, REPO

# The CLI in a child process, importing from the work tree (as the console script would
# once installed; ``python -m kiosk_app.cli`` would import the CLI twice).
KIOSK = [sys.executable, "-c",
         "import sys; from kiosk_app.cli import main; sys.exit(main(sys.argv[1:]))"]


@pytest.fixture
def sim_process() -> Iterator[Any]:
    procs: list[subprocess.Popen[str]] = []

    def start(*args: str) -> tuple[subprocess.Popen[str], str]:
        proc = subprocess.Popen([*KIOSK, "sim", "pinpad", *args], cwd=REPO,
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        procs.append(proc)
        assert proc.stdout is not None
        return proc, proc.stdout.readline().strip()

    yield start
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=5)


def _say(stream: IO[str] | None, line: str) -> None:
    assert stream is not None
    stream.write(line + "\n")
    stream.flush()


def test_sim_on_pty_diag_and_stdin_control(sim_process: Any,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    proc, first = sim_process("--pty", "--key-delay", "0.01")
    assert first.startswith("pty: /dev/"), first
    path = first.split(" ", 1)[1]
    assert main(["diag", "pinpad", "--url", path, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["status"]["device"] == "online"
    assert report["firmware"].startswith("SBEPP-SIM")
    assert report["keys"] == [{"name": "master", "algorithm": "TDES", "kcv": "08D7B4"}]
    assert MASTER.hex().upper() not in json.dumps(report).upper()

    # A PIN entry on the pad, the customer's keys typed through the simulator's stdin.
    pad = create("pinpad", PinPadSettings(url=path))
    try:
        pad.start().result(5)
        key = bytes(range(16))
        pad.import_key("pin", pinblock.wrap_key(MASTER, key, "TDES"),
                       pinblock.kcv(key, "TDES"), "TDES").result(5)
        fut = pad.get_pin(4, 6, 20)
        deadline = time.monotonic() + 5
        while pad.status.device is not DeviceState.BUSY:  # keys count once the entry runs
            assert time.monotonic() < deadline
            time.sleep(0.01)
        _say(proc.stdin, "press 9876E")
        assert proc.stdout is not None
        assert proc.stdout.readline().startswith("ok state=")
        assert fut.result(10).digits == 4
        block = pad.get_pin_block("4111111111111111").result(5)
        assert pinblock.decode_format0(block, "4111111111111111", key) == "9876"
    finally:
        pad.close()

    _say(proc.stdin, "fault tamper")
    assert "tampered=True" in proc.stdout.readline()
    assert main(["diag", "pinpad", "--url", path]) == 1
    out = capsys.readouterr().out
    assert "fraudAttempt" in out and "none loaded" in out

    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=5) == 0


def test_sim_on_tcp_with_scripted_pin(sim_process: Any,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    _proc, first = sim_process("--tcp", "127.0.0.1:0", "--pin", "1234", "--key-delay", "0.01")
    assert first.startswith("tcp: socket://127.0.0.1:"), first
    url = first.split(" ", 1)[1]
    assert main(["diag", "pinpad", "--url", url]) == 0
    out = capsys.readouterr().out
    assert "online" in out and "master" in out and "08D7B4" in out
    pad = create("pinpad", PinPadSettings(url=url))
    try:
        pad.start().result(5)
        assert pad.get_pin(4, 6, 10).result(10).entered
    finally:
        pad.close()


def test_sim_refuses_bad_arguments() -> None:
    proc = subprocess.run([*KIOSK, "sim", "pinpad", "--fault", "melted"], cwd=REPO,
                          capture_output=True, text=True, timeout=30)
    assert proc.returncode != 0 and "melted" in proc.stderr


def test_diag_without_a_device(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["diag", "pinpad", "--url", "sim://pinpad?faults=silence"])
    assert code != 0
    assert "no reply" in capsys.readouterr().err
