"""Fixtures: a hub on a thread with its SQLite file in tmp_path, tokens, and a client that
speaks the hub protocol over a real WebSocket (no mocks)."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import aiohttp
import pytest

from video_teller import protocol as p
from video_teller.hub.server import HubConfig
from video_teller.hub.service import HubThread
from video_teller.hub.tokens import issue

KEY = b"test-hub-key-0123456789abcdef"
M = TypeVar("M", bound=p.Base)


def kiosk_token(kiosk_id: str, ttl: float = 600, key: bytes = KEY) -> str:
    return issue(key, role="kiosk", sub=kiosk_id, ttl_s=ttl)


def teller_token(teller_id: str, *, languages: tuple[str, ...] = ("zh_CN", "en_US"),
                 skills: tuple[str, ...] = ("card_issuance", "accounts", "general"),
                 ttl: float = 600, name: str = "") -> str:
    return issue(KEY, role="teller", sub=teller_id, ttl_s=ttl, name=name or teller_id.title(),
                 languages=languages, skills=skills)


class Client:
    """One party on the hub: ``expect`` reads until a message of a type (others are kept in
    ``seen``); ``closed`` waits for the hub to close the socket and returns its code."""

    def __init__(self, session: aiohttp.ClientSession, ws: aiohttp.ClientWebSocketResponse,
                 name: str) -> None:
        self.session = session
        self.ws = ws
        self.name = name
        self.seen: list[p.Base] = []

    @classmethod
    async def connect(cls, url: str, token: str | None, *, resume_call: str | None = None,
                      name: str = "") -> Client:
        session = aiohttp.ClientSession()
        ws = await session.ws_connect(url, autoping=True)
        client = cls(session, ws, name)
        if token is not None:
            await client.send(p.Hello(token=token, resume_call=resume_call))
        return client

    async def send(self, msg: p.Base) -> None:
        await self.ws.send_str(p.encode(msg))

    async def send_raw(self, text: str) -> None:
        await self.ws.send_str(text)

    async def next(self, timeout: float = 5.0) -> p.Base:
        msg = await self.ws.receive(timeout=timeout)
        if msg.type is not aiohttp.WSMsgType.TEXT:
            raise ConnectionError(f"{self.name}: {msg.type.name} {self.ws.close_code} "
                                  f"{msg.extra!r}")
        decoded = p.decode(msg.data)
        self.seen.append(decoded)
        return decoded

    async def expect(self, kind: type[M], pred: Callable[[M], bool] | None = None,
                     timeout: float = 5.0) -> M:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            left = deadline - loop.time()
            if left <= 0:
                raise TimeoutError(f"{self.name}: no {kind.__name__}; saw {self.seen[-5:]}")
            try:
                msg = await self.next(left)
            except TimeoutError:
                raise TimeoutError(
                    f"{self.name}: no {kind.__name__}; saw {self.seen[-5:]}") from None
            if isinstance(msg, kind) and (pred is None or pred(msg)):
                return msg

    async def quiet(self, kind: type[p.Base], seconds: float) -> None:
        """Nothing of ``kind`` arrives for ``seconds`` (other messages are fine)."""
        with pytest.raises(TimeoutError):
            await self.expect(kind, timeout=seconds)

    async def closed(self, timeout: float = 5.0) -> int | None:
        while True:
            msg = await self.ws.receive(timeout=timeout)
            if msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED,
                            aiohttp.WSMsgType.CLOSING):
                code = msg.data if msg.type is aiohttp.WSMsgType.CLOSE else self.ws.close_code
                await self.close()
                return int(code) if code is not None else None
            if msg.type is aiohttp.WSMsgType.TEXT:
                self.seen.append(p.decode(msg.data))

    async def close(self) -> None:
        await self.ws.close()
        await self.session.close()


async def kiosk(hub: HubThread, kiosk_id: str, **kw: Any) -> Client:
    c = await Client.connect(hub.ws_url, kiosk_token(kiosk_id), name=kiosk_id, **kw)
    await c.expect(p.Welcome)
    return c


async def teller(hub: HubThread, teller_id: str, *, available: bool = True,
                 **kw: Any) -> Client:
    c = await Client.connect(hub.ws_url, teller_token(teller_id, **kw), name=teller_id)
    await c.expect(p.Welcome)
    if available:
        await c.send(p.SetPresence(state=p.Presence.AVAILABLE))
        await c.expect(p.QueueSnapshot, lambda s: s.presence is p.Presence.AVAILABLE)
    return c


async def request(c: Client, call_id: str, **kw: Any) -> p.QueuePosition:
    kw.setdefault("language", "en_US")
    await c.send(p.CallRequest(call_id=call_id, **kw))
    return await c.expect(p.QueuePosition, lambda m: m.call_id == call_id)


@pytest.fixture
def hub_config(tmp_path: Path) -> HubConfig:
    return HubConfig(db=tmp_path / "hub.sqlite", key=KEY, kiosk_grace_s=1.0, wrap_up_s=0.2,
                     hello_timeout_s=0.5, snapshot_interval_s=0.02)


@pytest.fixture
def start_hub(hub_config: HubConfig) -> Iterator[Callable[..., HubThread]]:
    hubs: list[HubThread] = []

    def start(listen: str = "127.0.0.1:0", **changes: Any) -> HubThread:
        cfg = dataclasses.replace(hub_config, **changes)
        hubs.append(HubThread(cfg, listen).start())
        return hubs[-1]

    yield start
    for h in reversed(hubs):
        h.stop()


@pytest.fixture
def hub(start_hub: Callable[..., HubThread]) -> HubThread:
    return start_hub()
