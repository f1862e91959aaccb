"""Kept print jobs at rest: encrypted, bound to their job, expired, migrated from clear text."""

from __future__ import annotations

import json
import logging
import os
import stat
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devices.base import DeviceError
from devices.printer.driver import ReceiptPrinter, create
from devices.printer.jobkey import KeyFileError, load_key, load_or_create_key
from devices.printer.jobs import JobNotFound, JobStore, PrintJob
from devices.printer.settings import PrinterSettings
from receipts.link_server import ReadOnlyJobStore
from receipts.printing import render_for
from receipts.samples import SAMPLES

DAY = 86400.0
ID_A = "20261123T093000-0a1b2c3d"
ID_B = "20261123T093500-11223344"
RECEIPT = ("Demo Branch\nCustomer   Wang Xiaoming\nCard   6222 **** **** 0123\n"
           "Ticket   A023\n")
ESCPOS = b"\x1b@Wang Xiaoming\n6222 **** **** 0123\n\x1dV\x00"


def key_path(data_dir: Path) -> Path:
    return data_dir / "secrets" / "print-jobs.key"


def new_store(directory: Path, **kw: Any) -> JobStore:
    return JobStore(directory / "printer-jobs", key=load_or_create_key(key_path(directory)),
                    **kw)


def job(job_id: str = ID_A, created: float | None = None, **kw: Any) -> PrintJob:
    return PrintJob(job_id, "card_issuance", "en_US", "Your new card", created or time.time(),
                    text=RECEIPT, qr_payloads=["https://r.example/r/x?t=secret-token"], **kw)


def all_bytes(directory: Path) -> bytes:
    return b"\0".join(p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file())


def assert_not_in_clear(needles: list[str], files: bytes) -> None:
    for needle in needles:
        for encoding in ("utf-8", "gb18030", "utf-16-le"):
            raw = needle.encode(encoding)
            assert raw not in files, (needle, encoding)
        # json.dumps(ensure_ascii=True) would write Chinese as \\uXXXX
        assert json.dumps(needle)[1:-1].encode("ascii", "backslashreplace") not in files


# -- nothing personal in clear -----------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en_US", "zh_CN"])
def test_a_kept_receipt_is_not_on_disk_in_clear(tmp_path: Path, lang: str,
                                                closing: Callable[[Any], Any]) -> None:
    settings = PrinterSettings(url="sim://printer?paper=out", status_poll_s=0, timeout_s=5)
    printer = closing(create("printer", settings, data_dir=tmp_path))
    assert isinstance(printer, ReceiptPrinter)
    printer.start().result(timeout=10)
    sample = SAMPLES["card_issuance"][lang]
    receipt = render_for(printer, "card_issuance", lang, sample)
    outcome = printer.print_receipt(receipt).result(timeout=15)
    assert not outcome.printed  # paper out: kept
    kept = printer.jobs.get(outcome.job_id)
    # What is at stake is really in the job (else the test below proves nothing).
    assert sample["customer_name"] in kept.text and "6222 **** **** 0123" in kept.text
    assert kept.state == "failed" and printer.jobs.data(kept.id) == receipt.data

    files = all_bytes(tmp_path / "printer-jobs")
    lines = [ln.strip() for ln in kept.text.splitlines() if len(ln.strip()) >= 6]
    assert_not_in_clear([sample["customer_name"], "6222 **** **** 0123", "0123", kept.token,
                         kept.title, *kept.qr_payloads, *lines], files)
    for at in range(0, len(receipt.data) - 16, 16):  # no run of the ESC/POS bytes either
        assert receipt.data[at:at + 16] not in files
    # What listing and expiry need stays readable.
    meta = json.loads((tmp_path / "printer-jobs" / f"{kept.id}.json").read_text("utf-8"))
    assert {k: meta[k] for k in ("id", "template", "lang", "state", "created")} == {
        "id": kept.id, "template": "card_issuance", "lang": lang, "state": "failed",
        "created": kept.created}
    assert "text" not in meta and "token" not in meta and "qr_payloads" not in meta
    assert stat.S_IMODE(os.stat(tmp_path / "printer-jobs" / f"{kept.id}.bin").st_mode) == 0o600


