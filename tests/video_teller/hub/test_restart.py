"""The queue survives a hub restart: waiting kiosks reconnect and keep their order; a call
that had a teller goes back to the head; a kiosk that never returns is ended kiosk_lost."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

import pytest
from ports import free_port

from kiosk_core.migrations import NewerSchemaError
from video_teller import protocol as p
from video_teller.hub.server import HubConfig
from video_teller.hub.service import HubThread
from video_teller.hub.store import SCHEMA, HubStore

from .conftest import Client, kiosk, request, teller


async def test_restart_keeps_the_order_of_waiting_kiosks(
        start_hub: Callable[..., HubThread]) -> None:
    listen = f"127.0.0.1:{free_port()}"
    hub = start_hub(listen, kiosk_grace_s=3.0)
    ks = [await kiosk(hub, f"k{i}") for i in range(4)]
    for i, k in enumerate(ks):
        await request(k, f"c{i}", needs_help=(i == 3))  # c3 needs help: ahead of the rest
    t = await teller(hub, "t1")
    await t.send(p.AnswerCall())
    assert (await t.expect(p.Assigned)).call_id == "c3"
    await ks[3].expect(p.Connected)
    hub.stop()
    for c in (*ks, t):
        assert await c.closed() == 1001  # going away
    hub = start_hub(listen, kiosk_grace_s=3.0)
    # Waiting kiosks come back in the reverse order; the queue's order is kept anyway, and
    # the call that was with a teller is back at the head.
    order = {}
    back: list[Client] = []
    for i in (2, 0, 1, 3):
        k = await kiosk(hub, f"k{i}", resume_call=f"c{i}")
        back.append(k)
    for k in back:
        pos = await k.expect(p.QueuePosition, lambda m: m.position <= 4)
        order[k.name] = pos.position
    for k in back:  # the last push is the settled one
        while True:
            try:
                order[k.name] = (await k.expect(p.QueuePosition, timeout=0.3)).position
            except TimeoutError:
                break
    assert order == {"k3": 1, "k0": 2, "k1": 3, "k2": 4}
    kinds = [e["kind"] for e in hub.run(lambda h: h.store.events("c3"))]
    assert "call.requeued" in kinds and kinds[-1] == "kiosk.returned"
    for k in back:
        await k.close()


async def test_kiosk_that_never_returns_after_restart_is_ended(
        start_hub: Callable[..., HubThread]) -> None:
    listen = f"127.0.0.1:{free_port()}"
    hub = start_hub(listen)
    k0, k1 = await kiosk(hub, "k0"), await kiosk(hub, "k1")
    await request(k0, "c0")
    await request(k1, "c1")
    hub.stop()
    await k0.closed()
    await k1.closed()
    hub = start_hub(listen)
    k1 = await kiosk(hub, "k1")
    assert (await request(k1, "c1")).position == 2  # c0 keeps its place for the grace…
    assert (await k1.expect(p.QueuePosition, timeout=3)).position == 1  # …then is gone
    rows = {r["call_id"]: r for r in hub.run(lambda h: h.store.call_rows())}
    assert rows["c0"]["state"] == "ended" and rows["c0"]["end_reason"] == "kiosk_lost"
    await k1.send(p.CallRequest(call_id="c0", language="en_US"))
    assert (await k1.expect(p.Error)).code in ("call_ended", "already_in_call")
    await k1.close()


def test_store_schema_version_and_a_newer_file_is_refused(hub_config: HubConfig) -> None:
    store = HubStore(hub_config.db)
    store.close()
    conn = sqlite3.connect(hub_config.db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA.version
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.execute(f"PRAGMA user_version = {SCHEMA.version + 1}")
    conn.commit()
    conn.close()
    with pytest.raises(NewerSchemaError):
        HubStore(hub_config.db)
