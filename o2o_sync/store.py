"""The branch's copy of its appointments, its queue and its outbox: one SQLite file.

Rules that keep it right when the link misbehaves:

* A change-feed page and the cursor after it are stored in one transaction, so a crash or a
  cut link never moves the cursor past rows that were not stored.
* Every remote change carries the appointment's version; an update only applies when its
  version is newer, so late, repeated and out-of-order deliveries (feed or webhook) are no-ops.
* A webhook's event id is recorded in the same transaction as its change (dedupe).
* Every branch event (check-in, no-show, served, walk-in) writes its outbox row in the same
  transaction as the state change; the uploader sends it later with its idempotency key.
* A customer checked in at the branch beats a later online cancellation; the row is flagged.

Personal data is never written to log lines (ids only); :meth:`purge_personal_data`
removes it from rows, indexes, the activity log and quarantined payloads.
"""

from __future__ import annotations

import json
import logging
import math
import os
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as dbapi  # SQLite with SQLCipher: the branch DB is encrypted at rest
import sqlite_utils

from o2o_sync import schema
from o2o_sync.dbkey import key_for
from o2o_sync.timeutil import (
    day_bounds_utc,
    local,
    local_today,
    parse_utc,
    to_utc_text,
    utcnow,
)
from o2o_sync.wire import Event, Item, digits

log = logging.getLogger(__name__)

ACTIVE = ("checked_in", "called", "served")  # states that beat an online cancellation
CONFLICT_FLAG = "cancelled online after check-in"

_UPSERT = """
INSERT INTO appointments (id, remote_version, remote_status, service, start_utc, zone,
    duration_min, customer_name, phone, phone_digits, booking_code, qr_token, local_status,
    seen_gen, updated_utc, qr_used, purged)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0)
ON CONFLICT(id) DO UPDATE SET
    remote_status = excluded.remote_status,
    remote_version = excluded.remote_version,
    service = coalesce(excluded.service, appointments.service),
    customer_name = coalesce(excluded.customer_name, appointments.customer_name),
    phone = coalesce(excluded.phone, appointments.phone),
    phone_digits = coalesce(excluded.phone_digits, appointments.phone_digits),
    booking_code = coalesce(excluded.booking_code, appointments.booking_code),
    qr_token = coalesce(excluded.qr_token, appointments.qr_token),
    start_utc = coalesce(excluded.start_utc, appointments.start_utc),
    zone = coalesce(excluded.zone, appointments.zone),
    duration_min = coalesce(excluded.duration_min, appointments.duration_min),
    local_status = CASE
        WHEN excluded.remote_status = 'cancelled'
             AND appointments.local_status IN ('checked_in', 'called', 'served', 'no_show')
            THEN appointments.local_status
        WHEN excluded.remote_status = 'cancelled' THEN 'cancelled'
        WHEN appointments.local_status = 'booked'
             AND excluded.remote_status IN ('checked_in', 'no_show', 'served')
            THEN excluded.remote_status
        ELSE appointments.local_status END,
    flag = CASE
        WHEN excluded.remote_status = 'cancelled'
             AND appointments.local_status IN ('checked_in', 'called', 'served')
            THEN 'cancelled online after check-in'
        ELSE appointments.flag END,
    seen_gen = excluded.seen_gen,
    updated_utc = excluded.updated_utc
WHERE excluded.remote_version > appointments.remote_version
"""


