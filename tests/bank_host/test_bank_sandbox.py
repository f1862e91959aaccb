"""The sandbox bank in-process: its rules, refusals, idempotency, reversals, PINs and keys."""

from __future__ import annotations

import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from bank_pinblocks import format0, format4, kcv
from conftest import KIOSK, TODAY, clear_pwk

from bank_host.api import (
    BankHost,
    BankRefused,
    CardLink,
    Refusal,
    WorkingKey,
)
from bank_host.sandbox.bank import SandboxBank, SandboxHost, luhn_ok
from devices.pinpad.pinblock import unwrap_key
from kiosk_core.migrations import NewerSchemaError

ZHANG = ("110101199003078515", "ZHANG SAN")


def _refused(reason: Refusal) -> Any:
    return pytest.raises(BankRefused, match=f"^{reason.value}")


def issue(host: SandboxHost, uid: str = "04A1B2C3D4E5F6", who: tuple[str, str] = ZHANG,
          prefix: str = "s") -> CardLink:
    c = host.lookup_customer(who[0], who[1], f"{prefix}-lookup")
    acc = host.open_account(c.customer_id, "debit", f"{prefix}-open")
    host.approve_issuance(acc.account_id, "debit", f"{prefix}-approve")
    return host.link_card(acc.account_id, uid, f"{prefix}-link")


def test_the_sandbox_host_is_a_bank_host(host: SandboxHost) -> None:
    assert isinstance(host, BankHost)


def test_happy_path_links_the_pre_personalised_card(bank: SandboxBank, host: SandboxHost) -> None:
    link = issue(host)
    assert link.pan == "6222020000000015" and link.card_uid == "04A1B2C3D4E5F6"
    row = bank.conn.execute("SELECT state, account_id FROM cards WHERE card_id = ?",
                            (link.card_id,)).fetchone()
    assert tuple(row) == ("linked", link.account_id)
    assert host.report_card(link.card_id, "delivered", "s-report").state == "delivered"
    assert host.lookup_customer(*ZHANG, "again").products == ("debit",)


@pytest.mark.parametrize("name", ["zhang san", "  Zhang   San ", "ZHANG<<SAN", "ZhangSan"])
def test_names_compare_case_and_space_insensitively(host: SandboxHost, name: str) -> None:
    assert host.lookup_customer(ZHANG[0], name, "k").customer_id == "CUS0001"


@pytest.mark.parametrize(("id_number", "name", "reason"), [
    ("999999999999999999", "NOBODY", Refusal.UNKNOWN_CUSTOMER),
    ("110101199003078515", "ZHANG SHAN", Refusal.NAME_MISMATCH),
    ("310104198512124321", "WANG FANG", Refusal.ID_EXPIRED),
    ("510105199512120022", "LIU YANG", Refusal.CUSTOMER_BLOCKED),
])
def test_lookup_refusals(host: SandboxHost, id_number: str, name: str, reason: Refusal) -> None:
    with _refused(reason):
        host.lookup_customer(id_number, name, "k")


def test_under_age_and_already_holds_and_unknown_product(host: SandboxHost) -> None:
    minor = host.lookup_customer("440305201605056789", "LI XIAOMING", "k1")
    with _refused(Refusal.UNDER_AGE):
        host.open_account(minor.customer_id, "debit", "k2")
    assert host.open_account(minor.customer_id, "savings", "k3").product == "savings"
    chen = host.lookup_customer("320102197807071111", "CHEN JING", "k4")
    assert chen.products == ("debit",)
    with _refused(Refusal.ALREADY_HOLDS_PRODUCT):
        host.open_account(chen.customer_id, "debit", "k5")
    with _refused(Refusal.PRODUCT_UNKNOWN):
        host.open_account(chen.customer_id, "gold-card", "k6")
    with _refused(Refusal.UNKNOWN_CUSTOMER):
        host.open_account("CUS9999", "debit", "k7")


