"""The branch database encrypted at rest (SQLCipher): no name or phone in the file or its
WAL, the key refused when wrong, an old plaintext file encrypted in place, key files checked."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from o2o_sync import schema
from o2o_sync.dbkey import KeyFileError, load_or_create
from o2o_sync.store import BranchDbKeyError, BranchStore

from .conftest import SHANGHAI, item

KEY = bytes(range(32))
NAME, PHONE = "Zhang Xiuying", "+86 139 8765 4321"


def _files(path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*") if p.is_file())


def _book(store: BranchStore) -> None:
    store.apply_page([item("enc1", name=NAME, phone=PHONE, code="ENC123")], "c1")


def test_nothing_personal_in_the_file_or_its_wal(tmp_path: Path) -> None:
    path = tmp_path / "branch.sqlite"
    store = BranchStore(path, SHANGHAI, key=KEY)
    try:
        _book(store)
        assert store.appointment("enc1")["customer_name"] == NAME  # the store reads it
        assert store.by_code("ENC123")  # and the indexes work as before
        raw = _files(path)  # WAL not yet checkpointed: the rows are in there, encrypted
        assert Path(str(path) + "-wal").exists()
        assert not raw.startswith(b"SQLite format 3")
        for secret in (NAME.encode(), b"13987654321", b"8765", b"ENC123"):
            assert secret not in raw
    finally:
        store.close()
    with pytest.raises(sqlite3.DatabaseError):  # plain SQLite cannot read it
        sqlite3.connect(path).execute("SELECT * FROM appointments").fetchall()
    again = BranchStore(path, SHANGHAI, key=KEY)
    try:
        assert again.appointment("enc1")["phone"] == PHONE
    finally:
        again.close()


def test_another_key_is_refused_and_the_file_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "branch.sqlite"
    BranchStore(path, SHANGHAI, key=KEY).close()
    before = path.read_bytes()
    with pytest.raises(BranchDbKeyError, match=r"branch-db\.key"):
        BranchStore(path, SHANGHAI, key=bytes(32))
    assert path.read_bytes() == before


def test_a_plaintext_database_is_encrypted_in_place(tmp_path: Path) -> None:
    """A branch from the release before encryption: its rows, tickets and schema version
    are kept, the file is encrypted, no plaintext copy is left beside it."""
    path = tmp_path / "branch.sqlite"
    old = BranchStore(path, SHANGHAI)  # key=None: plain SQLite, as before
    _book(old)
    old.close()
    assert path.read_bytes().startswith(b"SQLite format 3")
    store = BranchStore(path, SHANGHAI, key=KEY)
    try:
        assert store.appointment("enc1")["customer_name"] == NAME
        version = store.conn.execute("PRAGMA user_version").fetchone()[0]
        assert version == schema.CURRENT_VERSION
    finally:
        store.close()
    assert NAME.encode() not in _files(path)
    assert sorted(p.name for p in tmp_path.iterdir()
                  if not p.name.endswith(("-wal", "-shm"))) == ["branch.sqlite"]


def test_key_files_are_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "secrets" / "branch-db.key"
    key = load_or_create(path)
    assert len(key) == 32 and load_or_create(path) == key
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700
    os.chmod(path, 0o644)
    with pytest.raises(KeyFileError, match="chmod 600"):
        load_or_create(path)
    os.chmod(path, 0o600)
    path.write_bytes(b"short")
    with pytest.raises(KeyFileError, match="expected 32"):
        load_or_create(path)
