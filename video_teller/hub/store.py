"""The hub's SQLite file: calls, the audit trail of every call event, handle times.

Each call event updates the call's row and appends its audit row in one transaction, so the
row and the trail never disagree. The queue is rebuilt from the open rows at start: waiting
calls keep their ``enqueued_at``/``head_at`` (so their order), and calls that had a teller
are put back at the head (that teller's connection died with the old process). WAL with
``synchronous=NORMAL``: a crashed hub loses nothing committed; a power cut at most the last
event. Schema versioned by ``PRAGMA user_version`` (:mod:`kiosk_core.migrations`).

Writes happen on the hub's event loop, so they must stay short: SQLite's automatic WAL
checkpoint (an fsync every ~1,000 pages, tens of ms) would stall every connection on the
commit that triggers it. Checkpoints run instead on a thread of their own, on their own
connection, every :data:`CHECKPOINT_S`.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk_core.migrations import Schema, ensure_schema, run_script
from video_teller.hub.routing import Call
from video_teller.protocol import CallState, Skill

_V1 = """
CREATE TABLE calls (
    call_id     TEXT PRIMARY KEY,
    kiosk_id    TEXT NOT NULL,
    language    TEXT NOT NULL,
    skill       TEXT NOT NULL,
    needs_help  INTEGER NOT NULL DEFAULT 0,
    flow        TEXT,
    step        TEXT,
    in_kiosk_s  REAL NOT NULL DEFAULT 0,
    reason      TEXT NOT NULL DEFAULT '',
    state       TEXT NOT NULL,
    teller_id   TEXT,
    to_teller   TEXT,
    enqueued_at REAL NOT NULL,
    head_at     REAL,
    answered_at REAL,
    connected_at REAL,
    ended_at    REAL,
    end_reason  TEXT,
    ended_by    TEXT
);
CREATE INDEX idx_calls_open ON calls(state) WHERE state != 'ended';
CREATE INDEX idx_calls_kiosk ON calls(kiosk_id);
CREATE TABLE events (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    at      REAL NOT NULL,
    call_id TEXT,
    kind    TEXT NOT NULL,
    actor   TEXT NOT NULL DEFAULT '',
    data    TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX idx_events_call ON events(call_id);
CREATE TABLE handle_times (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    at        REAL NOT NULL,
    call_id   TEXT NOT NULL,
    teller_id TEXT NOT NULL,
    skill     TEXT NOT NULL,
    seconds   REAL NOT NULL
);
"""

SCHEMA = Schema(label="call hub database", version=1, create=run_script(_V1))
CHECKPOINT_S = 2.0

_COLUMNS = ("call_id", "kiosk_id", "language", "skill", "needs_help", "flow", "step",
            "in_kiosk_s", "reason", "state", "teller_id", "to_teller", "enqueued_at",
            "head_at", "answered_at", "connected_at")
_UPSERT = (
    f"INSERT INTO calls ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))}) "
    "ON CONFLICT(call_id) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in _COLUMNS if c != "call_id"))


@dataclass(frozen=True)
class EndedCall:
    call_id: str
    kiosk_id: str
    reason: str
    by: str


class HubStore:
    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA busy_timeout=5000")
        ensure_schema(self._db, SCHEMA)
        self._db.execute("PRAGMA wal_autocheckpoint=0")
        self._stop = threading.Event()
        self._checkpointer = threading.Thread(target=self._checkpoints, name="hub-checkpoint",
                                              daemon=True)
        self._checkpointer.start()

    def _checkpoints(self) -> None:
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        try:
            while not self._stop.wait(CHECKPOINT_S):
                # PASSIVE never blocks the writer; what it cannot copy now waits for the next.
                conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
        finally:
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._checkpointer.join(timeout=5)
        self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self._db.close()

    # -- writes -----------------------------------------------------------------------

    def _tx(self, calls: list[Call], events: list[tuple[float, str | None, str, str, Any]],
            *, ended: tuple[Call, float, str, str] | None = None,
            handle: tuple[float, Call, str, float] | None = None) -> None:
        db = self._db
        db.execute("BEGIN")
        try:
            for c in calls:
                db.execute(_UPSERT, (
                    c.call_id, c.kiosk_id, c.language, c.skill.value, int(c.needs_help), c.flow,
                    c.step, c.in_kiosk_s, c.reason, c.state.value, c.teller_id, c.to_teller,
                    c.enqueued_at, c.head_at, c.answered_at, c.connected_at))
            if ended is not None:
                call, at, reason, by = ended
                db.execute("UPDATE calls SET state = 'ended', ended_at = ?, end_reason = ?, "
                           "ended_by = ?, teller_id = NULL WHERE call_id = ?",
                           (at, reason, by, call.call_id))
            if handle is not None:
                at, call, teller_id, seconds = handle
                db.execute("INSERT INTO handle_times (at, call_id, teller_id, skill, seconds) "
                           "VALUES (?, ?, ?, ?, ?)",
                           (at, call.call_id, teller_id, call.skill.value, seconds))
            for at, call_id, kind, actor, data in events:
                db.execute("INSERT INTO events (at, call_id, kind, actor, data) "
                           "VALUES (?, ?, ?, ?, ?)",
                           (at, call_id, kind, actor, json.dumps(data or {}, sort_keys=True)))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def record(self, call: Call | None, kind: str, actor: str = "",
               data: dict[str, Any] | None = None, *, at: float | None = None) -> None:
        """The call's row as it is now, and one audit event."""
        t = time.time() if at is None else at
        self._tx([call] if call is not None else [],
                 [(t, call.call_id if call else None, kind, actor, data)])

    def record_end(self, call: Call, reason: str, by: str, *, at: float,
                   handle: tuple[str, float] | None = None,
                   data: dict[str, Any] | None = None) -> None:
        """The call is over: its row closed, the handle time kept, ``call.ended`` audited."""
        self._tx([call], [(at, call.call_id, "call.ended", by,
                           {"reason": reason, **(data or {})})],
                 ended=(call, at, reason, by),
                 handle=(at, call, handle[0], handle[1]) if handle else None)

    def record_handle(self, call: Call, teller_id: str, seconds: float, kind: str,
                      actor: str, data: dict[str, Any], *, at: float) -> None:
        """A teller's leg of a call that goes on (a transfer): its row, handle time, event."""
        self._tx([call], [(at, call.call_id, kind, actor, data)],
                 handle=(at, call, teller_id, seconds))

    # -- reads ------------------------------------------------------------------------

    def open_calls(self) -> list[Call]:
        """Calls not ended, in the order they joined (for the queue at start)."""
        rows = self._db.execute(
            f"SELECT {', '.join(_COLUMNS)} FROM calls WHERE state != 'ended' "
            "ORDER BY enqueued_at, rowid").fetchall()
        out = []
        for r in rows:
            d = dict(zip(_COLUMNS, r, strict=True))
            out.append(Call(
                call_id=d["call_id"], kiosk_id=d["kiosk_id"], language=d["language"],
                skill=Skill(d["skill"]), needs_help=bool(d["needs_help"]), flow=d["flow"],
                step=d["step"], in_kiosk_s=d["in_kiosk_s"], reason=d["reason"],
                enqueued_at=d["enqueued_at"], head_at=d["head_at"], to_teller=d["to_teller"],
                state=CallState(d["state"]), teller_id=d["teller_id"],
                answered_at=d["answered_at"], connected_at=d["connected_at"]))
        return out

    def ended(self, call_id: str) -> EndedCall | None:
        row = self._db.execute(
            "SELECT call_id, kiosk_id, end_reason, ended_by FROM calls "
            "WHERE call_id = ? AND state = 'ended'", (call_id,)).fetchone()
        return EndedCall(*row) if row else None

    def recent_handle_times(self, limit: int) -> list[float]:
        rows = self._db.execute(
            "SELECT seconds FROM handle_times ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
        return [r[0] for r in reversed(rows)]

    def events(self, call_id: str | None = None) -> list[dict[str, Any]]:
        sql = "SELECT id, at, call_id, kind, actor, data FROM events"
        args: tuple[Any, ...] = ()
        if call_id is not None:
            sql += " WHERE call_id = ?"
            args = (call_id,)
        return [{"id": i, "at": at, "call_id": c, "kind": k, "actor": a, "data": json.loads(d)}
                for i, at, c, k, a, d in self._db.execute(sql + " ORDER BY id", args)]

    def call_rows(self) -> list[dict[str, Any]]:
        cur = self._db.execute("SELECT * FROM calls ORDER BY enqueued_at")
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