def test_issuance_and_link_refusals(bank: SandboxBank, host: SandboxHost) -> None:
    c = host.lookup_customer(*ZHANG, "k1")
    acc = host.open_account(c.customer_id, "debit", "k2")
    with _refused(Refusal.ACCOUNT_UNKNOWN):
        host.approve_issuance("ACC-NOPE", "debit", "k3")
    with _refused(Refusal.PRODUCT_MISMATCH):
        host.approve_issuance(acc.account_id, "savings", "k4")
    with _refused(Refusal.NOT_APPROVED):
        host.link_card(acc.account_id, "04A1B2C3D4E5F6", "k5")
    host.approve_issuance(acc.account_id, "debit", "k6")
    link = host.link_card(acc.account_id, "04A1B2C3D4E5F6", "k7")
    with _refused(Refusal.ALREADY_HOLDS_PRODUCT):  # one active card per account
        host.approve_issuance(acc.account_id, "debit", "k8")
    # another customer's issuance cannot take the same chip
    z = host.lookup_customer("330106200001010033", "ZHAO LEI", "z1")
    zacc = host.open_account(z.customer_id, "debit", "z2")
    host.approve_issuance(zacc.account_id, "debit", "z3")
    with _refused(Refusal.CARD_ALREADY_LINKED):
        host.link_card(zacc.account_id, link.card_uid.lower(), "z4")
    with _refused(Refusal.CARD_UNKNOWN):
        host.report_card("CRD-NOPE", "delivered", "z5")
    host.report_card(link.card_id, "delivered", "k9")
    with _refused(Refusal.BAD_STATE_CHANGE):
        host.report_card(link.card_id, "undelivered", "k10")
    with _refused(Refusal.BAD_REQUEST):
        host.link_card(zacc.account_id, "not-hex", "z6")


def test_an_unknown_chip_gets_a_fresh_luhn_pan_kept_for_good(bank: SandboxBank,
                                                              host: SandboxHost) -> None:
    link = issue(host, uid="0455667788AABB")
    assert link.pan.startswith("622202") and len(link.pan) == 16 and luhn_ok(link.pan)
    assert link.pan not in {"6222020000000015", "6222020000000023"}
    host.reverse("s-link", "undo-link")  # back to stock, same PAN when linked again
    again = host.link_card(link.account_id, "0455667788aabb", "relink")
    assert (again.card_id, again.pan) == (link.card_id, link.pan)
    assert bank.count("cards") == 6


def test_same_key_twice_gives_one_account_and_one_link(bank: SandboxBank,
                                                       host: SandboxHost) -> None:
    c = host.lookup_customer(*ZHANG, "k1")
    accounts_before = bank.count("accounts")
    a1 = host.open_account(c.customer_id, "debit", "open-1")
    a2 = host.open_account(c.customer_id, "debit", "open-1")
    assert a1 == a2 and bank.count("accounts") == accounts_before + 1
    host.approve_issuance(a1.account_id, "debit", "apr-1")
    host.approve_issuance(a1.account_id, "debit", "apr-1")
    assert bank.count("approvals") == 1
    l1 = host.link_card(a1.account_id, "04A1B2C3D4E5F6", "link-1")
    l2 = host.link_card(a1.account_id, "04A1B2C3D4E5F6", "link-1")
    assert l1 == l2
    linked = bank.conn.execute("SELECT COUNT(*) FROM cards WHERE account_id = ?",
                               (a1.account_id,)).fetchone()[0]
    assert linked == 1


def test_concurrent_retries_of_one_key_open_one_account(bank: SandboxBank,
                                                        host: SandboxHost) -> None:
    c = host.lookup_customer(*ZHANG, "k1")
    before = bank.count("accounts")
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: host.open_account(c.customer_id, "debit", "race"),
                                range(16)))
    assert len(set(results)) == 1 and bank.count("accounts") == before + 1


def test_a_refusal_is_replayed_too(host: SandboxHost) -> None:
    with _refused(Refusal.ID_EXPIRED):
        host.lookup_customer("310104198512124321", "WANG FANG", "k")
    with _refused(Refusal.ID_EXPIRED):
        host.lookup_customer("310104198512124321", "WANG FANG", "k")


def test_same_key_other_arguments_is_a_conflict(bank: SandboxBank, host: SandboxHost) -> None:
    c = host.lookup_customer(*ZHANG, "k1")
    host.open_account(c.customer_id, "debit", "open-1")
    before = bank.count("accounts")
    with _refused(Refusal.IDEMPOTENCY_CONFLICT):
        host.open_account(c.customer_id, "savings", "open-1")
    with _refused(Refusal.IDEMPOTENCY_CONFLICT):  # another operation under the same key
        host.lookup_customer(*ZHANG, "open-1")
    assert bank.count("accounts") == before


