"""Journal seals: a removed tail, a rebuilt chain, a replaced file and tampered seals are
each detected and named by ``kiosk journal verify``; an untouched journal verifies."""

from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from kiosk_app.cli import main
from kiosk_core.journal import GENESIS, Journal, record_hash
from kiosk_core.journal_seal import (
    PURPOSE,
    JournalSealer,
    SealLog,
    make_seal,
    seal_log_for,
    verify_sealed,
)
from kiosk_core.keystore import KeyStore


@pytest.fixture
def kiosk(tmp_path: Path) -> dict[str, Any]:
    """A kiosk.toml, a journal of 30 records sealed at 10, 20 and 30, and its key store."""
    toml = tmp_path / "kiosk.toml"
    toml.write_text('[kiosk]\nid = "K1"\nbranch = "B"\n[storage]\ndata_dir = "var"\n'
                    'key_wrap = "none"\n', encoding="utf-8")
    journal = tmp_path / "var" / "journal.sqlite"
    store = KeyStore(tmp_path / "secrets", wrap="none")
    seals = seal_log_for(tmp_path / "secrets")
    with Journal(journal, kiosk_id="K1") as j:
        for i in range(30):
            j.append("test.record", {"n": i})
            if (i + 1) % 10 == 0:
                seals.append(make_seal(j.head(), "K1", store.ring(PURPOSE)))
    return {"toml": toml, "journal": journal, "store": store, "seals": seals,
            "keys": store.ring(PURPOSE).public_keys()}


def _verify(kiosk: dict[str, Any], capsys: pytest.CaptureFixture[str], *extra: str
            ) -> tuple[int, str]:
    code = main(["journal", "verify", "--config", str(kiosk["toml"]), *extra])
    out = capsys.readouterr()
    return code, out.out + out.err


def _unguarded(path: Path) -> sqlite3.Connection:
    """What an attacker with the file does: drop the append-only triggers."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("DROP TRIGGER journal_no_update")
    conn.execute("DROP TRIGGER journal_no_delete")
    return conn


def test_an_untouched_journal_verifies_against_its_seals(
        kiosk: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    code, text = _verify(kiosk, capsys)
    assert code == 0
    assert text.startswith("ok: 30 records, chain intact, 3 seal(s) match")
    with Journal(kiosk["journal"], kiosk_id="K1") as j:  # newer records than the last seal
        j.append("test.record", {"n": 30})
    code, text = _verify(kiosk, capsys)
    assert code == 0 and "1 newer" in text


def test_a_removed_tail_is_named_truncated(kiosk: dict[str, Any],
                                          capsys: pytest.CaptureFixture[str]) -> None:
    conn = _unguarded(kiosk["journal"])
    conn.execute("DELETE FROM journal WHERE seq > 25")  # the chain of 1..25 is still valid
    conn.close()
    with Journal(kiosk["journal"]) as j:
        assert j.verify().ok  # the hash chain alone cannot see it
    result = verify_sealed(kiosk["journal"], kiosk["seals"], kiosk["keys"])
    assert result.finding == "truncated"
    code, text = _verify(kiosk, capsys)
    assert code == 3
    assert "TRUNCATED: the journal has 25 records but the seal of" in text
    assert "covered 30: records 26..30 were removed" in text


def test_a_tail_removed_and_refilled_is_named_rewritten(
        kiosk: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    conn = _unguarded(kiosk["journal"])
    conn.execute("DELETE FROM journal WHERE seq > 15")
    conn.close()
    with Journal(kiosk["journal"], kiosk_id="K1") as j:  # as many records as before, or more
        for i in range(20):
            j.append("test.record", {"n": 100 + i})
    code, text = _verify(kiosk, capsys)
    assert code == 4 and "REWRITTEN: record 20's hash is not the one sealed" in text


def test_a_chain_rebuilt_from_scratch_is_named_rewritten(
        kiosk: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    conn = _unguarded(kiosk["journal"])
    rows = conn.execute("SELECT seq, kind, data FROM journal ORDER BY seq").fetchall()
    conn.execute("DELETE FROM journal")
    prev = GENESIS
    for seq, kind, data in rows:  # every record re-made, with a valid new chain
        data = data.replace('"n":3', '"n":4')
        ts = datetime.now(UTC).isoformat(timespec="microseconds")
        h = record_hash(prev, seq, ts, "K1", kind, data)
        conn.execute("INSERT INTO journal VALUES (?, ?, ?, ?, ?, ?, ?)",
                     (seq, ts, "K1", kind, data, prev, h))
        prev = h
    conn.close()
    with Journal(kiosk["journal"]) as j:
        assert j.verify().ok and j.verify().count == 30
    code, text = _verify(kiosk, capsys)
    assert code == 4
    assert "REWRITTEN: record 10's hash is not the one sealed" in text


def test_another_kiosks_journal_put_in_its_place_is_named_replaced(
        kiosk: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = tmp_path / "other.sqlite"
    with Journal(other, kiosk_id="K2") as j:
        for i in range(40):
            j.append("test.record", {"n": i})
    for suffix in ("", "-wal", "-shm"):
        Path(str(kiosk["journal"]) + suffix).unlink(missing_ok=True)
    shutil.copy(other, kiosk["journal"])
    code, text = _verify(kiosk, capsys)
    assert code == 5
    assert "REPLACED: the journal's chain id" in text
    assert "another kiosk's or a new journal" in text


def test_a_tampered_seal_is_named_seal_invalid(kiosk: dict[str, Any],
                                             capsys: pytest.CaptureFixture[str]) -> None:
    path: Path = kiosk["seals"].path
    lines = path.read_text().splitlines()
    seal = json.loads(lines[1])
    seal["count"] = 12  # what a cover-up of a removed tail would need
    lines[1] = json.dumps(seal, sort_keys=True, separators=(",", ":"))
    path.write_text("\n".join(lines) + "\n")
    code, text = _verify(kiosk, capsys)
    assert code == 6
    assert "SEAL-INVALID: seal file" in text and "line 2: bad signature" in text
    path.write_text("\n".join(["{not json", *lines[2:]]) + "\n")
    code, text = _verify(kiosk, capsys)
    assert code == 6 and "line 1: not JSON" in text


def test_seals_made_with_another_key_are_refused(kiosk: dict[str, Any], tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """An attacker who rebuilt the chain and signs fresh seals with a key of their own."""
    forger = KeyStore(tmp_path / "forger", wrap="none")
    with Journal(kiosk["journal"]) as j:
        kiosk["seals"].append(make_seal(j.head(), "K1", forger.ring(PURPOSE)))
    code, text = _verify(kiosk, capsys)
    assert code == 6 and "line 4: names key" in text and ", but key v1 is " in text


def test_verify_with_the_upstream_copy_and_the_registered_public_key(
        kiosk: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The seals and the public key the operations centre holds; the kiosk's own seal file
    deleted by whoever cut the tail."""
    upstream = tmp_path / "upstream.seals"
    shutil.copy(kiosk["seals"].path, upstream)
    pem = tmp_path / "sealing.pem"
    assert main(["keys", "pubkey", PURPOSE, "--config", str(kiosk["toml"])]) == 0
    pem.write_text(capsys.readouterr().out)
    kiosk["seals"].path.unlink()
    conn = _unguarded(kiosk["journal"])
    conn.execute("DELETE FROM journal WHERE seq > 5")
    conn.close()
    code, text = _verify(kiosk, capsys)
    assert code == 0 and "ok (unsealed)" in text  # the local view alone cannot tell…
    code = main(["journal", "verify", "--db", str(kiosk["journal"]), "--seals", str(upstream),
                 "--public-key", str(pem)])
    out = capsys.readouterr()
    assert code == 3 and "records 6..30 were removed" in out.err  # …the upstream copy does


