"""A local service the demo runs as its own process (the sandbox bank, the call hub).

Started with its output drained on a thread (a full pipe would block it), ready when it
prints its ready line, ended by :meth:`ChildService.stop` (SIGTERM, then SIGKILL). The last
lines of its output go into the error when it dies or never gets ready.
"""

from __future__ import annotations

import collections
import logging
import os
import re
import signal
import subprocess
import threading
from collections.abc import Sequence

log = logging.getLogger(__name__)


class ChildServiceError(RuntimeError):
    pass


class ChildService:
    def __init__(self, name: str, cmd: Sequence[str], ready: re.Pattern[str], *,
                 ready_s: float = 20.0, stop_s: float = 5.0) -> None:
        self.name = name
        self.cmd = list(cmd)
        self.ready = ready
        self.ready_s = ready_s
        self.stop_s = stop_s
        self.proc: subprocess.Popen[str] | None = None
        self.match: re.Match[str] | None = None
        self._ready = threading.Event()
        self._tail: collections.deque[str] = collections.deque(maxlen=20)
        self._lock = threading.Lock()
        self._stopped = False

    def start(self) -> re.Match[str]:
        """Start and wait for the ready line (its match); raises ChildServiceError."""
        with self._lock:
            if self._stopped:
                raise ChildServiceError(f"{self.name}: the kiosk stopped before it started")
            try:
                self.proc = subprocess.Popen(
                    self.cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT, text=True, encoding="utf-8", errors="replace",
                    env={**os.environ, "PYTHONUNBUFFERED": "1"},
                    start_new_session=True)  # a Ctrl-C at the terminal goes to the kiosk only
            except OSError as exc:
                raise ChildServiceError(f"cannot start {self.name} ({self.cmd[0]}): {exc}") \
                    from None
            proc = self.proc
        threading.Thread(target=self._drain, args=(proc,), name=f"{self.name}-out",
                         daemon=True).start()
        if not self._ready.wait(self.ready_s):
            self.stop()
            raise ChildServiceError(f"{self.name} did not start within {self.ready_s:.0f} s"
                                    f"{self.last_words()}")
        if self.match is None:
            try:
                proc.wait(timeout=self.stop_s)
            except subprocess.TimeoutExpired:
                pass
            raise ChildServiceError(f"{self.name} exited with code {proc.returncode}"
                                    f"{self.last_words()}")
        log.info("%s: process %d ready", self.name, proc.pid)
        return self.match

    def _drain(self, proc: subprocess.Popen[str]) -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            line = line.rstrip()
            self._tail.append(line)
            m = self.ready.search(line)
            if m and not self._ready.is_set():
                self.match = m
                self._ready.set()
            else:
                log.debug("%s: %s", self.name, line)
        proc.stdout.close()  # EOF: its end of the pipe is closed; close ours (no leaked fd)
        self._ready.set()  # it ended (match stays None if it never got ready)

    def last_words(self) -> str:
        lines = [line for line in self._tail if line.strip()]
        return f": {lines[-1]}" if lines else ""

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            proc = self.proc
        if proc is None or proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=self.stop_s)
        except subprocess.TimeoutExpired:
            log.warning("%s: no exit %.0f s after SIGTERM; killing it", self.name, self.stop_s)
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=self.stop_s)
        except ProcessLookupError:
            pass
