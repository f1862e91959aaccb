"""The electronic journal: an append-only, hash-chained record of what the kiosk did.

Each record stores the SHA-256 of the previous record, so editing, removing or
reordering a record breaks the chain at that record, and ``verify`` names it.
SQLite runs in WAL mode with ``synchronous=FULL`` so a record that ``append``
returned is on disk even after a power cut. Triggers refuse UPDATE and DELETE. The file
carries its schema version (:data:`SCHEMA`, :mod:`kiosk_core.migrations`).

In the kiosk every record goes through one writer thread
(:class:`kiosk_core.journal_writer.JournalWriter`, ``runtime.journal_writer``), so the
chain's order is the order records were handed over and no caller's thread fsyncs.

What must never be journalled — a full card number, a PIN, a face or ID image — is
refused or masked by :func:`scrub` before anything is written.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kiosk_core.migrations import Schema, SchemaError, check_readable, ensure_schema, run_script

GENESIS = "0" * 64

#: The journal as the first releases wrote it (no schema version: v1).
_V1 = """
CREATE TABLE IF NOT EXISTS journal (
    seq INTEGER PRIMARY KEY,
    ts TEXT NOT NULL,
    kiosk TEXT NOT NULL,
    kind TEXT NOT NULL,
    data TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS journal_no_update BEFORE UPDATE ON journal
BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TRIGGER IF NOT EXISTS journal_no_delete BEFORE DELETE ON journal
BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
"""
#: v2: versioned; `kiosk journal list --kind` and records(kind=) use an index.
_V2 = """
CREATE INDEX IF NOT EXISTS journal_kind ON journal(kind, seq);
"""

#: v3: the chain's identity, a random id made with the file, that journal seals name
#: (kiosk_core.journal_seal): another kiosk's journal, or a new file, has another one.
_V3 = """
CREATE TABLE IF NOT EXISTS journal_chain (id TEXT NOT NULL);
INSERT INTO journal_chain (id) SELECT lower(hex(randomblob(16)))
    WHERE NOT EXISTS (SELECT 1 FROM journal_chain);
CREATE TRIGGER IF NOT EXISTS journal_chain_no_update BEFORE UPDATE ON journal_chain
BEGIN SELECT RAISE(ABORT, 'the journal chain id is fixed'); END;
CREATE TRIGGER IF NOT EXISTS journal_chain_no_delete BEFORE DELETE ON journal_chain
BEGIN SELECT RAISE(ABORT, 'the journal chain id is fixed'); END;
"""

SCHEMA = Schema(
    label="journal",
    version=3,
    create=run_script(_V1 + _V2 + _V3),
    steps={2: run_script(_V2), 3: run_script(_V3)},
    unversioned=1,
)


class SensitiveDataError(ValueError):
    """Something that must never be journalled was passed to the journal."""


# Keys whose values are secrets or biometrics, whatever their content.
_FORBIDDEN_KEYS = re.compile(
    r"(^|_)(pin|pinblock|pin_block|cvv|cvc|cvv2|track[12]?|face|face_image|photo|portrait|"
    r"id_image|image|template|encoding|selfie)(\Z|_)",
    re.IGNORECASE,
)
# 13-19 digits, possibly grouped by spaces or dashes: a card number candidate.
_PAN = re.compile(r"(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)")
# Identifiers the kiosk makes (flow ids in hex, "T20261202104240B8CE" transaction numbers,
# request ids): their digit runs can pass the Luhn check by chance (a flow in ~100, a
# transaction number in ~10), and masking them broke the link between records and flows.
# A value under such a key is kept as it is, unless it is a bare number (a PAN put there).
_ID_KEYS = re.compile(
    r"(^|_)(flow|flow_id|transaction_no|request_id|record_id|session|identity_session|"
    r"approval_id|account_id|customer_id|card_id|key_id|document|job|job_id)\Z", re.IGNORECASE)
_BARE_NUMBER = re.compile(r"[\d -]+")


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


# Keys that hold a card number: masked whether or not the number passes Luhn.
_CARD_KEYS = re.compile(r"(^|_)(pan|card_?number|card_?no|account_?number)($|_)", re.IGNORECASE)


def mask_pan(text: str, *, force: bool = False) -> str:
    """Mask every Luhn-valid 13–19 digit number (any, if ``force``): keep first 6 and last 4."""

    def repl(m: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", m.group(0))
        if not force and not _luhn_ok(digits):
            return m.group(0)
        return digits[:6] + "*" * (len(digits) - 10) + digits[-4:]

    return _PAN.sub(repl, text)


def scrub(value: Any, path: str = "") -> Any:
    """Return ``value`` fit for the journal: PANs masked; secrets and images refused."""
    if isinstance(value, Mapping):
        out = {}
        for k, v in value.items():
            key = str(k)
            where = f"{path}.{key}" if path else key
            if _FORBIDDEN_KEYS.search(key):
                raise SensitiveDataError(f"'{where}' may not be journalled")
            if _CARD_KEYS.search(key) and isinstance(v, (str, int)) and not isinstance(v, bool):
                out[key] = mask_pan(str(v), force=True)
            elif _ID_KEYS.search(key) and isinstance(v, str) and not _BARE_NUMBER.fullmatch(v):
                out[key] = v
            else:
                out[key] = scrub(v, where)
        return out
    if isinstance(value, (list, tuple)):
        return [scrub(v, f"{path}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, (bytes, bytearray, memoryview)):
        raise SensitiveDataError(f"'{path or 'value'}': binary data (images) may not be journalled")
    if isinstance(value, str):
        return mask_pan(value)
    if isinstance(value, int) and not isinstance(value, bool) and len(str(abs(value))) >= 13:
        return mask_pan(str(value))
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return mask_pan(str(value))


@dataclass(frozen=True)
class Record:
    seq: int
    ts: str
    kiosk: str
    kind: str
    data: dict[str, Any]
    prev_hash: str
    hash: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "ts": self.ts,
            "kiosk": self.kiosk,
            "kind": self.kind,
            "data": self.data,
            "prev_hash": self.prev_hash,
            "hash": self.hash,
        }


def record_hash(prev_hash: str, seq: int, ts: str, kiosk: str, kind: str, data_json: str) -> str:
    # Fields joined unambiguously: JSON array of the exact stored strings.
    material = json.dumps(
        [prev_hash, seq, ts, kiosk, kind, data_json], ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    count: int
    bad_seq: int | None = None
    reason: str = ""


def connect(path: Path | str, *, readonly: bool = False) -> sqlite3.Connection:
    if readonly:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
    else:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, timeout=10, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
    return conn


@dataclass(frozen=True)
class PreparedRecord:
    """A record checked and scrubbed, ready to be chained (see :func:`prepare`)."""

    kind: str
    data: dict[str, Any]
    data_json: str


_KIND = re.compile(r"[A-Za-z0-9_.:-]{1,64}")


def prepare(kind: str, data: Mapping[str, Any] | None = None) -> PreparedRecord:
    """Check ``kind`` and scrub ``data``; raises ValueError / SensitiveDataError. No I/O."""
    if not isinstance(kind, str) or not _KIND.fullmatch(kind):
        raise ValueError(f"bad journal record kind {kind!r}")
    if data is not None and not isinstance(data, Mapping):
        raise TypeError(f"journal record data must be a mapping, not {type(data).__name__}")
    clean = scrub(dict(data or {}))
    data_json = json.dumps(clean, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return PreparedRecord(kind, clean, data_json)


class Journal:
    """Append-only journal in one SQLite file. Thread-safe; one writer per process.

    In the kiosk, only the :class:`~kiosk_core.journal_writer.JournalWriter`'s thread
    calls :meth:`append` / :meth:`write`; tools and tests may call them directly.
    """

    def __init__(self, path: Path | str, kiosk_id: str = "") -> None:
        self.path = Path(path)
        self.kiosk_id = kiosk_id
        self._conn = connect(self.path)
        try:
            #: The file's schema version before this open (0: a new file).
            self.found_version = ensure_schema(self._conn, SCHEMA)
        except BaseException:
            self._conn.close()
            raise
        self._lock = threading.Lock()

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def append(self, kind: str, data: Mapping[str, Any] | None = None) -> Record:
        """Write one record durably and return it. Raises SensitiveDataError on secrets."""
        return self.write([prepare(kind, data)])[0]

    def write(self, batch: Sequence[PreparedRecord]) -> list[Record]:
        """Chain and commit ``batch`` in order, in one transaction (one fsync)."""
        out: list[Record] = []
        with self._lock:
            conn = self._conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                row = conn.execute(
                    "SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1"
                ).fetchone()
                seq, prev = (row[0], row[1]) if row else (0, GENESIS)
                for p in batch:
                    seq += 1
                    ts = datetime.now(UTC).isoformat(timespec="microseconds")
                    h = record_hash(prev, seq, ts, self.kiosk_id, p.kind, p.data_json)
                    conn.execute(
                        "INSERT INTO journal (seq, ts, kiosk, kind, data, prev_hash, hash)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (seq, ts, self.kiosk_id, p.kind, p.data_json, prev, h),
                    )
                    out.append(Record(seq, ts, self.kiosk_id, p.kind, p.data, prev, h))
                    prev = h
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        return out

    def records(
        self, *, since: int = 0, kind: str | None = None, limit: int | None = None
    ) -> list[Record]:
        with self._lock:
            return list(iter_records(self._conn, since=since, kind=kind, limit=limit))

    def verify(self) -> VerifyResult:
        with self._lock:
            return verify_connection(self._conn)

    def head(self) -> ChainHead:
        """The chain's id, record count and last hash (what a seal signs)."""
        with self._lock:
            return chain_head(self._conn)


def iter_records(
    conn: sqlite3.Connection, *, since: int = 0, kind: str | None = None, limit: int | None = None
) -> Iterator[Record]:
    sql = "SELECT seq, ts, kiosk, kind, data, prev_hash, hash FROM journal WHERE seq > ?"
    args: list[Any] = [since]
    if kind:
        sql += " AND kind = ?"
        args.append(kind)
    sql += " ORDER BY seq"
    if limit:
        sql += " LIMIT ?"
        args.append(limit)
    for seq, ts, kiosk, k, data, prev, h in conn.execute(sql, args):
        try:
            parsed = json.loads(data)
        except json.JSONDecodeError:
            parsed = {"_unreadable": data[:200]}
        yield Record(seq, ts, kiosk, k, parsed, prev, h)


@dataclass(frozen=True)
class ChainHead:
    chain: str  # the file's chain id ("" in a file from before v3, read-only)
    count: int  # records (the last seq)
    head: str  # the last record's hash (GENESIS when empty)
    first: str  # the first record's hash (GENESIS when empty)


def chain_id(conn: sqlite3.Connection) -> str:
    try:
        row = conn.execute("SELECT id FROM journal_chain LIMIT 1").fetchone()
    except sqlite3.OperationalError:  # no such table: a file from before v3
        return ""
    return str(row[0]) if row else ""


def chain_head(conn: sqlite3.Connection) -> ChainHead:
    last = conn.execute("SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1").fetchone()
    first = conn.execute("SELECT hash FROM journal ORDER BY seq LIMIT 1").fetchone()
    return ChainHead(chain_id(conn), int(last[0]) if last else 0,
                     str(last[1]) if last else GENESIS, str(first[0]) if first else GENESIS)


def record_hash_at(conn: sqlite3.Connection, seq: int) -> str | None:
    row = conn.execute("SELECT hash FROM journal WHERE seq = ?", (seq,)).fetchone()
    return str(row[0]) if row else None


def verify_connection(conn: sqlite3.Connection) -> VerifyResult:
    """Walk the chain in storage order; report the first record that does not fit.

    Order is the table's rowid order (``seq`` is the rowid), so a record moved to
    another seq, or any gap, breaks either the numbering or the chain.
    """
    expected_prev = GENESIS
    expected_seq = 1
    count = 0
    for seq, ts, kiosk, kind, data, prev, h in conn.execute(
        "SELECT seq, ts, kiosk, kind, data, prev_hash, hash FROM journal ORDER BY seq"
    ):
        if seq != expected_seq:
            return VerifyResult(
                False, count, expected_seq, f"record {expected_seq} is missing (next is {seq})"
            )
        if prev != expected_prev:
            return VerifyResult(
                False, count, seq, "does not follow the previous record (removed or reordered)"
            )
        if record_hash(prev, seq, ts, kiosk, kind, data) != h:
            return VerifyResult(False, count, seq, "content does not match its hash (edited)")
        expected_prev = h
        expected_seq += 1
        count += 1
    return VerifyResult(True, count)


def verify_file(path: Path | str) -> VerifyResult:
    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(f"no journal at {p}")
    conn = connect(p, readonly=True)
    try:
        check_readable(conn, SCHEMA)
        return verify_connection(conn)
    except SchemaError as exc:
        return VerifyResult(False, 0, None, str(exc))
    except sqlite3.DatabaseError as exc:
        return VerifyResult(False, 0, None, f"not a readable journal: {exc}")
    finally:
        conn.close()
