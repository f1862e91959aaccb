"""The sandbox bank's HSM role: per-kiosk master keys, PIN working keys, PIN verification.

Key hierarchy (docs/bank_host.md): each enrolled kiosk has a master key per algorithm (loaded
into its PIN pad at the key ceremony; ``kiosk bank sandbox enrol`` prints it); the PIN working
key is sent to the kiosk enciphered under that master key, with its check value; the PIN pad
enciphers PIN blocks under the working key; the bank deciphers them here and keeps only a PIN
verification value, an HMAC of PAN and PIN under the bank's PIN verification key. A real HSM
holds these keys under its own storage key; the sandbox keeps them in its SQLite file.

The PIN block codec (ISO 9564-1 formats 0 and 4, KCV, key wrapping by ECB under the master
key) is ``devices.pinpad.pinblock``, the same code the PIN pad simulator runs.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import sqlite3

from bank_host.api import BankRefused, PinFormat, Refusal, WorkingKey

ALGORITHMS = ("TDES", "AES")


class Hsm:
    """Keys in the ``keys`` table; callers hold the bank's lock and transaction."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def _key(self, owner: str, role: str, algorithm: str) -> bytes | None:
        row = self.conn.execute(
            "SELECT key FROM keys WHERE owner = ? AND role = ? AND algorithm = ?",
            (owner, role, algorithm),
        ).fetchone()
        return None if row is None else bytes(row[0])

    def _store(self, owner: str, role: str, algorithm: str, key: bytes) -> None:
        from devices.pinpad.pinblock import kcv  # lazily: the HTTP client never loads it

        self.conn.execute(
            "INSERT OR REPLACE INTO keys (owner, role, algorithm, key, kcv) VALUES (?, ?, ?, ?, ?)",
            (owner, role, algorithm, key, kcv(key, algorithm).hex().upper()),
        )

    def enrol(self, kiosk_id: str) -> dict[str, bytes]:
        """Create the kiosk's master keys (both algorithms) unless it has them; returns them."""
        out = {}
        for alg in ALGORITHMS:
            key = self._key(kiosk_id, "master", alg)
            if key is None:
                key = os.urandom(16)
                self._store(kiosk_id, "master", alg, key)
            out[alg] = key
        return out

    def enrolled(self, kiosk_id: str) -> bool:
        return self._key(kiosk_id, "master", "AES") is not None

    def working_key(self, kiosk_id: str, algorithm: str) -> WorkingKey:
        """The kiosk's current PIN working key under its master key (made on first call)."""
        if algorithm not in ALGORITHMS:
            raise BankRefused(Refusal.BAD_REQUEST, f"algorithm must be TDES or AES: {algorithm!r}")
        master = self._key(kiosk_id, "master", algorithm)
        if master is None:
            raise BankRefused(Refusal.KIOSK_UNKNOWN, f"kiosk {kiosk_id!r} is not enrolled")
        pwk = self._key(kiosk_id, "pwk", algorithm)
        if pwk is None:
            pwk = os.urandom(16)
            self._store(kiosk_id, "pwk", algorithm, pwk)
        from devices.pinpad.pinblock import kcv, wrap_key

        return WorkingKey(kiosk_id, algorithm, wrap_key(master, pwk, algorithm),
                          kcv(pwk, algorithm))

    def decode_pin(self, kiosk_id: str, block: bytes, fmt: PinFormat, pan: str) -> str:
        if not self.enrolled(kiosk_id):
            raise BankRefused(Refusal.KIOSK_UNKNOWN, f"kiosk {kiosk_id!r} is not enrolled")
        pwk = self._key(kiosk_id, "pwk", fmt.algorithm)
        if pwk is None:
            raise BankRefused(
                Refusal.KEY_UNKNOWN, f"no {fmt.algorithm} PIN working key issued to {kiosk_id!r}"
            )
        from devices.pinpad.pinblock import PinBlockError, decode_format0, decode_format4

        decode = decode_format0 if fmt is PinFormat.ISO0 else decode_format4
        try:
            pin = decode(block, pan, pwk)
        except PinBlockError as exc:
            raise BankRefused(Refusal.PIN_BLOCK_INVALID, str(exc)) from None
        return pin

    def pin_verification_value(self, pan: str, pin: str) -> str:
        """HMAC-SHA256 of PAN and PIN under the bank's PIN verification key (never the PIN)."""
        pvk = self._key("bank", "pvk", "HMAC")
        if pvk is None:
            pvk = os.urandom(32)
            self.conn.execute(
                "INSERT INTO keys (owner, role, algorithm, key, kcv) VALUES (?, ?, ?, ?, ?)",
                ("bank", "pvk", "HMAC", pvk, hashlib.sha256(pvk).hexdigest()[:6].upper()),
            )
        return hmac.new(pvk, f"{pan}|{pin}".encode(), hashlib.sha256).hexdigest()
