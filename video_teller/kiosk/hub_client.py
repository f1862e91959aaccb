"""The kiosk's (and the test teller's) WebSocket link to the call hub.

``hello`` → ``welcome`` on every connection; when the link drops it comes back with
exponential back-off (0.2 s doubling to 5 s, with jitter so a branch's kiosks do not
reconnect in step after a hub restart) and says ``Hello.resume_call``, so a waiting call
keeps its place and a connected one its teller. A refused token (close 4401) or a
replaced session (4409) stops the client: retrying would not help.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiohttp

from video_teller import protocol as p

log = logging.getLogger(__name__)

MessageHandler = Callable[[p.Message], Awaitable[None] | None]
FATAL_CLOSE = {p.CLOSE_UNAUTHORIZED: "token refused", p.CLOSE_REPLACED: "signed in elsewhere"}


class HubAuthError(RuntimeError):
    pass


def read_token(path: Path) -> str:
    """The token file (``kiosk hub token --role kiosk`` wrote it), stripped."""
    try:
        token = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise HubAuthError(f"hub token file {path} not found: create it with "
                           f"`kiosk hub token --role kiosk --id <kiosk id> > {path}`") from None
    except OSError as exc:
        raise HubAuthError(f"hub token file {path}: {exc.strerror or exc}") from None
    if not token:
        raise HubAuthError(f"hub token file {path} is empty")
    return token


class HubClient:
    BACKOFF_FIRST_S = 0.2
    BACKOFF_MAX_S = 5.0
    HEARTBEAT_S = 5.0

    def __init__(self, url: str, token: str | Callable[[], str], on_message: MessageHandler, *,
                 resume: Callable[[], str | None] = lambda: None,
                 on_link: Callable[[bool, str], None] | None = None) -> None:
        self.url = url
        self._token = token
        self._on_message = on_message
        self._resume = resume
        self._on_link = on_link
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._task: asyncio.Task[None] | None = None
        self._closed = False
        self._welcomed = asyncio.Event()
        self.welcome: p.Welcome | None = None
        self.fatal: str | None = None
        self.connects = 0

    @property
    def connected(self) -> bool:
        return self._ws is not None and not self._ws.closed and self.welcome is not None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="hub-client")

    async def wait_welcome(self, timeout: float) -> p.Welcome | None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._welcomed.wait(), timeout)
        return self.welcome if self.connected else None

    async def send(self, message: p.Base) -> bool:
        """Send now if signed in; False if the link is down (the caller decides what a
        lost message means: the state is sent again after a reconnect)."""
        ws = self._ws
        if ws is None or ws.closed or self.welcome is None:
            return False
        try:
            await ws.send_str(p.encode(message))
        except (ConnectionError, RuntimeError, aiohttp.ClientError) as exc:
            log.info("hub send failed: %s", exc)
            return False
        return True

    async def close(self) -> None:
        self._closed = True
        task, self._task = self._task, None
        ws = self._ws
        if ws is not None and not ws.closed:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(ws.close(), 1.0)
        if task is not None and task is not asyncio.current_task():
            # (Called from a message handler, the reading task ends by itself: the socket
            # is closed and _closed set.)
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        delay = self.BACKOFF_FIRST_S
        async with aiohttp.ClientSession() as session:
            while not self._closed:
                try:
                    if await self._session(session):
                        delay = self.BACKOFF_FIRST_S  # it worked for a while: start over
                except HubAuthError as exc:
                    self.fatal = str(exc)
                except (aiohttp.ClientError, OSError, TimeoutError) as exc:
                    log.info("hub %s: %s", self.url, exc)
                finally:
                    self._ws = None
                    self.welcome = None
                    self._welcomed.clear()
                if self.fatal or self._closed:
                    break
                self._link(False, "reconnecting")
                await asyncio.sleep(delay * random.uniform(0.8, 1.2))
                delay = min(delay * 2, self.BACKOFF_MAX_S)
        if self.fatal:
            self._link(False, self.fatal)

    async def _session(self, session: aiohttp.ClientSession) -> bool:
        async with session.ws_connect(self.url, heartbeat=self.HEARTBEAT_S,
                                      timeout=aiohttp.ClientWSTimeout(ws_close=2.0),
                                      max_msg_size=p.MAX_MESSAGE_BYTES) as ws:
            self._ws = ws
            # A provider is asked on every connection: a token renewed on disk is picked up.
            token = self._token() if callable(self._token) else self._token
            # Only a call the hub already knows is resumed (not on the very first sign-in).
            resume = self._resume() if self.connects else None
            await ws.send_str(p.encode(p.Hello(token=token, resume_call=resume)))
            welcomed = False
            async for msg in ws:
                if msg.type != aiohttp.WSMsgType.TEXT:
                    continue
                try:
                    message = p.decode(msg.data)
                except p.ProtocolError as exc:
                    log.warning("hub sent a bad message: %s", exc)
                    continue
                if isinstance(message, p.Welcome):
                    self.welcome = message
                    self.connects += 1
                    welcomed = True
                    self._welcomed.set()
                    self._link(True, "")
                try:
                    result = self._on_message(message)
                    if result is not None:
                        await result
                except Exception:  # a handler's bug must not take the link down
                    log.exception("handling %s failed", type(message).__name__)
            code = ws.close_code
            if code == p.CLOSE_UNAUTHORIZED and welcomed:
                # Signed in, then refused: the token expired. Once more with the file read
                # again (a renewed token works; the same one is refused before welcome).
                log.warning("hub: token refused after sign-in (expired?); signing in again")
            elif code in FATAL_CLOSE:
                self.fatal = f"hub closed the link: {FATAL_CLOSE[code]} ({code})"
                log.error("%s", self.fatal)
            return welcomed

    def _link(self, up: bool, why: str) -> None:
        if self._on_link is not None:
            try:
                self._on_link(up, why)
            except Exception:
                log.exception("hub link listener failed")
