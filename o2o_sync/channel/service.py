"""The reference channel service's data: appointments, change sequence, branch events.

Every change to an appointment takes the next value of one global sequence and bumps the
appointment's version. The change feed returns rows ordered by that sequence, so a row
changed while a branch is paging moves behind the branch's position and is read again
later — never skipped, never read twice at the same version. Tombstones (cancelled rows)
stay in the feed until :meth:`compact` removes them; older cursors then get 410.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from kiosk_core import safejson
from o2o_sync.services import SERVICES
from o2o_sync.timeutil import normalise_utc, parse_utc, to_utc_text, utcnow
from o2o_sync.wire import BRANCH_EVENT_KINDS, digits

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS appointments (
    id TEXT PRIMARY KEY, branch TEXT NOT NULL, service TEXT NOT NULL, name TEXT NOT NULL,
    phone TEXT NOT NULL, booking_code TEXT NOT NULL, qr_token TEXT NOT NULL UNIQUE,
    start_utc TEXT NOT NULL, zone TEXT NOT NULL, duration_min INTEGER NOT NULL,
    status TEXT NOT NULL, version INTEGER NOT NULL, seq INTEGER NOT NULL, updated_utc TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS ch_appt_seq ON appointments (seq);
CREATE INDEX IF NOT EXISTS ch_appt_branch_seq ON appointments (branch, seq);
-- one live booking per slot (double bookings are a classic failure)
CREATE UNIQUE INDEX IF NOT EXISTS ch_appt_slot ON appointments (branch, service, start_utc)
    WHERE status != 'cancelled';
CREATE TABLE IF NOT EXISTS branch_events (
    idempotency_key TEXT NOT NULL, branch TEXT NOT NULL, kind TEXT NOT NULL,
    appointment_id TEXT, body_sha256 TEXT NOT NULL, payload TEXT NOT NULL,
    response TEXT NOT NULL, received_utc TEXT NOT NULL,
    PRIMARY KEY (branch, idempotency_key)  -- keys are per branch, as Stripe's are per account
);
"""

#: Before issue 15 the key alone was the primary key: one branch's key replayed another's.
_PER_BRANCH_KEYS = """
ALTER TABLE branch_events RENAME TO branch_events_global_keys;
CREATE TABLE branch_events (
    idempotency_key TEXT NOT NULL, branch TEXT NOT NULL, kind TEXT NOT NULL,
    appointment_id TEXT, body_sha256 TEXT NOT NULL, payload TEXT NOT NULL,
    response TEXT NOT NULL, received_utc TEXT NOT NULL,
    PRIMARY KEY (branch, idempotency_key)
);
INSERT INTO branch_events SELECT * FROM branch_events_global_keys ORDER BY rowid;
DROP TABLE branch_events_global_keys;
"""

#: What the contract allows in ids and text fields of a branch event (openapi.yaml).
BRANCH_ID = re.compile(r"[A-Za-z0-9._-]{1,32}")
APPOINTMENT_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
MAX_SEQ = 2**63 - 1  # SQLite's INTEGER


class ChannelError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


def _code(rng: secrets.SystemRandom | Any) -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud on the phone
    return "".join(rng.choice(alphabet) for _ in range(6))


