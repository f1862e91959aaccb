"""The service watchdog (issue 17, item 3): systemd's notify protocol on a real AF_UNIX
datagram socket standing in for $NOTIFY_SOCKET; pings from the core loop stop when the UI
thread (or the core loop) stops answering, and STOPPING=1 comes at shutdown."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk_app.watchdog import Notifier, ServiceWatchdog, notify_address, watchdog_period
from kiosk_core.core_loop import CoreLoop
from kiosk_ui.heartbeat import UiHeartbeat

REPO = Path(__file__).resolve().parents[2]


class FakeSystemd:
    """The receiving end of $NOTIFY_SOCKET: every datagram with its arrival time."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(str(path))
        self.sock.settimeout(0.1)
        self.messages: list[tuple[float, str]] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                data = self.sock.recv(4096)
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                self.messages.append((time.monotonic(), data.decode()))

    def fields(self, since: float = 0.0, until: float = float("inf")) -> list[str]:
        with self._lock:
            return [f for t, m in self.messages if since <= t <= until for f in m.split("\n")]

    def pings(self, since: float = 0.0, until: float = float("inf")) -> int:
        return self.fields(since, until).count("WATCHDOG=1")

    def wait_for(self, field: str, timeout: float) -> float:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                for t, m in self.messages:
                    if field in m.split("\n"):
                        return t
            time.sleep(0.02)
        raise AssertionError(f"no {field} within {timeout} s; got {self.fields()}")

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()


@pytest.fixture
def systemd(tmp_path: Path) -> Iterator[FakeSystemd]:
    fake = FakeSystemd(tmp_path / "notify.sock")
    yield fake
    fake.close()


def test_notify_socket_and_watchdog_environment() -> None:
    assert notify_address({}) is None
    assert notify_address({"NOTIFY_SOCKET": "/run/systemd/notify"}) == "/run/systemd/notify"
    assert notify_address({"NOTIFY_SOCKET": "@/org/freedesktop/systemd1/notify/42"}) == \
        "\0/org/freedesktop/systemd1/notify/42"
    assert notify_address({"NOTIFY_SOCKET": "vsock:2:1234"}) is None
    assert watchdog_period({}) is None
    assert watchdog_period({"WATCHDOG_USEC": "30000000"}) == 30.0
    assert watchdog_period({"WATCHDOG_USEC": "junk"}) is None
    assert watchdog_period({"WATCHDOG_USEC": "0"}) is None
    # For us, for the display session we run under (our parent), or for someone else.
    env = {"WATCHDOG_USEC": "1000000", "WATCHDOG_PID": "100"}
    assert watchdog_period(env, pid=100, parent=1) == 1.0
    assert watchdog_period(env, pid=200, parent=100) == 1.0
    assert watchdog_period(env, pid=200, parent=300) is None


def test_notifier_sends_one_datagram_and_survives_a_gone_systemd(
        systemd: FakeSystemd, tmp_path: Path) -> None:
    notifier = Notifier(str(systemd.path))
    assert notifier.send("READY=1", "STATUS=up")
    systemd.wait_for("READY=1", 2)
    with systemd._lock:
        assert systemd.messages[0][1] == "READY=1\nSTATUS=up"
    gone = Notifier(str(tmp_path / "nobody.sock"))
    assert gone.send("WATCHDOG=1") is False  # logged, not raised
    gone.close()
    notifier.close()


