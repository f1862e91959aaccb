"""Run a call hub: in the foreground (``kiosk hub``), or on a thread (tests, the demo).

Both print or return the ready line ``call hub on http://HOST:PORT`` once the socket is
bound, so a parent process can wait for it. ``python -m video_teller.hub.service`` serves
without a kiosk.toml (the bench uses it): ``--listen``, ``--db`` and ``--key-file``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import resource
import signal
import sys
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import Future
from pathlib import Path
from typing import TypeVar

from aiohttp import web

from kiosk_core.netaddr import HostPort, parse_host_port
from video_teller.hub import turn
from video_teller.hub.server import Hub, HubConfig
from video_teller.hub.tokens import load_or_create_key
from video_teller.settings import HubSettings

T = TypeVar("T")


def hub_config(settings: HubSettings, data_dir: Path, secrets_dir: Path, *,
               db: Path | None = None) -> HubConfig:
    """The hub's configuration from ``[hub]``: paths resolved, keys read (the token key is
    created if missing; the TURN secret must exist when turn_urls are set)."""
    def under(base: Path, path: Path) -> Path:
        return path if path.is_absolute() else base / path

    turn_urls = turn.check_urls(settings.turn_urls)
    turn_secret = turn.load_secret(under(secrets_dir, settings.turn_secret_file)) \
        if turn_urls else None
    return HubConfig(
        db=db if db is not None else under(data_dir, settings.db),
        key=load_or_create_key(under(secrets_dir, settings.secret_file)),
        turn_urls=tuple(turn_urls), turn_secret=turn_secret,
        turn_ttl_s=float(settings.turn_ttl_s), kiosk_grace_s=settings.kiosk_grace_s,
        wrap_up_s=settings.wrap_up_s)


def raise_fd_limit(wanted: int = 8192) -> int:
    """A thousand kiosks are a thousand sockets: lift the soft limit towards the hard one."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        return target
    return soft


async def _start(hub: Hub, listen: HostPort) -> tuple[web.AppRunner, HostPort]:
    runner = web.AppRunner(hub.app(), access_log=None, shutdown_timeout=2.0)
    await runner.setup()
    site = web.TCPSite(runner, listen.host, listen.port, backlog=1024)
    try:
        await site.start()
    except BaseException:
        await runner.cleanup()
        raise
    server = site._server
    assert server is not None
    port = int(server.sockets[0].getsockname()[1])  # type: ignore[attr-defined]
    return runner, HostPort(listen.host, port)


async def serve(config: HubConfig, listen: HostPort, ready: Callable[[str], None]) -> None:
    """Serve until SIGINT/SIGTERM; ``ready`` gets the ready line once bound."""
    raise_fd_limit()
    hub = Hub(config)
    runner, bound = await _start(hub, listen)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    ready(f"call hub on {bound.url('http')}")
    try:
        await stop.wait()
    finally:
        await hub.stop()
        await runner.cleanup()


class HubThread:
    """A hub on its own thread and loop. ``start()`` returns once it listens (port 0 → a
    free one); :meth:`run` executes a function on the hub's loop (to read its queue)."""

    def __init__(self, config: HubConfig, listen: HostPort | str = "127.0.0.1:0") -> None:
        self.config = config
        self.listen = listen if isinstance(listen, HostPort) else parse_host_port(
            listen, any_port=True)
        self.hub: Hub | None = None
        self.bound: HostPort | None = None
        self._runner: web.AppRunner | None = None
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="call-hub",
                                        daemon=True)

    def start(self) -> HubThread:
        self._thread.start()
        try:
            self.call(self._boot()).result(timeout=15)
        except BaseException:
            self._halt()
            raise
        return self

    async def _boot(self) -> None:
        self.hub = Hub(self.config)
        self._runner, self.bound = await _start(self.hub, self.listen)

    @property
    def url(self) -> str:
        assert self.bound is not None, "start() first"
        return self.bound.url("http")

    @property
    def ws_url(self) -> str:
        assert self.bound is not None, "start() first"
        return self.bound.url("ws", "/ws")

    @property
    def ready_line(self) -> str:
        return f"call hub on {self.url}"

    def call(self, coro: Awaitable[T]) -> Future[T]:
        async def wrap() -> T:
            return await coro

        return asyncio.run_coroutine_threadsafe(wrap(), self._loop)

    def run(self, fn: Callable[[Hub], T], timeout: float = 10) -> T:
        async def on_loop() -> T:
            assert self.hub is not None
            return fn(self.hub)

        return self.call(on_loop()).result(timeout)

    def stop(self) -> None:
        if not self._thread.is_alive():
            return
        if self._runner is not None:
            with contextlib.suppress(Exception):
                if self.hub is not None:
                    self.call(self.hub.stop()).result(timeout=15)
                self.call(self._runner.cleanup()).result(timeout=15)
            self._runner = None
        self._halt()

    def _halt(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        if not self._thread.is_alive():
            self._loop.close()

    close = stop


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m video_teller.hub.service",
                                 description="a call hub without a kiosk.toml")
    ap.add_argument("--listen", default="127.0.0.1:8765", help="HOST:PORT (port 0: any)")
    ap.add_argument("--db", required=True, type=Path)
    ap.add_argument("--key-file", required=True, type=Path, help="token key (made if missing)")
    ap.add_argument("--kiosk-grace", type=float, default=30.0)
    ap.add_argument("--wrap-up", type=float, default=30.0)
    args = ap.parse_args(argv)
    try:
        listen = parse_host_port(args.listen, any_port=True)
    except ValueError as exc:
        ap.error(f"--listen: {exc}")
    config = HubConfig(db=args.db, key=load_or_create_key(args.key_file),
                       kiosk_grace_s=args.kiosk_grace, wrap_up_s=args.wrap_up)

    def ready(line: str) -> None:
        print(line, flush=True)

    asyncio.run(serve(config, listen, ready))
    return 0


if __name__ == "__main__":
    sys.exit(main())
