"""Tallies that survive a restart: transactions by kind and outcome, faults by device,
receipts and paper, the teller queue's waits — counted from the journal.

The journal is the record of what happened, so it is the only input: the
:class:`TransactionCounters` subscribes to the kiosk's journal writer
(:meth:`~kiosk_core.journal_writer.JournalWriter.subscribe`) and counts each record once.
The listener only hands the batch to a queue (it runs on the journal writer's thread and
must never wait for our disk); the counters' own thread applies it in memory and commits
to ``counters.sqlite`` in data_dir at most every ``flush_s``, with the journal ``seq`` it
has counted up to *in the same transaction*. After a power cut, or whenever a batch was
missed, the records after that ``seq`` are read back from the journal file (a read-only
connection of its own), so every record is counted exactly once — and a new counters file
on an old kiosk counts the journal's whole history.

What counts as what (``snapshot()``):

- ``transactions[kind][outcome]``: ``kind`` is the flow's type (``card_issuance``,
  ``appointment_checkin``…) or ``teller_call``. Flow outcomes: ``started``,
  ``completed``, ``cancelled`` (the customer stopped: customer_cancel, pin_cancelled),
  ``failed`` (unwound for any other reason), ``interrupted`` (unwound after a restart) and
  ``stalled`` (a compensation failed; the flow stays open until its device is back).
  Teller calls: ``started``, ``answered``, ``no_teller``, ``unavailable``, ``abandoned``
  (the customer left the queue), ``declined`` (no consent).
- ``failures[kind][reason]``: unwound flows by :class:`kiosk_core.failures.Failure` value
  (``other`` when the error carried none, ``restart`` when interrupted).
- ``faults[device]``: entries into a not-usable state (``device.status`` to offline,
  hardwareError, noDevice… from online, busy or starting).
- ``paper``: receipts (and check-in tickets) printed in all, since the roll was last
  replaced, and when; prints by outcome.
- ``teller_waits``: a histogram of queue waits — from the request (or the consent, or a
  requeue) to the teller's answer (``answered``) or to the customer's giving up, no teller
  or the hub going away (``not_answered``) — from the records' timestamps.
"""

from __future__ import annotations

import json
import logging
import math
import queue
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from kiosk_core.failures import Failure
from kiosk_core.journal import Record, iter_records
from kiosk_core.journal import connect as journal_connect
from kiosk_core.migrations import Schema, ensure_schema, run_script
from kiosk_core.status import DeviceState

log = logging.getLogger(__name__)

FILE_NAME = "counters.sqlite"
#: How long a commit waits for a counters file another process holds (then it is retried).
COMMIT_WAIT_MS = 200
TELLER_CALL = "teller_call"
UNKNOWN_KIND = "unknown"
#: Upper bounds (seconds) of the teller queue wait histogram's buckets (+Inf is implied).
WAIT_BUCKETS: tuple[float, ...] = (5.0, 10.0, 20.0, 30.0, 60.0, 90.0, 120.0, 180.0, 300.0,
                                   600.0)
WAIT_OUTCOMES = ("answered", "not_answered")
#: Unwound because the customer stopped, not because something failed.
CANCELLED = frozenset({Failure.CUSTOMER_CANCEL, Failure.PIN_CANCELLED})
#: Records read back from the journal per transaction when catching up.
CATCH_UP_CHUNK = 2000
_GOOD = frozenset({DeviceState.ONLINE, DeviceState.BUSY, DeviceState.STARTING})

_V1 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE transactions (kind TEXT NOT NULL, outcome TEXT NOT NULL, n INTEGER NOT NULL,
                           PRIMARY KEY (kind, outcome));
CREATE TABLE failures (kind TEXT NOT NULL, reason TEXT NOT NULL, n INTEGER NOT NULL,
                       PRIMARY KEY (kind, reason));
