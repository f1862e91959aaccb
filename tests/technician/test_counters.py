"""The counters a technician and a scraper read, counted from a real journal (SQLite file,
the kiosk's JournalWriter): exactly once, across a restart, a power cut and a missed batch,
and never holding up the journal."""

from __future__ import annotations

import math
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kiosk_core.journal import Journal, Record
from kiosk_core.journal_writer import JournalWriter
from kiosk_core.migrations import NewerSchemaError
from technician.counters import (
    WAIT_BUCKETS,
    TransactionCounters,
    unwound_outcome,
)


@pytest.fixture
def writer(tmp_path: Path) -> Iterator[JournalWriter]:
    w = JournalWriter(Journal(tmp_path / "journal.sqlite", kiosk_id="K-1"))
    try:
        yield w
    finally:
        w.close()


def _counters(tmp_path: Path, writer: JournalWriter | None = None) -> TransactionCounters:
    c = TransactionCounters(tmp_path / "counters.sqlite", flush_s=0.05)
    if writer is not None:
        c.attach_journal(writer, tmp_path / "journal.sqlite")
    return c


def _flow(writer: JournalWriter, flow_id: str, flow_type: str, end: str,
          detail: str = "") -> None:
    writer.append("flow.started", {"flow": flow_id, "detail": flow_type})
    writer.append(end, {"flow": flow_id, "detail": detail or flow_type})


def _settle(writer: JournalWriter, counters: TransactionCounters) -> None:
    assert writer.flush()
    assert counters.flush()


def test_flows_are_counted_by_type_and_outcome(tmp_path: Path, writer: JournalWriter) -> None:
    with _counters(tmp_path, writer) as c:
        _flow(writer, "f1", "card_issuance", "flow.completed")
        _flow(writer, "f2", "card_issuance", "flow.unwound",
              "choose_pin: pin_cancelled")
        _flow(writer, "f3", "card_issuance", "flow.unwound", "open_account: bank_refused: no")
        _flow(writer, "f4", "appointment_checkin", "flow.completed")
        writer.append("flow.started", {"flow": "f5", "detail": "card_issuance"})
        writer.append("flow.compensation_failed", {"flow": "f5", "detail": "feed: jam"})
        _settle(writer, c)
        snap = c.snapshot()
    assert snap.transactions == {
        "card_issuance": {"started": 4, "completed": 1, "cancelled": 1, "failed": 1,
                          "stalled": 1},
        "appointment_checkin": {"started": 1, "completed": 1}}
    assert snap.failures == {"card_issuance": {"pin_cancelled": 1, "bank_refused": 1}}
    # The lead's TechnicianService reads the snapshot as a mapping.
    assert dict(snap)["transactions"] == snap.transactions


def test_counts_survive_a_restart_and_go_on(tmp_path: Path, writer: JournalWriter) -> None:
    c = _counters(tmp_path, writer)
    _flow(writer, "f1", "card_issuance", "flow.completed")
    writer.append("flow.started", {"flow": "f2", "detail": "card_issuance"})  # still open
    _settle(writer, c)
    c.close()
    # Reopened (a new process): what was counted is there, and it goes on from it; the
    # open flow's type is known from the file, not from the journal's older records.
    c2 = _counters(tmp_path)
    assert c2.snapshot().transactions == {"card_issuance": {"started": 2, "completed": 1}}
    c2.attach_journal(writer, tmp_path / "journal.sqlite")
    writer.append("flow.unwound", {"flow": "f2", "detail": "interrupted by restart"})
    _settle(writer, c2)
    assert c2.snapshot().transactions == {
        "card_issuance": {"started": 2, "completed": 1, "interrupted": 1}}
    c2.close()


def test_records_written_while_the_counters_were_away_are_counted_once(
        tmp_path: Path, writer: JournalWriter) -> None:
    c = _counters(tmp_path, writer)
    _flow(writer, "f1", "card_issuance", "flow.completed")
    _settle(writer, c)
    c.close()
    # A power cut after the journal's commit, before the counters' own: the kiosk journals
    # on, nobody counts.
    for i in range(5):
        _flow(writer, f"g{i}", "appointment_checkin", "flow.completed")
    assert writer.flush()
    c2 = _counters(tmp_path, writer)  # read back from the journal file on attach
    _flow(writer, "h", "appointment_checkin", "flow.completed")
    _settle(writer, c2)
    assert c2.snapshot().transactions == {
        "card_issuance": {"started": 1, "completed": 1},
        "appointment_checkin": {"started": 6, "completed": 6}}
    assert c2.snapshot().journal_seq == writer.journal.records()[-1].seq
    c2.close()


