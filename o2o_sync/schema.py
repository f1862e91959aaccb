"""The branch database's schema and its migrations, keyed by ``PRAGMA user_version``.

Each migration takes the database from version N-1 to N inside the caller's transaction
(the framework is :mod:`kiosk_core.migrations`).
Older files are kept frozen under tests/o2o_sync/fixtures/ and migrated in the tests, so a
branch that skipped releases still opens (the zigpy approach).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import sqlite_utils

from kiosk_core import migrations
from kiosk_core.migrations import Schema, SchemaStep
from kiosk_core.migrations import SchemaError as SchemaError  # raised by ensure_schema

log = logging.getLogger(__name__)

CURRENT_VERSION = 3


def _create_v2(db: sqlite_utils.Database) -> None:
    db.table("appointments").create(
        {
            "id": str,
            "remote_status": str,
            "remote_version": int,
            "service": str,
            "customer_name": str,
            "phone": str,
            "phone_digits": str,
            "booking_code": str,
            "qr_token": str,
            "start_utc": str,
            "zone": str,
            "duration_min": int,
            "local_status": str,
            "qr_used": int,
            "ticket_id": int,
            "flag": str,
            "seen_gen": int,
            "updated_utc": str,
            "purged": int,
        },
        pk="id",
        not_null={"remote_status", "remote_version", "local_status"},
        defaults={"qr_used": 0, "seen_gen": 0, "purged": 0},
        if_not_exists=True,
    )
    _indexes(db)
    _new_tables_v2(db)


SECONDARY_INDEXES = {
    "idx_appt_qr": "qr_token",
    "idx_appt_code": "booking_code",
    "idx_appt_start": "start_utc",
}


def drop_secondary_indexes(db: sqlite_utils.Database) -> None:
    for name in SECONDARY_INDEXES:
        db.conn.execute(f"DROP INDEX IF EXISTS {name}")


def ensure_indexes(db: sqlite_utils.Database) -> None:
    _indexes(db)


def _indexes(db: sqlite_utils.Database) -> None:
    t = db.table("appointments")
    t.create_index(["qr_token"], index_name="idx_appt_qr", if_not_exists=True)
    t.create_index(["booking_code"], index_name="idx_appt_code", if_not_exists=True)
    t.create_index(["start_utc"], index_name="idx_appt_start", if_not_exists=True)


def _new_tables_v2(db: sqlite_utils.Database) -> None:
    db.table("tickets").create(
        {
            "id": int,
            "day": str,
            "number": str,
            "appointment_id": str,
            "service": str,
            "priority": int,
            "status": str,
            "issued_utc": str,
            "called_utc": str,
            "finished_utc": str,
            "counter": str,
        },
        pk="id",
        not_null={"day", "number", "status", "issued_utc"},
        if_not_exists=True,
    )
    db.table("tickets").create_index(
        ["day", "number"], unique=True, index_name="idx_ticket_number", if_not_exists=True
    )
    db.table("tickets").create_index(
        ["day", "status", "priority", "id"], index_name="idx_ticket_queue", if_not_exists=True
    )
    db.table("ticket_counters").create(
        {"day": str, "prefix": str, "last": int}, pk=("day", "prefix"), if_not_exists=True
    )
    db.table("processed_events").create(
        {"event_id": str, "received_utc": str}, pk="event_id", if_not_exists=True
    )
    db.table("rejected").create(
        {"id": int, "source": str, "error": str, "raw": str, "received_utc": str},
        pk="id",
        if_not_exists=True,
    )
    db.table("activity").create(
        {"id": int, "ts_utc": str, "appointment_id": str, "kind": str, "detail": str},
        pk="id",
        if_not_exists=True,
    )
    db.table("staff").create(
        {"username": str, "pw_hash": str, "created_utc": str}, pk="username", if_not_exists=True
    )


def _create_sync_state(db: sqlite_utils.Database) -> None:
    db.table("sync_state").create(
        {
            "id": int,
            "cursor": str,
            "last_sync_utc": str,
            "last_error": str,
            "generation": int,
            "resyncs": int,
            "full_sync_done": int,
        },
        pk="id",
        defaults={"generation": 0, "resyncs": 0, "full_sync_done": 0},
        if_not_exists=True,
    )
    db.table("sync_state").insert({"id": 1}, ignore=True)


def _create_outbox(db: sqlite_utils.Database) -> None:
    db.table("outbox").create(
        {
            "id": int,
            "idempotency_key": str,
            "kind": str,
            "appointment_id": str,
            "payload": str,
            "created_utc": str,
            "state": str,
            "attempts": int,
            "next_attempt_utc": str,
            "last_error": str,
            "sent_utc": str,
        },
        pk="id",
        not_null={"idempotency_key", "kind", "payload", "state"},
        defaults={"attempts": 0, "state": "pending"},
        if_not_exists=True,
    )
    db.table("outbox").create_index(
        ["idempotency_key"], unique=True, index_name="idx_outbox_key", if_not_exists=True
    )
    db.table("outbox").create_index(
        ["state", "id"], index_name="idx_outbox_state", if_not_exists=True
    )


def _create_staff_sessions(db: sqlite_utils.Database) -> None:
    # Only a hash of the session token: a copy of the file signs nobody in.
    db.table("staff_sessions").create(
        {"token_sha256": str, "username": str, "csrf": str, "expires": float, "created_utc": str},
        pk="token_sha256",
        not_null={"username", "csrf", "expires"},
        if_not_exists=True,
    )


def create_fresh(db: sqlite_utils.Database) -> None:
    _create_v2(db)
    _create_sync_state(db)
    _create_outbox(db)
    _create_staff_sessions(db)


def migrate_v1_to_v2(db: sqlite_utils.Database, default_zone: str) -> None:
    """v1 (first pilot): one ``status`` column for both sides, no zone, outbox with ``sent``."""
    appt = db.table("appointments")
    appt.transform(rename={"status": "remote_status", "version": "remote_version"})
    for col, typ in (
        ("phone_digits", str),
        ("zone", str),
        ("duration_min", int),
        ("local_status", str),
        ("qr_used", int),
        ("ticket_id", int),
        ("flag", str),
        ("seen_gen", int),
        ("updated_utc", str),
        ("purged", int),
    ):
        appt.add_column(col, typ)
    conn = db.conn
    rows = conn.execute("SELECT id, phone, remote_status FROM appointments").fetchall()
    conn.executemany(
        "UPDATE appointments SET phone_digits=?, zone=?, duration_min=15, local_status=?, "
        "qr_used=?, seen_gen=0, purged=0, "
        # v1 wrote the branch's check-in into the shared column; the channel's own
        # status comes with the next feed page (a newer version), so assume 'booked'.
        "remote_status=CASE WHEN remote_status='checked_in' THEN 'booked' ELSE remote_status END "
        "WHERE id=?",
        [
            (
                "".join(c for c in (phone or "") if c.isdigit()) or None,
                default_zone,
                status,
                int(status != "booked"),
                aid,
            )
            for aid, phone, status in rows
        ],
    )
    _indexes(db)
    _new_tables_v2(db)
    st = db.table("sync_state")
    for col, typ in (
        ("last_error", str),
        ("generation", int),
        ("resyncs", int),
        ("full_sync_done", int),
    ):
        st.add_column(col, typ)
    st.transform(rename={"last_sync": "last_sync_utc"})
    conn.execute(
        "UPDATE sync_state SET generation=0, resyncs=0, "
        "full_sync_done=CASE WHEN cursor IS NULL THEN 0 ELSE 1 END"
    )
    ob = db.table("outbox")
    ob.transform(rename={"created": "created_utc"})
    for col, typ in (
        ("state", str),
        ("attempts", int),
        ("next_attempt_utc", str),
        ("last_error", str),
        ("sent_utc", str),
    ):
        ob.add_column(col, typ)
    conn.execute(
        "UPDATE outbox SET state=CASE WHEN sent THEN 'sent' ELSE 'pending' END, attempts=0"
    )
    ob.transform(drop={"sent"})
    ob.create_index(
        ["idempotency_key"], unique=True, index_name="idx_outbox_key", if_not_exists=True
    )
    ob.create_index(["state", "id"], index_name="idx_outbox_state", if_not_exists=True)


def migrate_v2_to_v3(db: sqlite_utils.Database, default_zone: str) -> None:
    """v3: staff console sign-ins survive a restart of the console (``staff_sessions``)."""
    _create_staff_sessions(db)


MIGRATIONS: dict[int, Callable[[sqlite_utils.Database, str], None]] = {
    2: migrate_v1_to_v2,
    3: migrate_v2_to_v3,
}


def _bound(
    migration: Callable[[sqlite_utils.Database, str], None],
    db: sqlite_utils.Database,
    default_zone: str,
) -> SchemaStep:
    def step(conn: object) -> None:
        migration(db, default_zone)

    return step


def branch_schema(db: sqlite_utils.Database, default_zone: str) -> Schema:
    """The branch database's schema, its steps bound to ``db`` (sqlite-utils) and the zone
    that v1 files, which kept none, are taken to be in."""
    return Schema(
        label="branch database",
        version=CURRENT_VERSION,
        create=lambda conn: create_fresh(db),
        steps={v: _bound(m, db, default_zone) for v, m in MIGRATIONS.items()},
        unversioned=1,
        # v1 files carry no version; only a file without appointments is new.
        is_fresh=lambda conn: "appointments" not in db.table_names(),
    )


def ensure_schema(db: sqlite_utils.Database, default_zone: str) -> int:
    """Create or migrate; returns the version found before. Runs in one transaction.

    The version is read again under the write lock: several parts of the branch (kiosk,
    sync, console) may open a new file at the same moment, and only the first may create it.
    """
    return migrations.ensure_schema(db.conn, branch_schema(db, default_zone))
