"""The "Call a teller / 呼叫柜员" hook.

The shell only *requests* a teller; the video call itself (video_teller) attaches here
later: it listens to :attr:`TellerDesk.requested` / :attr:`TellerDesk.cancelled` and reports
back with :meth:`TellerDesk.set_connected` / :meth:`TellerDesk.set_ended`. Until something
is attached, the screen says so plainly and sends the customer to the counter as well.
"""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import Property, QObject, Signal, Slot


class TellerDesk(QObject):
    #: The customer asked for a teller: language, and the screen they were on.
    requested = Signal(str, str)
    #: The customer withdrew the request (or the session ended).
    cancelled = Signal()
    changed = Signal()

    IDLE, REQUESTING, CONNECTED = "idle", "requesting", "connected"

    def __init__(self, journal: Any = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._state = self.IDLE
        self._linked = False
        self._since = 0.0
        self._journal = journal  # callable(kind, data) that does not block; may be None

    def _get_state(self) -> str:
        return self._state

    def _get_linked(self) -> bool:
        return self._linked

    state = Property(str, _get_state, notify=changed)
    #: Is a video-teller link attached? If not the screen also points to the counter.
    linked = Property(bool, _get_linked, notify=changed)

    def attach(self) -> None:
        """Called by the video-teller integration once it listens to ``requested``."""
        self._linked = True
        self.changed.emit()

    def request(self, language: str, screen: str) -> None:
        if self._state != self.IDLE:
            return
        self._set(self.REQUESTING)
        self._since = time.monotonic()
        self._log("teller.request", {"screen": screen, "language": language})
        self.requested.emit(language, screen)

    def cancel(self, why: str = "customer") -> None:
        if self._state == self.IDLE:
            return
        waited = round(time.monotonic() - self._since, 1)
        self._set(self.IDLE)
        self._log("teller.cancel", {"by": why, "waited_s": waited})
        self.cancelled.emit()

    @Slot()
    def set_connected(self) -> None:
        if self._state == self.REQUESTING:
            self._set(self.CONNECTED)

    @Slot()
    def set_ended(self) -> None:
        self._set(self.IDLE)

    def _set(self, state: str) -> None:
        if state != self._state:
            self._state = state
            self.changed.emit()

    def _log(self, kind: str, data: dict[str, Any]) -> None:
        if self._journal is not None:
            self._journal(kind, data)
