"""``kiosk sim card-dispenser`` as a real process; ``kiosk diag card-dispenser`` against it."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pytest

from kiosk_app.cli import main

from .conftest import REPO

# The installed console script (``python -m kiosk_app.cli`` would import the CLI twice).
KIOSK = str(Path(sys.executable).parent / "kiosk")


@pytest.fixture
def sim_process() -> Iterator[Any]:
    procs: list[subprocess.Popen[str]] = []

    def start(*args: str) -> tuple[subprocess.Popen[str], str]:
        proc = subprocess.Popen(
            [KIOSK, "sim", "card-dispenser", *args],
            cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True)
        procs.append(proc)
        assert proc.stdout is not None
        first = proc.stdout.readline().strip()
        return proc, first

    yield start
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=5)


def _say(stream: IO[str] | None, line: str) -> None:
    assert stream is not None
    stream.write(line + "\n")
    stream.flush()


@pytest.mark.parametrize("protocol", ["crt591", "k720"])
def test_sim_on_pty_and_diag(sim_process: Any, protocol: str,
                             capsys: pytest.CaptureFixture[str]) -> None:
    proc, first = sim_process("--protocol", protocol, "--pty", "--cards", "4", "--bin", "2",
                              "--bin-capacity", "3", "--fault", "stacker-low")
    assert first.startswith("pty: /dev/"), first
    path = first.split(" ", 1)[1]
    assert main(["diag", "card-dispenser", "--url", path, "--protocol", protocol,
                 "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["status"]["device"] == "online"
    assert report["status"]["supplies"] == {"stacker": "low", "bin": "ok"}
    assert "SIM" in report["firmware"]
    assert report["counters"]["bin"] == (2 if protocol == "crt591" else 0)

    # Runtime fault over stdin, then the human-readable report.
    _say(proc.stdin, "fault bin-full")
    assert proc.stdout is not None
    assert proc.stdout.readline().startswith("ok cards=4 bin=3/3")
    assert main(["diag", "card-dispenser", "--url", path, "--protocol", protocol]) == 0
    out = capsys.readouterr().out
    assert "bin      full" in out and "stacker  low" in out

    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=5) == 0


def test_sim_on_tcp(sim_process: Any, capsys: pytest.CaptureFixture[str]) -> None:
    _proc, first = sim_process("--protocol", "k720", "--tcp", "127.0.0.1:0", "--cards", "0")
    assert first.startswith("tcp: socket://127.0.0.1:"), first
    url = first.split(" ", 1)[1]
    assert main(["diag", "card-dispenser", "--url", url, "--protocol", "k720"]) == 0
    assert "stacker  empty" in capsys.readouterr().out


def test_sim_bad_fault_is_a_clear_error() -> None:
    res = subprocess.run(
        [KIOSK, "sim", "card-dispenser", "--pty", "--fault", "melt"], cwd=REPO,
        capture_output=True, text=True, timeout=20)
    assert res.returncode == 1
    assert "unknown fault 'melt'" in res.stderr and "Traceback" not in res.stderr


def test_diag_unreachable_port_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diag", "card-dispenser", "--url", "/dev/no-such-tty"]) == 1
    err = capsys.readouterr().err
    assert "cannot open /dev/no-such-tty" in err and "Traceback" not in err
