"""The migration framework (kiosk_core.migrations) on real SQLite files."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from pathlib import Path

import pytest

from kiosk_core.migrations import (
    NewerSchemaError,
    Schema,
    SchemaError,
    check_readable,
    ensure_schema,
    run_script,
    statements,
)

V1 = "CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT NOT NULL);"


def _connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None, timeout=10)


def _schema(log: list[str]) -> Schema:
    """v3: item gains `price` (v2), then an index on name (v3)."""

    def to_v2(conn: sqlite3.Connection) -> None:
        log.append("v2")
        conn.execute("ALTER TABLE item ADD COLUMN price INTEGER NOT NULL DEFAULT 0")

    def to_v3(conn: sqlite3.Connection) -> None:
        log.append("v3")
        conn.execute("CREATE INDEX item_name ON item(name)")

    def create(conn: sqlite3.Connection) -> None:
        log.append("create")
        run_script(V1)(conn)
        to_v2(conn)
        to_v3(conn)

    return Schema(label="test store", version=3, create=create, steps={2: to_v2, 3: to_v3})


def _columns(conn: sqlite3.Connection) -> list[str]:
    return [r[1] for r in conn.execute("PRAGMA table_info(item)")]


def test_new_file_is_created_at_the_current_version(tmp_path: Path) -> None:
    log: list[str] = []
    conn = _connect(tmp_path / "s.sqlite")
    assert ensure_schema(conn, _schema(log)) == 0
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 3
    assert _columns(conn) == ["id", "name", "price"]
    assert log == ["create", "v2", "v3"]
    # Opening again does nothing.
    assert ensure_schema(conn, _schema(log)) == 3
    assert log == ["create", "v2", "v3"]
    conn.close()


def test_unversioned_file_counts_as_v1_and_is_migrated_in_order(tmp_path: Path) -> None:
    conn = _connect(tmp_path / "s.sqlite")
    conn.execute(V1)
    conn.execute("INSERT INTO item (name) VALUES ('kept')")
    log: list[str] = []
    assert ensure_schema(conn, _schema(log)) == 1
    assert log == ["v2", "v3"]
    assert conn.execute("SELECT name, price FROM item").fetchall() == [("kept", 0)]
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 3
    conn.close()


def test_a_file_of_an_intermediate_version_runs_only_the_later_steps(tmp_path: Path) -> None:
    conn = _connect(tmp_path / "s.sqlite")
    conn.execute(V1)
    conn.execute("ALTER TABLE item ADD COLUMN price INTEGER NOT NULL DEFAULT 0")
    conn.execute("PRAGMA user_version = 2")
    log: list[str] = []
    assert ensure_schema(conn, _schema(log)) == 2
    assert log == ["v3"]
    conn.close()


def test_a_newer_file_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    conn = _connect(path)
    conn.execute(V1)
    conn.execute("PRAGMA user_version = 7")
    conn.close()
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    conn = _connect(path)
    log: list[str] = []
    with pytest.raises(NewerSchemaError, match=r"test store is schema v7, newer than this "
                                               r"software \(v3\)") as info:
        ensure_schema(conn, _schema(log))
    assert isinstance(info.value, SchemaError)
    assert (info.value.found, info.value.current) == (7, 3)
    with pytest.raises(NewerSchemaError):
        check_readable(conn, _schema(log))
    conn.close()
    assert log == []
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_a_failing_step_leaves_the_file_as_it_was(tmp_path: Path) -> None:
    conn = _connect(tmp_path / "s.sqlite")
    conn.execute(V1)
    conn.execute("INSERT INTO item (name) VALUES ('kept')")

    def to_v2(c: sqlite3.Connection) -> None:
        c.execute("ALTER TABLE item ADD COLUMN price INTEGER NOT NULL DEFAULT 0")

    def to_v3(c: sqlite3.Connection) -> None:
        c.execute("UPDATE item SET name = 'changed'")
        raise OSError("power cut mid-migration")

    broken = Schema(label="test store", version=3, create=run_script(V1),
                    steps={2: to_v2, 3: to_v3})
    with pytest.raises(OSError, match="power cut"):
        ensure_schema(conn, broken)
    assert not conn.in_transaction
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 0
    assert _columns(conn) == ["id", "name"]  # the v2 step rolled back too
    assert conn.execute("SELECT name FROM item").fetchall() == [("kept",)]
    # A fixed release then migrates the same file.
    assert ensure_schema(conn, _schema([])) == 1
    conn.close()


def test_schema_definitions_are_checked() -> None:
    create = run_script(V1)
    with pytest.raises(ValueError, match="no migration step to v3"):
        Schema(label="s", version=3, create=create, steps={2: create})
    with pytest.raises(ValueError, match=r"outside v2\.\.v2"):
        Schema(label="s", version=2, create=create, steps={2: create, 5: create})
    with pytest.raises(ValueError, match=">= 1"):
        Schema(label="s", version=0, create=create)
    # A store whose first release is already versioned needs no step at all.
    Schema(label="s", version=1, create=create)


def test_statements_split_scripts_with_triggers() -> None:
    script = """
    CREATE TABLE t (a);
    CREATE TRIGGER t_no_delete BEFORE DELETE ON t
    BEGIN SELECT RAISE(ABORT, 'no; never'); END;
    CREATE INDEX t_a ON t(a);
    """
    parts = statements(script)
    assert len(parts) == 3 and parts[1].startswith("CREATE TRIGGER")
    with pytest.raises(ValueError, match="incomplete"):
        statements("CREATE TABLE t (a")


def test_several_openers_of_a_new_file_create_it_once(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    log: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def open_one() -> None:
        conn = _connect(path)
        start.wait()
        try:
            ensure_schema(conn, _schema(log))
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            conn.close()

    threads = [threading.Thread(target=open_one) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    assert log.count("create") == 1