def test_keys_are_scoped_to_the_kiosk(bank: SandboxBank) -> None:
    a, b = bank.host("KIOSK-A"), bank.host("KIOSK-B")
    c = a.lookup_customer(*ZHANG, "k1")
    a.open_account(c.customer_id, "debit", "open")
    assert a.open_account(c.customer_id, "debit", "open")  # A's retry: replayed
    with _refused(Refusal.ALREADY_HOLDS_PRODUCT):  # B's "open" is another request
        b.open_account(c.customer_id, "debit", "open")


def test_reversal_unwinds_in_order(bank: SandboxBank, host: SandboxHost) -> None:
    link = issue(host)
    with _refused(Refusal.BAD_STATE_CHANGE):  # the link stands on the account
        host.reverse("s-open", "r-open-early")
    r = host.reverse("s-link", "r-link")
    assert (r.operation, r.undone) == ("link_card", True)
    assert host.reverse("s-link", "r-link") == r  # the reversal is idempotent too
    with _refused(Refusal.NOTHING_TO_REVERSE):
        host.reverse("s-link", "r-link-2")
    with _refused(Refusal.REVERSED):  # a late retry of the reversed step
        host.link_card(link.account_id, link.card_uid, "s-link")
    assert host.reverse("s-approve", "r-approve").undone
    assert host.reverse("s-open", "r-open").undone
    with _refused(Refusal.ACCOUNT_CLOSED):
        host.approve_issuance(link.account_id, "debit", "late-approval")
    with _refused(Refusal.NOTHING_TO_REVERSE):
        host.reverse("r-open", "r-r-open")
    assert host.reverse("s-lookup", "r-lookup").undone is False
    acc = bank.conn.execute("SELECT state FROM accounts WHERE account_id = ?",
                            (link.account_id,)).fetchone()[0]
    card = bank.conn.execute("SELECT state, account_id FROM cards WHERE card_id = ?",
                             (link.card_id,)).fetchone()
    assert acc == "closed" and tuple(card) == ("stock", None)
    # the customer can start again (a new flow, new keys)
    again = issue(host, prefix="t")
    assert again.pan == link.pan and again.account_id != link.account_id


def test_reversing_a_step_that_never_arrived_blocks_its_key(bank: SandboxBank,
                                                            host: SandboxHost) -> None:
    c = host.lookup_customer(*ZHANG, "k1")
    r = host.reverse("open-lost", "r1")
    assert (r.operation, r.undone) == (None, False)
    before = bank.count("accounts")
    with _refused(Refusal.REVERSED):
        host.open_account(c.customer_id, "debit", "open-lost")
    assert bank.count("accounts") == before


def test_delivered_card_cannot_be_unlinked(host: SandboxHost) -> None:
    link = issue(host)
    host.report_card(link.card_id, "delivered", "rep")
    with _refused(Refusal.BAD_STATE_CHANGE):
        host.reverse("s-link", "r")
    # ...but the report itself can be reversed (a wrong report), then the link
    assert host.reverse("rep", "r-rep").undone
    assert host.reverse("s-link", "r-link").undone


def test_a_retained_card_is_reported_by_its_chip_uid(host: SandboxHost) -> None:
    link = issue(host)
    assert host.report_card(link.card_uid, "retained", "rep").card_id == link.card_id
    with _refused(Refusal.CARD_NOT_ACTIVE):  # no PIN on a swallowed card
        host.set_pin(link.card_id, bytes(16), "iso4", "pin")
    # a stock chip that jammed is reported by UID (never linked)
    assert host.report_card("04A1B2C3D4E5F8", "undelivered", "rep2").state == "undelivered"
    z = host.lookup_customer("330106200001010033", "ZHAO LEI", "z1")
    acc = host.open_account(z.customer_id, "debit", "z2")
    host.approve_issuance(acc.account_id, "debit", "z3")
    with _refused(Refusal.CARD_NOT_ACTIVE):  # the jammed chip is not stock any more
        host.link_card(acc.account_id, "04A1B2C3D4E5F8", "z4")


# -- PINs and keys ----------------------------------------------------------------------


@pytest.mark.parametrize("algorithm", ["AES", "TDES"])
def test_working_key_is_wrapped_under_the_master_key(bank: SandboxBank, host: SandboxHost,
                                                     algorithm: str) -> None:
    wk = host.pin_working_key(KIOSK, algorithm)
    assert isinstance(wk, WorkingKey) and wk.algorithm == algorithm and len(wk.kcv) == 3
    clear = clear_pwk(bank, KIOSK, algorithm)
    assert wk.kcv == kcv(clear, aes=algorithm == "AES")
    master = bank.enrol(KIOSK)[algorithm]  # what the key ceremony loaded into the PIN pad
    assert unwrap_key(master, wk.wrapped, algorithm) == clear
    assert wk.wrapped != clear and host.pin_working_key(KIOSK, algorithm) == wk  # stable