def test_every_write_uses_a_fresh_nonce(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    store.add(job(), ESCPOS)
    first = (tmp_path / "printer-jobs" / f"{ID_A}.json").read_bytes()
    store.save(store.get(ID_A))
    assert (tmp_path / "printer-jobs" / f"{ID_A}.json").read_bytes() != first
    store.add(job(ID_B), ESCPOS)
    a, b = (((tmp_path / "printer-jobs" / f"{i}.bin").read_bytes()) for i in (ID_A, ID_B))
    assert a[4:16] != b[4:16] and a[16:] != b[16:]


# -- tampering, moving, wrong key --------------------------------------------------------------


def test_a_bin_swapped_between_two_jobs_fails_authentication(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    store = new_store(tmp_path)
    store.add(job(ID_A), ESCPOS)
    store.add(job(ID_B), b"\x1b@other customer\n")
    d = tmp_path / "printer-jobs"
    a, b = (d / f"{ID_A}.bin").read_bytes(), (d / f"{ID_B}.bin").read_bytes()
    (d / f"{ID_A}.bin").write_bytes(b)
    (d / f"{ID_B}.bin").write_bytes(a)
    with caplog.at_level(logging.ERROR), pytest.raises(JobNotFound, match="authentication"):
        store.data(ID_A)
    assert (d / f"{ID_A}.bin.corrupt").exists() and not (d / f"{ID_A}.bin").exists()
    assert any(f"{ID_A}.bin" in r.getMessage() for r in caplog.records)
    # The metadata is intact: the job is still listed (its text can still be shown).
    assert [j.id for j in store.pending()] == [ID_A, ID_B]
    with pytest.raises(JobNotFound):
        store.data(ID_B)


def test_metadata_moved_or_edited_is_set_aside_and_the_others_still_list(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    store.add(job(ID_A), ESCPOS)
    store.add(job(ID_B), ESCPOS)
    d = tmp_path / "printer-jobs"
    # A clear field edited (to keep a job for ever, say): the sealed part no longer matches.
    meta = json.loads((d / f"{ID_A}.json").read_text("utf-8"))
    meta["created"] += 1
    (d / f"{ID_A}.json").write_text(json.dumps(meta), "utf-8")
    # A sealed part copied from another job.
    other = json.loads((d / f"{ID_B}.json").read_text("utf-8"))
    third = job("20261123T094000-99999999")
    store.add(third, ESCPOS)
    meta3 = json.loads((d / f"{third.id}.json").read_text("utf-8"))
    meta3["sealed"] = other["sealed"]
    (d / f"{third.id}.json").write_text(json.dumps(meta3), "utf-8")

    assert [j.id for j in store.pending()] == [ID_B]
    assert sorted(p.name for p in store.set_aside) == sorted(
        f"{i}.{s}.corrupt" for i in (ID_A, third.id) for s in ("json", "bin"))
    with pytest.raises(JobNotFound):
        store.get(ID_A)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(part=st.sampled_from([".bin", ".json"]), at=st.integers(min_value=0),
       flip=st.integers(min_value=1, max_value=255))
def test_any_changed_byte_is_caught(tmp_path: Path, part: str, at: int, flip: int) -> None:
    d = tmp_path / "printer-jobs"
    for leftover in d.glob("*") if d.exists() else []:
        leftover.unlink()
    store = new_store(tmp_path)
    original = job()
    store.add(original, ESCPOS)
    path = d / f"{ID_A}{part}"
    blob = bytearray(path.read_bytes())
    blob[at % len(blob)] ^= flip
    path.write_bytes(bytes(blob))
    try:
        got, data = store.get(ID_A), store.data(ID_A)
    except JobNotFound:
        assert store.set_aside  # reported, kept for inspection
        return
    # Only a change JSON does not see (white space, an escape) may still read: as the original.
    assert (got, data) == (original, ESCPOS)


def test_jobs_under_another_key_are_set_aside_not_a_crash(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    store = new_store(tmp_path)
    store.add(job(ID_A), ESCPOS)
    d = tmp_path / "printer-jobs"
    # B was written by another kiosk (another key), then copied here.
    JobStore(tmp_path / "elsewhere", key=os.urandom(32)).add(job(ID_B), ESCPOS)
    for suffix in (".bin", ".json"):
        (tmp_path / "elsewhere" / f"{ID_B}{suffix}").rename(d / f"{ID_B}{suffix}")
    with caplog.at_level(logging.ERROR):
        reopened = new_store(tmp_path)  # the kiosk's own key
    assert [j.id for j in reopened.pending()] == [ID_A]
    assert reopened.data(ID_A) == ESCPOS
    assert (d / f"{ID_B}.json.corrupt").exists() and (d / f"{ID_B}.bin.corrupt").exists()
    assert any("authentication" in r.getMessage() for r in caplog.records)
    # A wrong key altogether: nothing listed, nothing lost (set aside for inspection).
    wrong = JobStore(d, key=os.urandom(32))
    assert wrong.pending() == []
    assert (d / f"{ID_A}.json.corrupt").exists()


def test_the_read_only_store_never_renames_and_needs_the_kiosks_key(tmp_path: Path) -> None:
    d = tmp_path / "printer-jobs"
    ro = ReadOnlyJobStore(d, key_path(tmp_path))  # the kiosk has not made a key yet
    with pytest.raises(JobNotFound):
        ro.get(ID_A)
    assert not key_path(tmp_path).exists()  # the reader does not create one
    store = new_store(tmp_path)
    store.add(job(ID_A), ESCPOS)
    assert ro.get(ID_A).text == RECEIPT and ro.data(ID_A) == ESCPOS
    (d / f"{ID_A}.bin").write_bytes(b"SBJ1" + os.urandom(40))
    with pytest.raises(JobNotFound):
        ro.data(ID_A)
    assert (d / f"{ID_A}.bin").exists()  # left for the kiosk to deal with


# -- expiry ------------------------------------------------------------------------------------


def test_jobs_older_than_the_link_lifetime_are_deleted_on_open_and_on_add(tmp_path: Path) -> None:
    now = [time.time()]
    d = tmp_path / "printer-jobs"
    keeper = new_store(tmp_path)  # no lifetime: writes jobs "from the past"
    keeper.add(job(ID_A, created=now[0] - 8 * DAY), ESCPOS)
    keeper.add(job(ID_B, created=now[0] - 6 * DAY), ESCPOS)
    os.link(d / f"{ID_A}.bin", tmp_path / "a-link")  # sees the blocks the job used
    (d / "20261101T000000-00000000.json.corrupt").write_bytes(b"{old")
    os.utime(d / "20261101T000000-00000000.json.corrupt", (now[0] - 9 * DAY,) * 2)
    (d / "20261102T000000-00000000.bin").write_bytes(b"orphan")  # fresh: an add in progress
    before = (tmp_path / "a-link").read_bytes()

    store = new_store(tmp_path, lifetime_s=7 * DAY, clock=lambda: now[0])
    assert [j.id for j in store.pending()] == [ID_B]
    assert not (d / f"{ID_A}.bin").exists() and not (d / f"{ID_A}.json").exists()
    assert not (d / "20261101T000000-00000000.json.corrupt").exists()
    assert (d / "20261102T000000-00000000.bin").exists()
    after = (tmp_path / "a-link").read_bytes()
    assert len(after) == len(before) and after != before  # overwritten before the unlink

    now[0] += 2 * DAY  # B is 8 days old now; the next job expires it
    store.add(job(created=now[0]), ESCPOS)
    assert [j.id for j in store.pending()] == [ID_A]
    assert not (d / f"{ID_B}.json").exists()


def test_the_driver_expires_jobs_after_receipt_link_days(tmp_path: Path,
                                                         closing: Callable[[Any], Any]) -> None:
    keeper = new_store(tmp_path)
    keeper.add(job(ID_A, created=time.time() - 3 * DAY), ESCPOS)
    keeper.add(job(ID_B, created=time.time() - 1 * DAY), ESCPOS)
    settings = PrinterSettings(url="sim://printer", status_poll_s=0, timeout_s=5,
                               receipt_link_days=2)
    printer = closing(create("printer", settings, data_dir=tmp_path))
    assert isinstance(printer, ReceiptPrinter)
    printer.start().result(timeout=10)
    assert [j.id for j in printer.pending_jobs()] == [ID_B]
    assert printer.jobs.lifetime_s == 2 * DAY


def test_a_printed_job_is_wiped_at_once(tmp_path: Path) -> None:
    store = new_store(tmp_path, lifetime_s=DAY)
    store.add(job(), ESCPOS)
    d = tmp_path / "printer-jobs"
    os.link(d / f"{ID_A}.json", tmp_path / "meta-link")
    before = (tmp_path / "meta-link").read_bytes()
    store.done(ID_A)
    assert list(d.iterdir()) == []
    assert (tmp_path / "meta-link").read_bytes() != before


# -- migration from clear text -----------------------------------------------------------------

#: A job as the store wrote it before encryption (format 1): bytes and all metadata in clear.
FROZEN_V1 = {
    "id": ID_A, "template": "card_issuance", "lang": "zh_CN", "title": "开卡凭条",
    "created": 1795000000.0, "state": "sending", "attempts": 1, "error": "",
    "text": "王小明\n卡号   6222 **** **** 0123\n", "qr_payloads": ["https://r.example/r/a?t=tok"],
    "token": "frozen-token-123",
}
FROZEN_BIN = b"\x1b@\x1c&" + "王小明 6222 **** **** 0123\n".encode("gb18030") + b"\x1dV\x00"


def test_clear_text_jobs_from_before_are_rewritten_encrypted(tmp_path: Path) -> None:
    d = tmp_path / "printer-jobs"
    d.mkdir()
    (d / f"{ID_A}.json").write_text(json.dumps(FROZEN_V1, ensure_ascii=False), "utf-8")
    (d / f"{ID_A}.bin").write_bytes(FROZEN_BIN)
    old_meta = dict(FROZEN_V1, id=ID_B, state="failed", error="paper out")
    (d / f"{ID_B}.json").write_text(json.dumps(old_meta, ensure_ascii=False), "utf-8")
    # (B's bytes were lost before the upgrade: its text copy still migrates.)
    os.link(d / f"{ID_A}.bin", tmp_path / "old-bin")
    os.link(d / f"{ID_A}.json", tmp_path / "old-json")

    store = new_store(tmp_path, lifetime_s=3650 * DAY)
    a = store.get(ID_A)
    assert a.text == FROZEN_V1["text"] and a.token == "frozen-token-123"
    assert a.qr_payloads == FROZEN_V1["qr_payloads"] and a.title == "开卡凭条"
    assert a.state == "failed" and "interrupted" in a.error  # it was cut off mid-print
    assert store.data(ID_A) == FROZEN_BIN
    assert store.get(ID_B).error == "paper out"
    with pytest.raises(JobNotFound):
        store.data(ID_B)
    files = all_bytes(d)
    assert_not_in_clear(["王小明", "6222 **** **** 0123", "frozen-token-123", "开卡凭条"], files)
    assert FROZEN_BIN not in files
    # The clear copies were overwritten, not just unlinked.
    assert b"6222" not in (tmp_path / "old-bin").read_bytes()
    assert "王小明".encode() not in (tmp_path / "old-json").read_bytes()
    # And it happens once: a second open reads the encrypted files as they are.
    again = new_store(tmp_path)
    assert again.get(ID_A) == a and again.set_aside == []


def test_a_migration_cut_off_after_the_bytes_finishes_next_time(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    store.add(job(ID_A), FROZEN_BIN)  # .bin already encrypted...
    d = tmp_path / "printer-jobs"
    (d / f"{ID_A}.json").write_text(json.dumps(dict(FROZEN_V1, state="failed")), "utf-8")
    reopened = new_store(tmp_path)  # ...metadata still clear: not encrypted twice
    assert reopened.data(ID_A) == FROZEN_BIN
    assert "王小明" not in (d / f"{ID_A}.json").read_text("utf-8")


# -- the key file ------------------------------------------------------------------------------


def test_the_key_file_is_created_owner_only_once_and_reused(tmp_path: Path) -> None:
    path = key_path(tmp_path)
    assert load_key(path) is None
    key = load_or_create_key(path)
    assert len(key) == 32
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
    mtime = os.stat(path).st_mtime_ns
    assert load_or_create_key(path) == key == load_key(path)
    assert os.stat(path).st_mtime_ns == mtime
    assert [p.name for p in path.parent.iterdir()] == ["print-jobs.key"]  # no temporary left


def test_the_printer_and_the_link_server_share_one_key(tmp_path: Path,
                                                       closing: Callable[[Any], Any]) -> None:
    settings = PrinterSettings(url="sim://printer?paper=out", status_poll_s=0, timeout_s=5)
    printer = closing(create("printer", settings, data_dir=tmp_path))
    assert isinstance(printer, ReceiptPrinter)
    printer.start().result(timeout=10)
    receipt = render_for(printer, "card_issuance", "en_US", SAMPLES["card_issuance"]["en_US"])
    outcome = printer.print_receipt(receipt).result(timeout=15)
    assert key_path(tmp_path).exists()  # jobs_key_path's default: data_dir/secrets/
    ro = ReadOnlyJobStore(tmp_path / "printer-jobs", key_path(tmp_path))
    assert ro.get(outcome.job_id).text == printer.jobs.get(outcome.job_id).text
    assert ro.data(outcome.job_id) == receipt.data


@pytest.mark.parametrize(("damage", "words"), [
    (lambda p: p.write_bytes(b"short"), "damaged"),
    (lambda p: p.write_bytes(b""), "damaged"),
    (lambda p: os.chmod(p, 0o644), "chmod 600"),
    (lambda p: os.chmod(p, 0o640), "chmod 600"),
])
def test_a_damaged_or_readable_key_is_refused_naming_the_file(
        tmp_path: Path, damage: Callable[[Path], Any], words: str) -> None:
    path = key_path(tmp_path)
    load_or_create_key(path)
    damage(path)
    before = path.read_bytes()
    with pytest.raises(KeyFileError, match=words) as err:
        load_or_create_key(path)
    assert str(path) in str(err.value)
    assert path.read_bytes() == before  # never overwritten
    with pytest.raises(KeyFileError, match=str(path)):
        ReadOnlyJobStore(tmp_path / "printer-jobs", path)


def test_the_printer_with_a_bad_key_does_not_start_and_says_which_file(
        tmp_path: Path, closing: Callable[[Any], Any]) -> None:
    path = key_path(tmp_path)
    load_or_create_key(path)
    os.chmod(path, 0o644)
    settings = PrinterSettings(url="sim://printer", status_poll_s=0, timeout_s=5)
    printer = closing(create("printer", settings, data_dir=tmp_path))
    with pytest.raises(DeviceError, match=str(path)):
        printer.start().result(timeout=10)


def test_an_absolute_key_path_is_used_as_it_is(tmp_path: Path,
                                               closing: Callable[[Any], Any]) -> None:
    elsewhere = tmp_path / "vault" / "jobs.key"
    settings = PrinterSettings(url="sim://printer?paper=out", status_poll_s=0, timeout_s=5,
                               jobs_key_path=str(elsewhere))
    printer = closing(create("printer", settings, data_dir=tmp_path / "data"))
    assert isinstance(printer, ReceiptPrinter)
    printer.start().result(timeout=10)
    printer.print_receipt(render_for(printer, "card_issuance", "en_US",
                                     SAMPLES["card_issuance"]["en_US"])).result(timeout=15)
    assert elsewhere.exists() and not key_path(tmp_path / "data").exists()
