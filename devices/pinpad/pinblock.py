"""ISO 9564-1 PIN blocks (formats 0 and 4), key check values and key wrapping. No I/O.

This is what the encrypting PIN pad computes inside its secure boundary, and what the
bank's HSM (or our HSM sandbox) does on the other side: ``decode_*`` validates the
control nibble, the PIN length (4..12) and the fill, and raises :class:`PinBlockError`.

- Format 0 (8 bytes, TDES): PIN field ``0 N PIN F…F`` XOR PAN field ``0000`` + the 12
  rightmost PAN digits excluding the check digit, then TDES-ECB under the PIN key.
- Format 4 (16 bytes, AES, ISO 9564-1:2017): PIN field ``4 N PIN A…A`` (16 nibbles) + 8
  random bytes; PAN field ``M PAN 0…0`` (M = PAN length − 12; a PAN shorter than 12
  digits is left-padded with zeros to 12, M = 0). Block = AES(k, AES(k, PIN field) XOR
  PAN field).
- KCV: first 3 bytes of encrypting a zero block (8 bytes TDES, 16 bytes AES).
- Key wrapping: a working key encrypted under the master key by ECB.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Literal

from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

Algorithm = Literal["TDES", "AES"]
ALGORITHMS: tuple[Algorithm, ...] = ("TDES", "AES")

PIN_MIN, PIN_MAX = 4, 12
PAN_MAX = 19


class PinBlockError(ValueError):
    """A PIN, PAN, key or PIN block that is not valid for the format asked for."""


# -- ciphers ---------------------------------------------------------------------------


def _check_key(key: bytes, algorithm: str) -> None:
    if not isinstance(key, (bytes, bytearray)):
        raise PinBlockError(f"key must be bytes, not {type(key).__name__}")
    if algorithm == "TDES":
        if len(key) not in (16, 24):
            raise PinBlockError(f"a TDES key is 16 or 24 bytes, not {len(key)}")
    elif algorithm == "AES":
        if len(key) not in (16, 24, 32):
            raise PinBlockError(f"an AES key is 16, 24 or 32 bytes, not {len(key)}")
    else:
        raise PinBlockError(f"algorithm must be TDES or AES, not {algorithm!r}")


def _cipher(key: bytes, algorithm: str) -> Cipher[modes.ECB]:
    _check_key(key, algorithm)
    if algorithm == "TDES":
        k = bytes(key)
        # A 2-key TDES key K1|K2 is the 3-key K1|K2|K1 (cryptography deprecates 16 bytes).
        return Cipher(TripleDES(k + k[:8] if len(k) == 16 else k), modes.ECB())
    return Cipher(algorithms.AES(bytes(key)), modes.ECB())


def block_size(algorithm: str) -> int:
    if algorithm not in ALGORITHMS:
        raise PinBlockError(f"algorithm must be TDES or AES, not {algorithm!r}")
    return 8 if algorithm == "TDES" else 16


def ecb_encrypt(key: bytes, data: bytes, algorithm: str) -> bytes:
    if len(data) % block_size(algorithm):
        raise PinBlockError(f"{algorithm} data must be whole blocks, not {len(data)} bytes")
    enc = _cipher(key, algorithm).encryptor()
    return enc.update(bytes(data)) + enc.finalize()


def ecb_decrypt(key: bytes, data: bytes, algorithm: str) -> bytes:
    if len(data) % block_size(algorithm):
        raise PinBlockError(f"{algorithm} data must be whole blocks, not {len(data)} bytes")
    dec = _cipher(key, algorithm).decryptor()
    return dec.update(bytes(data)) + dec.finalize()


def _xor(a: bytes, b: bytes) -> bytes:
    return bytes(x ^ y for x, y in zip(a, b, strict=True))


# -- PIN and PAN checks ----------------------------------------------------------------


def _check_pin(pin: str) -> None:
    if not isinstance(pin, str) or not pin.isascii() or not pin.isdigit():
        raise PinBlockError("the PIN must be decimal digits")
    if not PIN_MIN <= len(pin) <= PIN_MAX:
        raise PinBlockError(f"the PIN must have {PIN_MIN}..{PIN_MAX} digits, not {len(pin)}")


def _check_pan(pan: str, minimum: int) -> None:
    if not isinstance(pan, str) or not pan.isascii() or not pan.isdigit():
        raise PinBlockError("the PAN must be decimal digits")
    if not minimum <= len(pan) <= PAN_MAX:
        raise PinBlockError(f"the PAN must have {minimum}..{PAN_MAX} digits, not {len(pan)}")


# -- format 0 --------------------------------------------------------------------------


def pan_field_format0(pan: str) -> bytes:
    """``0000`` + the 12 rightmost PAN digits excluding the check digit."""
    _check_pan(pan, 13)
    return bytes.fromhex("0000" + pan[-13:-1])


def pin_field_format0(pin: str) -> bytes:
    _check_pin(pin)
    return bytes.fromhex(f"0{len(pin):X}{pin}".ljust(16, "F"))


def clear_format0(pin: str, pan: str) -> bytes:
    """The plain format 0 block (PIN field XOR PAN field), before encryption."""
    return _xor(pin_field_format0(pin), pan_field_format0(pan))


def encode_format0(pin: str, pan: str, key: bytes) -> bytes:
    """The 8-byte ISO format 0 PIN block, TDES-ECB encrypted under ``key``."""
    return ecb_encrypt(key, clear_format0(pin, pan), "TDES")


def _pin_from_field(nibbles: str, control: str, fill: str | None) -> str:
    """Check a PIN field's control nibble, length, digits and fill (None: any fill)."""
    if nibbles[0] != control:
        raise PinBlockError(f"not a format {control} PIN block (control nibble {nibbles[0]})")
    n = int(nibbles[1], 16)
    if not PIN_MIN <= n <= PIN_MAX:
        raise PinBlockError(f"PIN length {n} is outside {PIN_MIN}..{PIN_MAX}")
    pin = nibbles[2 : 2 + n]
    if not pin.isdigit():
        raise PinBlockError("PIN field holds a non-decimal PIN digit")
    rest = nibbles[2 + n :]
    if fill is not None and rest != fill * len(rest):
        raise PinBlockError(f"PIN field fill is not all {fill}")
    return pin


