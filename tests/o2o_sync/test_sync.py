# mypy: disable-error-code="index"
"""The pull and upload loops against the real reference channel service on loopback."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from o2o_sync import sync as sync_mod
from o2o_sync.lookup import CheckInDesk
from o2o_sync.store import BranchStore
from o2o_sync.sync import ChannelClient, SyncError
from o2o_sync.timeutil import parse_utc, to_utc_text, utcnow

from .conftest import ZONE, Channel


def seed(ch: Channel, n: int) -> list[dict[str, Any]]:
    return [
        ch.book(10 + 15 * i, name=f"Customer {i}", phone=f"+86 138 0000 {i:04d}") for i in range(n)
    ]


def rows(store: BranchStore) -> int:
    return int(store._q("SELECT count(*) FROM appointments")[0][0])


def due_now(store: BranchStore) -> None:
    store.conn.execute("UPDATE outbox SET next_attempt_utc='2000-01-01T00:00:00Z'")


async def test_initial_then_incremental(
    channel: Channel, store: BranchStore, client_factory: Callable[..., ChannelClient]
) -> None:
    booked = seed(channel, 120)
    client = client_factory(channel)
    stats = await client.pull()
    assert (stats.pages, stats.items, stats.applied) == (3, 120, 120)
    assert store.sync_state()["full_sync_done"] == 1
    moved = to_utc_text(parse_utc(booked[0]["start"]) + timedelta(minutes=7))
    channel.svc.reschedule(booked[0]["id"], moved)
    channel.svc.cancel(booked[1]["id"])
    stats = await client.pull()
    assert (stats.pages, stats.items, stats.applied) == (1, 2, 2)
    assert store.appointment(booked[1]["id"])["local_status"] == "cancelled"
    assert store.appointment(booked[0]["id"])["start_utc"] == moved
    stats = await client.pull()
    assert stats.items == 0
    await client.close()


async def test_link_cut_mid_page_loses_and_doubles_nothing(
    channel: Channel,
    store: BranchStore,
    client_factory: Callable[..., ChannelClient],
    caplog: pytest.LogCaptureFixture,
) -> None:
    seed(channel, 120)
    client = client_factory(channel)
    channel.faults.cut_next_page = 1
    with pytest.raises(SyncError):
        await client.pull()
    assert "sync stopped after 0 page(s)" in caplog.text
    assert rows(store) == 0 and store.cursor() is None
    assert store.sync_state()["last_error"]
    # cut the second page this time: the first page and its cursor are kept
    channel.faults.cut_next_page = 0
    client2 = client_factory(channel)
    orig = client2._fetch
    calls = 0

    async def cut_second(cursor: str | None) -> tuple[int, bytes]:
        nonlocal calls
        calls += 1
        if calls == 2:
            channel.faults.cut_next_page = 1
        return await orig(cursor)

    client2._fetch = cut_second  # type: ignore[method-assign]
    with pytest.raises(SyncError):
        await client2.pull()
    assert rows(store) == 50 and store.cursor() is not None
    stats = await client.pull()
    assert stats.items == 70 and rows(store) == 120
    await client.close()
    await client2.close()


async def test_server_errors_and_timeouts_keep_the_cursor(
    channel: Channel,
    store: BranchStore,
    client_factory: Callable[..., ChannelClient],
    caplog: pytest.LogCaptureFixture,
) -> None:
    seed(channel, 10)
    client = client_factory(channel, timeout_s=0.3)
    channel.faults.fail_next = 1
    with pytest.raises(SyncError, match="HTTP 503"):
        await client.pull()
    channel.faults.delay_s = 1.0
    with pytest.raises(SyncError, match="unreachable"):
        await client.pull()
    assert "TimeoutError" in caplog.text
    channel.faults.delay_s = 0
    channel.faults.down = True
    with pytest.raises(SyncError, match="unreachable"):
        await client.pull()
    channel.faults.down = False
    assert rows(store) == 0 and store.cursor() is None
    assert (await client.pull()).items == 10
    await client.close()


async def test_wrong_token_is_a_clear_error(channel: Channel, store: BranchStore) -> None:
    client = ChannelClient(store, channel.url, "DEMO", "not-the-token", timeout_s=2)
    with pytest.raises(SyncError, match="HTTP 401"):
        await client.pull()
    await client.close()


async def test_expired_cursor_means_full_resync(
    channel: Channel, store: BranchStore, client_factory: Callable[..., ChannelClient]
) -> None:
    booked = seed(channel, 6)
    client = client_factory(channel)
    await client.pull()
    store.check_in(booked[5]["id"], enforce_window=False)
    # while the branch is offline: one cancelled, and the server purges its tombstones
    channel.svc.cancel(booked[0]["id"])
    channel.svc.compact()
    channel.svc.cancel(booked[5]["id"])  # cancelled online after the branch check-in
    stats = await client.pull()
    assert stats.resyncs == 1
    assert store.appointment(booked[0]["id"]) is None  # gone, not resurrected
    assert store.appointment(booked[5]["id"])["local_status"] == "checked_in"
    assert store.appointment(booked[5]["id"])["flag"]
    assert rows(store) == 5
    assert store.sync_state()["resyncs"] == 1
    await client.close()


async def test_malformed_items_are_quarantined_rest_applied(
    channel: Channel,
    store: BranchStore,
    client_factory: Callable[..., ChannelClient],
    caplog: pytest.LogCaptureFixture,
) -> None:
    seed(channel, 3)
    channel.svc.conn.execute("UPDATE appointments SET zone='Mars/Olympus' WHERE seq=2")
    client = client_factory(channel)
    stats = await client.pull()
    assert (stats.items, stats.rejected) == (2, 1)
    assert "quarantined" in caplog.text and "Mars/Olympus" in caplog.text
    assert store.counts()["rejected"] == 1 and store.cursor() is not None
    await client.close()


async def test_unknown_fields_are_logged_once_and_ignored(
    channel: Channel,
    store: BranchStore,
    client_factory: Callable[..., ChannelClient],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seed(channel, 3)
    orig = channel.svc.changes

    def with_extra(*a: Any) -> bytes:
        page = orig(*a)
        page["items"] = [{**it, "loyalty_tier": "gold"} for it in page["items"]]
        return json.dumps(page).encode()

    monkeypatch.setattr(channel.svc, "page_body", with_extra)
    client = client_factory(channel)
    assert (await client.pull()).applied == 3
    assert caplog.text.count("ignoring unknown field 'loyalty_tier'") == 1
    await client.close()


@pytest.mark.parametrize(
    "page,match",
    [
        ({"items": "nope", "next_cursor": "x", "has_more": False}, "contract"),
        ({"items": [], "next_cursor": "", "has_more": False}, "contract"),
        ({"items": []}, "contract"),
        ([1, 2], "contract"),
    ],
)
async def test_pages_off_contract_are_refused(
    channel: Channel,
    store: BranchStore,
    client_factory: Callable[..., ChannelClient],
    monkeypatch: pytest.MonkeyPatch,
    page: Any,
    match: str,
) -> None:
    monkeypatch.setattr(channel.svc, "page_body", lambda *a: json.dumps(page).encode())
    client = client_factory(channel)
    with pytest.raises(SyncError, match=match):
        await client.pull()
    assert store.cursor() is None
    await client.close()


async def test_oversized_page_is_refused(
    channel: Channel,
    store: BranchStore,
    client_factory: Callable[..., ChannelClient],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seed(channel, 5)
    monkeypatch.setattr(sync_mod, "MAX_PAGE_BYTES", 1000)
    client = client_factory(channel)
    with pytest.raises(SyncError, match="refused"):
        await client.pull()
    assert rows(store) == 0
    await client.close()


async def test_upload_exactly_once_despite_lost_ack_and_5xx(
    channel: Channel,
    store: BranchStore,
    client_factory: Callable[..., ChannelClient],
    caplog: pytest.LogCaptureFixture,
) -> None:
    a, b = seed(channel, 2)
    client = client_factory(channel)
    await client.pull()
    store.check_in(a["id"], enforce_window=False)
    store.check_in(b["id"], enforce_window=False)
    channel.faults.drop_ack_next = 1  # processed by the channel, answer lost
    s = await client.upload()
    assert (s.sent, s.retried) == (0, 1)  # b waits behind a: order is kept
    assert len(channel.svc.branch_events()) == 1
    due_now(store)
    channel.faults.fail_next = 1  # then a 503
    assert (await client.upload()).retried == 1
    due_now(store)
    assert (await client.upload()).sent == 2
    events = channel.svc.branch_events()
    assert sorted(e["appointment_id"] for e in events) == sorted([a["id"], b["id"]])
    assert channel.svc.get(a["id"])["status"] == "checked_in"
    assert "retry in" in caplog.text
    assert store.outbox_depth() == 0


async def test_upload_4xx_is_dropped_with_a_log_line(
    channel: Channel,
    store: BranchStore,
    client_factory: Callable[..., ChannelClient],
    caplog: pytest.LogCaptureFixture,
) -> None:
    (a,) = seed(channel, 1)
    client = client_factory(channel)
    await client.pull()
    store.check_in(a["id"], enforce_window=False)
    # an appointment the channel never heard of: 404, retrying cannot help
    store.conn.execute("UPDATE outbox SET payload=replace(payload, ?, 'apt_unknown')", (a["id"],))
    store.issue_walk_in("card")
    s = await client.upload()
    assert (s.dropped, s.sent) == (1, 1)
    assert "dropped: channel refused it with HTTP 404" in caplog.text
    assert store.counts()["outbox"] == {"dropped": 1, "sent": 1}


async def test_offline_day_then_catch_up(
    channel: Channel, store: BranchStore, client_factory: Callable[..., ChannelClient]
) -> None:
    booked = seed(channel, 4)
    client = client_factory(channel)
    await client.pull()
    channel.faults.down = True
    with pytest.raises(SyncError):
        await client.pull()
    desk = CheckInDesk(store)
    appt = desk.find_by_qr("O2O:" + booked[0]["qr_token"])
    assert len(store.today()) == 4  # the day's list is still there
    desk.check_in(appt.id)
    store.check_in(booked[1]["id"], enforce_window=False)
    for _ in range(3):
        assert (await client.upload()).sent == 0
        due_now(store)
    assert store.outbox_depth() == 2 and channel.svc.branch_events() == []
    new = channel.svc.book(
        "DEMO",
        "forex",
        booked[0]["start"].replace("Z", "+00:00"),
        ZONE,
        "Late Booker",
        "+86 135 5555 5555",
    )
    channel.faults.down = False
    assert (await client.upload()).sent == 2
    await client.pull()
    assert store.appointment(new["id"]) is not None
    assert len(channel.svc.branch_events()) == 2
    assert store.outbox_depth() == 0
    assert store.outbox_due(now=None) == []
    await client.close()


async def test_large_pages_arrive_whole(
    channel: Channel, store: BranchStore, client_factory: Callable[..., ChannelClient]
) -> None:
    base = utcnow()
    channel.svc.bulk_book(
        [
            (
                "DEMO",
                "loan",
                to_utc_text(base + timedelta(minutes=i)),
                ZONE,
                f"客户{i}",
                "+86 138 0000 0000",
            )
            for i in range(2000)
        ]
    )
    client = client_factory(channel, page_size=2000)  # one page of ~1 MB, many TCP reads
    stats = await client.pull()
    assert (stats.pages, stats.items) == (1, 2000) and rows(store) == 2000
    await client.close()