def test_pings_stop_while_the_ui_thread_or_the_core_loop_is_blocked(
        qtbot: object, systemd: FakeSystemd) -> None:
    from PySide6.QtCore import QCoreApplication

    period = 0.4  # pings every 0.2 s; a heartbeat older than 0.2 s is stale
    heartbeat = UiHeartbeat()
    watchdog = ServiceWatchdog(Notifier(str(systemd.path)), period, heartbeat.age)
    heartbeat.start(watchdog.heartbeat_interval)
    loop = CoreLoop("test-core-loop").start()

    def spin(seconds: float) -> None:  # the GUI thread running its event loop
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            QCoreApplication.processEvents()
            time.sleep(0.01)

    try:
        watchdog.ready()
        watchdog.start(loop)
        spin(1.2)
        assert "READY=1" in systemd.fields()
        assert f"MAINPID={os.getpid()}" in systemd.fields()
        assert systemd.pings() >= 4, systemd.fields()

        # The GUI thread blocks (no event loop): the core loop goes on but stops pinging.
        blocked = time.monotonic()
        time.sleep(1.6)
        unblocked = time.monotonic()
        assert systemd.pings(blocked + 0.5, unblocked) == 0, systemd.fields(blocked)
        assert any(f.startswith("STATUS=UI thread not answering")
                   for f in systemd.fields(blocked))
        spin(1.0)
        assert systemd.pings(unblocked) >= 2, "pings resume once the UI answers"

        # The core loop blocks while the UI is fine: nothing can ping either.
        loop.call_soon(time.sleep, 1.6)
        stuck = time.monotonic()
        spin(1.6)
        assert systemd.pings(stuck + 0.3, stuck + 1.5) == 0
        spin(1.0)
        assert systemd.pings(stuck + 1.7) >= 2

        watchdog.stopping()
        stopped = systemd.wait_for("STOPPING=1", 2)
        spin(0.8)
        assert systemd.pings(stopped) == 0
        watchdog.stopping()  # once only
        assert systemd.fields().count("STOPPING=1") == 1
    finally:
        heartbeat.stop()
        loop.stop()
        watchdog.notifier.close()


def test_no_period_no_pings(systemd: FakeSystemd) -> None:
    loop = CoreLoop("test-core-loop").start()
    watchdog = ServiceWatchdog(Notifier(str(systemd.path)), None, lambda: 0.0)
    try:
        watchdog.ready()
        watchdog.start(loop)  # Type=notify without WatchdogSec: READY and STOPPING only
        time.sleep(0.3)
        watchdog.stopping()
        systemd.wait_for("STOPPING=1", 2)
        assert systemd.pings() == 0 and "READY=1" in systemd.fields()
    finally:
        loop.stop()


# A real `kiosk run` as systemd starts it. SIGUSR1 makes its GUI thread sleep (Python runs
# signal handlers on the main thread, which is Qt's): a UI that stops answering.
RUN = """
import signal, sys, time
signal.signal(signal.SIGUSR1, lambda *_: time.sleep(3.0))
from kiosk_app.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_kiosk_run_under_a_notify_socket(systemd: FakeSystemd, tmp_path: Path) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text(f"""
[kiosk]
id = "KIOSK-WD-01"
branch = "Watchdog Branch"

[storage]
data_dir = "{tmp_path / 'var'}"

[monitoring]
listen = ""
""", encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "NOTIFY_SOCKET": str(systemd.path),
           "WATCHDOG_USEC": "1000000", "WATCHDOG_PID": ""}
    log = tmp_path / "kiosk.log"
    with open(log, "w") as err:
        proc = subprocess.Popen(
            [sys.executable, "-c", RUN, "run", "--windowed", "--config", str(config)],
            cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=err)
    try:
        systemd.wait_for("READY=1", 60)
        assert f"MAINPID={proc.pid}" in systemd.fields()  # the kiosk, whoever started it
        first = systemd.wait_for("WATCHDOG=1", 30)
        time.sleep(1.5)
        assert systemd.pings(first) >= 2, systemd.fields()

        proc.send_signal(signal.SIGUSR1)  # the GUI thread freezes for 3 s
        frozen = time.monotonic()
        time.sleep(3.2)
        assert systemd.pings(frozen + 1.0, frozen + 3.0) == 0, systemd.fields(frozen)
        time.sleep(1.5)
        assert systemd.pings(frozen + 3.0) >= 1, "pings resume when the UI answers"

        proc.send_signal(signal.SIGTERM)
        systemd.wait_for("STOPPING=1", 10)
        proc.wait(30)  # its exit status is the clean-shutdown tests' (tests/core/test_shutdown.py)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    text = log.read_text()
    assert "not feeding the service watchdog" in text, text
    assert "Traceback" not in text, text
