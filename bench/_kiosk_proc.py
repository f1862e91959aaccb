"""The demo kiosk (``kiosk run``) as a child process, for the idle and soak benchmarks and
the shutdown test: every device simulated, the demo services (sandbox bank, call hub, O2O
channel and sync, receipt links, monitoring) on free loopback ports, offscreen Qt.

Its CPU time and memory are read from /proc (utime + stime of the whole process, every
thread; VmRSS), so what is measured is the kiosk itself, not this harness.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
KIOSK = [sys.executable, "-m", "kiosk_app.cli"]
#: Log lines the demo kiosk writes once each of its services is up (attract screen first).
READY_LINES = ("bank ready:", "video teller ready:", "receipt links served on",
               "monitoring: health and metrics on", "o2o sync: channel")
CLK_TCK = os.sysconf("SC_CLK_TCK")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def demo_config(place: Path, *, replace: dict[str, str] | None = None) -> Path:
    """kiosk.toml with its data in ``place/var`` and every loopback port moved to a free
    one (the same old port to the same new one: a URL and its listen address agree)."""
    text = (REPO / "kiosk.toml").read_text(encoding="utf-8")
    text = text.replace('data_dir = "var"', f'data_dir = "{place / "var"}"')
    ports: dict[str, str] = {}

    def move(m: re.Match[str]) -> str:
        return f"127.0.0.1:{ports.setdefault(m.group(1), str(_free_port()))}"

    text = re.sub(r"127\.0\.0\.1:(\d+)", move, text)
    for old, new in (replace or {}).items():
        if old not in text:
            raise ValueError(f"not in kiosk.toml: {old!r}")
        text = text.replace(old, new)
    place.mkdir(parents=True, exist_ok=True)
    cfg = place / "kiosk.toml"
    cfg.write_text(text, encoding="utf-8")
    return cfg


def cpu_ticks(pid: int) -> int:
    """utime + stime of ``pid`` (every thread), in clock ticks."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def children(pid: int) -> dict[int, str]:
    """The processes ``pid`` started (the call hub, the sandbox bank, …): pid -> command."""
    out: dict[int, str] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            if ppid != pid:
                continue
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                argv = f.read().split(b"\0")
        except (OSError, ValueError, IndexError):
            continue
        words = [a.decode(errors="replace") for a in argv if a]
        # "-m video_teller.hub.service --listen …" -> "video_teller.hub.service"
        named = [w for w in words[1:] if not w.startswith(("-", "/")) and ":" not in w]
        out[int(entry)] = " ".join(named[:3]) or (words[0] if words else entry)
    return out


def load_average() -> str:
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


@dataclass
class Sample:
    seconds: float  # wall time sampled
    cpu_s: float  # CPU time the process used meanwhile
    rss_mb: float  # at the end

    @property
    def percent(self) -> float:
        return 100.0 * self.cpu_s / self.seconds if self.seconds else 0.0


class DemoKiosk:
    """``with DemoKiosk(place) as kiosk: kiosk.wait_ready(); kiosk.sample(60)``; leaving
    the block sends SIGTERM (and SIGKILL to the process group if it does not end)."""

    def __init__(self, place: Path, *, config: Path | None = None,
                 env: dict[str, str] | None = None) -> None:
        self.place = place
        self.config = config or demo_config(place)
        self.log_path = place / "kiosk.log"
        self._env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **(env or {})}
        self.proc: subprocess.Popen[bytes] | None = None
        self.returncode: int | None = None
        self.started = 0.0
        self.left_running: dict[int, str] = {}

    def __enter__(self) -> DemoKiosk:
        self.started = time.monotonic()
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(
                [*KIOSK, "-v", "run", "--windowed", "--config", str(self.config)],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                env=self._env, cwd=self.place, start_new_session=True)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None and self.returncode is None:
            self.stop()

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_ready(self, timeout: float = 90.0, lines: tuple[str, ...] = READY_LINES) -> float:
        """Wait until the log has every ``lines`` (the services are up, the attract screen
        with them); returns the seconds since the start. Raises RuntimeError on exit or
        time-out, with the log's tail."""
        assert self.proc is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.log()
            if all(line in text for line in lines):
                return time.monotonic() - self.started
            if self.proc.poll() is not None:
                raise RuntimeError(f"kiosk run exited ({self.proc.returncode}):\n{text[-3000:]}")
            time.sleep(0.2)
        missing = [line for line in lines if line not in self.log()]
        raise RuntimeError(f"kiosk not ready in {timeout:g} s (no {missing}):\n"
                           f"{self.log()[-3000:]}")

    @staticmethod
    def sleep(seconds: float) -> None:
        time.sleep(seconds)

    def sample(self, seconds: float, pid: int | None = None) -> Sample:
        pid = self.pid if pid is None else pid
        t0, c0 = time.monotonic(), cpu_ticks(pid)
        time.sleep(seconds)
        t1, c1 = time.monotonic(), cpu_ticks(pid)
        return Sample(t1 - t0, (c1 - c0) / CLK_TCK, rss_mb(pid))

    def sample_all(self, seconds: float) -> dict[str, Sample]:
        """The kiosk and each process it started, over the same ``seconds``."""
        pids = {"kiosk": self.pid, **{f"{cmd} ({pid})": pid
                                      for pid, cmd in children(self.pid).items()}}
        t0 = time.monotonic()
        start = {name: cpu_ticks(pid) for name, pid in pids.items()}
        time.sleep(seconds)
        t1 = time.monotonic()
        out: dict[str, Sample] = {}
        for name, pid in pids.items():
            try:
                out[name] = Sample(t1 - t0, (cpu_ticks(pid) - start[name]) / CLK_TCK,
                                   rss_mb(pid))
            except OSError:  # it ended meanwhile
                continue
        return out

    def stop(self, timeout: float = 30.0) -> int:
        """SIGTERM, as the service manager stops it; the exit code. The processes it had
        started and left running are in :attr:`left_running` (then killed)."""
        assert self.proc is not None
        started = children(self.proc.pid) if self.proc.poll() is None else {}
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        self.left_running = {pid: cmd for pid, cmd in started.items() if _running(pid)}
        try:  # what it started goes with it (a kiosk that died would leave them)
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.returncode = self.proc.returncode
        return self.returncode

    def kill(self) -> None:
        """SIGKILL, as a crash or a power cut ends it: nothing is closed."""
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.returncode = self.proc.wait(10)


def _running(pid: int) -> bool:
    """``pid`` exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
