"""systemd's service protocol for ``kiosk run``: READY, the watchdog, STOPPING (sd_notify(3)).

The unit (deploy/systemd/smartbranch-kiosk.service) is ``Type=notify`` with
``WatchdogSec=``: systemd passes ``$NOTIFY_SOCKET`` (an AF_UNIX datagram socket, ``@`` for
the abstract namespace) and ``$WATCHDOG_USEC``, and kills and restarts the kiosk when no
``WATCHDOG=1`` arrives for that long. A datagram per message, ``KEY=value`` lines: a few
lines of socket code, no dependency.

What is fed is the *whole* kiosk: the pings are sent from a task on the core's asyncio loop
(kiosk_core.core_loop), and only while the UI thread's heartbeat (kiosk_ui.heartbeat, a
QTimer) is fresh. A core loop that blocks sends nothing; a GUI thread that freezes makes
the core loop stop sending. Either way systemd restarts the kiosk within ``WatchdogSec``
plus half of it.

- ``READY=1`` (with ``MAINPID=``, see :meth:`ServiceWatchdog.ready`) when the attract
  screen's first frame is on the glass.
- ``WATCHDOG=1`` every half period from the core loop, once the runtime is up.
- ``STOPPING=1`` when the Qt application is about to quit (SIGTERM, a technician's exit).

Outside systemd (no ``$NOTIFY_SOCKET``) nothing here runs: no socket, no timer.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

from kiosk_core.core_loop import CoreLoop

if TYPE_CHECKING:
    from kiosk_ui.app import KioskApp

__all__ = ["Notifier", "ServiceWatchdog", "attach_watchdog", "notify_address",
           "watchdog_period"]

log = logging.getLogger(__name__)


def notify_address(env: Mapping[str, str] | None = None) -> str | None:
    """The address in ``$NOTIFY_SOCKET`` as :mod:`socket` takes it (``@name`` is abstract:
    a leading NUL), or None when not started by systemd with a notify socket."""
    value = (os.environ if env is None else env).get("NOTIFY_SOCKET", "")
    if not value:
        return None
    if value.startswith("@"):
        return "\0" + value[1:]
    if not value.startswith("/"):  # vsock:… and other transports: not for a kiosk
        log.warning("NOTIFY_SOCKET %r is not an AF_UNIX path; not notifying systemd", value)
        return None
    return value


def watchdog_period(env: Mapping[str, str] | None = None, *,
                    pid: int | None = None, parent: int | None = None) -> float | None:
    """``$WATCHDOG_USEC`` in seconds, or None when systemd runs no watchdog for us.

    ``$WATCHDOG_PID`` names the process the watchdog is for. Under a display session
    (``cage -- kiosk run``) systemd's main process is the compositor and the kiosk its child,
    so the compositor's pid (our parent's) counts as ours; the unit says ``NotifyAccess=all``.
    """
    env = os.environ if env is None else env
    raw = env.get("WATCHDOG_USEC", "")
    if not raw:
        return None
    try:
        usec = int(raw)
    except ValueError:
        log.warning("WATCHDOG_USEC=%r is not a number; the watchdog is not fed", raw)
        return None
    if usec <= 0:
        return None
    owner = env.get("WATCHDOG_PID", "")
    if owner:
        ours = {os.getpid() if pid is None else pid, os.getppid() if parent is None else parent}
        if not owner.isdigit() or int(owner) not in ours:
            return None  # for another process (we were started by the service, not as it)
    return usec / 1_000_000


class Notifier:
    """Sends sd_notify messages to one socket. Thread-safe (one datagram per call); a
    systemd that went away loses the message, never the kiosk."""

    def __init__(self, address: str) -> None:
        self.address = address
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)
        # Never block the core loop or the GUI thread on a stalled systemd: a full queue
        # loses that one message (the next ping comes half a period later).
        self._sock.setblocking(False)

    def send(self, *fields: str) -> bool:
        """Send ``KEY=value`` fields as one message; False if it could not be delivered."""
        payload = "\n".join(fields).encode("utf-8")
        try:
            self._sock.sendto(payload, self.address)
        except OSError as exc:
            log.debug("sd_notify %s to %r failed: %s", fields, self.address, exc)
            return False
        return True

    def close(self) -> None:
        self._sock.close()


class ServiceWatchdog:
    """Pings systemd from the core loop while the UI answers.

    ``ui_age`` says how many seconds ago the UI thread last answered (the heartbeat). Every
    ``period / 2`` the core loop checks it: fresh (within ``period / 2``) → ``WATCHDOG=1``;
    stale → nothing, and an error in the log once, so systemd restarts the kiosk.
    """

    def __init__(self, notifier: Notifier, period: float | None,
                 ui_age: Callable[[], float]) -> None:
        self.notifier = notifier
        self.period = period
        self.ui_age = ui_age
        self.pings = 0
        self._feeding: Future[None] | None = None
        self._stopped = False
        self._ui_stale = False

    @property
    def interval(self) -> float:
        """How often the core loop pings (half the period, as sd_notify(3) advises)."""
        return (self.period or 0.0) / 2

    @property
    def ui_stale_after(self) -> float:
        """A heartbeat older than this means the UI thread is not answering."""
        return (self.period or 0.0) / 2

    @property
    def heartbeat_interval(self) -> float:
        """How often the UI thread should beat: several beats per stale limit, so a busy
        but alive GUI thread (a long layout, a late timer) is not taken for a frozen one."""
        return min(5.0, max(0.05, (self.period or 0.0) / 8))

    def ready(self, status: str = "attract screen up") -> None:
        """Up. Also claims the unit's main process: under a display session (cage runs the
        kiosk) systemd then judges Restart=on-failure by the kiosk's own exit status and
        sends the watchdog's SIGABRT here (NotifyAccess=all lets a child say so)."""
        if not self._stopped:
            self.notifier.send("READY=1", f"MAINPID={os.getpid()}", f"STATUS={status}")

    def start(self, loop: CoreLoop) -> None:
        """Feed the watchdog from ``loop`` (a running core loop); no-op without a period."""
        if self.period is None or self._feeding is not None or self._stopped:
            return
        self._feeding = loop.submit(self._feed())

    async def _feed(self) -> None:
        import asyncio  # on the core loop: loaded already (not before the first frame)

        while not self._stopped:
            self.tick()
            await asyncio.sleep(self.interval)

    def tick(self) -> bool:
        """One check on the core loop: ping if the UI answered recently. True if pinged."""
        age = self.ui_age()
        if age > self.ui_stale_after:
            if not self._ui_stale:
                self._ui_stale = True
                log.error("the UI thread has not answered for %.1f s: not feeding the service "
                          "watchdog (systemd restarts the kiosk)", age)
                self.notifier.send(f"STATUS=UI thread not answering for {age:.0f} s")
            return False
        if self._ui_stale:
            self._ui_stale = False
            log.warning("the UI thread answers again; feeding the service watchdog")
            self.notifier.send("STATUS=attract screen up")
        self.pings += 1
        return self.notifier.send("WATCHDOG=1")

    def stopping(self) -> None:
        """The kiosk is shutting down: no more pings, tell systemd (idempotent)."""
        if self._stopped:
            return
        self._stopped = True
        if self._feeding is not None:
            self._feeding.cancel()
        self.notifier.send("STOPPING=1", "STATUS=shutting down")