class ChannelService:
    def __init__(self, path: Path | str, api_token: str = "demo-branch-token") -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(
            self.path, isolation_level=None, check_same_thread=False, timeout=10
        )
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.executescript(_SCHEMA)
        pk = [r[1] for r in self.conn.execute("PRAGMA table_info(branch_events)") if r[5]]
        if pk == ["idempotency_key"]:
            self.conn.executescript(f"BEGIN; {_PER_BRANCH_KEYS} COMMIT;")
        self.api_token = api_token
        self._lock = threading.RLock()
        self._rng = secrets.SystemRandom()
        self.listeners: list[Callable[[dict[str, Any]], None]] = []  # webhook events
        with self._lock:
            self.conn.execute(
                "INSERT OR IGNORE INTO meta VALUES ('epoch', ?)", (secrets.token_hex(4),)
            )
            self.conn.execute("INSERT OR IGNORE INTO meta VALUES ('horizon', '0')")

    def close(self) -> None:
        with self._lock:
            self.conn.close()

    def _meta(self, key: str) -> str:
        return str(self.conn.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()[0])

    def _next_seq(self) -> int:
        row = self.conn.execute("SELECT max(seq) FROM appointments").fetchone()
        return int(row[0] or 0) + 1

    # -- cursors --------------------------------------------------------------------

    def make_cursor(self, seq: int) -> str:
        raw = f"{self._meta('epoch')}:{seq}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def read_cursor(self, cursor: str) -> int:
        try:
            if len(cursor) > 512 or not cursor.isascii():
                raise ValueError("not ours")
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
            epoch, seq_s = raw.split(":")
            if not (seq_s.isascii() and seq_s.isdigit()) or len(seq_s) > 19:
                raise ValueError("not a sequence number")
            seq = int(seq_s)
            if seq > MAX_SEQ:  # SQLite would raise OverflowError binding it
                raise ValueError("sequence out of range")
        except (ValueError, UnicodeDecodeError):
            raise ChannelError(400, "bad_cursor", "cursor is not one of ours") from None
        if epoch != self._meta("epoch") or seq < int(self._meta("horizon")):
            raise ChannelError(410, "cursor_expired", "cursor expired: sync again from scratch")
        return seq

    # -- feed -------------------------------------------------------------------------

    @staticmethod
    def item(row: sqlite3.Row) -> dict[str, Any]:
        return {
            "id": row["id"],
            "version": row["version"],
            "status": row["status"],
            "branch": row["branch"],
            "service": row["service"],
            "start": row["start_utc"],
            "zone": row["zone"],
            "duration_min": row["duration_min"],
            "customer": {"name": row["name"], "phone": row["phone"]},
            "booking_code": row["booking_code"],
            "qr_token": row["qr_token"],
            "updated": row["updated_utc"],
        }

    def changes(self, branch: str, cursor: str | None, limit: int) -> dict[str, Any]:
        with self._lock:
            after = self.read_cursor(cursor) if cursor else 0
            rows = self.conn.execute(
                "SELECT * FROM appointments WHERE branch=? AND seq>? ORDER BY seq LIMIT ?",
                (branch, after, limit + 1),
            ).fetchall()
            more = len(rows) > limit
            rows = rows[:limit]
            last = rows[-1]["seq"] if rows else max(after, self._next_seq() - 1)
            return {
                "items": [self.item(r) for r in rows],
                "next_cursor": self.make_cursor(last),
                "has_more": more,
            }

    def page_body(self, branch: str, cursor: str | None, limit: int) -> bytes:
        """The same page as :meth:`changes`, as JSON built by SQLite (no Python object per row:
        the initial sync of a big branch is 100,000 rows)."""
        with self._lock:
            after = self.read_cursor(cursor) if cursor else 0
            rows = self.conn.execute(
                "SELECT json_object('id', id, 'version', version, 'status', status, "
                "'branch', branch, 'service', service, 'start', start_utc, 'zone', zone, "
                "'duration_min', duration_min, "
                "'customer', json_object('name', name, 'phone', phone), "
                "'booking_code', booking_code, 'qr_token', qr_token, 'updated', updated_utc), seq "
                "FROM appointments WHERE branch=? AND seq>? ORDER BY seq LIMIT ?",
                (branch, after, limit + 1),
            ).fetchall()
            more = len(rows) > limit
            rows = rows[:limit]
            last = rows[-1][1] if rows else max(after, self._next_seq() - 1)
            cursor_text = self.make_cursor(last)
        items = ",".join(r[0] for r in rows)
        tail = f'],"next_cursor":"{cursor_text}","has_more":{"true" if more else "false"}}}'
        return ('{"items":[' + items + tail).encode()

    def compact(self, keep_after_seq: int | None = None) -> int:
        """Purge tombstones (cancelled rows) up to a sequence; older cursors become 410."""
        with self._lock:
            upto = self._next_seq() - 1 if keep_after_seq is None else keep_after_seq
            n = self.conn.execute(
                "DELETE FROM appointments WHERE status='cancelled' AND seq<=?", (upto,)
            ).rowcount
            self.conn.execute("UPDATE meta SET value=? WHERE key='horizon'", (str(upto),))
            return int(n)

    # -- bookings ------------------------------------------------------------------

    def _change(
        self,
        row_id: str,
        sets: dict[str, Any],
        event_type: str,
        deferred: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        now = to_utc_text(utcnow())
        cols = ", ".join(f"{k}=?" for k in sets)
        self.conn.execute(
            f"UPDATE appointments SET {cols}, version=version+1, seq=?, updated_utc=? WHERE id=?",
            (*sets.values(), self._next_seq(), now, row_id),
        )
        return self._emit(row_id, event_type, deferred)

    def _emit(
        self, row_id: str, event_type: str, deferred: list[dict[str, Any]] | None = None
    ) -> dict[str, Any]:
        """Tell the listeners (webhooks) — or, with ``deferred``, keep the event for after
        the caller's transaction commits (a rolled-back change must not be announced)."""
        row = self.conn.execute("SELECT * FROM appointments WHERE id=?", (row_id,)).fetchone()
        item = self.item(row)
        event = {
            "id": f"evt_{uuid.uuid4().hex}",
            "type": event_type,
            "created": int(time.time()),
            "data": item,
        }
        if deferred is not None:
            deferred.append(event)
        else:
            for fn in list(self.listeners):
                fn(event)
        return item

    def book(
        self,
        branch: str,
        service: str,
        start: str | datetime,
        zone: str,
        name: str,
        phone: str,
        duration_min: int = 15,
    ) -> dict[str, Any]:
        if service not in SERVICES:
            raise ChannelError(422, "unknown_service", f"unknown service {service!r}")
        ZoneInfo(zone)
        start_utc = to_utc_text(start) if isinstance(start, datetime) else normalise_utc(start)
        if len(digits(phone)) < 5:
            raise ChannelError(422, "bad_phone", "phone needs at least 5 digits")
        aid = f"apt_{uuid.uuid4().hex[:20]}"
        with self._lock:
            try:
                self.conn.execute(
                    "INSERT INTO appointments VALUES (?,?,?,?,?,?,?,?,?,?, 'booked', 1, ?, ?)",
                    (
                        aid,
                        branch,
                        service,
                        name,
                        phone,
                        _code(self._rng),
                        secrets.token_urlsafe(18),
                        start_utc,
                        zone,
                        duration_min,
                        self._next_seq(),
                        to_utc_text(utcnow()),
                    ),
                )
            except sqlite3.IntegrityError:
                raise ChannelError(409, "slot_taken", "that slot is already booked") from None
            return self._emit(aid, "appointment.created")

    def reschedule(self, aid: str, start: str | datetime) -> dict[str, Any]:
        start_utc = to_utc_text(start) if isinstance(start, datetime) else normalise_utc(start)
        with self._lock:
            row = self._get(aid)
            if row["status"] != "booked":
                raise ChannelError(409, "not_booked", f"appointment is {row['status']}")
            try:
                return self._change(aid, {"start_utc": start_utc}, "appointment.updated")
            except sqlite3.IntegrityError:
                raise ChannelError(409, "slot_taken", "that slot is already booked") from None

    def cancel(self, aid: str) -> dict[str, Any]:
        with self._lock:
            row = self._get(aid)
            if row["status"] == "cancelled":
                return self.item(row)
            return self._change(aid, {"status": "cancelled"}, "appointment.cancelled")

    def _get(self, aid: str) -> sqlite3.Row:
        row = self.conn.execute("SELECT * FROM appointments WHERE id=?", (aid,)).fetchone()
        if row is None:
            raise ChannelError(404, "not_found", f"no appointment {aid}")
        return row

    def get(self, aid: str) -> dict[str, Any]:
        with self._lock:
            return self.item(self._get(aid))

    def bulk_book(
        self, rows: list[tuple[str, str, str, str, str, str]], duration_min: int = 15
    ) -> int:
        """Fast seeding: rows of (branch, service, start_utc, zone, name, phone)."""
        now = to_utc_text(utcnow())
        with self._lock:
            seq = self._next_seq()
            self.conn.execute("BEGIN")
            self.conn.executemany(
                "INSERT OR IGNORE INTO appointments "
                "VALUES (?,?,?,?,?,?,?,?,?,?, 'booked', 1, ?, ?)",
                [
                    (
                        f"apt_{uuid.uuid4().hex[:20]}",
                        b,
                        s,
                        n,
                        p,
                        _code(self._rng),
                        secrets.token_urlsafe(18),
                        st,
                        z,
                        duration_min,
                        seq + i,
                        now,
                    )
                    for i, (b, s, st, z, n, p) in enumerate(rows)
                ],
            )
            self.conn.execute("COMMIT")
            return int(self.conn.execute("SELECT count(*) FROM appointments").fetchone()[0])

    # -- branch events -------------------------------------------------------------

    def record_branch_event(
        self, branch: str, key: str, body: bytes
    ) -> tuple[int, dict[str, Any], bool]:
        """(status, response, replayed). Same branch + key + body → the stored response
        again. The state change and the idempotency record are one transaction: a failure
        between them leaves neither, so the branch's retry does the whole thing once."""
        if not BRANCH_ID.fullmatch(branch):
            raise ChannelError(400, "bad_branch", "branch: 1..32 of [A-Za-z0-9._-]")
        digest = hashlib.sha256(body).hexdigest()
        deferred: list[dict[str, Any]] = []
        with self._lock:
            old = self.conn.execute(
                "SELECT body_sha256, response FROM branch_events "
                "WHERE branch=? AND idempotency_key=?",
                (branch, key),
            ).fetchone()
            if old is not None:
                if old[0] != digest:
                    raise ChannelError(
                        422, "idempotency_conflict", "idempotency key reused with a different body"
                    )
                return 200, json.loads(old[1]), True
            payload = _parse_branch_event(body)
            aid = payload.get("appointment_id")
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                status = None
                if aid is not None:
                    row = self._get(aid)
                    if row["branch"] != branch:
                        raise ChannelError(404, "not_found", f"no appointment {aid} at {branch}")
                    status = row["status"]
                    new = {"check_in": "checked_in", "no_show": "no_show", "served": "served"}.get(
                        payload["kind"]
                    )
                    # Cancellation online is final: the branch's event is recorded, the state kept.
                    if new and row["status"] != "cancelled" and row["status"] != new:
                        status = self._change(
                            aid, {"status": new}, "appointment.updated", deferred
                        )["status"]
                response = {"accepted": True, "idempotency_key": key, "appointment_status": status}
                self.conn.execute(
                    "INSERT INTO branch_events VALUES (?,?,?,?,?,?,?,?)",
                    (
                        key,
                        branch,
                        payload["kind"],
                        aid,
                        digest,
                        body.decode(),
                        json.dumps(response),
                        to_utc_text(utcnow()),
                    ),
                )
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")
        for event in deferred:
            for fn in list(self.listeners):
                fn(event)
        return 201, response, False

    def branch_events(self, appointment_id: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            sql = "SELECT * FROM branch_events"
            params: tuple[Any, ...] = ()
            if appointment_id:
                sql += " WHERE appointment_id=?"
                params = (appointment_id,)
            return [dict(r) for r in self.conn.execute(sql + " ORDER BY rowid", params)]

    def local_slot(self, day: datetime, hh: int, mm: int, zone: str) -> str:
        z = ZoneInfo(zone)
        return to_utc_text(datetime(day.year, day.month, day.day, hh, mm, tzinfo=z))


_EVENT_FIELDS = {"kind", "appointment_id", "occurred", "ticket", "via", "service",
                 "callback_at", "language", "reference", "phone"}


#: Text fields of a branch event and their longest allowed length (openapi.yaml).
_TEXT_FIELDS = {"ticket": 16, "via": 80, "service": 64, "language": 16, "reference": 128}
MAX_EVENT_BYTES = 16 * 1024


def _parse_branch_event(body: bytes) -> dict[str, Any]:
    try:
        payload = safejson.loads(body, max_bytes=MAX_EVENT_BYTES)
    except safejson.HostileJSON as exc:
        if exc.too_large:
            raise ChannelError(413, "too_large", str(exc)) from None
        raise ChannelError(400, "bad_json", str(exc)) from None
    if not isinstance(payload, dict):
        raise ChannelError(400, "bad_event", "expected an object")
    extra = set(payload) - _EVENT_FIELDS
    if extra:
        names = ", ".join(sorted(repr(k)[:40] for k in extra)[:5])
        raise ChannelError(400, "unknown_field", f"unknown field(s): {names}")
    kind = payload.get("kind")
    if not isinstance(kind, str) or kind not in BRANCH_EVENT_KINDS:
        raise ChannelError(400, "bad_kind", f"kind must be one of {sorted(BRANCH_EVENT_KINDS)}")
    aid = payload.get("appointment_id")
    if payload["kind"] in ("check_in", "no_show") and not isinstance(aid, str):
        raise ChannelError(400, "missing_appointment", "appointment_id is required")
    if aid is not None and not (isinstance(aid, str) and APPOINTMENT_ID.fullmatch(aid)):
        raise ChannelError(400, "bad_appointment", "appointment_id: 1..64 of [A-Za-z0-9_-]")
    if kind == "callback_request":
        try:
            parse_utc(str(payload.get("callback_at")))
        except (TypeError, ValueError):
            raise ChannelError(
                400, "bad_time", "callback_at must be an RFC 3339 time with its UTC offset"
            ) from None
        if not isinstance(payload.get("reference"), str) or not payload["reference"]:
            raise ChannelError(400, "missing_reference", "reference is required")
        phone = payload.get("phone")
        if phone is not None and not (isinstance(phone, str) and phone.isascii()
                                      and phone.isdigit() and 6 <= len(phone) <= 15):
            raise ChannelError(400, "bad_phone", "phone: 6 to 15 digits")
    for name, longest in _TEXT_FIELDS.items():
        value = payload.get(name)
        if value is not None and not (
            isinstance(value, str) and 0 < len(value) <= longest and value.isprintable()
        ):
            raise ChannelError(400, f"bad_{name}", f"{name}: text of 1..{longest} characters")
    try:
        parse_utc(str(payload.get("occurred")))
    except (TypeError, ValueError):
        raise ChannelError(400, "bad_time", "occurred must be an RFC 3339 time") from None
    return payload
