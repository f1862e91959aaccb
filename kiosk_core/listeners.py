"""A thread-safe set of callbacks: devices, the runtime and cameras all raise events this way."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

E = TypeVar("E")


class Listeners(Generic[E]):
    """Callbacks called on the emitting thread; one that raises is logged, never propagated
    (a bad listener must not break the device that raised the event)."""

    def __init__(self, what: str) -> None:
        self._what = what
        self._lock = threading.Lock()
        self._items: list[Callable[[E], object]] = []

    def subscribe(self, listener: Callable[[E], object]) -> Callable[[], None]:
        """Add ``listener``; returns the function that removes it again."""
        with self._lock:
            self._items.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._items:
                    self._items.remove(listener)

        return unsubscribe

    def emit(self, event: E) -> None:
        with self._lock:
            items = list(self._items)
        for listener in items:
            try:
                listener(event)
            except Exception:
                log.exception("%s listener failed", self._what)