def test_working_key_refusals(bank: SandboxBank) -> None:
    stranger = bank.host("KIOSK-NOT-ENROLLED")
    with _refused(Refusal.KIOSK_UNKNOWN):
        stranger.pin_working_key("KIOSK-NOT-ENROLLED")
    link = issue(stranger)  # an unenrolled kiosk may issue, but cannot set a PIN
    with _refused(Refusal.KIOSK_UNKNOWN):
        stranger.set_pin(link.card_id, bytes(16), "iso4", "pin")
    with _refused(Refusal.BAD_REQUEST):  # a kiosk gets only its own key
        bank.host(KIOSK).pin_working_key("KIOSK-DEMO-01")
    with _refused(Refusal.BAD_REQUEST):
        bank.host(KIOSK).pin_working_key(KIOSK, "DES")


def _pvv(bank: SandboxBank, card_id: str) -> str | None:
    row = bank.conn.execute("SELECT pvv FROM pins WHERE card_id = ?", (card_id,)).fetchone()
    return None if row is None else str(row[0])


@pytest.mark.parametrize(("fmt", "algorithm", "build"), [
    ("iso4", "AES", format4),
    ("iso0", "TDES", format0),
])
def test_set_pin_in_both_formats_keeps_only_a_verification_value(
        bank: SandboxBank, host: SandboxHost, fmt: str, algorithm: str, build: object) -> None:
    link = issue(host)
    host.pin_working_key(KIOSK, algorithm)
    key = clear_pwk(bank, KIOSK, algorithm)
    assert callable(build)
    assert host.set_pin(link.card_id, build("2580", link.pan, key), fmt, "pin").card_id
    pvv = _pvv(bank, link.card_id)
    assert pvv == bank.hsm.pin_verification_value(link.pan, "2580")
    assert pvv != bank.hsm.pin_verification_value(link.pan, "2581")
    dump = "\n".join(bank.conn.iterdump())
    assert "2580" not in dump.replace(link.pan, "")  # the PIN is nowhere in the file


def test_set_pin_refuses_wrong_pan_garbled_block_and_simple_pins(
        bank: SandboxBank, host: SandboxHost) -> None:
    link = issue(host)
    host.pin_working_key(KIOSK, "AES")
    host.pin_working_key(KIOSK, "TDES")
    aes, tdes = clear_pwk(bank, KIOSK, "AES"), clear_pwk(bank, KIOSK, "TDES")
    other_pan = "6222020000000023"
    cases = [
        (format4("2580", other_pan, aes), "iso4", Refusal.PIN_BLOCK_INVALID),
        # format 0: a PAN differing in the digits under the F-fill
        (format0("2580", "6222029999999997", tdes), "iso0", Refusal.PIN_BLOCK_INVALID),
        (bytes(16), "iso4", Refusal.PIN_BLOCK_INVALID),
        (format4("2580", link.pan, aes)[:15] + b"\x00", "iso4", Refusal.PIN_BLOCK_INVALID),
        (format4("2580", link.pan, aes)[:8], "iso4", Refusal.PIN_BLOCK_INVALID),
        (format0("2580", link.pan, bytes(range(16))), "iso0", Refusal.PIN_BLOCK_INVALID),
        (format4("1234", link.pan, aes), "iso4", Refusal.PIN_TOO_SIMPLE),
        (format0("7777", link.pan, tdes), "iso0", Refusal.PIN_TOO_SIMPLE),
    ]
    for i, (block, fmt, reason) in enumerate(cases):
        with _refused(reason):
            host.set_pin(link.card_id, block, fmt, f"pin-{i}")
    assert _pvv(bank, link.card_id) is None
    with _refused(Refusal.BAD_REQUEST):
        host.set_pin(link.card_id, format4("2580", link.pan, aes), "iso9", "pin-x")
    with _refused(Refusal.CARD_UNKNOWN):
        host.set_pin("CRD-NOPE", format4("2580", link.pan, aes), "iso4", "pin-y")


