"""The core's asyncio event loop, on its own thread.

Decision (DEVELOPERS.md): asyncio (aiohttp, aiortc) never runs on the Qt thread.
The core owns one event loop in this worker thread; the UI reaches it only through
kiosk_ui.bridge, which submits coroutines here and gets results back as Qt signals.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import weakref
from collections.abc import Coroutine
from concurrent.futures import Future
from typing import Any, TypeVar

T = TypeVar("T")
log = logging.getLogger(__name__)


class CoreLoop:
    def __init__(self, name: str = "core-loop") -> None:
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        # asyncio holds tasks only weakly: a server submitted and forgotten by its caller
        # (a service started "fire and forget") would be garbage-collected mid-await —
        # "Task was destroyed but it is pending". Submitted work is held here until done.
        self._held: set[Future[Any]] = set()
        self._held_lock = threading.Lock()
        # A loop never started (a runtime that was built but not run, as `kiosk screens`
        # does) is closed when this goes, not left to the interpreter's teardown.
        weakref.finalize(self, _close_if_idle, self._loop)

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        return self._loop

    def start(self) -> CoreLoop:
        self._thread.start()
        self._ready.wait()
        return self

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.call_soon(self._ready.set)
        self._loop.run_forever()
        # Let cancelled tasks finish their clean-up before the loop closes.
        pending = asyncio.all_tasks(self._loop)
        for task in pending:
            task.cancel()
        if pending:
            self._loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        self._loop.run_until_complete(self._loop.shutdown_asyncgens())
        self._loop.close()

    def submit(self, coro: Coroutine[Any, Any, T]) -> Future[T]:
        """Schedule ``coro`` on the core loop from any thread. It runs to its end even if
        the caller drops the returned future (it is held until done)."""
        fut = asyncio.run_coroutine_threadsafe(coro, self._loop)
        with self._held_lock:
            self._held.add(fut)
        fut.add_done_callback(self._release)
        return fut

    def _release(self, fut: Future[Any]) -> None:
        with self._held_lock:
            self._held.discard(fut)

    def call_soon(self, fn: Any, *args: Any) -> None:
        self._loop.call_soon_threadsafe(fn, *args)

    def stop(self, timeout: float = 5.0) -> None:
        if self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.warning("core loop did not finish its clean-up within %.0f s", timeout)

    @property
    def running(self) -> bool:
        return self._thread.is_alive()


def _close_if_idle(loop: asyncio.AbstractEventLoop) -> None:
    if not loop.is_running() and not loop.is_closed():
        loop.close()