def test_a_new_counters_file_counts_the_journal_history(tmp_path: Path,
                                                        writer: JournalWriter) -> None:
    _flow(writer, "f1", "card_issuance", "flow.completed")
    _flow(writer, "f2", "card_issuance", "flow.completed")
    assert writer.flush()
    with _counters(tmp_path, writer) as c:
        _settle(writer, c)
        assert c.snapshot().transactions["card_issuance"]["completed"] == 2


def test_a_missed_batch_is_read_back_from_the_journal(tmp_path: Path,
                                                      writer: JournalWriter) -> None:
    with _counters(tmp_path, writer) as c:
        _flow(writer, "f1", "card_issuance", "flow.completed")
        _settle(writer, c)
        # A batch the listener never delivered (appended straight to the journal, as a
        # listener error would lose it), then a live one: the gap is read from the file.
        writer.journal.append("flow.started", {"flow": "f2", "detail": "card_issuance"})
        writer.append("flow.completed", {"flow": "f2", "detail": "card_issuance"})
        _settle(writer, c)
        assert c.snapshot().transactions["card_issuance"] == {"started": 2, "completed": 2}


def test_another_journal_is_counted_from_its_start(tmp_path: Path) -> None:
    first = JournalWriter(Journal(tmp_path / "journal.sqlite", kiosk_id="K-1"))
    c = _counters(tmp_path, first)
    for i in range(3):
        _flow(first, f"f{i}", "card_issuance", "flow.completed")
    _settle(first, c)
    c.close()
    first.close()
    (tmp_path / "journal.sqlite").unlink()
    # data_dir rebuilt: a fresh journal whose seqs start again at 1.
    second = JournalWriter(Journal(tmp_path / "journal.sqlite", kiosk_id="K-1"))
    try:
        c2 = _counters(tmp_path, second)
        _flow(second, "n1", "card_issuance", "flow.completed")
        _settle(second, c2)
        assert c2.snapshot().transactions["card_issuance"]["completed"] == 4
        c2.close()
    finally:
        second.close()


def test_a_locked_counters_file_never_holds_up_the_journal(tmp_path: Path,
                                                           writer: JournalWriter) -> None:
    c = _counters(tmp_path, writer)
    blocker = sqlite3.connect(tmp_path / "counters.sqlite", isolation_level=None, timeout=0)
    blocker.execute("BEGIN EXCLUSIVE")  # a backup tool holding the counters file
    try:
        t0 = time.perf_counter()
        for i in range(50):
            _flow(writer, f"f{i}", "card_issuance", "flow.completed")
        assert writer.flush(timeout=5)
        took = time.perf_counter() - t0
        # Counted in memory already; the commit waits for the lock on the counters' thread.
        deadline = time.monotonic() + 5
        while c.snapshot().transactions.get("card_issuance", {}).get("completed") != 50:
            assert time.monotonic() < deadline
            time.sleep(0.02)
        assert took < 5  # sqlite's busy timeout (10 s) was never waited for by the writer
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert c.flush(timeout=15)
    c.close()
    reopened = _counters(tmp_path)
    assert reopened.snapshot().transactions["card_issuance"]["completed"] == 50
    reopened.close()


def test_faults_count_entries_into_a_not_usable_state(tmp_path: Path,
                                                      writer: JournalWriter) -> None:
    def status(device: str, previous: str, state: str) -> None:
        writer.append("device.status", {"device": device, "previous": previous,
                                        "state": state, "detail": "", "code": ""})

    with _counters(tmp_path, writer) as c:
        status("printer", "starting", "online")  # opened: not a fault
        status("printer", "online", "userError")  # cover open: 1
        status("printer", "userError", "hardwareError")  # still down: not a new fault
        status("printer", "hardwareError", "online")
        status("printer", "online", "offline")  # 2
        status("camera", "starting", "noDevice")  # never came up: 1
        status("pinpad", "online", "deviceBusy")  # busy is usable
        _settle(writer, c)
        assert c.snapshot().faults == {"printer": 2, "camera": 1}


