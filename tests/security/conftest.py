"""Real servers on free loopback ports for the hostile-input tests (tests/ports.py)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from daytime import ZONE
from ports import free_port

from o2o_sync.aio import ServerThread
from o2o_sync.channel.app import Faults, make_app
from o2o_sync.channel.service import ChannelService
from o2o_sync.store import BranchStore

TOKEN = "security-branch-token"
SECRET = "security-webhook-secret"


@dataclass
class Channel:
    svc: ChannelService
    server: ServerThread
    ids: list[str]

    @property
    def port(self) -> int:
        return self.server.port

    @property
    def url(self) -> str:
        return self.server.url


@pytest.fixture
def channel(tmp_path: Path) -> Iterator[Channel]:
    """The reference channel service with two branches' appointments."""
    svc = ChannelService(tmp_path / "channel.sqlite", api_token=TOKEN)
    ids = []
    for i, branch in enumerate(("DEMO", "OTHER", "DEMO")):
        ids.append(svc.book(branch, "loan", f"2030-01-0{i + 1}T02:00:00Z", ZONE,
                            f"Guest {i}", "+86 138 0013 800" + str(i))["id"])
    srv = ServerThread(lambda: make_app(svc, webhook_secret=SECRET, faults=Faults()),
                       port=free_port(), name="sec-channel").start()
    yield Channel(svc, srv, ids)
    srv.stop()
    svc.close()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[BranchStore]:
    s = BranchStore(tmp_path / "branch.sqlite", ZONE)
    yield s
    s.close()