def test_set_pin_before_the_working_key_and_its_reversal(bank: SandboxBank,
                                                         host: SandboxHost) -> None:
    link = issue(host)
    with _refused(Refusal.KEY_UNKNOWN):
        host.set_pin(link.card_id, bytes(16), "iso4", "pin-0")
    host.pin_working_key(KIOSK, "AES")
    aes = clear_pwk(bank, KIOSK, "AES")
    host.set_pin(link.card_id, format4("2580", link.pan, aes), "iso4", "pin-1")
    first = _pvv(bank, link.card_id)
    host.set_pin(link.card_id, format4("3691", link.pan, aes), "iso4", "pin-2")
    assert _pvv(bank, link.card_id) != first
    assert host.reverse("pin-2", "r-pin-2").undone
    assert _pvv(bank, link.card_id) == first
    assert host.reverse("pin-1", "r-pin-1").undone
    assert _pvv(bank, link.card_id) is None


# -- the file ---------------------------------------------------------------------------


def test_the_file_survives_a_reopen(tmp_path: Path) -> None:
    path = tmp_path / "bank.sqlite"
    b1 = SandboxBank(path, today=lambda: TODAY)
    link = issue(b1.host(KIOSK))
    b1.close()
    b2 = SandboxBank(path, today=lambda: TODAY)
    try:
        assert b2.found_version == 1
        assert issue(b2.host(KIOSK)) == link  # every step replayed from the stored keys
        assert b2.count("customers") == 8
    finally:
        b2.close()


def test_a_newer_file_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "bank.sqlite"
    SandboxBank(path).close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(NewerSchemaError):
        SandboxBank(path)


def test_bad_request_ids_and_kiosk_ids(bank: SandboxBank) -> None:
    host = bank.host(KIOSK)
    for key in ("", "has space", "x" * 129):
        with _refused(Refusal.BAD_REQUEST):
            host.lookup_customer(*ZHANG, key)
    with _refused(Refusal.BAD_REQUEST):
        bank.host("bad kiosk!").lookup_customer(*ZHANG, "k")
    assert bank.count("idempotency") == 0


def test_every_refusal_reason_is_exercised_somewhere() -> None:
    """A reason no test triggers is a reason nobody knows works."""
    text = "".join(p.read_text() for p in Path(__file__).parent.glob("test_*.py"))
    missing = [r.name for r in Refusal if f"Refusal.{r.name}" not in text]
    assert not missing


def test_set_pin_compares_the_confirmation_at_the_host(bank: SandboxBank,
                                                      host: SandboxHost) -> None:
    """The kiosk cannot read PIN blocks: the host decodes both entries and compares them."""
    link = issue(host)
    host.pin_working_key(KIOSK, "AES")
    aes = clear_pwk(bank, KIOSK, "AES")
    with _refused(Refusal.PIN_MISMATCH):
        host.set_pin(link.card_id, format4("2580", link.pan, aes), "iso4", "pin-1",
                     confirm_block=format4("2581", link.pan, aes))
    assert _pvv(bank, link.card_id) is None
    # Format 4 blocks of the same PIN differ (random fill), yet they match.
    assert host.set_pin(link.card_id, format4("2580", link.pan, aes), "iso4", "pin-2",
                        confirm_block=format4("2580", link.pan, aes)).card_id
    assert _pvv(bank, link.card_id) == bank.hsm.pin_verification_value(link.pan, "2580")


def test_an_ocr_slip_in_the_name_is_forgiven_only_with_the_checked_birth_date(
        host: SandboxHost) -> None:
    """The MRZ's check digits cover the ID number and the birth date, not the name: with
    the birth date agreeing, one misread letter per word passes; without it, or with two,
    the name must match."""
    assert host.lookup_customer("D23145890", "COLLINS EILFEN MARIE", "n-1",
                                birth_date="1956-11-19").name == "COLLINS EILEEN MARIE"
    with _refused(Refusal.NAME_MISMATCH):
        host.lookup_customer("D23145890", "COLLINS EILFEN MARIE", "n-2")
    with _refused(Refusal.NAME_MISMATCH):
        host.lookup_customer("D23145890", "COLLINS EILFFN MARIE", "n-3", birth_date="1956-11-19")
    with _refused(Refusal.NAME_MISMATCH):  # the same name, another birth date
        host.lookup_customer("D23145890", "COLLINS EILEEN MARIE", "n-4", birth_date="1956-11-18")
    with _refused(Refusal.NAME_MISMATCH):  # a different person's name entirely
        host.lookup_customer("D23145890", "SMITH JOHN PAUL", "n-5", birth_date="1956-11-19")
