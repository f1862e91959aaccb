"""The journal and the flow store as the unversioned releases left them
(tests/core/fixtures/*_v1.sqlite, made by make_v1.py with that code), opened by today's."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from kiosk_core import flows, journal
from kiosk_core.flows import FlowStore
from kiosk_core.journal import Journal, verify_file
from kiosk_core.migrations import NewerSchemaError

from .demo_flow import ToyDispenser, definition

FIXTURES = Path(__file__).parent / "fixtures"
JOURNAL_V1 = FIXTURES / "journal_v1.sqlite"
FLOWS_V1 = FIXTURES / "flows_v1.sqlite"


def _copy(fixture: Path, tmp_path: Path) -> Path:
    out = tmp_path / fixture.name
    shutil.copy(fixture, out)
    return out


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _raw_rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def _schema_of(path: Path) -> tuple[set[tuple[str, str]], dict[str, set[str]]]:
    conn = sqlite3.connect(path)
    try:
        objects = {(t, n) for t, n in conn.execute(
            "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")}
        columns = {name: {r[1] for r in conn.execute(f"PRAGMA table_info({name})")}
                   for t, name in objects if t == "table"}
        return objects, columns
    finally:
        conn.close()


def test_the_fixtures_are_unversioned() -> None:
    # Read from the header, not through SQLite: opening a WAL file writes -shm/-wal beside it.
    for f in (JOURNAL_V1, FLOWS_V1):
        header = f.read_bytes()[:100]
        assert header.startswith(b"SQLite format 3\x00"), f
        assert int.from_bytes(header[60:64], "big") == 0, f  # PRAGMA user_version
        assert header[18:20] == b"\x02\x02", f  # left in WAL mode, as the old code did


# -- journal ----------------------------------------------------------------------------


def test_v1_journal_migrates_with_every_record_and_the_chain_kept(tmp_path: Path) -> None:
    before = _sha(JOURNAL_V1)
    path = _copy(JOURNAL_V1, tmp_path)
    old = _raw_rows(path, "SELECT seq, ts, kiosk, kind, data, prev_hash, hash FROM journal"
                          " ORDER BY seq")
    assert len(old) == 12
    # The old file verifies with today's read-only checker before any migration.
    assert verify_file(path).ok
    with Journal(path, kiosk_id="KIOSK-SH-0042") as j:
        assert j.found_version == 1
        assert j._conn.execute("PRAGMA user_version").fetchone()[0] == journal.SCHEMA.version
        assert [(r.seq, r.ts, r.kiosk, r.kind, json.dumps(r.data, ensure_ascii=False,
                 sort_keys=True, separators=(",", ":")), r.prev_hash, r.hash)
                for r in j.records()] == old
        assert j.verify().ok and j.verify().count == 12
        card = j.records(kind="card.issued")
        assert [r.data["pan"] for r in card] == ["622202*********9013"]
        # The chain goes on from the old records.
        rec = j.append("kiosk.start", {"branch": "Shanghai Lujiazui"})
        assert rec.seq == 13 and rec.prev_hash == old[-1][6]
        assert j.verify().count == 13
    res = verify_file(path)
    assert res.ok and res.count == 13
    assert _sha(JOURNAL_V1) == before  # the fixture itself untouched


def test_v1_journal_keeps_refusing_updates_and_deletes(tmp_path: Path) -> None:
    path = _copy(JOURNAL_V1, tmp_path)
    Journal(path).close()
    conn = sqlite3.connect(path)
    try:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute("UPDATE journal SET kind='x' WHERE seq=1")
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute("DELETE FROM journal WHERE seq=1")
    finally:
        conn.close()


def test_fresh_and_migrated_journals_match(tmp_path: Path) -> None:
    migrated = _copy(JOURNAL_V1, tmp_path)
    Journal(migrated).close()
    fresh = tmp_path / "fresh.sqlite"
    Journal(fresh).close()
    assert _schema_of(fresh) == _schema_of(migrated)
    assert ("index", "journal_kind") in _schema_of(fresh)[0]


def test_a_journal_from_a_newer_release_is_refused(tmp_path: Path) -> None:
    path = _copy(JOURNAL_V1, tmp_path)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    before = _sha(path)
    with pytest.raises(NewerSchemaError, match="journal is schema v99, newer than this"):
        Journal(path)
    assert _sha(path) == before
    res = verify_file(path)
    assert not res.ok and "newer than this software" in res.reason


# -- flow store -------------------------------------------------------------------------


def _flows_by_customer(store: FlowStore) -> dict[str, flows.FlowRow]:
    return {row.data["customer"]: row for row in store.all()}


def test_v1_flow_store_migrates_with_every_flow_kept(tmp_path: Path) -> None:
    before = _sha(FLOWS_V1)
    path = _copy(FLOWS_V1, tmp_path)
    old_flows = _raw_rows(path, "SELECT flow_id, flow_type, status, step, phase, data, created,"
                                " updated, error FROM flows ORDER BY created")
    old_log = _raw_rows(path, "SELECT id, flow_id, ts, step, phase, note FROM flow_log"
                              " ORDER BY id")
    store = FlowStore(path)
    try:
        assert store.found_version == 1
        assert store._conn.execute("PRAGMA user_version").fetchone()[0] == flows.SCHEMA.version
        rows = store.all()
        assert [(r.flow_id, r.flow_type, r.status, r.step, r.phase, r.data, r.created,
                 r.updated, r.error) for r in rows] == [
            (f, t, s, st, p, json.loads(str(d)), c, u, e)
            for f, t, s, st, p, d, c, u, e in old_flows
        ]
        by = _flows_by_customer(store)
        assert by["c-done"].status == "completed"
        assert by["jam"].status == "unwound" and "jam" in by["jam"].error
        assert {r.data["customer"] for r in store.unfinished()} == {"cut-at-gate",
                                                                   "cut-in-stacker"}
        cut = by["cut-at-gate"]
        assert (cut.status, cut.step, cut.phase) == ("running", 1, "intent")
        assert store.history(cut.flow_id)[-1] == (1, "intent", "dispense")
        assert sum(len(store.history(r.flow_id)) for r in rows) == len(old_log)
    finally:
        store.close()
    assert _sha(FLOWS_V1) == before


def test_flows_cut_mid_step_by_the_old_release_still_recover(tmp_path: Path) -> None:
    path = _copy(FLOWS_V1, tmp_path)
    store = FlowStore(path)
    try:
        by = _flows_by_customer(store)
        at_gate = by["cut-at-gate"].flow_id
        # The dispenser remembers what the cut left: one card at the gate, for that flow.
        (tmp_path / "device.json").write_text(json.dumps(
            {"stacker": 4, "at_gate": at_gate, "bin": 0, "log": [f"dispense {at_gate}"]}))
        dev = ToyDispenser(tmp_path / "device.json")
        engine = flows.FlowEngine(store, {"test.issue_card": definition(dev)})
        results = dict(engine.recover())
        assert results == {at_gate: "unwound", by["cut-in-stacker"].flow_id: "unwound"}
        assert dev.state()["at_gate"] is None and dev.state()["bin"] == 1  # retracted once
        notes = [n for _, p, n in store.history(at_gate) if p == "in_doubt"]
        assert notes == ["dispense: done"]
        notes = [n for _, p, n in store.history(by["cut-in-stacker"].flow_id)
                 if p == "in_doubt"]
        assert notes == ["dispense: not_done"]
        assert store.unfinished() == []
        # And the migrated store runs new flows.
        fid = engine.start("test.issue_card", {"customer": "c-new"})
        assert engine.run(fid)["dispensed"] is True
    finally:
        store.close()


def test_fresh_and_migrated_flow_stores_match(tmp_path: Path) -> None:
    migrated = _copy(FLOWS_V1, tmp_path)
    FlowStore(migrated).close()
    fresh = tmp_path / "fresh.sqlite"
    FlowStore(fresh).close()
    assert _schema_of(fresh) == _schema_of(migrated)
    assert ("index", "flow_log_flow") in _schema_of(fresh)[0]


def test_flow_rows_are_read_by_column_name(tmp_path: Path) -> None:
    """A later release may add columns (or rebuild the table in another order)."""
    path = _copy(FLOWS_V1, tmp_path)
    FlowStore(path).close()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.executescript("""
        BEGIN;
        CREATE TABLE flows_new (
            note TEXT NOT NULL DEFAULT 'added later',
            error TEXT NOT NULL DEFAULT '',
            updated TEXT NOT NULL, created TEXT NOT NULL, data TEXT NOT NULL,
            phase TEXT NOT NULL, step INTEGER NOT NULL, status TEXT NOT NULL,
            flow_type TEXT NOT NULL, flow_id TEXT PRIMARY KEY);
        INSERT INTO flows_new (error, updated, created, data, phase, step, status, flow_type,
                               flow_id)
            SELECT error, updated, created, data, phase, step, status, flow_type, flow_id
            FROM flows;
        DROP TABLE flows;
        ALTER TABLE flows_new RENAME TO flows;
        COMMIT;
    """)
    conn.close()
    store = FlowStore(path)
    try:
        by = _flows_by_customer(store)
        assert by["c-done"].status == "completed" and by["c-done"].step == 2
        assert by["cut-at-gate"].phase == "intent"
        fid = store.create("test.issue_card", {"customer": "c-new"})
        assert store.get(fid).data == {"customer": "c-new"}
    finally:
        store.close()


def test_a_flow_store_from_a_newer_release_is_refused(tmp_path: Path) -> None:
    path = _copy(FLOWS_V1, tmp_path)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 3")
    conn.close()
    with pytest.raises(NewerSchemaError, match="flow store is schema v3, newer"):
        FlowStore(path)
