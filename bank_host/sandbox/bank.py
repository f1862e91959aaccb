"""The sandbox bank: the core system's rules over its own SQLite file.

:class:`SandboxBank` is thread-safe (one connection, one lock, one ``BEGIN IMMEDIATE``
transaction per request, WAL + ``synchronous=FULL``) and serves many kiosks;
``bank.host(kiosk_id)`` is the :class:`~bank_host.api.BankHost` one kiosk talks to.

Idempotency: each request is stored with its key, a hash of its operation and arguments,
its answer (result or refusal) and what it changed (``effect``, used by reversals), in the
same transaction as the change itself, so a crash never leaves a change without its key.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from bank_host.api import (
    REPORTABLE,
    RESULTS,
    Account,
    Approval,
    BankRefused,
    CardLink,
    CardReport,
    CardState,
    Customer,
    PinFormat,
    PinSet,
    Refusal,
    Reversal,
    WorkingKey,
    from_wire,
    to_wire,
)
from bank_host.sandbox import schema
from bank_host.sandbox.hsm import Hsm

_KEY = re.compile(r"^[\x21-\x7e]{1,128}\Z")  # printable ASCII, no spaces
_KIOSK = re.compile(r"^[A-Za-z0-9._-]{1,64}\Z")
_UID = re.compile(r"^(?:[0-9A-F]{8}|[0-9A-F]{14}|[0-9A-F]{20})\Z")  # 4, 7 or 10-byte chip UID
_STEPS = frozenset(
    {"lookup_customer", "open_account", "approve_issuance", "link_card", "set_pin",
     "report_card", "reverse"}
)


def luhn_digit(payload: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(payload)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return str((10 - total % 10) % 10)


def luhn_ok(pan: str) -> bool:
    return pan.isdigit() and luhn_digit(pan[:-1]) == pan[-1]


def _bad(detail: str) -> BankRefused:
    return BankRefused(Refusal.BAD_REQUEST, detail)


def _text(args: dict[str, Any], name: str, limit: int = 128) -> str:
    value = args.get(name)
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise _bad(f"{name}: expected a non-empty string of at most {limit} characters")
    return value.strip()


def _utc() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _age(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


class SandboxBank:
    """The bank. ``today`` is injectable (ID expiry and age checks)."""

    def __init__(
        self,
        path: str | Path,
        *,
        today: Callable[[], date] = date.today,
        seed: dict[str, Any] | None = None,
    ) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.today = today
        self._lock = threading.Lock()
        self.conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = FULL")
        self.conn.execute("PRAGMA foreign_keys = ON")
        self.conn.execute("PRAGMA busy_timeout = 5000")
        self.found_version = schema.ensure_schema(
            self.conn, seed if seed is not None else schema.load_seed(), _utc()
        )
        self.hsm = Hsm(self.conn)

    def close(self) -> None:
        with self._lock:
            self.conn.close()

    def host(self, kiosk_id: str) -> SandboxHost:
        return SandboxHost(self, kiosk_id)

    # -- the request cycle -------------------------------------------------------------

    def call(self, kiosk_id: str, op: str, args: dict[str, Any], request_id: str) -> Any:
        """Run ``op`` once per (kiosk, request_id); a repeat returns the first answer."""
        if not isinstance(kiosk_id, str) or not _KIOSK.match(kiosk_id):
            raise _bad("kiosk id: 1-64 of A-Z a-z 0-9 . _ -")
        if not isinstance(request_id, str) or not _KEY.match(request_id):
            raise _bad("request_id (Idempotency-Key): 1-128 printable ASCII characters")
        if op not in _STEPS:
            raise _bad(f"unknown operation {op!r}")
        digest = hashlib.sha256(
            json.dumps({"op": op, "args": args}, sort_keys=True).encode()
        ).hexdigest()
        handler: Callable[[str, dict[str, Any], str], tuple[Any, dict[str, Any]]] = getattr(
            self, f"_{op}"
        )
        with self._lock:
            c = self.conn
            c.execute("BEGIN IMMEDIATE")
            try:
                row = c.execute(
                    "SELECT * FROM idempotency WHERE kiosk_id = ? AND key = ?",
                    (kiosk_id, request_id),
                ).fetchone()
                if row is not None:
                    c.execute("COMMIT")
                    return self._replay(row, op, digest)
                try:
                    result, effect = handler(kiosk_id, args, request_id)
                except BankRefused as refused:
                    if refused.reason in (Refusal.BAD_REQUEST, Refusal.IDEMPOTENCY_CONFLICT):
                        raise  # nothing stored for a malformed request
                    c.execute("ROLLBACK")  # anything the handler began goes
                    c.execute("BEGIN IMMEDIATE")
                    self._remember(kiosk_id, request_id, op, digest, "refused",
                                   {"reason": refused.reason.value, "detail": refused.detail}, {})
                    c.execute("COMMIT")
                    raise
                self._remember(kiosk_id, request_id, op, digest, "ok", to_wire(result), effect)
                c.execute("COMMIT")
                return result
            except BaseException:
                if c.in_transaction:
                    c.execute("ROLLBACK")
                raise

    def _remember(self, kiosk_id: str, key: str, op: str, digest: str, outcome: str,
                  response: dict[str, Any], effect: dict[str, Any]) -> None:
        self.conn.execute(
            "INSERT INTO idempotency (kiosk_id, key, operation, request_hash, outcome, response,"
            " effect, created_utc) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (kiosk_id, key, op, digest, outcome, json.dumps(response), json.dumps(effect),
             _utc()),
        )

    @staticmethod
    def _replay(row: sqlite3.Row, op: str, digest: str) -> Any:
        if row["outcome"] == "tombstone":
            raise BankRefused(Refusal.REVERSED, "this step was reversed before it arrived")
        if row["request_hash"] != digest:
            raise BankRefused(
                Refusal.IDEMPOTENCY_CONFLICT,
                f"request_id already used for another {row['operation']} request",
            )
        if row["reversed_by"] is not None and op != "reverse":
            raise BankRefused(Refusal.REVERSED, f"reversed by {row['reversed_by']}")
        response = json.loads(row["response"])
        if row["outcome"] == "refused":
            raise BankRefused(Refusal(response["reason"]), response["detail"])
        return from_wire(RESULTS[op], response)

    # -- operations: each returns (result, effect) inside the request's transaction -----

    def _lookup_customer(self, kiosk: str, args: dict[str, Any], key: str
                         ) -> tuple[Customer, dict[str, Any]]:
        id_number = _text(args, "id_number", 32).upper()
        name = _text(args, "name", 200)
        row = self.conn.execute(
            "SELECT * FROM customers WHERE id_number = ?", (id_number,)
        ).fetchone()
        if row is None:
            raise BankRefused(Refusal.UNKNOWN_CUSTOMER, "no customer with this ID number")
        birth = args.get("birth_date")
        if birth is not None and _text(args, "birth_date", 10) != row["birth_date"]:
            raise BankRefused(Refusal.NAME_MISMATCH, "the birth date does not match the record")
        if schema.name_key(name) != row["name_key"] and not (
                birth is not None and schema.names_close(name, row["name"])):
            raise BankRefused(Refusal.NAME_MISMATCH, "the name does not match the bank's record")
        if date.fromisoformat(row["id_expiry"]) < self.today():
            raise BankRefused(Refusal.ID_EXPIRED, f"the ID expired on {row['id_expiry']}")
        if row["blocked"]:
            raise BankRefused(Refusal.CUSTOMER_BLOCKED, "please see a teller")
        return self._customer(row), {}

    def _customer(self, row: sqlite3.Row) -> Customer:
        products = tuple(
            r[0] for r in self.conn.execute(
                "SELECT DISTINCT product FROM accounts WHERE customer_id = ? AND state = 'open' "
                "ORDER BY product", (row["customer_id"],))
        )
        return Customer(row["customer_id"], row["name"], row["birth_date"], products)

    def _open_account(self, kiosk: str, args: dict[str, Any], key: str
                      ) -> tuple[Account, dict[str, Any]]:
        customer_id = _text(args, "customer_id", 64)
        product = _text(args, "product", 32)
        rule = self.conn.execute(
            "SELECT min_age FROM products WHERE product = ?", (product,)
        ).fetchone()
        if rule is None:
            raise BankRefused(Refusal.PRODUCT_UNKNOWN, f"no product {product!r}")
        cust = self.conn.execute(
            "SELECT * FROM customers WHERE customer_id = ?", (customer_id,)
        ).fetchone()
        if cust is None:
            raise BankRefused(Refusal.UNKNOWN_CUSTOMER, f"no customer {customer_id!r}")
        if cust["blocked"]:
            raise BankRefused(Refusal.CUSTOMER_BLOCKED, "please see a teller")
        if date.fromisoformat(cust["id_expiry"]) < self.today():
            raise BankRefused(Refusal.ID_EXPIRED, f"the ID expired on {cust['id_expiry']}")
        age = _age(date.fromisoformat(cust["birth_date"]), self.today())
        if age < rule["min_age"]:
            raise BankRefused(Refusal.UNDER_AGE, f"{product} needs age {rule['min_age']}+")
        held = self.conn.execute(
            "SELECT account_id FROM accounts WHERE customer_id = ? AND product = ? "
            "AND state = 'open'", (customer_id, product)
        ).fetchone()
        if held is not None:
            raise BankRefused(Refusal.ALREADY_HOLDS_PRODUCT, f"already holds {product}")
        account = Account(self._next_id("ACC", 10), customer_id, product, _utc())
        self.conn.execute(
            "INSERT INTO accounts VALUES (?, ?, ?, 'open', ?, NULL)",
            (account.account_id, customer_id, product, account.opened_utc),
        )
        return account, {"account_id": account.account_id}

    def _next_id(self, prefix: str, digits: int) -> str:
        seq = int(self.conn.execute("SELECT value FROM meta WHERE name = 'next_seq'").fetchone()[0])
        self.conn.execute("UPDATE meta SET value = ? WHERE name = 'next_seq'", (str(seq + 1),))
        return f"{prefix}{seq % 10**digits:0{digits}d}"

    def _open_account_row(self, account_id: str) -> sqlite3.Row:
        acc = self.conn.execute(
            "SELECT * FROM accounts WHERE account_id = ?", (account_id,)
        ).fetchone()
        if acc is None:
            raise BankRefused(Refusal.ACCOUNT_UNKNOWN, f"no account {account_id!r}")
        if acc["state"] != "open":
            raise BankRefused(Refusal.ACCOUNT_CLOSED, f"account {account_id} is closed")
        return acc

    def _approve_issuance(self, kiosk: str, args: dict[str, Any], key: str
                          ) -> tuple[Approval, dict[str, Any]]:
        account_id = _text(args, "account_id", 64)
        product = _text(args, "product", 32)
        acc = self._open_account_row(account_id)
        if acc["product"] != product:
            raise BankRefused(
                Refusal.PRODUCT_MISMATCH, f"account {account_id} is {acc['product']}"
            )
        active = self.conn.execute(
            "SELECT card_id FROM cards WHERE account_id = ? AND state IN ('linked', 'delivered')",
            (account_id,),
        ).fetchone()
        if active is not None:
            raise BankRefused(Refusal.ALREADY_HOLDS_PRODUCT, f"card {active[0]} is active")
        approval = Approval("APR" + uuid.uuid4().hex[:16].upper(), account_id, product)
        self.conn.execute(
            "INSERT INTO approvals VALUES (?, ?, ?, 'open', ?)",
            (approval.approval_id, account_id, product, _utc()),
        )
        return approval, {"approval_id": approval.approval_id}

    def _link_card(self, kiosk: str, args: dict[str, Any], key: str
                   ) -> tuple[CardLink, dict[str, Any]]:
        account_id = _text(args, "account_id", 64)
        uid = _text(args, "card_uid", 20).upper()
        if not _UID.match(uid):
            raise _bad("card_uid: the chip UID in hex (4, 7 or 10 bytes)")
        self._open_account_row(account_id)
        approval = self.conn.execute(
            "SELECT approval_id FROM approvals WHERE account_id = ? AND state = 'open' "
            "ORDER BY created_utc LIMIT 1", (account_id,)
        ).fetchone()
        if approval is None:
            raise BankRefused(Refusal.NOT_APPROVED, f"no standing approval for {account_id}")
        card = self.conn.execute("SELECT * FROM cards WHERE uid = ?", (uid,)).fetchone()
        if card is None:
            card_id, pan = self._new_card(uid)
        elif card["account_id"] is not None:
            raise BankRefused(
                Refusal.CARD_ALREADY_LINKED,
                f"chip {uid} is card {card['card_id']} ({card['state']})",
            )
        elif card["state"] != CardState.STOCK:
            raise BankRefused(Refusal.CARD_NOT_ACTIVE, f"chip {uid} is {card['state']}")
        else:
            card_id, pan = card["card_id"], card["pan"]
        self.conn.execute(
            "UPDATE cards SET account_id = ?, approval_id = ?, state = 'linked', updated_utc = ? "
            "WHERE card_id = ?", (account_id, approval[0], _utc(), card_id),
        )
        self.conn.execute(
            "UPDATE approvals SET state = 'used' WHERE approval_id = ?", (approval[0],)
        )
        return CardLink(card_id, account_id, uid, pan), {
            "card_id": card_id, "approval_id": approval[0]}

    def _new_card(self, uid: str) -> tuple[str, str]:
        """A chip outside the seeded stock: a fresh PAN in the BIN range, stored for good."""
        bin_ = self.conn.execute("SELECT value FROM meta WHERE name = 'bin'").fetchone()[0]
        while True:
            body = self._next_id(bin_, 15 - len(bin_))
            pan = body + luhn_digit(body)
            if self.conn.execute("SELECT 1 FROM cards WHERE pan = ?", (pan,)).fetchone() is None:
                break
        card_id = self._next_id("CRD", 10)
        self.conn.execute(
            "INSERT INTO cards VALUES (?, ?, ?, NULL, NULL, 'stock', ?)",
            (card_id, uid, pan, _utc()),
        )
        return card_id, pan

    def _card(self, ref: str) -> sqlite3.Row:
        row = self.conn.execute(
            "SELECT * FROM cards WHERE card_id = ? OR uid = ?", (ref, ref.upper())
        ).fetchone()
        if row is None:
            raise BankRefused(Refusal.CARD_UNKNOWN, f"no card {ref!r}")
        return row

    def _set_pin(self, kiosk: str, args: dict[str, Any], key: str
                 ) -> tuple[PinSet, dict[str, Any]]:
        card_ref = _text(args, "card_id", 64)
        try:
            block = bytes.fromhex(_text(args, "pin_block", 64))
            fmt = PinFormat(_text(args, "format", 8))
        except ValueError:
            raise _bad("pin_block: hex; format: iso0 or iso4") from None
        card = self._card(card_ref)
        if card["state"] not in (CardState.LINKED, CardState.DELIVERED):
            raise BankRefused(Refusal.CARD_NOT_ACTIVE, f"card is {card['state']}")
        pin = self.hsm.decode_pin(kiosk, block, fmt, card["pan"])
        if args.get("confirm_block") is not None:
            try:
                confirm = bytes.fromhex(_text(args, "confirm_block", 64))
            except ValueError:
                raise _bad("confirm_block: hex") from None
            if self.hsm.decode_pin(kiosk, confirm, fmt, card["pan"]) != pin:
                raise BankRefused(Refusal.PIN_MISMATCH, "the two PIN entries differ")
        if len(set(pin)) == 1 or pin in "01234567890123" or pin in "98765432109876":
            raise BankRefused(Refusal.PIN_TOO_SIMPLE, "choose a PIN that is not a simple run")
        prev = self.conn.execute(
            "SELECT pvv, format, set_utc FROM pins WHERE card_id = ?", (card["card_id"],)
        ).fetchone()
        self.conn.execute(
            "INSERT OR REPLACE INTO pins VALUES (?, ?, ?, ?)",
            (card["card_id"], self.hsm.pin_verification_value(card["pan"], pin), fmt.value,
             _utc()),
        )
        return PinSet(card["card_id"]), {
            "card_id": card["card_id"], "previous": None if prev is None else dict(prev)}

    def _report_card(self, kiosk: str, args: dict[str, Any], key: str
                     ) -> tuple[CardReport, dict[str, Any]]:
        ref = _text(args, "card", 64)
        try:
            state = CardState(_text(args, "state", 16))
        except ValueError:
            state = None
        if state not in REPORTABLE:
            raise _bad(f"state: one of {', '.join(sorted(REPORTABLE))}")
        card = self._card(ref)
        before = CardState(card["state"])
        allowed = {
            CardState.STOCK: {CardState.RETAINED, CardState.UNDELIVERED},
            CardState.LINKED: set(REPORTABLE),
            CardState.UNDELIVERED: {CardState.RETAINED, CardState.UNDELIVERED},
            CardState.RETAINED: {CardState.RETAINED},
            CardState.DELIVERED: {CardState.DELIVERED},
        }[before]
        if state not in allowed:
            raise BankRefused(Refusal.BAD_STATE_CHANGE, f"card is {before}, cannot be {state}")
        self.conn.execute(
            "UPDATE cards SET state = ?, updated_utc = ? WHERE card_id = ?",
            (state.value, _utc(), card["card_id"]),
        )
        return CardReport(card["card_id"], state.value), {
            "card_id": card["card_id"], "previous": before.value}

    def _reverse(self, kiosk: str, args: dict[str, Any], key: str
                 ) -> tuple[Reversal, dict[str, Any]]:
        step = _text(args, "step_request_id", 128)
        if not _KEY.match(step):
            raise _bad("step_request_id: 1-128 printable ASCII characters")
        if step == key:
            raise _bad("a reversal cannot reverse itself")
        row = self.conn.execute(
            "SELECT * FROM idempotency WHERE kiosk_id = ? AND key = ?", (kiosk, step)
        ).fetchone()
        if row is None:
            # Never arrived (or not yet): block the key so a late original is refused.
            self._remember(kiosk, step, "tombstone", "", "tombstone", {}, {})
            self.conn.execute(
                "UPDATE idempotency SET reversed_by = ? WHERE kiosk_id = ? AND key = ?",
                (key, kiosk, step),
            )
            return Reversal(step, None, False), {}
        if row["reversed_by"] is not None:
            raise BankRefused(
                Refusal.NOTHING_TO_REVERSE, f"already reversed by {row['reversed_by']}"
            )
        if row["operation"] == "reverse":
            raise BankRefused(Refusal.NOTHING_TO_REVERSE, "a reversal cannot be reversed")
        effect = json.loads(row["effect"])
        undone = bool(effect) and row["outcome"] == "ok"
        if undone:
            getattr(self, f"_undo_{row['operation']}")(effect)
        self.conn.execute(
            "UPDATE idempotency SET reversed_by = ? WHERE kiosk_id = ? AND key = ?",
            (key, kiosk, step),
        )
        return Reversal(step, row["operation"], undone), {"step": step}

    def _undo_open_account(self, effect: dict[str, Any]) -> None:
        active = self.conn.execute(
            "SELECT card_id FROM cards WHERE account_id = ? AND state IN ('linked', 'delivered')",
            (effect["account_id"],),
        ).fetchone()
        if active is not None:
            raise BankRefused(Refusal.BAD_STATE_CHANGE, f"reverse the link of {active[0]} first")
        self.conn.execute(
            "UPDATE approvals SET state = 'cancelled' WHERE account_id = ? AND state = 'open'",
            (effect["account_id"],),
        )
        self.conn.execute(
            "UPDATE accounts SET state = 'closed', closed_utc = ? WHERE account_id = ?",
            (_utc(), effect["account_id"]),
        )

    def _undo_approve_issuance(self, effect: dict[str, Any]) -> None:
        row = self.conn.execute(
            "SELECT state FROM approvals WHERE approval_id = ?", (effect["approval_id"],)
        ).fetchone()
        if row["state"] == "used":
            raise BankRefused(Refusal.BAD_STATE_CHANGE, "reverse the card link first")
        self.conn.execute(
            "UPDATE approvals SET state = 'cancelled' WHERE approval_id = ?",
            (effect["approval_id"],),
        )

    def _undo_link_card(self, effect: dict[str, Any]) -> None:
        card = self.conn.execute(
            "SELECT state FROM cards WHERE card_id = ?", (effect["card_id"],)
        ).fetchone()
        if card["state"] == CardState.DELIVERED:
            raise BankRefused(Refusal.BAD_STATE_CHANGE, "the customer has the card")
        # A card still in the hopper goes back to stock; a retained or jammed one stays so.
        back = card["state"] if card["state"] in ("retained", "undelivered") else "stock"
        self.conn.execute("DELETE FROM pins WHERE card_id = ?", (effect["card_id"],))
        self.conn.execute(
            "UPDATE cards SET account_id = NULL, approval_id = NULL, state = ?, updated_utc = ? "
            "WHERE card_id = ?", (back, _utc(), effect["card_id"]),
        )
        self.conn.execute(
            "UPDATE approvals SET state = 'open' WHERE approval_id = ? AND state = 'used'",
            (effect["approval_id"],),
        )

    def _undo_set_pin(self, effect: dict[str, Any]) -> None:
        self.conn.execute("DELETE FROM pins WHERE card_id = ?", (effect["card_id"],))
        prev = effect["previous"]
        if prev is not None:
            self.conn.execute(
                "INSERT INTO pins VALUES (?, ?, ?, ?)",
                (effect["card_id"], prev["pvv"], prev["format"], prev["set_utc"]),
            )

    def _undo_report_card(self, effect: dict[str, Any]) -> None:
        self.conn.execute(
            "UPDATE cards SET state = ?, updated_utc = ? WHERE card_id = ?",
            (effect["previous"], _utc(), effect["card_id"]),
        )

    # -- not keyed: key exchange, and the sandbox's own views -----------------------------

    def pin_working_key(self, kiosk_id: str, algorithm: str = "AES") -> WorkingKey:
        if not isinstance(kiosk_id, str) or not _KIOSK.match(kiosk_id):
            raise _bad("kiosk id: 1-64 of A-Z a-z 0-9 . _ -")
        with self._lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                wk = self.hsm.working_key(kiosk_id, algorithm)
                self.conn.execute("COMMIT")
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
        return wk

    def enrol(self, kiosk_id: str) -> dict[str, bytes]:
        """Key ceremony (sandbox only): the kiosk's master keys, created if new."""
        if not _KIOSK.match(kiosk_id):
            raise _bad("kiosk id: 1-64 of A-Z a-z 0-9 . _ -")
        with self._lock:
            self.conn.execute("BEGIN IMMEDIATE")
            keys = self.hsm.enrol(kiosk_id)
            self.conn.execute("COMMIT")
        return keys

    def cards(self) -> list[dict[str, Any]]:
        with self._lock:
            rows = self.conn.execute(
                "SELECT c.card_id, c.uid, c.pan, c.account_id, c.state, c.updated_utc, "
                "p.card_id IS NOT NULL AS pin_set FROM cards c "
                "LEFT JOIN pins p ON p.card_id = c.card_id ORDER BY c.card_id"
            ).fetchall()
        return [
            {"card_id": r["card_id"], "uid": r["uid"],
             "pan_masked": r["pan"][:6] + "*" * (len(r["pan"]) - 10) + r["pan"][-4:],
             "account_id": r["account_id"], "state": r["state"], "pin_set": bool(r["pin_set"]),
             "updated_utc": r["updated_utc"]}
            for r in rows
        ]

    def count(self, table: str) -> int:
        assert table in {"accounts", "cards", "pins", "approvals", "idempotency", "customers"}
        with self._lock:
            return int(self.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


class SandboxHost:
    """One kiosk's view of the sandbox bank: implements :class:`bank_host.api.BankHost`."""

    def __init__(self, bank: SandboxBank, kiosk_id: str) -> None:
        self.bank = bank
        self.kiosk_id = kiosk_id

    def lookup_customer(self, id_number: str, name: str, request_id: str,
                        birth_date: str | None = None) -> Customer:
        args = {"id_number": id_number, "name": name}
        if birth_date is not None:
            args["birth_date"] = birth_date
        result: Customer = self.bank.call(self.kiosk_id, "lookup_customer", args, request_id)
        return result

    def open_account(self, customer_id: str, product: str, request_id: str) -> Account:
        result: Account = self.bank.call(
            self.kiosk_id, "open_account", {"customer_id": customer_id, "product": product},
            request_id)
        return result

    def approve_issuance(self, account_id: str, product: str, request_id: str) -> Approval:
        result: Approval = self.bank.call(
            self.kiosk_id, "approve_issuance", {"account_id": account_id, "product": product},
            request_id)
        return result

    def link_card(self, account_id: str, card_uid: str, request_id: str) -> CardLink:
        result: CardLink = self.bank.call(
            self.kiosk_id, "link_card", {"account_id": account_id, "card_uid": card_uid},
            request_id)
        return result

    def set_pin(self, card_id: str, pin_block: bytes, format: str, request_id: str,
                confirm_block: bytes | None = None) -> PinSet:
        args = {"card_id": card_id, "pin_block": bytes(pin_block).hex(), "format": str(format)}
        if confirm_block is not None:
            args["confirm_block"] = bytes(confirm_block).hex()
        result: PinSet = self.bank.call(self.kiosk_id, "set_pin", args, request_id)
        return result

    def report_card(self, card: str, state: str, request_id: str) -> CardReport:
        result: CardReport = self.bank.call(
            self.kiosk_id, "report_card", {"card": card, "state": str(state)}, request_id)
        return result

    def reverse(self, step_request_id: str, request_id: str) -> Reversal:
        result: Reversal = self.bank.call(
            self.kiosk_id, "reverse", {"step_request_id": step_request_id}, request_id)
        return result

    def pin_working_key(self, kiosk_id: str, algorithm: str = "AES") -> WorkingKey:
        if kiosk_id != self.kiosk_id:  # as over HTTP: a kiosk gets only its own key
            raise _bad(f"kiosk_id {kiosk_id!r} is not this host's kiosk {self.kiosk_id!r}")
        return self.bank.pin_working_key(kiosk_id, algorithm)