def test_an_edited_record_is_still_named_broken(kiosk: dict[str, Any],
                                               capsys: pytest.CaptureFixture[str]) -> None:
    conn = _unguarded(kiosk["journal"])
    conn.execute("UPDATE journal SET data = '{\"n\":99}' WHERE seq = 7")
    conn.close()
    code, text = _verify(kiosk, capsys)
    assert code == 1 and "BROKEN: chain broken at record 7" in text


def test_a_torn_last_seal_line_is_not_a_tampering(kiosk: dict[str, Any],
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    with open(kiosk["seals"].path, "ab") as fh:
        fh.write(b'{"format":"smartbranch.journal-seal/1","kio')  # power cut mid-write
    code, text = _verify(kiosk, capsys)
    assert code == 0 and "3 seal(s) match" in text


def test_the_sealer_seals_every_n_records_and_at_close(tmp_path: Path) -> None:
    store = KeyStore(tmp_path / "secrets", wrap="none")
    seals = SealLog(tmp_path / "secrets" / "journal.seals")
    from kiosk_core.journal_writer import JournalWriter

    journal = Journal(tmp_path / "journal.sqlite", kiosk_id="K1")
    writer = JournalWriter(journal)
    sealer = JournalSealer(journal, seals, lambda: store.ring(PURPOSE), kiosk="K1",
                           every_records=5, every_s=3600)
    writer.subscribe(sealer.on_records)
    got: list[int] = []
    sealer.subscribe(lambda s: got.append(s.count))
    for i in range(12):
        writer.append("test.record", {"n": i}).result(5)
        writer.flush()
    from waiting import poll

    poll(lambda: any(c >= 10 for c in got), timeout=10)
    writer.append("test.record", {"n": 12}).result(5)
    last = sealer.close()
    assert last is not None and last.count == 13 and sealer.latest == last
    writer.close()
    counts = [s.count for _, s in seals.lines() if not isinstance(s, str)]
    assert counts[-1] == 13 and counts == sorted(counts) and len(counts) >= 3
    assert verify_sealed(tmp_path / "journal.sqlite", seals,
                         store.ring(PURPOSE).public_keys()).finding == "ok"


def test_the_runtime_seals_at_start_and_at_a_clean_stop(kiosk_config: Any) -> None:
    from devices.registry import create_device
    from kiosk_core.runtime import KioskRuntime

    cfg = kiosk_config.model_copy(update={"devices": type(kiosk_config.devices)()})
    runtime = KioskRuntime(cfg, device_factory=create_device)
    runtime.start()
    try:
        assert runtime.journal_sealer is not None
    finally:
        runtime.stop()
    seals = seal_log_for(cfg.path("secrets_dir"))
    last = seals.last()
    with Journal(cfg.path("journal")) as j:
        head = j.head()
        kinds = [r.kind for r in j.records()]
    assert kinds[-1] == "kiosk.stop"
    assert last is not None and last.count == head.count and last.head == head.head
    assert cfg.path("secrets_dir") != cfg.data_dir / "secrets"
    keys = KeyStore.from_config(cfg).ring(PURPOSE).public_keys()
    assert verify_sealed(cfg.path("journal"), seals, keys).finding == "ok"