def decode_format0(block: bytes, pan: str, key: bytes) -> str:
    """The PIN inside an encrypted format 0 block (what the bank's HSM does)."""
    if not isinstance(block, (bytes, bytearray)) or len(block) != 8:
        raise PinBlockError("a format 0 PIN block is 8 bytes")
    clear = _xor(ecb_decrypt(key, bytes(block), "TDES"), pan_field_format0(pan))
    return _pin_from_field(clear.hex().upper(), "0", "F")


# -- format 4 --------------------------------------------------------------------------


def pan_field_format4(pan: str) -> bytes:
    """M (PAN length − 12, one nibble), the PAN (at least 12 digits, zero-padded on the
    left), then ``0`` to 16 bytes."""
    _check_pan(pan, 1)
    m = max(len(pan) - 12, 0)
    return bytes.fromhex(f"{m:X}{pan.rjust(12, '0')}".ljust(32, "0"))


def pin_field_format4(pin: str, rand: Callable[[int], bytes] = os.urandom) -> bytes:
    """``4 N PIN A…A`` (8 bytes) followed by 8 random bytes."""
    _check_pin(pin)
    tail = rand(8)
    if len(tail) != 8:
        raise PinBlockError("rand(8) must return 8 bytes")
    return bytes.fromhex(f"4{len(pin):X}{pin}".ljust(16, "A")) + bytes(tail)


def encode_format4(pin: str, pan: str, key: bytes,
                   rand: Callable[[int], bytes] = os.urandom) -> bytes:
    """The 16-byte ISO format 4 PIN block under the AES key ``key``."""
    pin_field = pin_field_format4(pin, rand)
    pan_field = pan_field_format4(pan)
    inner = ecb_encrypt(key, pin_field, "AES")
    return ecb_encrypt(key, _xor(inner, pan_field), "AES")


def decode_format4(block: bytes, pan: str, key: bytes) -> str:
    """The PIN inside an encrypted format 4 block (what the bank's HSM does)."""
    if not isinstance(block, (bytes, bytearray)) or len(block) != 16:
        raise PinBlockError("a format 4 PIN block is 16 bytes")
    inner = _xor(ecb_decrypt(key, bytes(block), "AES"), pan_field_format4(pan))
    pin_field = ecb_decrypt(key, inner, "AES")
    return _pin_from_field(pin_field[:8].hex().upper(), "4", "A")


# -- key check values and wrapping -------------------------------------------------------


def kcv(key: bytes, algorithm: Algorithm | str) -> bytes:
    """Key check value: the first 3 bytes of ``key`` encrypting a zero block."""
    return ecb_encrypt(key, bytes(block_size(algorithm)), algorithm)[:3]


def wrap_key(master: bytes, key: bytes, algorithm: Algorithm | str) -> bytes:
    """``key`` encrypted under ``master`` by ECB (both keys of ``algorithm``)."""
    _check_key(key, algorithm)
    return ecb_encrypt(master, bytes(key), algorithm)


def unwrap_key(master: bytes, wrapped: bytes, algorithm: Algorithm | str) -> bytes:
    """The clear key inside ``wrapped`` (see :func:`wrap_key`)."""
    key = ecb_decrypt(master, bytes(wrapped), algorithm)
    _check_key(key, algorithm)
    return key


__all__ = ["ALGORITHMS", "Algorithm", "PinBlockError", "clear_format0", "decode_format0",
           "decode_format4", "encode_format0", "encode_format4", "kcv", "pan_field_format0",
           "pan_field_format4", "pin_field_format0", "pin_field_format4", "unwrap_key",
           "wrap_key"]
