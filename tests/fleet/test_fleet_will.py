"""A kiosk that dies without a goodbye shows offline: the broker publishes its last will."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from waiting import poll

from bench.fleet_status import Mosquitto

CHILD = Path(__file__).with_name("fleet_agent_child.py")
STATE = "sb/Main%20St/K01/state"


def test_a_killed_kiosk_shows_offline(broker: Mosquitto, secrets: Path, tmp_path: Path,
                                      watch: Any) -> None:
    w = watch(STATE)
    proc = subprocess.Popen([sys.executable, str(CHILD), broker.url, str(secrets),
                             str(tmp_path / "state")], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "connected"
        poll(lambda: (s := w.last(STATE)) and s["state"] == "in_service")
        proc.send_signal(signal.SIGKILL)  # no offline message, no DISCONNECT packet
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stdout:
            proc.stdout.close()
    will = poll(lambda: (s := w.last(STATE)) and s["state"] == "offline" and s)
    assert will["will"] is True and will["kiosk"] == "K01" and will["down"] == ["offline"]
    late = watch(STATE)  # retained: whoever looks later sees it too
    assert poll(lambda: late.last(STATE))["state"] == "offline"


def test_a_vanished_socket_shows_offline(make_agent: Any, watch: Any) -> None:
    w = watch(STATE)
    agent = make_agent()
    poll(lambda: (s := w.last(STATE)) and s["state"] == "in_service")
    agent._client.socket().close()  # the link dies under the client (cable pulled)
    will = poll(lambda: (s := w.last(STATE)) and s["state"] == "offline" and s)
    assert will["will"] is True
    # ...and it comes back by itself, saying in_service again.
    poll(lambda: (s := w.last(STATE)) and s["state"] == "in_service", timeout=15)
