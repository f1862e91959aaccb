"""The UI thread's heartbeat: proof, readable from any thread, that Qt's event loop turns.

A QTimer on the GUI thread stamps :func:`time.monotonic` at each tick; a frozen event loop
(a blocking call on the GUI thread, a QML binding loop, a deadlock) stops the stamps. The
service watchdog (kiosk_app.watchdog) reads :meth:`UiHeartbeat.age` on the core loop and
stops feeding systemd when it grows stale. The timer runs only while a watchdog asks for
it (under systemd with ``WatchdogSec=``), a few times per watchdog period: an idle kiosk
pays next to nothing for it.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer

__all__ = ["UiHeartbeat"]


class UiHeartbeat(QObject):
    """Create, start and stop on the GUI thread; :meth:`age` may be read from any thread."""

    def __init__(self, parent: QObject | None = None, *,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        super().__init__(parent)
        self._monotonic = monotonic
        self._last = monotonic()  # a float: written here, read by other threads as is
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.CoarseTimer)  # late by a few % is fine
        self._timer.timeout.connect(self._beat)

    def start(self, interval_s: float) -> None:
        """Beat every ``interval_s`` seconds (GUI thread)."""
        self._beat()
        self._timer.start(max(10, round(interval_s * 1000)))

    def stop(self) -> None:
        self._timer.stop()

    @property
    def running(self) -> bool:
        return self._timer.isActive()

    def _beat(self) -> None:
        self._last = self._monotonic()

    def age(self) -> float:
        """Seconds since the GUI thread last ran the timer."""
        return self._monotonic() - self._last