def attach_watchdog(kiosk: KioskApp, env: Mapping[str, str] | None = None
                    ) -> ServiceWatchdog | None:
    """Wire the service protocol into a built kiosk (the composition root calls this once
    after creating KioskApp): READY at the first frame, pings on the core loop once the
    runtime runs, the UI heartbeat, STOPPING when Qt is about to quit. None outside
    systemd (no ``$NOTIFY_SOCKET``)."""
    address = notify_address(env)
    if address is None:
        return None
    watchdog = ServiceWatchdog(Notifier(address), watchdog_period(env), kiosk.heartbeat.age)
    if watchdog.period is not None:
        kiosk.heartbeat.start(watchdog.heartbeat_interval)
        log.info("service watchdog: pinging every %.1f s while the UI answers",
                 watchdog.interval)

    def started(*_: Any) -> None:  # GUI thread: the runtime (and its core loop) is up
        watchdog.start(kiosk.runtime.loop)

    def failed(reason: str) -> None:
        # Storage unusable: the runtime never ran its core loop. Not fed, so systemd
        # restarts the kiosk (Restart=on-failure) in case the fault was passing.
        log.error("runtime failed to start (%s): the service watchdog is not fed", reason)
        watchdog.notifier.send(f"STATUS=runtime failed to start: {reason}")

    kiosk.firstFrame.connect(lambda *_: watchdog.ready())
    kiosk.bridge.started.connect(started)
    kiosk.bridge.startFailed.connect(failed)
    kiosk.app.aboutToQuit.connect(watchdog.stopping)
    return watchdog
