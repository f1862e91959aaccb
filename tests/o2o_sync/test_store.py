# mypy: disable-error-code="index"
from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from o2o_sync.store import CONFLICT_FLAG, BranchStore, LookupRefused
from o2o_sync.timeutil import day_bounds_utc, to_utc_text, utcnow
from o2o_sync.wire import parse_item

from .conftest import SHANGHAI, item


def test_page_and_cursor_stored_together(store: BranchStore) -> None:
    res = store.apply_page([item("a1"), item("a2", code="XYZ999")], "cur-1")
    assert (res.received, res.applied) == (2, 2)
    assert store.cursor() == "cur-1"
    assert store.appointment("a2")["booking_code"] == "XYZ999"


def test_failed_page_leaves_rows_and_cursor_untouched(
    store: BranchStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.apply_page([item("a1")], "cur-1")

    def boom(*a: object, **k: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "_note_unknown", lambda items: None)
    original = store._apply

    def apply_then_fail(c: sqlite3.Connection, items: object, now: str) -> tuple[int, int]:
        original(c, items, now)  # type: ignore[arg-type]
        boom()
        return 0, 0

    monkeypatch.setattr(store, "_apply", apply_then_fail)
    with pytest.raises(RuntimeError):
        store.apply_page([item("a2"), item("a1", 2, "cancelled")], "cur-2")
    monkeypatch.undo()
    assert store.cursor() == "cur-1"
    assert store.appointment("a2") is None
    assert store.appointment("a1")["local_status"] == "booked"


def test_versions_make_late_and_repeated_changes_no_ops(store: BranchStore) -> None:
    t1 = utcnow() + timedelta(hours=1)
    t2 = utcnow() + timedelta(hours=2)
    store.apply_page([item("a1", 1, start=t1)], "c1")
    store.apply_page([item("a1", 3, start=t2)], "c2")  # reschedule, version 3
    r = store.apply_page([item("a1", 2, start=t1)], "c3")  # late version 2: ignored
    assert r.applied == 0
    r = store.apply_page([item("a1", 3, start=t2)], "c4")  # duplicate: ignored
    assert r.applied == 0
    row = store.appointment("a1")
    assert (row["remote_version"], row["start_utc"]) == (3, to_utc_text(t2))
    # a tombstone that arrives before its create wins over the late create
    store.apply_page([parse_item({"id": "b1", "version": 2, "status": "cancelled"})], "c5")
    store.apply_page([item("b1", 1)], "c6")
    assert store.appointment("b1")["local_status"] == "cancelled"


def test_checked_in_beats_later_online_cancellation(store: BranchStore) -> None:
    store.apply_page([item("a1")], "c1")
    store.check_in("a1")
    r = store.apply_page([parse_item({"id": "a1", "version": 2, "status": "cancelled"})], "c2")
    assert r.conflicts == 1
    row = store.appointment("a1")
    assert (row["local_status"], row["remote_status"], row["flag"]) == (
        "checked_in",
        "cancelled",
        CONFLICT_FLAG,
    )
    assert store.counts()["flagged"] == 1
    # a booked one is simply cancelled
    store.apply_page(
        [item("a2"), parse_item({"id": "a2", "version": 2, "status": "cancelled"})], "c3"
    )
    assert store.appointment("a2")["local_status"] == "cancelled"


def test_check_in_writes_ticket_and_outbox_in_one_transaction(
    store: BranchStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.apply_page([item("a1"), item("a2", code="CODE22")], "c1")

    def broken_outbox(*a: object, **k: object) -> str:
        raise sqlite3.OperationalError("simulated power cut")

    monkeypatch.setattr(store, "_outbox", broken_outbox)
    with pytest.raises(sqlite3.OperationalError):
        store.check_in("a1")
    monkeypatch.undo()
    assert store.appointment("a1")["local_status"] == "booked"
    assert store.tickets_today() == [] and store.outbox_depth() == 0
    t = store.check_in("a1")
    assert (t.number, t.ahead, t.estimated_wait_min) == ("A001", 0, 0)
    assert store.outbox_depth() == 1
    t2 = store.check_in("a2")
    assert (t2.number, t2.ahead) == ("A002", 1)
    with pytest.raises(LookupRefused) as e:
        store.check_in("a1")
    assert e.value.code == "used"


def test_queue_order_appointments_before_walk_ins(store: BranchStore) -> None:
    store.apply_page([item("a1"), item("a2", code="CODE22")], "c1")
    w = store.issue_walk_in("card")
    a = store.check_in("a1")
    assert (w.number, w.ahead) == ("W001", 0)
    assert (a.number, a.ahead) == ("A001", 0)  # appointment goes ahead of the walk-in
    first = store.call_next("2")
    assert first is not None and first["number"] == "A001"
    assert store.appointment("a1")["local_status"] == "called"
    second = store.call_next("3")
    assert second is not None and second["number"] == "W001"
    assert store.call_next() is None
    store.mark_served(first["id"])
    store.mark_no_show(ticket_id=second["id"])
    store.mark_no_show(appointment_id="a2")
    kinds = [r["kind"] for r in store._q("SELECT kind FROM outbox ORDER BY id")]
    assert kinds == ["walk_in", "check_in", "served", "no_show"]
    assert store.appointment("a1")["local_status"] == "served"
    with pytest.raises(LookupRefused):
        store.mark_served(first["id"])


def test_check_in_window(shanghai_store: BranchStore) -> None:
    store = shanghai_store
    start = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
    store.apply_page([item("a1", start=start, zone=SHANGHAI)], "c1")
    with pytest.raises(LookupRefused) as e:
        store.check_in("a1", now=start - timedelta(minutes=16))
    assert e.value.code == "too_early" and "09:45" in str(e.value)
    with pytest.raises(LookupRefused) as e:
        store.check_in("a1", now=start + timedelta(minutes=31))
    assert e.value.code == "too_late"
    assert store.check_in("a1", now=start - timedelta(minutes=15)).number == "A001"


def test_local_display_is_right_on_both_sides_of_dst(tmp_path: Path) -> None:
    # Europe/London springs forward on 2027-03-28: 09:30 local is 09:30Z before, 08:30Z after.
    s = BranchStore(tmp_path / "london.sqlite", "Europe/London")
    try:
        items = [
            parse_item(
                {
                    "id": f"d{i}",
                    "version": 1,
                    "status": "booked",
                    "service": "wealth",
                    "start": start,
                    "zone": "Europe/London",
                    "customer": {"name": "Emma", "phone": "+44 20 7946 0000"},
                    "booking_code": f"DST00{i}",
                    "qr_token": f"dst-token-{i}",
                }
            )
            for i, start in enumerate(
                ["2027-03-27T09:30:00Z", "2027-03-28T08:30:00Z", "2027-03-29T08:30:00Z"]
            )
        ]
        s.apply_page(items, "c1")
        for d in ("2027-03-27", "2027-03-28", "2027-03-29"):
            (row,) = s.today(d)
            assert (row["local_time"], row["local_date"]) == ("09:30", d)
        assert [r["utc_offset"] for r in (s.today("2027-03-27") + s.today("2027-03-29"))] == [
            "+0000",
            "+0100",
        ]
        # the short day is 23 hours long, the long one 25
        lo, hi = day_bounds_utc(date(2027, 3, 28), "Europe/London")
        assert (lo, hi) == ("2027-03-28T00:00:00Z", "2027-03-28T23:00:00Z")
        lo, hi = day_bounds_utc(date(2026, 10, 25), "Europe/London")
        assert (lo, hi) == ("2026-10-24T23:00:00Z", "2026-10-26T00:00:00Z")
    finally:
        s.close()


def test_search_by_name_phone_code(store: BranchStore) -> None:
    store.apply_page(
        [
            item("a1", name="王小明", phone="+86 139 1234 5678", code="QWERTY"),
            item("a2", name="Li Lei", phone="13800001111", code="ZXCVBN"),
        ],
        "c1",
    )
    assert [r["id"] for r in store.today(query="小明")] == ["a1"]
    assert [r["id"] for r in store.today(query="5678")] == ["a1"]
    assert [r["id"] for r in store.today(query="zxcv")] == ["a2"]
    assert store.today(query="nobody") == []
    assert store.today()[0]["phone"] == "***5678"  # masked for display


def test_full_resync_drops_rows_the_server_forgot_but_keeps_branch_state(
    store: BranchStore,
) -> None:
    store.apply_page([item("a1"), item("a2"), item("a3")], "c1")
    store.finish_full_sync()
    store.check_in("a3")
    store.begin_full_resync()
    assert store.cursor() is None
    store.apply_page([item("a1")], "fresh")  # the server no longer has a2 (tombstone purged)
    assert store.finish_full_sync() == 1
    assert store.appointment("a2") is None
    assert store.appointment("a3")["local_status"] == "checked_in"  # never lose a check-in
    assert store.outbox_depth() == 1


def test_purge_reaches_rows_indexes_logs_and_the_file(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite"
    s = BranchStore(path, "Asia/Shanghai")
    old = utcnow() - timedelta(days=100)
    s.apply_page(
        [
            item(
                "old",
                start=old,
                name="Purgeable Person",
                phone="+86 137 9999 4242",
                code="PURGE1",
                token="purge-token-xyz",
            ),
            item("new", name="Recent Person", code="KEEP01"),
        ],
        "c1",
    )
    s.check_in("old", enforce_window=False)
    s.quarantine("feed", "bad item", '{"customer": {"name": "Purgeable Person"}}')
    s.conn.execute("UPDATE rejected SET received_utc=?", (to_utc_text(old),))
    s.conn.execute("UPDATE activity SET ts_utc=?", (to_utc_text(old),))
    assert s.purge_personal_data(90) == 1
    row = s.appointment("old")
    assert row["customer_name"] is None and row["qr_token"] is None and row["purged"] == 1
    assert s.appointment("new")["customer_name"] == "Recent Person"
    assert s.by_qr("purge-token-xyz") == []
    s.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("p.sqlite"))
    for secret in (
        b"Purgeable Person",
        b"13799994242",
        b"9999 4242",
        b"purge-token-xyz",
        b"PURGE1",
    ):
        assert secret not in raw, secret
    assert b"Recent Person" in raw


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    from o2o_sync.schema import SchemaError

    conn = sqlite3.connect(tmp_path / "future.sqlite")
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(SchemaError, match="newer"):
        BranchStore(tmp_path / "future.sqlite")


def test_no_personal_data_in_log_lines(
    store: BranchStore, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    store.apply_page([item("a1", name="Hidden Name", phone="+86 131 2222 3333")], "c1")
    store.check_in("a1")
    store.apply_page([parse_item({"id": "a1", "version": 2, "status": "cancelled"})], "c2")
    store.purge_personal_data(1, now=utcnow() + timedelta(days=5))
    text = caplog.text
    assert "a1" in text
    assert "Hidden Name" not in text and "2222" not in text
