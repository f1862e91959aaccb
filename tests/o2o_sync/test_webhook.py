# mypy: disable-error-code="index"
"""The webhook receiver on loopback: signed, deduped, refused with a clear log line."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import aiohttp
import pytest

from o2o_sync import signing
from o2o_sync.aio import ServerThread
from o2o_sync.store import BranchStore
from o2o_sync.webhook import PATH, STATS_KEY, make_webhook_app

from .conftest import SECRET, ZONE, Channel

GOOD_ITEM: dict[str, Any] = {
    "id": "apt_w1",
    "version": 1,
    "status": "booked",
    "service": "loan",
    "start": "2030-01-02T03:00:00Z",
    "zone": ZONE,
    "duration_min": 15,
    "customer": {"name": "Webhook Wang", "phone": "+86 138 1111 2222"},
    "booking_code": "HOOK01",
    "qr_token": "hook-token-0001",
}


def event(eid: str = "evt_1", version: int = 1, **patch: Any) -> dict[str, Any]:
    return {
        "id": eid,
        "type": "appointment.updated",
        "created": int(time.time()),
        "data": {**GOOD_ITEM, "version": version, **patch},
    }


@pytest.fixture
def receiver(store: BranchStore) -> Iterator[ServerThread]:
    srv = ServerThread(
        lambda: make_webhook_app(store, SECRET, max_bytes=4096), name="o2o-webhook"
    ).start()
    yield srv
    srv.stop()


async def post(srv: ServerThread, body: bytes, header: str | None) -> tuple[int, Any]:
    headers = {"Content-Type": "application/json"}
    if header is not None:
        headers[signing.HEADER] = header
    async with (
        aiohttp.ClientSession() as s,
        s.post(srv.url + PATH, data=body, headers=headers) as r,
    ):
        return r.status, await r.json()


async def send(srv: ServerThread, ev: Any, *, t: int | None = None) -> tuple[int, Any]:
    body = json.dumps(ev).encode()
    return await post(srv, body, signing.sign(SECRET, body, t))


def stats(srv: ServerThread) -> dict[str, int]:
    assert srv.app is not None
    return srv.app[STATS_KEY]


async def test_signed_event_is_applied(receiver: ServerThread, store: BranchStore) -> None:
    assert await send(receiver, event()) == (200, {"ok": True})
    assert store.appointment("apt_w1")["booking_code"] == "HOOK01"


async def test_missing_and_bad_signatures(
    receiver: ServerThread, store: BranchStore, caplog: pytest.LogCaptureFixture
) -> None:
    body = json.dumps(event()).encode()
    status, err = await post(receiver, body, None)
    assert status == 400 and "missing" in err["error"]
    status, err = await post(receiver, body, signing.sign("wrong-secret!", body))
    assert status == 401 and "does not match" in err["error"]
    status, _ = await post(receiver, body + b" ", signing.sign(SECRET, body))
    assert status == 401
    status, _ = await post(receiver, body, "t=1,v1=zz")
    assert status == 400
    assert store.appointment("apt_w1") is None
    assert caplog.text.count("webhook refused") == 4
    assert stats(receiver)["refused"] == 4


async def test_replayed_old_delivery_is_refused(
    receiver: ServerThread, store: BranchStore, caplog: pytest.LogCaptureFixture
) -> None:
    status, err = await send(receiver, event(), t=int(time.time()) - 301)
    assert status == 401 and "outside tolerance" in err["error"]
    assert "outside tolerance" in caplog.text
    assert store.appointment("apt_w1") is None


async def test_duplicate_ids_and_out_of_order_versions(
    receiver: ServerThread, store: BranchStore
) -> None:
    assert (await send(receiver, event("evt_a", 2, booking_code="NEWER2")))[0] == 200
    assert await send(receiver, event("evt_a", 2)) == (200, {"ok": True, "duplicate": True})
    # an older version arriving late, and the same change under another id: no effect
    assert (await send(receiver, event("evt_b", 1, booking_code="OLDER1")))[0] == 200
    assert (await send(receiver, event("evt_c", 2, booking_code="NEWER2")))[0] == 200
    row = store.appointment("apt_w1")
    assert (row["remote_version"], row["booking_code"]) == (2, "NEWER2")
    assert stats(receiver) == {"applied": 3, "duplicate": 1, "refused": 0}
    assert len(store._q("SELECT * FROM processed_events")) == 3


async def test_oversized_malformed_and_unknown_fields(
    receiver: ServerThread, store: BranchStore, caplog: pytest.LogCaptureFixture
) -> None:
    big = event(padding="x" * 5000)
    status, _ = await send(receiver, big)
    assert status == 413
    body = b'{"id": "evt_trunc", "type": "appointment.upd'
    status, err = await post(receiver, body, signing.sign(SECRET, body))
    assert status == 400 and err["error"] == "body is not JSON"
    status, err = await send(receiver, event(zone="Nowhere/Land"))
    assert status == 400 and "zone" in err["error"]
    assert store.counts()["rejected"] == 2  # kept for a human to look at
    status, _ = await send(receiver, event("evt_u", 1, loyalty_tier="gold"))
    assert status == 200
    assert "ignoring unknown field 'loyalty_tier'" in caplog.text
    assert "413" in caplog.text


async def test_channel_delivers_signed_webhooks_and_duplicates_are_absorbed(
    receiver: ServerThread, store: BranchStore, channel_factory: Callable[..., Channel]
) -> None:
    ch = channel_factory([receiver.url + PATH])
    ch.faults.webhook_duplicates = 1
    a = ch.book(30)
    ch.svc.cancel(a["id"])
    for _ in range(200):
        row = store.appointment(a["id"])
        if row and row["local_status"] == "cancelled" and stats(receiver)["duplicate"] == 2:
            break
        await asyncio.sleep(0.02)
    row = store.appointment(a["id"])
    assert row is not None and (row["local_status"], row["remote_version"]) == ("cancelled", 2)
    assert stats(receiver) == {"applied": 2, "duplicate": 2, "refused": 0}
