"""Fixtures: a channel service on loopback, a branch store in tmp_path, helpers to book."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from daytime import ZONE

from o2o_sync.aio import ServerThread
from o2o_sync.channel.app import Faults, make_app
from o2o_sync.channel.service import ChannelService
from o2o_sync.store import BranchStore
from o2o_sync.sync import ChannelClient
from o2o_sync.timeutil import to_utc_text, utcnow
from o2o_sync.wire import Item, parse_item

#: The zone of tests that name fixed instants ("02:00Z is 10:00 in Shanghai"); tests that
#: book "in N minutes" use ZONE (tests/daytime.py), where it is mid-morning now.
SHANGHAI = "Asia/Shanghai"
TOKEN = "test-branch-token"
SECRET = "test-webhook-secret"


@dataclass
class Channel:
    svc: ChannelService
    faults: Faults
    server: ServerThread

    @property
    def url(self) -> str:
        return self.server.url

    def book(
        self,
        minutes_from_now: float = 5,
        *,
        name: str = "Zhang San",
        phone: str = "+86 138 0013 8000",
        service: str = "loan",
    ) -> dict[str, Any]:
        when = utcnow() + timedelta(minutes=minutes_from_now)
        when = when.replace(second=0, microsecond=0)
        return self.svc.book("DEMO", service, to_utc_text(when), ZONE, name, phone)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[BranchStore]:
    s = BranchStore(tmp_path / "branch.sqlite", ZONE)
    yield s
    s.close()


@pytest.fixture
def shanghai_store(tmp_path: Path) -> Iterator[BranchStore]:
    """A branch in Shanghai, for tests at fixed instants."""
    s = BranchStore(tmp_path / "branch.sqlite", SHANGHAI)
    yield s
    s.close()


@pytest.fixture
def channel_factory(tmp_path: Path) -> Iterator[Callable[..., Channel]]:
    made: list[Channel] = []

    def make(webhook_urls: list[str] | None = None) -> Channel:
        svc = ChannelService(tmp_path / f"channel{len(made)}.sqlite", api_token=TOKEN)
        faults = Faults()
        server = ServerThread(
            lambda: make_app(svc, webhook_urls=webhook_urls, webhook_secret=SECRET, faults=faults),
            name="o2o-channel",
        ).start()
        ch = Channel(svc, faults, server)
        made.append(ch)
        return ch

    yield make
    for ch in made:
        ch.server.stop()
        ch.svc.close()


@pytest.fixture
def channel(channel_factory: Callable[..., Channel]) -> Channel:
    return channel_factory()


@pytest.fixture
def client_factory(store: BranchStore) -> Callable[..., ChannelClient]:
    def make(ch: Channel, **kw: Any) -> ChannelClient:
        kw.setdefault("page_size", 50)
        kw.setdefault("timeout_s", 2.0)
        kw.setdefault("backoff_base_s", 0.01)
        return ChannelClient(store, ch.url, "DEMO", TOKEN, **kw)

    return make


def item(
    aid: str = "a1",
    version: int = 1,
    status: str = "booked",
    *,
    start: datetime | None = None,
    name: str = "Li Lei",
    phone: str = "13800138000",
    code: str = "ABC123",
    token: str | None = None,
    zone: str = ZONE,
    service: str = "loan",
) -> Item:
    start = start or (utcnow() + timedelta(minutes=5))
    return parse_item(
        {
            "id": aid,
            "version": version,
            "status": status,
            "service": service,
            "start": to_utc_text(start),
            "zone": zone,
            "duration_min": 15,
            "customer": {"name": name, "phone": phone},
            "booking_code": code,
            "qr_token": token or f"tok-{aid}-0000",
        }
    )
