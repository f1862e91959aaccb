"""The headphone jack: says whether a headset is plugged (simulated: the simulator or the
technician toggles it). Listeners hear every change."""

from __future__ import annotations

import threading
from collections.abc import Callable

Listener = Callable[[bool], None]


class HeadphoneJack:
    def __init__(self, plugged: bool = False) -> None:
        self._plugged = plugged
        self._lock = threading.Lock()
        self._listeners: list[Listener] = []

    @property
    def plugged(self) -> bool:
        return self._plugged

    def set_plugged(self, plugged: bool) -> None:
        with self._lock:
            changed, self._plugged = plugged != self._plugged, plugged
            listeners = list(self._listeners)
        if changed:
            for listener in listeners:
                listener(plugged)

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)
        return unsubscribe
