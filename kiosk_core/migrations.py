"""Versioned SQLite files: the schema version lives in the file, migrations run in order.

Every store the kiosk keeps on disk (the journal, the flow store, the branch database)
declares a :class:`Schema`: its current version, how to create a fresh file at that
version, and one step per version that takes a file from version N-1 to N. The version is
SQLite's ``PRAGMA user_version`` (0 in a file that never had one).

:func:`ensure_schema` creates or migrates in one transaction, so a power cut mid-migration
leaves the old file as it was; a file written by a newer release is refused before
anything is touched (:class:`NewerSchemaError`). Old files are kept frozen under
``tests/`` and migrated in the tests, so a kiosk that skipped releases still opens (the
zigpy approach).
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

#: One step of a schema: runs inside the caller's transaction.
SchemaStep = Callable[[sqlite3.Connection], None]


class SchemaError(RuntimeError):
    """A store's file cannot be brought to this software's schema."""


class NewerSchemaError(SchemaError):
    """The file was written by a newer release; it is left untouched."""

    def __init__(self, label: str, found: int, current: int) -> None:
        super().__init__(
            f"{label} is schema v{found}, newer than this software (v{current}); "
            "refusing to touch it (run the release that wrote it, or a newer one)"
        )
        self.label = label
        self.found = found
        self.current = current


def has_tables(conn: sqlite3.Connection) -> bool:
    """Any table of our own in the file (a fresh file has none)."""
    row = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' LIMIT 1"
    ).fetchone()
    return row is not None


def statements(script: str) -> list[str]:
    """Split an SQL script into complete statements (``executescript`` would COMMIT first,
    ending the migration's transaction; these are run one by one with ``execute``)."""
    out: list[str] = []
    current = ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            if current.strip():
                out.append(current.strip())
            current = ""
    if current.strip():
        raise ValueError(f"incomplete SQL statement: {current.strip()[:80]!r}")
    return out


def run_script(script: str) -> SchemaStep:
    """A step that runs every statement of ``script`` inside the migration's transaction."""
    parts = statements(script)

    def step(conn: sqlite3.Connection) -> None:
        for sql in parts:
            conn.execute(sql)

    return step


@dataclass(frozen=True)
class Schema:
    """What a store's file must look like, and how older files get there.

    ``steps[n]`` takes a file from version ``n - 1`` to ``n``; there must be one for every
    version above ``unversioned`` up to ``version``. A file with tables but no version
    (``user_version`` 0, written before the store was versioned) counts as
    ``unversioned``; a file without tables is created fresh by ``create``.
    """

    label: str  # names the file in errors and logs: "journal", "flow store"…
    version: int
    create: SchemaStep
    steps: Mapping[int, SchemaStep] = field(default_factory=dict)
    unversioned: int = 1
    #: Whether the file is still empty; by default, no table of its own.
    is_fresh: Callable[[sqlite3.Connection], bool] = lambda conn: not has_tables(conn)

    def __post_init__(self) -> None:
        if self.version < 1:
            raise ValueError(f"{self.label}: schema version must be >= 1, got {self.version}")
        if not 0 <= self.unversioned <= self.version:
            raise ValueError(
                f"{self.label}: unversioned files count as v{self.unversioned}, "
                f"outside 0..{self.version}"
            )
        missing = [v for v in range(self.unversioned + 1, self.version + 1) if v not in self.steps]
        if missing:
            raise ValueError(f"{self.label}: no migration step to v{', v'.join(map(str, missing))}")
        extra = sorted(v for v in self.steps if not self.unversioned < v <= self.version)
        if extra:
            raise ValueError(
                f"{self.label}: migration steps to v{', v'.join(map(str, extra))} are outside "
                f"v{self.unversioned + 1}..v{self.version}"
            )


def file_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def check_readable(conn: sqlite3.Connection, schema: Schema) -> int:
    """For read-only openers: the file's version, or NewerSchemaError if it is newer."""
    found = file_version(conn)
    if found > schema.version:
        raise NewerSchemaError(schema.label, found, schema.version)
    return found


def ensure_schema(conn: sqlite3.Connection, schema: Schema) -> int:
    """Create or migrate ``conn``'s file to ``schema``; returns the version found before
    (0: a new file; ``schema.unversioned`` for a file with tables but no version).

    Runs in one ``BEGIN IMMEDIATE`` transaction (DDL in SQLite is transactional), and
    reads the version again under the write lock: several processes may open a new file at
    the same moment, and only the first may create it. The connection must be in
    autocommit mode (``isolation_level=None``) or have no transaction open.
    """
    found = check_readable(conn, schema)
    if found == schema.version:
        return found
    conn.execute("BEGIN IMMEDIATE")
    try:
        found = check_readable(conn, schema)
        if found == schema.version:
            conn.execute("COMMIT")
            return found
        if found == 0 and schema.is_fresh(conn):
            schema.create(conn)
        else:
            # A file with tables but no version was written before the store had one.
            found = start = max(found, schema.unversioned)
            for v in range(start + 1, schema.version + 1):
                log.warning("migrating %s v%d -> v%d", schema.label, v - 1, v)
                schema.steps[v](conn)
        # PRAGMA takes no parameters; the version is an int we own.
        conn.execute(f"PRAGMA user_version = {int(schema.version)}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return found
