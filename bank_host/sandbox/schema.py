"""The sandbox bank's file and its migrations, keyed by ``PRAGMA user_version``
(framework: :mod:`kiosk_core.migrations`). v1 is the first; when a v2 comes, freeze a v1
file under tests/bank_host/fixtures/ and migrate it in the tests."""

from __future__ import annotations

import json
import sqlite3
from importlib import resources
from typing import Any

from kiosk_core import migrations
from kiosk_core.migrations import Schema

CURRENT_VERSION = 1

V1 = """
CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE products (product TEXT PRIMARY KEY, min_age INTEGER NOT NULL);
CREATE TABLE customers (
    customer_id TEXT PRIMARY KEY,
    id_number TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    id_expiry TEXT NOT NULL,
    blocked INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE accounts (
    account_id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers(customer_id),
    product TEXT NOT NULL REFERENCES products(product),
    state TEXT NOT NULL CHECK (state IN ('open', 'closed')),
    opened_utc TEXT NOT NULL,
    closed_utc TEXT
);
CREATE INDEX idx_accounts_customer ON accounts(customer_id, product, state);
CREATE TABLE approvals (
    approval_id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(account_id),
    product TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('open', 'used', 'cancelled')),
    created_utc TEXT NOT NULL
);
CREATE INDEX idx_approvals_account ON approvals(account_id, state);
CREATE TABLE cards (
    card_id TEXT PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    pan TEXT NOT NULL UNIQUE,
    account_id TEXT REFERENCES accounts(account_id),
    approval_id TEXT,
    state TEXT NOT NULL
        CHECK (state IN ('stock', 'linked', 'delivered', 'retained', 'undelivered')),
    updated_utc TEXT NOT NULL
);
CREATE INDEX idx_cards_account ON cards(account_id);
-- Only a PIN verification value (HMAC of PAN and PIN under the HSM's key), never the PIN.
CREATE TABLE pins (
    card_id TEXT PRIMARY KEY REFERENCES cards(card_id),
    pvv TEXT NOT NULL,
    format TEXT NOT NULL,
    set_utc TEXT NOT NULL
);
CREATE TABLE idempotency (
    kiosk_id TEXT NOT NULL,
    key TEXT NOT NULL,
    operation TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'refused', 'tombstone')),
    response TEXT NOT NULL,
    effect TEXT NOT NULL,
    reversed_by TEXT,
    created_utc TEXT NOT NULL,
    PRIMARY KEY (kiosk_id, key)
);
CREATE TABLE keys (
    owner TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('master', 'pwk', 'pvk')),
    algorithm TEXT NOT NULL,
    key BLOB NOT NULL,
    kcv TEXT NOT NULL,
    PRIMARY KEY (owner, role, algorithm)
);
"""


def names_close(read: str, record: str) -> bool:
    """The same words, each at most one letter different (an OCR slip: EILEEN / EILFEN),
    none shorter than 3 letters changed. Only used when check-digit-covered fields (ID
    number, birth date) already agree."""
    a, b = name_key_words(read), name_key_words(record)
    if len(a) != len(b):
        return False
    for x, y in zip(a, b, strict=True):
        if x == y:
            continue
        if len(x) != len(y) or len(x) < 3 or sum(p != q for p, q in zip(x, y, strict=True)) > 1:
            return False
    return True


def name_key_words(name: str) -> list[str]:
    import unicodedata

    text = unicodedata.normalize("NFKC", name).upper().replace("<", " ")
    return ["".join(ch for ch in w if ch.isalnum()) for w in text.split() if w.strip("<")]


def name_key(name: str) -> str:
    """Names compare case- and space-insensitively, as Latin on the MRZ: ``ZHANG<<SAN``,
    ``Zhang San`` and ``zhang  san`` are one name."""
    import unicodedata

    text = unicodedata.normalize("NFKC", name).upper()
    return "".join(ch for ch in text if ch.isalnum())


def load_seed() -> dict[str, Any]:
    text = resources.files("bank_host.sandbox").joinpath("seed.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _seed(conn: sqlite3.Connection, seed: dict[str, Any], now: str) -> None:
    from bank_host.sandbox.hsm import Hsm

    conn.execute("INSERT INTO meta VALUES ('bin', ?)", (seed["bin"],))
    conn.execute("INSERT INTO meta VALUES ('next_seq', '500000000')")
    for product, rule in seed["products"].items():
        conn.execute("INSERT INTO products VALUES (?, ?)", (product, rule["min_age"]))
    for c in seed["customers"]:
        conn.execute(
            "INSERT INTO customers VALUES (?, ?, ?, ?, ?, ?, ?)",
            (c["customer_id"], c["id_number"], c["name"], name_key(c["name"]),
             c["birth_date"], c["id_expiry"], int(c.get("blocked", False))),
        )
        for a in c.get("accounts", ()):
            conn.execute(
                "INSERT INTO accounts VALUES (?, ?, ?, 'open', ?, NULL)",
                (a["account_id"], c["customer_id"], a["product"], now),
            )
    for i, card in enumerate(seed["cards"], 1):
        conn.execute(
            "INSERT INTO cards VALUES (?, ?, ?, NULL, NULL, 'stock', ?)",
            (f"CRD{i:010d}", card["uid"].upper(), card["pan"], now),
        )
    hsm = Hsm(conn)
    for kiosk in seed["kiosks"]:
        hsm.enrol(kiosk)


def sandbox_schema(seed: dict[str, Any], now: str) -> Schema:
    create = migrations.run_script(V1)

    def fresh(conn: sqlite3.Connection) -> None:
        create(conn)
        _seed(conn, seed, now)

    return Schema(label="sandbox bank", version=CURRENT_VERSION, create=fresh)


def ensure_schema(conn: sqlite3.Connection, seed: dict[str, Any], now: str) -> int:
    return migrations.ensure_schema(conn, sandbox_schema(seed, now))