CREATE TABLE faults (device TEXT PRIMARY KEY, n INTEGER NOT NULL);
CREATE TABLE prints (outcome TEXT PRIMARY KEY, n INTEGER NOT NULL);
CREATE TABLE teller_waits (outcome TEXT PRIMARY KEY, count INTEGER NOT NULL,
                           sum REAL NOT NULL, buckets TEXT NOT NULL);
CREATE TABLE open_flows (flow_id TEXT PRIMARY KEY, kind TEXT NOT NULL);
"""

SCHEMA = Schema(label="counters", version=1, create=run_script(_V1), unversioned=1)


class _Writer(Protocol):
    def subscribe(self, listener: Callable[[list[Record]], None]) -> Callable[[], None]: ...


@dataclass
class WaitHistogram:
    """Waits of one outcome: ``buckets[i]`` counts waits <= ``WAIT_BUCKETS[i]`` and above the
    bound before (not cumulative); the last counts those above every bound."""

    count: int = 0
    sum: float = 0.0
    buckets: list[int] = field(default_factory=lambda: [0] * (len(WAIT_BUCKETS) + 1))

    def observe(self, seconds: float) -> None:
        seconds = max(0.0, seconds)
        self.count += 1
        self.sum += seconds
        i = next((i for i, b in enumerate(WAIT_BUCKETS) if seconds <= b), len(WAIT_BUCKETS))
        self.buckets[i] += 1

    def cumulative(self) -> list[tuple[float, int]]:
        """(upper bound, waits up to it) as a Prometheus histogram has them, ending with
        ``math.inf``."""
        out: list[tuple[float, int]] = []
        total = 0
        for bound, n in zip((*WAIT_BUCKETS, math.inf), self.buckets, strict=True):
            total += n
            out.append((bound, total))
        return out

    def copy(self) -> WaitHistogram:
        return WaitHistogram(self.count, self.sum, list(self.buckets))


@dataclass(frozen=True)
class CountersSnapshot(Mapping[str, Any]):
    """The counts at one moment; also a read-only mapping of :meth:`as_dict` (what
    ``TechnicianService(tallies=…)`` reads: "transactions", "faults", "paper"…)."""

    transactions: dict[str, dict[str, int]]
    failures: dict[str, dict[str, int]]
    faults: dict[str, int]
    #: {"receipts_printed", "receipts_since_replaced", "replaced_at" (ISO 8601 or ""),
    #: "prints": {outcome: n}}
    paper: dict[str, Any]
    teller_waits: dict[str, WaitHistogram]
    #: The journal seq counted up to.
    journal_seq: int

    def as_dict(self) -> dict[str, Any]:
        return {"transactions": self.transactions, "failures": self.failures,
                "faults": self.faults, "paper": self.paper, "journal_seq": self.journal_seq,
                "teller_waits": {k: {"count": h.count, "sum": round(h.sum, 3),
                                     "buckets": {str(b): n for b, n in h.cumulative()}}
                                 for k, h in self.teller_waits.items()}}

    def __getitem__(self, key: str) -> Any:
        return self.as_dict()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.as_dict())

    def __len__(self) -> int:
        return len(self.as_dict())


@dataclass
class _State:
    seq: int = 0
    hash: str = ""
    transactions: dict[str, dict[str, int]] = field(default_factory=dict)
    failures: dict[str, dict[str, int]] = field(default_factory=dict)
    faults: dict[str, int] = field(default_factory=dict)
    prints: dict[str, int] = field(default_factory=dict)
    receipts_printed: int = 0
    receipts_since_replaced: int = 0
    paper_replaced_at: str = ""
    waits: dict[str, WaitHistogram] = field(
        default_factory=lambda: {o: WaitHistogram() for o in WAIT_OUTCOMES})
    open_flows: dict[str, str] = field(default_factory=dict)
    #: The teller call now: when its wait began ("" if not waiting), answered yet?
    wait_since: str = ""
    call_open: bool = False
    call_answered: bool = False


@dataclass(frozen=True)
class _Flush:
    done: threading.Event
    stop: bool = False


_CATCH_UP = object()


class TransactionCounters:
    """See the module's docstring. Thread-safe; one per kiosk process."""

    def __init__(self, path: Path | str, *, flush_s: float = 0.5) -> None:
        self.path = Path(path)
        self.flush_s = flush_s
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(self.path, isolation_level=None,
                                     check_same_thread=False, timeout=10)
        try:
            self._conn.execute("PRAGMA journal_mode=WAL")
            # NORMAL: a commit lost to a power cut is counted again from the journal.
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self.found_version = ensure_schema(self._conn, SCHEMA)
            self._state = self._load()
            # From here a commit never waits long for the file (a backup tool holding it):
            # it fails fast, stays dirty and is tried again, so the counts in memory keep up.
            self._conn.execute(f"PRAGMA busy_timeout={COMMIT_WAIT_MS}")
        except BaseException:
            self._conn.close()
            raise
        self._lock = threading.Lock()
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._journal_path: Path | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self._dirty = False
        self._last_commit = time.monotonic()
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="technician-counters",
                                        daemon=True)
        self._thread.start()

    @classmethod
    def for_config(cls, cfg: Any, **kwargs: Any) -> TransactionCounters:
        """``data_dir/counters.sqlite`` of a kiosk configuration."""
        return cls(Path(cfg.data_dir) / FILE_NAME, **kwargs)

    # -- feeding ----------------------------------------------------------------------

    def attach(self, runtime: Any) -> None:
        """Count the kiosk's journal: what it holds past our last count (read back on our
        thread), then every batch its writer commits. Call after ``runtime.start()``."""
        writer: _Writer | None = runtime.journal_writer
        journal = runtime.journal
        if writer is None or journal is None:
            raise RuntimeError("attach the counters after the runtime has started")
        self.attach_journal(writer, Path(journal.path))

    def attach_journal(self, writer: _Writer, journal_path: Path) -> None:
        if self._unsubscribe is not None:
            raise RuntimeError("counters already attached to a journal")
        self._journal_path = journal_path
        # Subscribed before reading back: a batch written meanwhile arrives here, and one
        # written before is on disk for the read; overlaps are skipped by seq.
        self._unsubscribe = writer.subscribe(self.feed)
        self._queue.put(_CATCH_UP)

    def feed(self, records: Sequence[Record]) -> None:
        """The journal listener: queues the batch and returns (the writer's thread)."""
        self._queue.put(list(records))

    # -- reading ----------------------------------------------------------------------

    def snapshot(self) -> CountersSnapshot:
        """The counts now (in memory; no I/O)."""
        with self._lock:
            s = self._state
            return CountersSnapshot(
                transactions={k: dict(v) for k, v in s.transactions.items()},
                failures={k: dict(v) for k, v in s.failures.items()},
                faults=dict(s.faults),
                paper={"receipts_printed": s.receipts_printed,
                       "receipts_since_replaced": s.receipts_since_replaced,
                       "replaced_at": s.paper_replaced_at, "prints": dict(s.prints)},
                teller_waits={k: h.copy() for k, h in s.waits.items()},
                journal_seq=s.seq)

    def flush(self, timeout: float | None = 5.0) -> bool:
        """Wait until everything fed before this call is counted and committed."""
        if self._closed:
            return True
        done = threading.Event()
        self._queue.put(_Flush(done))
        return done.wait(timeout)

    def close(self, timeout: float = 5.0) -> None:
        """Unsubscribe, count and commit what is queued, close the file. Safe twice."""
        if self._closed:
            return
        self._closed = True
        if self._unsubscribe is not None:
            self._unsubscribe()
        done = threading.Event()
        self._queue.put(_Flush(done, stop=True))
        self._thread.join(timeout)
        if self._thread.is_alive():
            log.error("counters: thread did not finish within %s s", timeout)
            return
        self._conn.close()

    def __enter__(self) -> TransactionCounters:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the counters' thread ---------------------------------------------------------

    def _run(self) -> None:
        while True:
            timeout = None
            if self._dirty:
                timeout = max(0.0, self._last_commit + self.flush_s - time.monotonic())
            try:
                items = [self._queue.get(timeout=timeout)]
            except queue.Empty:
                self._commit()
                continue
            while True:
                try:
                    items.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            flushes: list[_Flush] = []
            for item in items:
                try:
                    if isinstance(item, _Flush):
                        flushes.append(item)
                    elif item is _CATCH_UP:
                        self._catch_up()
                    else:
                        self._apply_batch(item)
                except Exception:
                    log.exception("counters: could not count a journal batch")
            if flushes or time.monotonic() - self._last_commit >= self.flush_s:
                self._commit()
            for f in flushes:
                f.done.set()
            if any(f.stop for f in flushes):
                return

    def _apply_batch(self, records: list[Record]) -> None:
        if not records:
            return
        first = records[0].seq
        if self._journal_path is not None and first > self._state.seq + 1:
            self._catch_up(before=first)  # a batch we never saw (a listener error)
        with self._lock:
            for rec in records:
                if rec.seq > self._state.seq:
                    self._apply(rec)
        self._dirty = True

    def _catch_up(self, before: int | None = None) -> None:
        """Count the journal's records after our seq (before ``before``) from the file."""
        path = self._journal_path
        if path is None or not path.exists():
            return
        conn = journal_connect(path, readonly=True)
        try:
            self._check_same_journal(conn)
            while True:
                since = self._state.seq
                limit = CATCH_UP_CHUNK if before is None else min(CATCH_UP_CHUNK,
                                                                  before - since - 1)
                if limit <= 0:
                    break
                rows = list(iter_records(conn, since=since, limit=limit))
                if not rows:
                    break
                with self._lock:
                    for rec in rows:
                        self._apply(rec)
                self._dirty = True
                self._commit()
        finally:
            conn.close()

    def _check_same_journal(self, conn: sqlite3.Connection) -> None:
        s = self._state
        if not s.seq:
            return
        row = conn.execute("SELECT hash FROM journal WHERE seq = ?", (s.seq,)).fetchone()
        if row is None or row[0] != s.hash:
            # Another journal file (restored, or data_dir rebuilt): its records are all new
            # to us. The counts so far stay; counting starts again at its first record.
            log.warning("counters: the journal is not the one counted up to seq %d; "
                        "counting it from its start", s.seq)
            with self._lock:
                s.seq, s.hash = 0, ""

    # -- what each record counts (under the lock) -------------------------------------

    def _apply(self, rec: Record) -> None:
        s = self._state
        s.seq, s.hash = rec.seq, rec.hash
        kind, d = rec.kind, rec.data if isinstance(rec.data, Mapping) else {}
        if kind.startswith("flow."):
            self._flow(kind, d)
        elif kind.startswith("teller."):
            self._teller(kind, d, rec.ts)
        elif kind == "device.status":
            self._device_status(d)
        elif kind in ("card.receipt", "checkin.ticket"):
            outcome = str(d.get("outcome") or ("printed" if d.get("printed") else
                                               "not_printed"))
            s.prints[outcome] = s.prints.get(outcome, 0) + 1
            if d.get("printed") is True:
                s.receipts_printed += 1
                s.receipts_since_replaced += 1
        elif _paper_replaced(kind, d):
            s.paper_replaced_at = rec.ts
            s.receipts_since_replaced = 0
        elif kind == "kiosk.start":
            # A teller call does not outlive the kiosk process.
            s.wait_since, s.call_open, s.call_answered = "", False, False

    def _count(self, kind: str, outcome: str) -> None:
        tally = self._state.transactions.setdefault(kind, {})
        tally[outcome] = tally.get(outcome, 0) + 1

    def _flow(self, kind: str, d: Mapping[str, Any]) -> None:
        s = self._state
        flow_id, detail = str(d.get("flow", "")), str(d.get("detail", ""))
        if kind == "flow.started":
            flow_type = detail or UNKNOWN_KIND
            s.open_flows[flow_id] = flow_type
            self._count(flow_type, "started")
        elif kind == "flow.completed":
            flow_type = detail.removesuffix(" (after restart)") or s.open_flows.get(
                flow_id, UNKNOWN_KIND)
            s.open_flows.pop(flow_id, None)
            self._count(flow_type, "completed")
        elif kind == "flow.unwound":
            flow_type = s.open_flows.pop(flow_id, UNKNOWN_KIND)
            outcome, reason = unwound_outcome(detail)
            self._count(flow_type, outcome)
            tally = s.failures.setdefault(flow_type, {})
            tally[reason] = tally.get(reason, 0) + 1
        elif kind == "flow.compensation_failed":
            self._count(s.open_flows.get(flow_id, UNKNOWN_KIND), "stalled")

    def _teller(self, kind: str, d: Mapping[str, Any], ts: str) -> None:
        s = self._state
        if kind == "teller.request":
            s.wait_since, s.call_open, s.call_answered = ts, True, False
            self._count(TELLER_CALL, "started")
        elif kind == "teller.consent" and s.call_open:
            if d.get("accepted"):
                s.wait_since = ts  # the queue starts once the customer agreed
            else:
                s.wait_since, s.call_open = "", False
                self._count(TELLER_CALL, "declined")
        elif kind == "teller.requeued" and s.call_open:
            s.wait_since = ts  # waiting again, for another teller
        elif kind == "teller.answered" and s.call_open:
            self._end_wait("answered", ts)
            if not s.call_answered:
                s.call_answered = True
                self._count(TELLER_CALL, "answered")
        elif kind in ("teller.no_teller", "teller.unavailable") and s.call_open:
            self._end_wait("not_answered", ts)
            s.call_open = False
            if not s.call_answered:
                self._count(TELLER_CALL, kind.removeprefix("teller."))
        elif kind == "teller.end" and s.call_open:
            if s.wait_since and not s.call_answered:
                self._count(TELLER_CALL, "abandoned")
            self._end_wait("not_answered", ts)
            s.call_open = False
        elif kind == "teller.cancel" and s.call_open:  # the screen alone, without a hub
            waited = d.get("waited_s")
            if isinstance(waited, int | float) and not isinstance(waited, bool):
                s.waits["not_answered"].observe(float(waited))
            s.wait_since, s.call_open = "", False
            self._count(TELLER_CALL, "abandoned")
        elif kind == "teller.ended":
            s.wait_since, s.call_open = "", False

    def _end_wait(self, outcome: str, ts: str) -> None:
        s = self._state
        if s.wait_since:
            seconds = _seconds_between(s.wait_since, ts)
            if seconds is not None:
                s.waits[outcome].observe(seconds)
        s.wait_since = ""

    def _device_status(self, d: Mapping[str, Any]) -> None:
        device = str(d.get("device", "")) or UNKNOWN_KIND
        try:
            state = DeviceState(str(d.get("state")))
            previous = DeviceState(str(d.get("previous")))
        except ValueError:
            return
        if state not in _GOOD and previous in _GOOD:
            self._state.faults[device] = self._state.faults.get(device, 0) + 1

    # -- the file ---------------------------------------------------------------------

    def _load(self) -> _State:
        s = _State()
        c = self._conn
        meta = dict(c.execute("SELECT key, value FROM meta").fetchall())
        s.seq = int(meta.get("seq", 0))
        s.hash = meta.get("hash", "")
        s.receipts_printed = int(meta.get("receipts_printed", 0))
        s.receipts_since_replaced = int(meta.get("receipts_since_replaced", 0))
        s.paper_replaced_at = meta.get("paper_replaced_at", "")
        call = json.loads(meta.get("call", "{}"))
        s.wait_since = str(call.get("wait_since", ""))
        s.call_open, s.call_answered = bool(call.get("open")), bool(call.get("answered"))
        for kind, outcome, n in c.execute("SELECT kind, outcome, n FROM transactions"):
            s.transactions.setdefault(kind, {})[outcome] = int(n)
        for kind, reason, n in c.execute("SELECT kind, reason, n FROM failures"):
            s.failures.setdefault(kind, {})[reason] = int(n)
        s.faults = {dev: int(n) for dev, n in c.execute("SELECT device, n FROM faults")}
        s.prints = {o: int(n) for o, n in c.execute("SELECT outcome, n FROM prints")}
        s.open_flows = dict(c.execute("SELECT flow_id, kind FROM open_flows").fetchall())
        for outcome, count, total, raw in c.execute(
                "SELECT outcome, count, sum, buckets FROM teller_waits"):
            stored = json.loads(raw)
            h = WaitHistogram(int(count), float(total))
            if list(stored.get("bounds", [])) == list(WAIT_BUCKETS):
                h.buckets = [int(n) for n in stored["counts"]]
            else:  # bounds of another release: the buckets start again, count and sum stay
                log.warning("counters: teller wait buckets changed; they start again")
            s.waits[outcome] = h
        return s

    def _commit(self) -> None:
        if not self._dirty:
            return
        with self._lock:
            s = self._state
            meta = {"seq": str(s.seq), "hash": s.hash,
                    "receipts_printed": str(s.receipts_printed),
                    "receipts_since_replaced": str(s.receipts_since_replaced),
                    "paper_replaced_at": s.paper_replaced_at,
                    "call": json.dumps({"wait_since": s.wait_since, "open": s.call_open,
                                        "answered": s.call_answered})}
            tx = [(k, o, n) for k, v in s.transactions.items() for o, n in v.items()]
            fails = [(k, r, n) for k, v in s.failures.items() for r, n in v.items()]
            faults = list(s.faults.items())
            prints = list(s.prints.items())
            waits = [(o, h.count, h.sum, json.dumps({"bounds": list(WAIT_BUCKETS),
                                                     "counts": h.buckets}))
                     for o, h in s.waits.items()]
            open_flows = list(s.open_flows.items())
            self._dirty = False
        c = self._conn
        try:
            c.execute("BEGIN IMMEDIATE")
            c.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                          meta.items())
            c.executemany("INSERT OR REPLACE INTO transactions VALUES (?, ?, ?)", tx)
            c.executemany("INSERT OR REPLACE INTO failures VALUES (?, ?, ?)", fails)
            c.executemany("INSERT OR REPLACE INTO faults VALUES (?, ?)", faults)
            c.executemany("INSERT OR REPLACE INTO prints VALUES (?, ?)", prints)
            c.executemany("INSERT OR REPLACE INTO teller_waits VALUES (?, ?, ?, ?)", waits)
            c.execute("DELETE FROM open_flows")
            c.executemany("INSERT INTO open_flows VALUES (?, ?)", open_flows)
            c.execute("COMMIT")
        except sqlite3.OperationalError as exc:  # locked by another process: later
            if c.in_transaction:
                c.execute("ROLLBACK")
            self._dirty = True  # tried again at the next commit
            log.warning("counters: %s not written now (%s); tried again", self.path, exc)
        except Exception:
            if c.in_transaction:
                c.execute("ROLLBACK")
            self._dirty = True  # tried again at the next commit
            log.exception("counters: could not write %s", self.path)
        self._last_commit = time.monotonic()


def unwound_outcome(detail: str) -> tuple[str, str]:
    """(outcome, reason) of a ``flow.unwound`` record's detail ("step: failure: words")."""
    if detail.startswith("interrupted"):
        return "interrupted", "restart"
    _, _, rest = detail.partition(": ")
    token = rest.split(":", 1)[0].strip()
    try:
        failure = Failure(token)
    except ValueError:
        return "failed", "other"
    return ("cancelled" if failure in CANCELLED else "failed"), failure.value


def _paper_replaced(kind: str, d: Mapping[str, Any]) -> bool:
    return kind == "technician.paper_replaced" or (
        kind == "technician.replenish" and d.get("supply") == "paper")


def _seconds_between(start: str, end: str) -> float | None:
    try:
        return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()
    except (TypeError, ValueError):
        return None
