from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk_core.journal import Journal, SensitiveDataError, mask_pan, scrub, verify_file

REPO = Path(__file__).resolve().parents[2]


def fill(path: Path, n: int = 5) -> None:
    with Journal(path, kiosk_id="K1") as j:
        for i in range(n):
            j.append("test.event", {"i": i, "text": f"record {i}"})


def tamper(path: Path, *sql: str) -> None:
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER journal_no_update")
    conn.execute("DROP TRIGGER journal_no_delete")
    for s in sql:
        conn.execute(s)
    conn.commit()
    conn.close()


def test_intact_journal_verifies(tmp_path: Path) -> None:
    db = tmp_path / "j.sqlite"
    fill(db)
    res = verify_file(db)
    assert res.ok and res.count == 5


def test_append_only_enforced(tmp_path: Path) -> None:
    db = tmp_path / "j.sqlite"
    fill(db)
    conn = sqlite3.connect(db)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("UPDATE journal SET kind='x' WHERE seq=1")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("DELETE FROM journal WHERE seq=1")
    conn.close()


def test_wal_and_full_sync(tmp_path: Path) -> None:
    j = Journal(tmp_path / "j.sqlite")
    try:
        assert j._conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert j._conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    finally:
        j.close()


@pytest.mark.parametrize(
    ("sql", "bad_seq", "why"),
    [
        (["UPDATE journal SET data='{\"i\":99}' WHERE seq=3"], 3, "edited"),
        (["DELETE FROM journal WHERE seq=2"], 2, "missing"),
        # Swap records 2 and 4 (content and hashes move with them).
        (
            [
                "UPDATE journal SET seq=-2 WHERE seq=2",
                "UPDATE journal SET seq=2 WHERE seq=4",
                "UPDATE journal SET seq=4 WHERE seq=-2",
            ],
            2,
            "removed or reordered",
        ),
        # Remove a record and renumber the rest to hide the gap.
        (
            ["DELETE FROM journal WHERE seq=3", "UPDATE journal SET seq=seq-1 WHERE seq>3"],
            3,
            "removed or reordered",
        ),
    ],
)
def test_tampering_names_first_bad_record(
    tmp_path: Path, sql: list[str], bad_seq: int, why: str
) -> None:
    db = tmp_path / "j.sqlite"
    fill(db)
    tamper(db, *sql)
    res = verify_file(db)
    assert not res.ok
    assert res.bad_seq == bad_seq
    assert why in res.reason


def test_cli_verify_and_list(tmp_path: Path) -> None:
    db = tmp_path / "j.sqlite"
    fill(db, 3)

    def run(*a: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "kiosk_app.cli", "journal", *a],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=REPO,
        )

    ok = run("verify", "--db", str(db))
    assert ok.returncode == 0 and "3 records" in ok.stdout
    lines = run("list", "--db", str(db), "--json").stdout.splitlines()
    assert [json.loads(x)["data"]["i"] for x in lines] == [0, 1, 2]
    tamper(db, "UPDATE journal SET ts='2000-01-01' WHERE seq=2")
    bad = run("verify", "--db", str(db))
    assert bad.returncode == 1
    assert "record 2" in bad.stderr and "Traceback" not in bad.stderr
    missing = run("verify", "--db", str(tmp_path / "none.sqlite"))
    assert missing.returncode == 1 and "no journal" in missing.stderr


def test_card_numbers_masked(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.sqlite") as j:
        rec = j.append(
            "card.issued", {"pan": "6222 0212 3456 7899 013", "note": "card 4111111111111111 out"}
        )
        assert rec.data == {"pan": "622202*********9013", "note": "card 411111******1111 out"}
        raw = j._conn.execute("SELECT data FROM journal").fetchone()[0]
        assert "4111111111111111" not in raw and "3456" not in raw
    # A non-Luhn long number (e.g. a ticket id) is left alone.
    assert mask_pan("order 1234567890123") == "order 1234567890123"


@pytest.mark.parametrize(
    "data",
    [
        {"pin": "1234"},
        {"customer": {"face_image": "x"}},
        {"photo": None},
        {"blob": b"\x89PNG"},
        {"items": [{"cvv": "123"}]},
    ],
)
def test_secrets_and_images_refused(tmp_path: Path, data: dict) -> None:  # type: ignore[type-arg]
    with Journal(tmp_path / "j.sqlite") as j:
        with pytest.raises(SensitiveDataError):
            j.append("bad", data)
        assert j.records() == []


@given(st.lists(st.integers(0, 9), min_size=13, max_size=19))
def test_any_luhn_valid_pan_is_masked(digits: list[int]) -> None:
    # Fix the last digit so the number passes Luhn.
    body = digits[:-1]
    total = 0
    for i, d in enumerate(reversed(body)):
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    pan = "".join(map(str, body)) + str((10 - total % 10) % 10)
    out = scrub({"text": f"x{pan}y"})["text"]
    assert pan not in out
    assert out == f"x{pan[:6]}{'*' * (len(pan) - 10)}{pan[-4:]}y"


def test_ids_are_kept_even_when_their_digits_pass_luhn() -> None:
    """Found by bench.power_cut: a flow id and a transaction number whose digit runs pass
    the Luhn check were masked, so records no longer named their flow. A bare card number
    under such a key is still masked."""
    from kiosk_core.journal import _luhn_ok

    fid, txn = "c4112142306848489e4dcce50238a304", "T202612021033202EAE"
    assert _luhn_ok("4112142306848489") and _luhn_ok("202612021033202")
    out = scrub({"flow": fid, "transaction_no": txn, "card_id": "6222021234567890128",
                 "note": f"flow {fid}"})
    assert out["flow"] == fid and out["transaction_no"] == txn
    assert out["card_id"] == "622202*********0128"
    assert "4112142306848489" not in out["note"]  # free text stays masked
