"""PIN blocks built here with ``cryptography`` directly (ISO 9564-1), independent of the
codec the sandbox uses, so a test can tell a wrong decoder from a wrong block."""

from __future__ import annotations

import os

from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes


def _ecb(key: bytes, data: bytes, aes: bool) -> bytes:
    alg = algorithms.AES(key) if aes else TripleDES(key + key[:8])  # 2-key TDES: K1 K2 K1
    enc = Cipher(alg, modes.ECB()).encryptor()
    return enc.update(data) + enc.finalize()


def _xor(a: bytes, b: bytes) -> bytes:
    return bytes(x ^ y for x, y in zip(a, b, strict=True))


def format0(pin: str, pan: str, key: bytes) -> bytes:
    """Format 0: 0|N|PIN|F-fill XOR 0000|12 rightmost PAN digits without the check digit."""
    pin_field = bytes.fromhex(f"0{len(pin):X}{pin}".ljust(16, "F"))
    pan_field = bytes.fromhex("0000" + pan[-13:-1])
    return _ecb(key, _xor(pin_field, pan_field), aes=False)


def format4(pin: str, pan: str, key: bytes, rand: bytes | None = None) -> bytes:
    """Format 4: AES(k, AES(k, pin field) XOR pan field)."""
    pin_field = bytes.fromhex(f"4{len(pin):X}{pin}".ljust(16, "A")) + (rand or os.urandom(8))
    pan_field = bytes.fromhex((f"{len(pan) - 12:X}" + pan).ljust(32, "0"))
    return _ecb(key, _xor(_ecb(key, pin_field, aes=True), pan_field), aes=True)


def kcv(key: bytes, aes: bool) -> bytes:
    return _ecb(key, bytes(16 if aes else 8), aes)[:3]
