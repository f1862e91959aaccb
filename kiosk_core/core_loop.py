"""The core's asyncio event loop, on its own thread.

Decision (DEVELOPERS.md): asyncio (aiohttp, aiortc) never runs on the Qt thread.
The core owns one event loop in this worker thread; the UI reaches it only through
kiosk_ui.bridge, which submits coroutines here and gets results back as Qt signals.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Coroutine
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:  # asyncio is imported with the loop, after the kiosk's first frame
    import asyncio

T = TypeVar("T")
log = logging.getLogger(__name__)


class CoreLoop:
    def __init__(self, name: str = "core-loop") -> None:
        self._loop_made: asyncio.AbstractEventLoop | None = None
        self._make_lock = threading.Lock()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        # asyncio holds tasks only weakly: a server submitted and forgotten by its caller
        # (a service started "fire and forget") would be garbage-collected mid-await —
        # "Task was destroyed but it is pending". Submitted work is held here until done.
        self._held: set[Future[Any]] = set()
        self._held_lock = threading.Lock()

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        """The event loop, made on first use (importing asyncio costs ~40 ms, which the
        attract screen does not wait for: the runtime starts after its first frame)."""
        if self._loop_made is None:
            with self._make_lock:
                if self._loop_made is None:
                    import asyncio

                    loop = asyncio.new_event_loop()
                    # A loop never started (a runtime built but not run, as `kiosk screens`
                    # does) is closed when this goes, not left to the interpreter's teardown.
                    weakref.finalize(self, _close_if_idle, loop)
                    self._loop_made = loop
        return self._loop_made

    def start(self) -> CoreLoop:
        self._thread.start()
        self._ready.wait()
        return self

    def _run(self) -> None:
        import asyncio

        asyncio.set_event_loop(self.loop)
        self.loop.call_soon(self._ready.set)
        self.loop.run_forever()
        # Let cancelled tasks finish their clean-up before the loop closes.
        pending = asyncio.all_tasks(self.loop)
        for task in pending:
            task.cancel()
        if pending:
            self.loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        self.loop.run_until_complete(self.loop.shutdown_asyncgens())
        self.loop.close()

    def submit(self, coro: Coroutine[Any, Any, T]) -> Future[T]:
        """Schedule ``coro`` on the core loop from any thread. It runs to its end even if
        the caller drops the returned future (it is held until done)."""
        import asyncio

        fut = asyncio.run_coroutine_threadsafe(coro, self.loop)
        with self._held_lock:
            self._held.add(fut)
        fut.add_done_callback(self._release)
        return fut

    def _release(self, fut: Future[Any]) -> None:
        with self._held_lock:
            self._held.discard(fut)

    def call_soon(self, fn: Any, *args: Any) -> None:
        self.loop.call_soon_threadsafe(fn, *args)

    def stop(self, timeout: float = 5.0) -> None:
        if self._thread.is_alive():
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.warning("core loop did not finish its clean-up within %.0f s", timeout)

    @property
    def running(self) -> bool:
        return self._thread.is_alive()


def _close_if_idle(loop: asyncio.AbstractEventLoop) -> None:
    if not loop.is_running() and not loop.is_closed():
        loop.close()
