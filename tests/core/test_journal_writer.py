"""The journal's one writer (kiosk_core.journal_writer) on a real SQLite file."""

from __future__ import annotations

import logging
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import Future
from pathlib import Path

import pytest

from kiosk_core.journal import Journal, PreparedRecord, Record, SensitiveDataError, verify_file
from kiosk_core.journal_writer import JournalClosed, JournalWriter

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]


class TracedJournal(Journal):
    """A real Journal that notes which thread ran each COMMIT (where SQLite fsyncs)."""

    def __init__(self, path: Path | str, kiosk_id: str = "") -> None:
        super().__init__(path, kiosk_id)
        self.commit_threads: list[str] = []
        self._conn.set_trace_callback(self._trace)

    def _trace(self, sql: str) -> None:
        if sql.strip().upper() == "COMMIT":
            self.commit_threads.append(threading.current_thread().name)


@pytest.fixture
def writer(tmp_path: Path) -> Iterator[JournalWriter]:
    w = JournalWriter(TracedJournal(tmp_path / "journal.sqlite", kiosk_id="K1"))
    yield w
    w.close()


def test_many_threads_keep_their_order_and_the_chain_verifies(writer: JournalWriter) -> None:
    threads, per_thread = 8, 150
    futures: dict[int, list[Future[Record]]] = {t: [] for t in range(threads)}
    start = threading.Barrier(threads)

    def produce(t: int) -> None:
        start.wait()
        for n in range(per_thread):
            futures[t].append(writer.append("test.event", {"thread": t, "n": n}))

    workers = [threading.Thread(target=produce, args=(t,)) for t in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(30)
    assert writer.flush(timeout=30)
    journal = writer.journal
    res = journal.verify()
    assert res.ok and res.count == threads * per_thread
    records = journal.records()
    for t in range(threads):
        mine = [r for r in records if r.data["thread"] == t]
        assert [r.data["n"] for r in mine] == list(range(per_thread))  # handed-over order
        # Each future resolved to exactly the record stored for it.
        assert [f.result(0) for f in futures[t]] == mine
    # Records were batched: fewer commits than records.
    assert isinstance(journal, TracedJournal)
    assert len(journal.commit_threads) < threads * per_thread


def test_append_returns_before_the_disk_and_commits_on_the_writer_thread(
    writer: JournalWriter,
) -> None:
    journal = writer.journal
    assert isinstance(journal, TracedJournal)
    gate = threading.Event()
    real_write = journal.write

    def held_write(batch: Sequence[PreparedRecord]) -> list[Record]:
        gate.wait(10)
        return real_write(batch)

    journal.write = held_write  # type: ignore[method-assign]
    result: list[Future[Record]] = []
    emitter = threading.Thread(
        target=lambda: result.append(writer.append("device.status", {"device": "printer",
                                                                     "state": "online"})),
        name="device-printer_0",
    )
    emitter.start()
    emitter.join(5)
    assert not emitter.is_alive()  # handed over while the disk is held
    assert not result[0].done()
    gate.set()
    rec = result[0].result(timeout=10)
    assert rec.kind == "device.status" and rec.seq == 1
    assert journal.commit_threads and set(journal.commit_threads) == {"journal-writer"}


def test_forbidden_data_is_refused_at_once_on_the_callers_thread(writer: JournalWriter) -> None:
    with pytest.raises(SensitiveDataError, match="'pin' may not be journalled"):
        writer.append("card.pin", {"pin": "1234"})
    with pytest.raises(SensitiveDataError, match="binary data"):
        writer.append("identity.face", {"frame": b"\x89PNG"})
    with pytest.raises(SensitiveDataError, match="cvv"):
        writer.append("card.checked", {"items": [{"cvv": "123"}]})
    with pytest.raises(ValueError, match="bad journal record kind"):
        writer.append("no spaces allowed", {})
    with pytest.raises(TypeError, match="mapping"):
        writer.append("test.event", ["not", "a", "mapping"])  # type: ignore[arg-type]
    ok = writer.append("card.issued", {"pan": "6222021234567899013"}).result(timeout=10)
    assert ok.seq == 1 and ok.data["pan"] == "622202*********9013"
    assert [r.kind for r in writer.journal.records()] == ["card.issued"]


def test_close_writes_everything_queued(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite"
    w = JournalWriter(Journal(path))
    futures = [w.append("test.event", {"n": n}) for n in range(500)]
    assert w.close(timeout=30)
    assert all(f.done() and f.exception() is None for f in futures)
    with pytest.raises(JournalClosed, match="'late' not journalled"):
        w.append("late", {})
    assert w.close() is True  # twice is fine
    res = verify_file(path)
    assert res.ok and res.count == 500
    with Journal(path) as j:
        assert [r.data["n"] for r in j.records()] == list(range(500))


def test_flush_and_close_time_out_and_say_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    journal = Journal(tmp_path / "journal.sqlite")
    gate = threading.Event()
    real_write = journal.write

    def stuck_write(batch: Sequence[PreparedRecord]) -> list[Record]:
        gate.wait(30)  # a disk that does not answer
        return real_write(batch)

    journal.write = stuck_write  # type: ignore[method-assign]
    w = JournalWriter(journal)
    fut = w.append("test.event", {})
    caplog.set_level(logging.WARNING, logger="kiosk_core.journal_writer")
    t0 = time.monotonic()
    assert w.flush(timeout=0.2) is False
    assert w.close(timeout=0.2) is False
    assert time.monotonic() - t0 < 5
    assert "flush did not finish within 0.2 s" in caplog.text
    assert "did not finish within 0.2 s (close)" in caplog.text
    gate.set()  # the disk answers: what was queued is still written
    assert fut.result(timeout=10).seq == 1
    assert w.close(timeout=10) is True


def test_a_failed_write_fails_only_its_own_record(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "journal.sqlite")
    real_write = journal.write
    gate = threading.Event()

    def failing_write(batch: Sequence[PreparedRecord]) -> list[Record]:
        gate.wait(10)
        if any(p.kind == "disk.fails" for p in batch):
            raise sqlite3.OperationalError("disk I/O error")
        return real_write(batch)

    journal.write = failing_write  # type: ignore[method-assign]
    with JournalWriter(journal) as w:
        futures = [w.append(k, {}) for k in ("a.one", "disk.fails", "a.two")]
        gate.set()
        assert futures[0].result(timeout=10).seq == 1
        with pytest.raises(sqlite3.OperationalError, match="disk I/O"):
            futures[1].result(timeout=10)
        assert futures[2].result(timeout=10).seq == 2
        assert journal.verify().ok


def test_a_record_handed_over_cannot_be_cancelled(writer: JournalWriter) -> None:
    fut = writer.append("test.event", {})
    assert fut.cancel() is False
    assert fut.result(timeout=10).kind == "test.event"


def test_a_power_cut_mid_stream_leaves_a_chain_that_verifies(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite"
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "journal_writer_child.py"), str(path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    confirmed: list[tuple[int, int, int]] = []
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + 60
        while len(confirmed) < 400 and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            seq, t, n = map(int, line.split())
            confirmed.append((seq, t, n))
        proc.send_signal(signal.SIGKILL)  # mid-stream: the producers never stop on their own
    finally:
        proc.wait(10)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read() if proc.stderr else ""
    assert len(confirmed) >= 400
    res = verify_file(path)
    assert res.ok, res.reason
    with Journal(path) as j:
        stored = {r.seq: (r.data["thread"], r.data["n"]) for r in j.records()}
        # Every record confirmed before the cut is there, as confirmed.
        for seq, t, n in confirmed:
            assert stored[seq] == (t, n)
        # And each thread's records are in its own order, without gaps.
        by_thread: dict[int, list[int]] = {}
        for seq in sorted(stored):
            t, n = stored[seq]
            by_thread.setdefault(t, []).append(n)
        for ns in by_thread.values():
            assert ns == list(range(len(ns)))
        assert j.append("kiosk.start", {}).seq == len(stored) + 1
    assert verify_file(path).ok

