"""The reference service and the branch client speak exactly what openapi.yaml says."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp
import jsonschema
import yaml
from aiohttp import web

from o2o_sync import signing
from o2o_sync.aio import ServerThread
from o2o_sync.store import BranchStore
from o2o_sync.sync import ChannelClient
from o2o_sync.webhook import PATH

from .conftest import SECRET, TOKEN, Channel

SPEC = yaml.safe_load(
    (Path(__file__).resolve().parents[2] / "o2o_sync" / "openapi.yaml").read_text()
)


def check(schema_name: str, value: Any) -> None:
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": SPEC["components"]}
    jsonschema.validate(value, schema, cls=jsonschema.Draft202012Validator)


def test_spec_shape() -> None:
    assert SPEC["openapi"].startswith("3.")
    assert set(SPEC["paths"]) == {"/v1/branches/{branch}/changes", "/v1/branches/{branch}/events"}
    assert "appointmentChanged" in SPEC["webhooks"]
    jsonschema.Draft202012Validator.check_schema({"components": SPEC["components"]})


async def test_feed_pages_tombstones_and_errors_match(channel: Channel) -> None:
    a = channel.book(10)
    channel.book(25)
    channel.svc.cancel(a["id"])
    hdr = {"Authorization": f"Bearer {TOKEN}"}
    base = channel.url + "/v1/branches/DEMO/changes"
    async with aiohttp.ClientSession(headers=hdr) as s:
        async with s.get(base, params={"limit": "1"}) as r:
            page = await r.json()
            check("ChangePage", page)
            assert page["has_more"] is True
        async with s.get(base, params={"cursor": page["next_cursor"]}) as r:
            page2 = await r.json()
            check("ChangePage", page2)
            assert page2["items"][-1]["status"] == "cancelled"
        channel.svc.compact()
        async with s.get(base, params={"cursor": page["next_cursor"]}) as r:
            assert r.status == 410
            check("Error", await r.json())
        async with s.get(base, params={"cursor": "!!"}) as r:
            assert r.status == 400
        async with s.get(base, params={"limit": "0"}) as r:
            assert r.status == 400
    async with aiohttp.ClientSession() as s, s.get(base) as r:
        assert r.status == 401


async def test_branch_events_idempotency(
    channel: Channel, store: BranchStore, client_factory: Callable[..., ChannelClient]
) -> None:
    a = channel.book(5)
    await client_factory(channel).pull()
    store.check_in(a["id"], enforce_window=False)
    (row,) = store.outbox_due()
    check("BranchEvent", json.loads(row["payload"]))
    url = channel.url + "/v1/branches/DEMO/events"
    hdr = {"Authorization": f"Bearer {TOKEN}", "Idempotency-Key": row["idempotency_key"]}
    async with aiohttp.ClientSession(headers=hdr) as s:
        async with s.post(url, data=row["payload"]) as r:
            assert r.status == 201
            first = await r.json()
            check("EventAccepted", first)
        async with s.post(url, data=row["payload"]) as r:
            assert r.status == 200 and r.headers["Idempotent-Replayed"] == "true"
            assert await r.json() == first
        async with s.post(url, data=row["payload"].replace("kiosk", "staff")) as r:
            assert r.status == 422
        async with s.post(
            url,
            data=b'{"kind":"check_in","occurred":"2026-01-01T00:00:00Z",'
            b'"appointment_id":"x","extra":1}',
            headers={"Idempotency-Key": "another-key-1"},
        ) as r:
            assert r.status == 400 and "extra" in (await r.json())["message"]
        async with s.post(url, data=b"[]", headers={"Idempotency-Key": "short"}) as r:
            assert r.status == 400
    assert len(channel.svc.branch_events()) == 1


async def test_webhooks_match_and_verify(
    channel_factory: Callable[..., Channel], store: BranchStore
) -> None:
    seen: list[tuple[bytes, str]] = []

    async def hook(request: web.Request) -> web.Response:
        seen.append((await request.read(), request.headers[signing.HEADER]))
        return web.json_response({"ok": True})

    def app() -> web.Application:
        a = web.Application()
        a.router.add_post(PATH, hook)
        return a

    srv = ServerThread(app, name="o2o-hook-capture").start()
    try:
        ch = channel_factory([srv.url + PATH])
        a = ch.book(10)
        ch.svc.reschedule(a["id"], a["start"].replace(":00Z", ":30Z"))
        ch.svc.cancel(a["id"])
        for _ in range(200):
            if len(seen) == 3:
                break
            await asyncio.sleep(0.02)
    finally:
        srv.stop()
    assert len(seen) == 3
    for body, header in seen:
        signing.verify(SECRET, body, header)
        check("WebhookEvent", json.loads(body))
    assert [json.loads(b)["type"] for b, _ in seen] == [
        "appointment.created",
        "appointment.updated",
        "appointment.cancelled",
    ]


def test_sql_built_page_equals_the_python_one(channel: Channel) -> None:
    a = channel.book(10, name='引号"和\\反斜杠', phone="+86 (138) 0000-1111")
    channel.book(25)
    channel.svc.cancel(a["id"])
    for cursor in (None, channel.svc.make_cursor(1)):
        built = json.loads(channel.svc.page_body("DEMO", cursor, 10))
        assert built == channel.svc.changes("DEMO", cursor, 10)
        check("ChangePage", built)