class LookupRefused(Exception):
    """A check-in or counter action that is not allowed; ``code`` is machine-readable
    (a ``kiosk_core.failures.Failure`` value), ``detail`` the value the message names."""

    def __init__(self, code: str, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.detail = detail  # "HH:MM" (too_early), "YYYY-MM-DD" (not_today)


@dataclass(frozen=True)
class Ticket:
    id: int
    number: str
    service: str
    appointment_id: str | None
    ahead: int
    estimated_wait_min: int
    status: str = "waiting"


@dataclass(frozen=True)
class ApplyResult:
    received: int
    applied: int  # rows inserted or changed (newer versions)
    conflicts: int  # online cancellations refused because of a branch check-in
    rejected: int = 0  # malformed items quarantined


def _mask_phone(phone: str | None) -> str:
    d = digits(phone or "")
    return f"***{d[-4:]}" if d else ""


#: The first bytes of an unencrypted SQLite file (an encrypted one starts with its salt).
_PLAIN_HEADER = b"SQLite format 3\x00"


class BranchDbKeyError(RuntimeError):
    """The key does not open the branch database (another kiosk's key, or a damaged file)."""


def _keyed(conn: Any, key: bytes) -> None:
    # A raw 256-bit key (x'…'): no passphrase, so no PBKDF2 at every open.
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")


def _encrypt_in_place(path: Path, key: bytes) -> None:
    """A plaintext branch DB (a release before encryption) becomes an encrypted one: the
    whole database copied into a new encrypted file (sqlcipher_export), which replaces it.
    Run with every other process that uses the file stopped (the update does: docs)."""
    tmp = path.with_name(path.name + ".encrypting")
    tmp.unlink(missing_ok=True)
    plain = dbapi.connect(str(path), timeout=10, isolation_level=None)
    try:
        plain.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        version = plain.execute("PRAGMA user_version").fetchone()[0]
        plain.execute(f"ATTACH DATABASE ? AS enc KEY \"x'{key.hex()}'\"", (str(tmp),))
        plain.execute("SELECT sqlcipher_export('enc')")
        plain.execute(f"PRAGMA enc.user_version = {int(version)}")
        plain.execute("DETACH DATABASE enc")
    finally:
        plain.close()
    with open(tmp, "rb+") as f:
        os.fsync(f.fileno())
    os.replace(tmp, path)
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    log.warning("branch database %s: was not encrypted; encrypted at rest now", path)


def connect(path: Path | str, *, durable: bool = True,
            key: bytes | None = None) -> sqlite3.Connection:
    """``durable``: fsync every commit (kiosk, console: a confirmed check-in survives a power
    cut). The sync and webhook connections pass False (WAL + synchronous=NORMAL): what they
    write can be fetched again — a lost feed page goes with its cursor, a lost "sent" mark only
    re-sends an event under the same idempotency key.

    ``key``: 32 bytes, the database is encrypted with SQLCipher (AES-256, every page, the WAL
    and free pages included; o2o_sync/dbkey.py); None: a plain SQLite file (tests, benches).
    A plaintext file opened with a key is encrypted first (an update from an older release)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if key is not None and path.exists() and path.stat().st_size >= len(_PLAIN_HEADER):
        with open(path, "rb") as f:
            if f.read(len(_PLAIN_HEADER)) == _PLAIN_HEADER:
                _encrypt_in_place(path, key)
    conn = dbapi.connect(str(path), timeout=10, isolation_level=None, check_same_thread=False)
    if key is not None:
        _keyed(conn, key)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except dbapi.DatabaseError as exc:
            conn.close()
            raise BranchDbKeyError(
                f"branch database {path}: this key does not open it ({exc}); it was made "
                f"with another key (secrets_dir/branch-db.key), or the file is damaged"
            ) from None
    # Deleted rows (the retention purge) are overwritten, not left in free pages.
    conn.execute("PRAGMA secure_delete=ON")
    conn.execute("PRAGMA busy_timeout=10000")
    # Switching to WAL needs a moment alone with the file and SQLite does not wait for that
    # (no busy handler): once the file is in WAL mode (it stays so), skip the switch.
    if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
        for attempt in range(50):
            try:
                conn.execute("PRAGMA journal_mode=WAL")
                break
            except dbapi.OperationalError:
                if attempt == 49:
                    raise
                time.sleep(0.1)
    conn.execute(f"PRAGMA synchronous={'FULL' if durable else 'NORMAL'}")
    conn.execute("PRAGMA cache_size=-65536")  # 64 MiB: 100,000 rows and their indexes stay hot
    conn.execute("PRAGMA busy_timeout=10000")
    return conn


def open_read_only(path: Path | str, key: bytes | None, *, timeout: float = 1.0) -> Any:
    """A read-only connection for a quick look (health, version), the same key as the store.
    Raises ``dbapi.Error`` (``sqlcipher3.dbapi2.Error``) when it cannot be read."""
    conn = dbapi.connect(f"file:{Path(path)}?mode=ro", uri=True, timeout=timeout)
    if key is not None:
        _keyed(conn, key)
    return conn


def sync_state_of(cfg: Any) -> tuple[str | None, str | None]:
    """(last_sync_utc, last_error) from the branch database of ``cfg``, without opening a
    store (no migration, no write). Raises ``dbapi.Error`` when unreadable."""
    conn = open_read_only(cfg.path("branch_db"), key_for(cfg), timeout=0.2)
    try:
        row = conn.execute("SELECT last_sync_utc, last_error FROM sync_state WHERE id=1").fetchone()
    finally:
        conn.close()
    return (row[0], row[1]) if row is not None else (None, None)


class BranchStore:
    """One connection; safe to share between threads (calls are serialised by a lock).

    Each process part (sync loop, webhook receiver, kiosk, staff console) opens its own
    store on the same file; SQLite's WAL lets readers run while one writes.
    """

    def __init__(
        self,
        path: Path | str,
        zone: str = "Asia/Shanghai",
        *,
        checkin_opens_min: int = 15,
        checkin_closes_min: int = 30,
        service_minutes: float = 6.0,
        durable: bool = True,
        key: bytes | None = None,
    ) -> None:
        self.path = Path(path)
        self.zone = zone
        self.checkin_opens = timedelta(minutes=checkin_opens_min)
        self.checkin_closes = timedelta(minutes=checkin_closes_min)
        self.service_minutes = service_minutes
        self.conn = connect(self.path, durable=durable, key=key)
        self.conn.row_factory = dbapi.Row
        self.db = sqlite_utils.Database(self.conn)
        self._lock = threading.RLock()
        self._warned_fields: set[str] = set()
        with self._lock:
            self.found_version = schema.ensure_schema(self.db, zone)
            if self.sync_state()["full_sync_done"]:
                schema.ensure_indexes(self.db)  # self-heal after an interrupted bulk load

    @classmethod
    def from_config(cls, cfg: Any, *, durable: bool = True) -> BranchStore:
        s = cfg.sync
        return cls(
            cfg.path("branch_db"),
            cfg.kiosk.timezone,
            checkin_opens_min=s.checkin_opens_min,
            checkin_closes_min=s.checkin_closes_min,
            service_minutes=s.service_minutes,
            durable=durable,
            key=key_for(cfg),  # encrypted at rest, the key outside the data directory
        )

    def close(self) -> None:
        with self._lock:
            self.conn.close()

    # -- transactions -------------------------------------------------------------

    @contextmanager
    def tx(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE … COMMIT: take the write lock up front (no upgrade deadlocks)."""
        with self._lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    def _q(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self.conn.execute(sql, params).fetchall()

    def data_version(self) -> int:
        """Changes when *another* connection commits (used by the console to push updates)."""
        with self._lock:
            return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    # -- sync state ---------------------------------------------------------------

    def sync_state(self) -> dict[str, Any]:
        return dict(self._q("SELECT * FROM sync_state WHERE id=1")[0])

    def cursor(self) -> str | None:
        return self.sync_state()["cursor"]

    def record_sync_error(self, error: str) -> None:
        with self.tx() as c:
            c.execute("UPDATE sync_state SET last_error=? WHERE id=1", (error[:500],))

    def begin_full_resync(self) -> int:
        """The server said our cursor expired (410): start again from no cursor.

        Branch-local state (check-ins, tickets, outbox) is kept; rows the full resync does not
        bring back are removed at the end (their tombstones were purged on the server).
        """
        with self.tx() as c:
            c.execute(
                "UPDATE sync_state SET cursor=NULL, full_sync_done=0, "
                "generation=generation+1, resyncs=resyncs+1 WHERE id=1"
            )
            gen = c.execute("SELECT generation FROM sync_state WHERE id=1").fetchone()[0]
        log.warning("cursor expired: full resync (generation %d)", gen)
        return int(gen)

    def finish_full_sync(self) -> int:
        """After the last page of a full sync: drop booked rows the server no longer has."""
        with self.tx() as c:
            gen = c.execute("SELECT generation FROM sync_state WHERE id=1").fetchone()[0]
            gone = c.execute(
                "DELETE FROM appointments WHERE seen_gen < ? AND local_status IN "
                "('booked', 'cancelled')",
                (gen,),
            ).rowcount
            c.execute("UPDATE sync_state SET full_sync_done=1 WHERE id=1")
            schema.ensure_indexes(self.db)
        if gone:
            log.warning("full resync removed %d appointment(s) no longer on the server", gone)
        return int(gone)

    # -- applying remote changes --------------------------------------------------

    def _note_unknown(self, items: Iterable[Item]) -> None:
        for it in items:
            for f in it.unknown:
                if f not in self._warned_fields:
                    self._warned_fields.add(f)
                    log.warning(
                        "ignoring unknown field %r from the channel (first seen on %s)", f, it.id
                    )

    def _apply(self, c: sqlite3.Connection, items: Sequence[Item], now: str) -> tuple[int, int]:
        gen = c.execute("SELECT generation FROM sync_state WHERE id=1").fetchone()[0]
        cancel_ids = [it.id for it in items if it.status == "cancelled"]
        conflicts: list[str] = []
        for i in range(0, len(cancel_ids), 500):
            chunk = cancel_ids[i : i + 500]
            conflicts += [
                r[0]
                for r in c.execute(
                    f"SELECT id FROM appointments WHERE id IN ({','.join('?' * len(chunk))}) "
                    f"AND local_status IN ('checked_in','called','served') "
                    f"AND remote_status != 'cancelled'",
                    chunk,
                )
            ]
        before = self.conn.total_changes
        # Item's first 12 fields are in the column order of _UPSERT (no per-row dict or call).
        c.executemany(_UPSERT, [(*it[:12], it[2], gen, now) for it in items])
        applied = self.conn.total_changes - before
        if gen:  # during a full resync, rows already up to date must still count as seen
            c.executemany(
                "UPDATE appointments SET seen_gen=? WHERE id=? AND seen_gen<?",
                [(gen, it.id, gen) for it in items],
            )
        for aid in conflicts:
            row = c.execute(
                "SELECT local_status, remote_status FROM appointments WHERE id=?", (aid,)
            ).fetchone()
            if row and row[1] == "cancelled":  # the cancellation was newer and got recorded
                log.warning(
                    "appointment %s cancelled online after branch check-in: kept as "
                    "%s and flagged for staff",
                    aid,
                    row[0],
                )
                c.execute(
                    "INSERT INTO activity (ts_utc, appointment_id, kind, detail) "
                    "VALUES (?, ?, 'conflict', ?)",
                    (now, aid, CONFLICT_FLAG),
                )
        return applied, len(conflicts)

    def apply_page(
        self,
        items: Sequence[Item],
        next_cursor: str | None,
        rejected: Sequence[tuple[str, str]] = (),
    ) -> ApplyResult:
        """Store one change-feed page and the cursor after it, all or nothing."""
        self._note_unknown(items)
        now = to_utc_text(utcnow())
        with self.tx() as c:
            if len(items) > 100 and not c.execute("SELECT 1 FROM appointments LIMIT 1").fetchone():
                # First page of a first sync: load without the secondary indexes and build
                # them once at the end (sorting 100,000 keys beats 100,000 random inserts).
                schema.drop_secondary_indexes(self.db)
            applied, conflicts = self._apply(c, items, now)
            for error, raw in rejected:
                c.execute(
                    "INSERT INTO rejected (source, error, raw, received_utc) "
                    "VALUES ('feed', ?, ?, ?)",
                    (error, raw, now),
                )
            c.execute(
                "UPDATE sync_state SET cursor=?, last_sync_utc=?, last_error=NULL WHERE id=1",
                (next_cursor, now),
            )
        return ApplyResult(len(items), applied, conflicts, len(rejected))

    def apply_event(self, event: Event) -> bool:
        """Apply a verified webhook event once; False if its id was seen before."""
        self._note_unknown([event.item])
        now = to_utc_text(utcnow())
        with self.tx() as c:
            fresh = c.execute(
                "INSERT OR IGNORE INTO processed_events (event_id, received_utc) VALUES (?, ?)",
                (event.id, now),
            ).rowcount
            if not fresh:
                return False
            self._apply(c, [event.item], now)
        return True

    def quarantine(self, source: str, error: str, raw: str) -> None:
        with self.tx() as c:
            c.execute(
                "INSERT INTO rejected (source, error, raw, received_utc) VALUES (?,?,?,?)",
                (source, error[:500], raw[:65536], to_utc_text(utcnow())),
            )

    # -- reads --------------------------------------------------------------------

    def appointment(self, aid: str) -> dict[str, Any] | None:
        rows = self._q("SELECT * FROM appointments WHERE id=?", (aid,))
        return dict(rows[0]) if rows else None

    def by_qr(self, token: str) -> list[sqlite3.Row]:
        return self._q("SELECT * FROM appointments WHERE qr_token=?", (token,))

    def by_code(self, code: str) -> list[sqlite3.Row]:
        return self._q("SELECT * FROM appointments WHERE booking_code=?", (code,))

    def view(self, row: sqlite3.Row | dict[str, Any]) -> dict[str, Any]:
        """An appointment as the kiosk and the console show it (local time in its zone)."""
        r = dict(row)
        zone = r.get("zone") or self.zone
        t = local(r["start_utc"], zone) if r.get("start_utc") else None
        ticket = None
        if r.get("ticket_id"):
            tr = self._q("SELECT number, status FROM tickets WHERE id=?", (r["ticket_id"],))
            ticket = tr[0]["number"] if tr else None
        status = r["local_status"]
        return {
            "id": r["id"],
            "service": r.get("service"),
            "name": r.get("customer_name"),
            "phone": _mask_phone(r.get("phone")),
            "code": r.get("booking_code"),
            "start_utc": r.get("start_utc"),
            "zone": zone,
            "local_time": t.strftime("%H:%M") if t else None,
            "local_date": t.date().isoformat() if t else None,
            "utc_offset": t.strftime("%z") if t else None,
            "status": status,
            "flag": r.get("flag"),
            "ticket": ticket,
        }

    def today(self, day: str | None = None, query: str | None = None) -> list[dict[str, Any]]:
        """The local day's appointments (branch zone), optionally filtered by name/phone/code."""
        d = datetime.fromisoformat(day).date() if day else local_today(self.zone)
        lo, hi = day_bounds_utc(d, self.zone)
        sql = "SELECT * FROM appointments WHERE start_utc >= ? AND start_utc < ?"
        params: list[Any] = [lo, hi]
        if query and query.strip():
            q = query.strip()
            like = f"%{q}%"
            sql += " AND (customer_name LIKE ? OR booking_code LIKE ?"
            params += [like, like.upper()]
            if digits(q) and len(digits(q)) >= 4:
                sql += " OR phone_digits LIKE ?"
                params.append(f"%{digits(q)}%")
            sql += ")"
        sql += " ORDER BY start_utc, id"
        return [self.view(r) for r in self._q(sql, params)]

    def ticket(self, ticket_id: int) -> dict[str, Any] | None:
        """One ticket row, whatever its day or state."""
        rows = self._q("SELECT * FROM tickets WHERE id=?", (int(ticket_id),))
        return dict(rows[0]) if rows else None

    def tickets_today(self, day: str | None = None) -> list[dict[str, Any]]:
        d = day or local_today(self.zone).isoformat()
        return [
            dict(r)
            for r in self._q(
                "SELECT t.*, a.customer_name AS name FROM tickets t LEFT JOIN appointments a "
                "ON a.id = t.appointment_id WHERE t.day=? ORDER BY t.priority, t.id",
                (d,),
            )
        ]

    def counts(self) -> dict[str, Any]:
        by_status = {
            r[0]: r[1]
            for r in self._q(
                "SELECT local_status, count(*) FROM appointments GROUP BY local_status"
            )
        }
        outbox = {r[0]: r[1] for r in self._q("SELECT state, count(*) FROM outbox GROUP BY state")}
        flagged = self._q("SELECT count(*) FROM appointments WHERE flag IS NOT NULL")[0][0]
        rejected = self._q("SELECT count(*) FROM rejected")[0][0]
        return {
            "appointments": by_status,
            "outbox": outbox,
            "flagged": flagged,
            "rejected": rejected,
        }

    # -- branch events (each with its outbox row, in one transaction) -------------

    def _outbox(
        self,
        c: sqlite3.Connection,
        kind: str,
        aid: str | None,
        payload: dict[str, Any],
        now: str,
        *,
        key: str | None = None,
    ) -> str:
        key = key or uuid.uuid4().hex
        body = {"kind": kind, "appointment_id": aid, "occurred": now, **payload}
        c.execute(
            "INSERT INTO outbox (idempotency_key, kind, appointment_id, payload, created_utc, "
            "state, attempts, next_attempt_utc) VALUES (?, ?, ?, ?, ?, 'pending', 0, ?)",
            (key, kind, aid, json.dumps(body, separators=(",", ":")), now, now),
        )
        return key

    def _next_number(self, c: sqlite3.Connection, day: str, prefix: str) -> str:
        n = c.execute(
            "INSERT INTO ticket_counters (day, prefix, last) VALUES (?, ?, 1) "
            "ON CONFLICT(day, prefix) DO UPDATE SET last = last + 1 RETURNING last",
            (day, prefix),
        ).fetchone()[0]
        return f"{prefix}{n:03d}"

    def _issue(
        self,
        c: sqlite3.Connection,
        prefix: str,
        priority: int,
        service: str,
        aid: str | None,
        now_dt: datetime,
    ) -> Ticket:
        now = to_utc_text(now_dt)
        day = local_today(self.zone, now_dt).isoformat()
        number = self._next_number(c, day, prefix)
        tid = c.execute(
            "INSERT INTO tickets (day, number, appointment_id, service, priority, "
            "status, issued_utc) VALUES (?, ?, ?, ?, ?, 'waiting', ?)",
            (day, number, aid, service, priority, now),
        ).lastrowid
        assert tid is not None
        # Appointments (priority 0) go ahead of walk-ins (1); within a class, first come first.
        ahead = c.execute(
            "SELECT count(*) FROM tickets WHERE day=? AND status='waiting' AND "
            "(priority < ? OR (priority = ? AND id < ?))",
            (day, priority, priority, tid),
        ).fetchone()[0]
        wait = math.ceil(ahead * self.service_minutes)
        return Ticket(tid, number, service, aid, ahead, wait)

    def check_in(
        self,
        aid: str,
        *,
        via: str = "kiosk",
        now: datetime | None = None,
        enforce_window: bool = True,
    ) -> Ticket:
        """Turn a booked appointment into a queue ticket; writes the outbox event too."""
        now_dt = now or utcnow()
        now_s = to_utc_text(now_dt)
        with self.tx() as c:
            row = c.execute("SELECT * FROM appointments WHERE id=?", (aid,)).fetchone()
            self._check_allowed(row, now_dt, enforce_window)
            ticket = self._issue(c, "A", 0, row["service"], aid, now_dt)
            c.execute(
                "UPDATE appointments SET local_status='checked_in', qr_used=1, ticket_id=? "
                "WHERE id=?",
                (ticket.id, aid),
            )
            self._outbox(c, "check_in", aid, {"ticket": ticket.number, "via": via}, now_s)
            c.execute(
                "INSERT INTO activity (ts_utc, appointment_id, kind, detail) VALUES "
                "(?, ?, 'check_in', ?)",
                (now_s, aid, f"{via}: ticket {ticket.number}"),
            )
        log.info("appointment %s checked in via %s: ticket %s", aid, via, ticket.number)
        return ticket

    def _check_allowed(self, row: sqlite3.Row | None, now: datetime, enforce_window: bool) -> None:
        if row is None:
            raise LookupRefused("unknown", "No such appointment.")
        status = row["local_status"]
        if status == "cancelled":
            raise LookupRefused("cancelled", "This appointment was cancelled.")
        if status in ("checked_in", "called", "served") or row["qr_used"]:
            raise LookupRefused("used", "This appointment is already checked in.")
        if status == "no_show":
            raise LookupRefused("no_show", "This appointment was marked as missed.")
        if row["purged"] or not row["start_utc"]:
            raise LookupRefused("unknown", "No such appointment.")
        if enforce_window:
            start = local(row["start_utc"], row["zone"] or self.zone)
            if now < start - self.checkin_opens:
                opens = (start - self.checkin_opens).strftime("%H:%M")
                raise LookupRefused("too_early", f"Check-in opens at {opens}.", opens)
            if now > start + self.checkin_closes:
                raise LookupRefused(
                    "too_late", "The check-in time for this appointment has passed."
                )

    def issue_walk_in(
        self, service: str, *, now: datetime | None = None, key: str | None = None
    ) -> Ticket:
        """A walk-in queue ticket (and its outbox event). With ``key`` (the kiosk's flow
        id) it is idempotent: asked again with the same key, the same ticket comes back
        (a kiosk flow redone after a power cut never takes a second number)."""
        now_dt = now or utcnow()
        with self.tx() as c:
            if key is not None:
                again = self._walk_in_by_key(c, key)
                if again is not None:
                    return again
            ticket = self._issue(c, "W", 1, service, None, now_dt)
            self._outbox(
                c,
                "walk_in",
                None,
                {"ticket": ticket.number, "service": service},
                to_utc_text(now_dt),
                key=key,
            )
        log.info("walk-in ticket %s issued for %s", ticket.number, service)
        return ticket

    def _walk_in_by_key(self, c: sqlite3.Connection, key: str) -> Ticket | None:
        row = c.execute(
            "SELECT payload FROM outbox WHERE idempotency_key=? AND kind='walk_in'", (key,)
        ).fetchone()
        if row is None:
            return None
        body = json.loads(row[0])
        day = local_today(self.zone, parse_utc(body["occurred"])).isoformat()
        t = c.execute(
            "SELECT * FROM tickets WHERE day=? AND number=?", (day, body["ticket"])
        ).fetchone()
        if t is None:
            return None
        ahead = c.execute(
            "SELECT count(*) FROM tickets WHERE day=? AND status='waiting' AND "
            "(priority < ? OR (priority = ? AND id < ?))",
            (day, t["priority"], t["priority"], t["id"]),
        ).fetchone()[0]
        return Ticket(t["id"], t["number"], t["service"], None, ahead,
                      math.ceil(ahead * self.service_minutes), t["status"])

    def request_callback(
        self, callback_at: datetime, *, language: str, reference: str, via: str = "kiosk",
        service: str = "video_teller", phone: str = "", now: datetime | None = None,
    ) -> str:
        """A customer who found no teller free asks to be called back at ``callback_at``
        (tz-aware, the branch's time): queued to the channel through the outbox, which
        books it; shown in the staff console's activity. Returns the outbox key."""
        if callback_at.tzinfo is None:
            raise ValueError("callback_at needs a time zone")
        now_dt = now or utcnow()
        if callback_at <= now_dt:
            raise ValueError("callback_at is in the past")
        now_s = to_utc_text(now_dt)
        digits = "".join(ch for ch in phone if ch.isdigit())
        if phone and not 6 <= len(digits) <= 15:
            raise ValueError("phone: 6 to 15 digits")
        payload = {"callback_at": callback_at.isoformat(timespec="minutes"),
                   "language": language, "reference": reference, "via": via,
                   "service": service}
        if digits:
            payload["phone"] = digits  # the channel's booking calls this number back
        with self.tx() as c:
            key = self._outbox(c, "callback_request", None, payload, now_s)
            c.execute(
                "INSERT INTO activity (ts_utc, appointment_id, kind, detail) VALUES "
                "(?, NULL, 'callback_request', ?)",
                (now_s, f"{via}: callback at {payload['callback_at']} ({reference}"
                        f"{', ' + _mask_phone(digits) if digits else ''})"),
            )
        log.info("callback requested for %s (%s)", payload["callback_at"], reference)
        return key

    def call_next(
        self, counter: str = "1", *, now: datetime | None = None
    ) -> dict[str, Any] | None:
        now_dt = now or utcnow()
        day = local_today(self.zone, now_dt).isoformat()
        with self.tx() as c:
            row = c.execute(
                "SELECT * FROM tickets WHERE day=? AND status='waiting' "
                "ORDER BY priority, id LIMIT 1",
                (day,),
            ).fetchone()
            if row is None:
                return None
            c.execute(
                "UPDATE tickets SET status='called', called_utc=?, counter=? WHERE id=?",
                (to_utc_text(now_dt), counter, row["id"]),
            )
            if row["appointment_id"]:
                c.execute(
                    "UPDATE appointments SET local_status='called' WHERE id=?",
                    (row["appointment_id"],),
                )
        log.info("ticket %s called to counter %s", row["number"], counter)
        return {**dict(row), "status": "called", "counter": counter}

    def mark_served(self, ticket_id: int, *, now: datetime | None = None) -> None:
        self._finish_ticket(ticket_id, "served", now)

    def mark_no_show(
        self,
        *,
        appointment_id: str | None = None,
        ticket_id: int | None = None,
        now: datetime | None = None,
    ) -> None:
        """A called ticket that never came, or a booked appointment whose customer did not."""
        if ticket_id is not None:
            self._finish_ticket(ticket_id, "no_show", now)
            return
        now_s = to_utc_text(now or utcnow())
        with self.tx() as c:
            row = c.execute(
                "SELECT local_status FROM appointments WHERE id=?", (appointment_id,)
            ).fetchone()
            if row is None:
                raise LookupRefused("unknown", "No such appointment.")
            if row[0] not in ("booked", "checked_in", "called"):
                raise LookupRefused("state", f"Cannot mark a {row[0]} appointment as no-show.")
            c.execute(
                "UPDATE appointments SET local_status='no_show' WHERE id=?", (appointment_id,)
            )
            c.execute(
                "UPDATE tickets SET status='no_show', finished_utc=? WHERE appointment_id=? "
                "AND status IN ('waiting','called')",
                (now_s, appointment_id),
            )
            self._outbox(c, "no_show", appointment_id, {}, now_s)
        log.info("appointment %s marked no-show", appointment_id)

    def _finish_ticket(self, ticket_id: int, state: str, now: datetime | None) -> None:
        now_s = to_utc_text(now or utcnow())
        with self.tx() as c:
            row = c.execute("SELECT * FROM tickets WHERE id=?", (ticket_id,)).fetchone()
            if row is None:
                raise LookupRefused("unknown", "No such ticket.")
            if row["status"] not in ("waiting", "called"):
                raise LookupRefused("state", f"Ticket {row['number']} is already {row['status']}.")
            c.execute(
                "UPDATE tickets SET status=?, finished_utc=? WHERE id=?", (state, now_s, ticket_id)
            )
            aid = row["appointment_id"]
            if aid:
                c.execute("UPDATE appointments SET local_status=? WHERE id=?", (state, aid))
            if aid or state == "served":
                self._outbox(c, state, aid, {"ticket": row["number"]}, now_s)
        log.info("ticket %s %s", row["number"], state)

    # -- outbox -------------------------------------------------------------------

    def outbox_due(self, now: datetime | None = None, limit: int = 50) -> list[dict[str, Any]]:
        return [
            dict(r)
            for r in self._q(
                "SELECT * FROM outbox WHERE state='pending' AND next_attempt_utc <= ? ORDER BY id "
                "LIMIT ?",
                (to_utc_text(now or utcnow()), limit),
            )
        ]

    def outbox_depth(self) -> int:
        return int(self._q("SELECT count(*) FROM outbox WHERE state='pending'")[0][0])

    def outbox_sent(self, oid: int) -> None:
        with self.tx() as c:
            c.execute(
                "UPDATE outbox SET state='sent', sent_utc=?, last_error=NULL WHERE id=?",
                (to_utc_text(utcnow()), oid),
            )

    def outbox_retry(self, oid: int, error: str, delay_s: float) -> None:
        nxt = to_utc_text(utcnow() + timedelta(seconds=delay_s))
        with self.tx() as c:
            c.execute(
                "UPDATE outbox SET attempts=attempts+1, last_error=?, next_attempt_utc=? "
                "WHERE id=?",
                (error[:500], nxt, oid),
            )

    def outbox_drop(self, oid: int, error: str) -> None:
        with self.tx() as c:
            c.execute(
                "UPDATE outbox SET state='dropped', attempts=attempts+1, last_error=? WHERE id=?",
                (error[:500], oid),
            )

    # -- retention ----------------------------------------------------------------

    def purge_personal_data(self, retention_days: int, now: datetime | None = None) -> int:
        """Strip names, phones, codes and tokens from appointments older than the retention,
        with the activity log and quarantined payloads of that age (secure_delete zeroes the
        freed cells); then VACUUM, so no copy survives in free pages or old index pages, and
        truncate the WAL."""
        cutoff = to_utc_text((now or utcnow()) - timedelta(days=retention_days))
        with self._lock:
            self.conn.execute("PRAGMA secure_delete=ON")
        with self.tx() as c:
            n = c.execute(
                "UPDATE appointments SET customer_name=NULL, phone=NULL, phone_digits=NULL, "
                "booking_code=NULL, qr_token=NULL, purged=1 WHERE start_utc < ? AND purged=0",
                (cutoff,),
            ).rowcount
            c.execute(
                "DELETE FROM activity WHERE ts_utc < ? OR appointment_id IN "
                "(SELECT id FROM appointments WHERE purged=1)",
                (cutoff,),
            )
            c.execute("DELETE FROM rejected WHERE received_utc < ?", (cutoff,))
            c.execute("DELETE FROM processed_events WHERE received_utc < ?", (cutoff,))
            c.execute("DELETE FROM outbox WHERE state != 'pending' AND created_utc < ?", (cutoff,))
        # Rebuild the file: old row versions and index entries left in free pages (by this
        # purge, or by earlier updates) are gone too; then empty the WAL.
        with self._lock:
            self.conn.execute("VACUUM")
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        log.info("retention purge: personal data removed from %d appointment(s)", n)
        return int(n)

    # -- staff accounts -------------------------------------------------------------

    def set_staff_password(self, username: str, pw_hash: str) -> None:
        """A new password ends every sign-in of that name, in every console process."""
        with self.tx() as c:
            c.execute(
                "INSERT INTO staff (username, pw_hash, created_utc) VALUES (?, ?, ?) "
                "ON CONFLICT(username) DO UPDATE SET pw_hash=excluded.pw_hash",
                (username, pw_hash, to_utc_text(utcnow())),
            )
            c.execute("DELETE FROM staff_sessions WHERE username=?", (username,))

    def rehash_staff_password(self, username: str, old_hash: str, new_hash: str) -> bool:
        """The same password under a stronger hash (at sign-in): only if nobody changed
        the password meanwhile; sessions are kept."""
        with self.tx() as c:
            n = c.execute(
                "UPDATE staff SET pw_hash=? WHERE username=? AND pw_hash=?",
                (new_hash, username, old_hash),
            ).rowcount
        return bool(n)

    def staff_hash(self, username: str) -> str | None:
        rows = self._q("SELECT pw_hash FROM staff WHERE username=?", (username,))
        return rows[0][0] if rows else None

    # -- staff console sessions (token hashes only) ------------------------------------

    def put_staff_session(self, token_sha256: str, username: str, csrf: str,
                          expires: float) -> None:
        with self.tx() as c:
            # Expired sign-ins go whenever a new one is made: the table stays small.
            c.execute("DELETE FROM staff_sessions WHERE expires < ?", (time.time(),))
            c.execute(
                "INSERT OR REPLACE INTO staff_sessions "
                "(token_sha256, username, csrf, expires, created_utc) VALUES (?, ?, ?, ?, ?)",
                (token_sha256, username, csrf, expires, to_utc_text(utcnow())),
            )

    def staff_session(self, token_sha256: str) -> tuple[str, str, float] | None:
        """(username, csrf, expires as a Unix time) of a sign-in, expired or not."""
        rows = self._q(
            "SELECT username, csrf, expires FROM staff_sessions WHERE token_sha256=?",
            (token_sha256,),
        )
        return (str(rows[0][0]), str(rows[0][1]), float(rows[0][2])) if rows else None

    def drop_staff_session(self, token_sha256: str) -> None:
        with self.tx() as c:
            c.execute("DELETE FROM staff_sessions WHERE token_sha256=?", (token_sha256,))
