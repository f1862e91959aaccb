"""Open the frozen v1 database (tests/o2o_sync/fixtures/branch_v1.sqlite) with today's code."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from o2o_sync.schema import CURRENT_VERSION
from o2o_sync.store import BranchStore

FIXTURE = Path(__file__).parent / "fixtures" / "branch_v1.sqlite"
FIXTURE_V2 = Path(__file__).parent / "fixtures" / "branch_v2.sqlite"


def _open_copy(tmp_path: Path, fixture: Path = FIXTURE) -> BranchStore:
    db = tmp_path / f"branch-{fixture.stem}.sqlite"
    shutil.copy(fixture, db)
    return BranchStore(db, "Asia/Shanghai")


def test_v1_migrates_with_data_kept(tmp_path: Path) -> None:
    before = hashlib.sha256(FIXTURE.read_bytes()).hexdigest()
    s = _open_copy(tmp_path)
    try:
        assert s.found_version == 1
        assert s.conn.execute("PRAGMA user_version").fetchone()[0] == CURRENT_VERSION
        booked = s.appointment("apt_v1_booked")
        assert booked is not None
        assert (booked["remote_status"], booked["local_status"], booked["remote_version"]) == (
            "booked",
            "booked",
            2,
        )
        assert booked["zone"] == "Asia/Shanghai" and booked["phone_digits"] == "8613912345678"
        checked = s.appointment("apt_v1_checked")
        assert checked is not None
        # v1 kept the branch check-in in the shared column: now it is branch-local state
        assert (checked["local_status"], checked["remote_status"], checked["qr_used"]) == (
            "checked_in",
            "booked",
            1,
        )
        cancelled = s.appointment("apt_v1_cancelled")
        assert cancelled is not None and cancelled["local_status"] == "cancelled"
        st = s.sync_state()
        assert (st["cursor"], st["last_sync_utc"], st["full_sync_done"]) == (
            "djEtY3Vyc29yLTQy",
            "2026-11-20T01:00:00Z",
            1,
        )
        # the pending outbox row is still pending and keeps its idempotency key
        rows = s._q("SELECT idempotency_key, state FROM outbox ORDER BY id")
        assert [tuple(r) for r in rows] == [
            ("key-v1-sent-000001", "sent"),
            ("key-v1-pending-0002", "pending"),
        ]
        assert s.outbox_depth() == 1
        # and the migrated database works: look-ups, check-in, new tables
        assert s.by_qr("v1-token-booked")[0]["id"] == "apt_v1_booked"
        assert s.check_in("apt_v1_booked", enforce_window=False).number == "A001"
    finally:
        s.close()
    assert hashlib.sha256(FIXTURE.read_bytes()).hexdigest() == before  # fixture untouched


def test_v2_migrates_to_v3_with_data_kept(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from o2o_sync.console.auth import Sessions, verify_password

    before = hashlib.sha256(FIXTURE_V2.read_bytes()).hexdigest()
    s = _open_copy(tmp_path, FIXTURE_V2)
    try:
        assert s.found_version == 2
        assert s.conn.execute("PRAGMA user_version").fetchone()[0] == CURRENT_VERSION
        booked, checked = s.appointment("apt_v2_booked"), s.appointment("apt_v2_checked")
        assert booked is not None and booked["local_status"] == "booked"
        assert checked is not None and checked["local_status"] == "checked_in"
        assert s.sync_state()["cursor"] == "djItY3Vyc29y"
        assert [r["kind"] for r in s._q("SELECT kind FROM outbox")] == ["check_in"]
        assert verify_password("correct horse", s.staff_hash("alice"))
        # the new table works: a sign-in is kept and found again
        sessions = Sessions(s)
        token, session = sessions.create("alice")
        assert Sessions(s).get(token) == session
        # and the rest still does: the next check-in of the day gets the next number
        ticket = s.check_in("apt_v2_booked", now=datetime(2026, 11, 23, 1, 55, tzinfo=UTC))
        assert ticket.number == "A002"
    finally:
        s.close()
    assert hashlib.sha256(FIXTURE_V2.read_bytes()).hexdigest() == before


def test_migration_is_idempotent_on_reopen(tmp_path: Path) -> None:
    _open_copy(tmp_path).close()
    s = BranchStore(tmp_path / f"branch-{FIXTURE.stem}.sqlite", "Asia/Shanghai")
    try:
        assert s.found_version == CURRENT_VERSION
        assert len(s._q("SELECT * FROM appointments")) == 3
    finally:
        s.close()


def test_fresh_and_migrated_schemas_match(tmp_path: Path) -> None:
    fresh = BranchStore(tmp_path / "fresh.sqlite")
    migrated = _open_copy(tmp_path)
    from_v2 = _open_copy(tmp_path, FIXTURE_V2)
    try:

        def columns(s: BranchStore, table: str) -> set[str]:
            return {r[1] for r in s.conn.execute(f"PRAGMA table_info({table})")}

        def indexes(s: BranchStore) -> set[str]:
            return {
                r[0]
                for r in s.conn.execute(
                    "SELECT name FROM sqlite_master WHERE type='index' AND name NOT LIKE 'sqlite_%'"
                )
            }

        tables = ("appointments", "sync_state", "outbox", "tickets", "processed_events",
                  "staff", "staff_sessions")
        for other in (migrated, from_v2):
            for table in tables:
                assert columns(fresh, table) == columns(other, table), table
            assert indexes(fresh) == indexes(other)
    finally:
        fresh.close()
        migrated.close()
        from_v2.close()


def test_parts_opening_a_new_file_at_once_do_not_collide(tmp_path: Path) -> None:
    import threading

    errors: list[BaseException] = []
    stores: list[BranchStore] = []
    lock = threading.Lock()
    start = threading.Barrier(6)

    def open_one() -> None:
        start.wait()
        try:
            s = BranchStore(tmp_path / "new.sqlite")
            with lock:
                stores.append(s)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=open_one) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for s in stores:
        s.close()
    assert errors == [] and len(stores) == 6
