"""ISO 9564-1 PIN blocks, KCVs and key wrapping: published vectors, then properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devices.pinpad import pinblock
from devices.pinpad.pinblock import (
    PinBlockError,
    decode_format0,
    decode_format4,
    encode_format0,
    encode_format4,
    kcv,
    unwrap_key,
    wrap_key,
)

TDES_KEY = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")

pins = st.text("0123456789", min_size=4, max_size=12)
pans = st.text("0123456789", min_size=13, max_size=19)
short_pans = st.text("0123456789", min_size=1, max_size=19)
tdes_keys = st.binary(min_size=16, max_size=16) | st.binary(min_size=24, max_size=24)
aes_keys = st.binary(min_size=16, max_size=16)


# -- published vectors ------------------------------------------------------------------

@pytest.mark.parametrize(("pin", "pan", "clear"), [
    # Wikipedia / EFTlab ISO 9564 example
    ("1234", "43219876543210987", "0412AC89ABCDEF67"),
    # psec (python payment security) test vectors for ISO format 0
    ("1234", "5555555551234567", "041261AAAAEDCBA9"),
    ("123456789", "5555555551234567", "091261032D8DCBA9"),
    ("1234567890", "5555555551234567", "0A1261032D82CBA9"),
    ("123456789012", "5555555551234567", "0C1261032D8226A9"),
])
def test_format0_plain_block_vectors(pin: str, pan: str, clear: str) -> None:
    assert pinblock.clear_format0(pin, pan).hex().upper() == clear
    # and through the cipher: the block decrypts to that plain block
    block = encode_format0(pin, pan, TDES_KEY)
    assert pinblock.ecb_decrypt(TDES_KEY, block, "TDES").hex().upper() == clear
    assert decode_format0(block, pan, TDES_KEY) == pin


def test_tdes_known_answer() -> None:
    # The classic DES vector ("Now is t" under 0123456789ABCDEF); K1 = K2 TDES is DES.
    key = bytes.fromhex("0123456789ABCDEF") * 2
    out = pinblock.ecb_encrypt(key, bytes.fromhex("4E6F772069732074"), "TDES")
    assert out.hex().upper() == "3FA40E8A984D4815"


def test_format4_ep2_vector() -> None:
    # ep2 eft/pos 2000 Security Specification 8.0.0, 8.4 (as quoted by psec's tests)
    key = bytes.fromhex("C1D0F8FB4958670DBA40AB1F3752EF0D")
    block = bytes.fromhex("CC17F65586BFD0953010226C4FC5B3CA")
    assert decode_format4(block, "432198765432109870", key) == "1234"


def test_format4_deterministic_vectors() -> None:
    key = bytes.fromhex("00112233445566778899AABBCCDDEEFF")
    block = encode_format4("1234", "1234567890123456789", key, rand=lambda n: b"\xff" * n)
    assert block.hex().upper() == "28B41FDDD29B743E93124BD8E32D921E"
    # a PAN shorter than 12 digits
    assert decode_format4(bytes.fromhex("39B69B1B91FE05D48F7EF0D68EB2CBD6"), "1", key) == "123456"


def test_format4_fields_x9_24_3_supplement() -> None:
    # ANSI X9.24-3:2017 supplement (AES PIN block format 4): PIN 1234, PAN 4111111111111111
    assert pinblock.pin_field_format4("1234", lambda n: bytes(n))[:8].hex().upper() == \
        "441234AAAAAAAAAA"
    assert pinblock.pan_field_format4("4111111111111111").hex().upper() == \
        "44111111111111111000000000000000"
    assert pinblock.pan_field_format4("411111111111111").hex().upper().startswith("3411")
    assert pinblock.pan_field_format4("123456789").hex().upper() == \
        "00001234567890000000000000000000"


def test_kcv_vectors() -> None:
    assert kcv(TDES_KEY, "TDES").hex().upper() == "08D7B4"
    # FIPS-197 / NIST: AES-128 of the zero block under the zero key is 66E94BD4…
    assert kcv(bytes(16), "AES").hex().upper() == "66E94B"


def test_wrap_vector_is_ecb() -> None:
    key = bytes.fromhex("0123456789ABCDEF") * 2
    wrapped = wrap_key(key, bytes.fromhex("4E6F7720697320744E6F772069732074"), "TDES")
    assert wrapped.hex().upper() == "3FA40E8A984D4815" * 2


# -- the HSM's checks -------------------------------------------------------------------

def _format0_from_plain(plain_hex: str, pan: str, key: bytes = TDES_KEY) -> bytes:
    plain = bytes(a ^ b for a, b in zip(bytes.fromhex(plain_hex),
                                        pinblock.pan_field_format0(pan), strict=True))
    return pinblock.ecb_encrypt(key, plain, "TDES")


@pytest.mark.parametrize(("field", "words"), [
    ("141234FFFFFFFFFF", "control nibble"),
    ("031234FFFFFFFFFF", "length"),
    ("0D1234567890123F", "length"),
    ("041234FFFFFFFFFE", "fill"),
    ("04123AFFFFFFFFFF", "non-decimal"),
])
def test_decode_format0_refuses(field: str, words: str) -> None:
    pan = "5555555551234567"
    with pytest.raises(PinBlockError, match=words):
        decode_format0(_format0_from_plain(field, pan), pan, TDES_KEY)


def test_decode_format4_refuses_bad_control_and_fill() -> None:
    key = bytes(range(16))
    pan = "4111111111111111"
    for field in ("541234AAAAAAAAAA", "441234AAAAAAAAAB", "431234AAAAAAAAAA"):
        inner = pinblock.ecb_encrypt(key, bytes.fromhex(field) + bytes(8), "AES")
        xored = bytes(a ^ b for a, b in zip(inner, pinblock.pan_field_format4(pan), strict=True))
        with pytest.raises(PinBlockError):
            decode_format4(pinblock.ecb_encrypt(key, xored, "AES"), pan, key)


@pytest.mark.parametrize(("call", "words"), [
    (lambda: encode_format0("123", "4111111111111111", TDES_KEY), "4..12"),
    (lambda: encode_format0("1234567890123", "4111111111111111", TDES_KEY), "4..12"),
    (lambda: encode_format0("12a4", "4111111111111111", TDES_KEY), "digits"),
    (lambda: encode_format0("1234", "411111111111", TDES_KEY), "PAN"),
    (lambda: encode_format0("1234", "4111111111111111", b"short"), "TDES key"),
    (lambda: encode_format4("1234", "", bytes(16)), "PAN"),
    (lambda: encode_format4("1234", "4" * 20, bytes(16)), "PAN"),
    (lambda: decode_format0(b"1234567", "4111111111111111", TDES_KEY), "8 bytes"),
    (lambda: decode_format4(bytes(15), "4111111111111111", bytes(16)), "16 bytes"),
    (lambda: kcv(bytes(16), "DES"), "TDES or AES"),
    (lambda: unwrap_key(TDES_KEY, bytes(12), "TDES"), "whole blocks"),
])
def test_bad_input_is_a_typed_error(call: object, words: str) -> None:
    with pytest.raises(PinBlockError, match=words):
        call()  # type: ignore[operator]


# -- properties -------------------------------------------------------------------------

@given(pins, pans, tdes_keys)
def test_format0_round_trip(pin: str, pan: str, key: bytes) -> None:
    block = encode_format0(pin, pan, key)
    assert len(block) == 8
    assert decode_format0(block, pan, key) == pin


@given(pins, short_pans, aes_keys, st.binary(min_size=8, max_size=8))
def test_format4_round_trip(pin: str, pan: str, key: bytes, tail: bytes) -> None:
    block = encode_format4(pin, pan, key, rand=lambda n: tail)
    assert len(block) == 16
    assert decode_format4(block, pan, key) == pin


@given(pins, short_pans, aes_keys)
def test_format4_is_randomised(pin: str, pan: str, key: bytes) -> None:
    assert encode_format4(pin, pan, key) != encode_format4(pin, pan, key)


@given(st.binary(min_size=8, max_size=8), pans, tdes_keys)
def test_decode_format0_of_any_block_gives_a_pin_or_a_typed_error(
        block: bytes, pan: str, key: bytes) -> None:
    try:
        pin = decode_format0(block, pan, key)
    except PinBlockError:
        return
    assert pin.isdigit() and 4 <= len(pin) <= 12


@given(st.binary(min_size=16, max_size=16), short_pans, aes_keys)
def test_decode_format4_of_any_block_gives_a_pin_or_a_typed_error(
        block: bytes, pan: str, key: bytes) -> None:
    try:
        pin = decode_format4(block, pan, key)
    except PinBlockError:
        return
    assert pin.isdigit() and 4 <= len(pin) <= 12


@given(pins, pans, tdes_keys, tdes_keys)
def test_format0_wrong_pan_or_key_does_not_give_the_pin(pin: str, pan: str, key: bytes,
                                                        other: bytes) -> None:
    block = encode_format0(pin, pan, key)
    if other[:16] != key[:16]:
        try:
            assert decode_format0(block, pan, other) != pin
        except PinBlockError:
            pass


@given(st.sampled_from(["TDES", "AES"]), st.data())
def test_wrap_unwrap_round_trip_and_kcv(algorithm: str, data: st.DataObject) -> None:
    keys = tdes_keys if algorithm == "TDES" else aes_keys
    master, key = data.draw(keys), data.draw(keys)
    wrapped = wrap_key(master, key, algorithm)
    assert wrapped != key or master == key
    assert unwrap_key(master, wrapped, algorithm) == key
    assert len(kcv(key, algorithm)) == 3
