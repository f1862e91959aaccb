from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from o2o_sync import signing

SECRET = "s3cret-for-tests"


@given(st.binary(max_size=2048), st.integers(min_value=0, max_value=10**11))
def test_sign_verify_round_trip(body: bytes, t: int) -> None:
    header = signing.sign(SECRET, body, t)
    assert signing.verify(SECRET, body, header, now=t) == t


@given(st.binary(min_size=1, max_size=512), st.integers(min_value=0, max_value=511))
def test_any_changed_byte_is_refused(body: bytes, pos: int) -> None:
    header = signing.sign(SECRET, body, 1000)
    i = pos % len(body)
    tampered = body[:i] + bytes([body[i] ^ 0x01]) + body[i + 1 :]
    with pytest.raises(signing.SignatureError, match="does not match"):
        signing.verify(SECRET, tampered, header, now=1000)


def test_wrong_secret_and_tolerance() -> None:
    header = signing.sign(SECRET, b"{}", 1000)
    with pytest.raises(signing.SignatureError, match="does not match"):
        signing.verify("another-secret", b"{}", header, now=1000)
    assert signing.verify(SECRET, b"{}", header, now=1300) == 1000
    with pytest.raises(signing.SignatureError, match="outside tolerance"):
        signing.verify(SECRET, b"{}", header, now=1301)
    with pytest.raises(signing.SignatureError, match="outside tolerance"):
        signing.verify(SECRET, b"{}", header, now=699)  # from the future: clock skew too


def test_rotation_any_v1_may_match() -> None:
    good = signing.sign(SECRET, b"x", 5).split("v1=")[1]
    header = f"t=5,v1={'0' * 64},v1={good},v0=ignored"
    assert signing.verify(SECRET, b"x", header, now=5) == 5


@pytest.mark.parametrize(
    "header,msg",
    [
        ("", "missing"),
        ("garbage", "malformed signature element"),
        ("t=abc,v1=" + "0" * 64, "timestamp"),
        ("v1=" + "0" * 64, "no timestamp"),
        ("t=5", "no v1"),
        ("t=5,v1=xyz", "malformed v1"),
        ("t=5,v1=" + "0" * 64 + "," * 2000, "too long"),
    ],
)
def test_malformed_headers(header: str, msg: str) -> None:
    with pytest.raises(signing.SignatureError, match=msg):
        signing.verify(SECRET, b"{}", header, now=5)


@given(st.text(max_size=300))
def test_parser_never_crashes(header: str) -> None:
    try:
        signing.parse_header(header)
    except signing.SignatureError:
        pass