def test_receipts_and_the_paper_roll(tmp_path: Path, writer: JournalWriter) -> None:
    with _counters(tmp_path, writer) as c:
        writer.append("card.receipt", {"job": "j1", "printed": True, "outcome": "printed"})
        writer.append("checkin.ticket", {"flow": "f", "ticket": "A001", "printed": False,
                                         "outcome": "not_printed"})
        writer.append("technician.replenish", {"supply": "paper", "count": None,
                                               "who": "T-1"})
        writer.append("checkin.ticket", {"flow": "g", "ticket": "A002", "printed": True,
                                         "outcome": "printed_not_cut"})
        writer.append("technician.replenish", {"supply": "cards", "count": 50, "who": "T-1"})
        _settle(writer, c)
        paper = c.snapshot().paper
    assert paper["receipts_printed"] == 2 and paper["receipts_since_replaced"] == 1
    assert paper["prints"] == {"printed": 1, "not_printed": 1, "printed_not_cut": 1}
    replaced = next(r for r in writer.journal.records() if r.kind == "technician.replenish")
    assert paper["replaced_at"] == replaced.ts


def _rec(seq: int, kind: str, ts: str, **data: Any) -> Record:
    return Record(seq, ts, "K-1", kind, data, "", f"h{seq}")


def test_teller_queue_waits_from_request_or_consent_to_answer(tmp_path: Path) -> None:
    t = "2026-12-02T08:00:{:02d}.000000+00:00".format
    with _counters(tmp_path) as c:
        c.feed([
            _rec(1, "teller.request", t(0), screen="home"),
            _rec(2, "teller.consent", t(4), accepted=True),  # the queue starts here
            _rec(3, "teller.answered", t(12), teller_id="T"),  # waited 8 s
            _rec(4, "teller.requeued", t(20), reason="transferred"),
            _rec(5, "teller.answered", t(45), teller_id="U"),  # 25 s, same call
            _rec(6, "teller.ended", t(50), reason="teller"),
            _rec(7, "teller.request", t(51)),
            _rec(8, "teller.end", t(53), by="customer", phase="waiting"),  # gave up at 2 s
            _rec(9, "teller.request", t(54)),
            _rec(10, "teller.no_teller", t(59), reason="timeout", slots=3),
        ])
        assert c.flush()
        snap = c.snapshot()
    assert snap.transactions["teller_call"] == {"started": 3, "answered": 1, "abandoned": 1,
                                                "no_teller": 1}
    answered, gave_up = snap.teller_waits["answered"], snap.teller_waits["not_answered"]
    assert (answered.count, answered.sum) == (2, 33.0)
    assert (gave_up.count, gave_up.sum) == (2, 7.0)
    cum = dict(answered.cumulative())
    assert cum[5.0] == 0 and cum[10.0] == 1 and cum[30.0] == 2 and cum[math.inf] == 2
    assert len(cum) == len(WAIT_BUCKETS) + 1


@pytest.mark.parametrize(("detail", "expected"), [
    ("choose_pin: pin_cancelled", ("cancelled", "pin_cancelled")),
    ("hand_over: customer_cancel: walked away", ("cancelled", "customer_cancel")),
    ("feed: jam: card stuck", ("failed", "jam")),
    ("feed: DeviceError('x')", ("failed", "other")),
    ("interrupted by restart", ("interrupted", "restart")),
    ("", ("failed", "other")),
])
def test_unwound_outcome(detail: str, expected: tuple[str, str]) -> None:
    assert unwound_outcome(detail) == expected


def test_a_file_from_a_newer_release_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "counters.sqlite"
    TransactionCounters(path).close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(NewerSchemaError, match="counters"):
        TransactionCounters(path)


def test_close_counts_what_is_queued(tmp_path: Path) -> None:
    c = _counters(tmp_path)
    c.feed([_rec(i, "flow.started", "2026-12-02T08:00:00+00:00", flow=f"f{i}",
                 detail="card_issuance") for i in range(1, 101)])
    thread = next(t for t in threading.enumerate() if t.name == "technician-counters"
                  and t.ident == c._thread.ident)
    c.close()
    assert not thread.is_alive()
    again = _counters(tmp_path)
    assert again.snapshot().transactions == {"card_issuance": {"started": 100}}
    again.close()
