"""The simulator's state file: the mechanism survives a power cut (kill -9) like hardware."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from devices.card_dispenser.driver import create
from devices.card_dispenser.model import CardPosition
from devices.card_dispenser.settings import CardDispenserSettings
from devices.card_dispenser.simulator import make_simulator
from kiosk_core.status import MediaState

from .conftest import FAST, REPO

T = 5
#: The real CLI in a child process (independent of the console script's install).
CLI = [sys.executable, "-c", "import sys; from kiosk_app.cli import main; sys.exit(main())"]


@pytest.fixture
def sim_proc() -> Iterator[Any]:
    procs: list[subprocess.Popen[str]] = []

    def start(*args: str) -> tuple[subprocess.Popen[str], str]:
        proc = subprocess.Popen([*CLI, "sim", "card_dispenser", *args], cwd=REPO,
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        procs.append(proc)
        assert proc.stdout is not None
        first = proc.stdout.readline().strip()
        assert first.startswith("pty: /dev/"), (first, proc.stderr and proc.stderr.read())
        return proc, first.split(" ", 1)[1]

    yield start
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=5)


def _driver(closing: Any, url: str, protocol: str) -> Any:
    dev = closing(create("card_dispenser", CardDispenserSettings(
        url=url, protocol=protocol, **FAST)))
    dev.start().result(timeout=T)
    return dev


def test_killed_simulator_resumes_with_the_card_at_the_gate(
        sim_proc: Any, closing: Any, tmp_path: Path, protocol: str) -> None:
    state = tmp_path / "sim-state.json"
    proc, pty = sim_proc("--protocol", protocol, "--cards", "10", "--bin", "2",
                         "--take-after", "never", "--state", str(state))
    dev = _driver(closing, pty, protocol)
    dev.to_read_position().result(T)
    dev.capture().result(T)  # bin 3, retract counter 3 (CRT-591)
    assert dev.dispense().result(T).position is CardPosition.GATE
    saved = json.loads(state.read_text())
    assert (saved["cards"], saved["bin"], saved["position"]) == (8, 3, "gate")
    os.kill(proc.pid, signal.SIGKILL)  # the power cut, mid-session: the card at the gate
    proc.wait(timeout=5)
    dev.close()

    # Power back: the same state file, different options that it must win over.
    proc2, pty2 = sim_proc("--protocol", protocol, "--cards", "50", "--take-after", "never",
                           "--state", str(state))
    _say(proc2, "status")
    line = _line(proc2)
    assert "cards=8 bin=3/100 card=gate" in line, line
    if protocol == "crt591":
        assert "counter=3" in line
    again = _driver(closing, pty2, protocol)  # opens with "initialise, leave the card"
    assert again.status.media is MediaState.ENTERING  # still at the gate
    assert again.simulator is None  # a real process on a pty, not an in-process sim
    if protocol == "crt591":
        assert again.counters().result(T)["bin"] == 3
    again.retract().result(T)
    _say(proc2, "status")
    assert "cards=8 bin=4/100 card=none" in _line(proc2)
    assert json.loads(state.read_text())["bin"] == 4


def test_state_file_is_always_whole(tmp_path: Path) -> None:
    """Written by rename: no temporary files left, every version a complete JSON object."""
    state = tmp_path / "s.json"
    sim = make_simulator("crt591", cards=3, take_after=None, state_path=state)
    assert json.loads(state.read_text())["cards"] == 3
    sim.refill(7)
    sim.inject("bin-full")
    assert json.loads(state.read_text())["cards"] == 7
    assert [p.name for p in tmp_path.iterdir()] == ["s.json"]
    # A damaged file is a clear error naming it, not a silent fresh start.
    state.write_text('{"cards": "many"}')
    with pytest.raises(ValueError, match=r"s\.json.*cards"):
        make_simulator("crt591", state_path=state)
    state.write_text("{truncated")
    with pytest.raises(ValueError, match=r"s\.json: not JSON"):
        make_simulator("crt591", state_path=state)


def test_sim_url_state_option(tmp_path: Path, closing: Any, protocol: str) -> None:
    state = tmp_path / "url-state.json"
    url = f"sim://card-dispenser?take=never&cards=5&state={state}"
    dev = _driver(closing, url, protocol)
    dev.dispense().result(T)
    dev.close()
    again = _driver(closing, url, protocol)
    assert again.status.media is MediaState.ENTERING
    assert again.simulator.mech.cards == 4
    # Relative state paths live in the kiosk's data dir.
    rel = closing(create("card_dispenser", CardDispenserSettings(
        url="sim://card-dispenser?state=dispenser-sim.json", protocol=protocol, **FAST)))
    rel.bind_storage(tmp_path / "data")
    rel.start().result(timeout=T)
    assert (tmp_path / "data" / "dispenser-sim.json").exists()


def _say(proc: subprocess.Popen[str], line: str) -> None:
    assert proc.stdin is not None
    proc.stdin.write(line + "\n")
    proc.stdin.flush()


def _line(proc: subprocess.Popen[str]) -> str:
    assert proc.stdout is not None
    return proc.stdout.readline()
