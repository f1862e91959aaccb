"""Run an aiohttp application on its own thread and event loop (servers and tests)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import Future
from typing import Any

from aiohttp import web

from kiosk_core.netaddr import HostPort


class ServerThread:
    """``start()`` returns once the socket is bound; ``port`` is the real port (0 → chosen)."""

    def __init__(
        self,
        app_factory: Callable[[], Awaitable[web.Application] | web.Application],
        host: str = "127.0.0.1",
        port: int = 0,
        name: str = "o2o-server",
    ) -> None:
        self._factory = app_factory
        self.host = host
        self.port = port
        self.name = name
        self.loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None
        self._thread = threading.Thread(target=self.loop.run_forever, name=name, daemon=True)
        self.app: web.Application | None = None

    def start(self) -> ServerThread:
        self._thread.start()
        self.call(self._start()).result(timeout=10)
        return self

    async def _start(self) -> None:
        app = self._factory()
        self.app = await app if asyncio.iscoroutine(app) else app  # type: ignore[assignment]
        assert self.app is not None
        self._runner = web.AppRunner(self.app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]

    @property
    def url(self) -> str:
        return HostPort(self.host, self.port).url("http")

    def call(self, coro: Any) -> Future[Any]:
        return asyncio.run_coroutine_threadsafe(coro, self.loop)

    def stop(self) -> None:
        if not self._thread.is_alive():
            return
        if self._runner is not None:
            try:
                self.call(self._runner.cleanup()).result(timeout=10)
            except Exception:
                pass
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=10)
        self.loop.close()

    close = stop
