"""Tokens (signed, expiring, role-bound) and coturn REST credentials, as functions."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import stat
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from video_teller.hub import tokens, turn
from video_teller.protocol import Role, Skill

KEY = b"k" * 32


def test_round_trip_and_claims() -> None:
    t = tokens.issue(KEY, role="teller", sub="anna.li", ttl_s=60, name="Anna Li",
                     languages=["zh_CN", "en_US"], skills=["card_issuance"], now=1000)
    c = tokens.verify(KEY, t, role=Role.TELLER, now=1030)
    assert (c.role, c.sub, c.name, c.languages, c.skills) == (
        Role.TELLER, "anna.li", "Anna Li", ("zh_CN", "en_US"), (Skill.CARD_ISSUANCE,))
    assert c.exp - c.iat == 60 and c.expires_in(1030) == 30


@pytest.mark.parametrize(("token", "code"), [
    ("", "malformed"), ("abc", "malformed"), ("a.b.c", "malformed"), ("!!.??", "malformed"),
    ("e30.AAAA", "forged"), ("x" * 5000, "malformed"),
])
def test_refusals(token: str, code: str) -> None:
    with pytest.raises(tokens.TokenError) as err:
        tokens.verify(KEY, token)
    assert err.value.code == code


def test_expired_forged_and_wrong_role() -> None:
    t = tokens.issue(KEY, role="kiosk", sub="k1", ttl_s=10, now=0)
    with pytest.raises(tokens.TokenError) as err:
        tokens.verify(KEY, t, now=10)
    assert err.value.code == "expired"
    with pytest.raises(tokens.TokenError) as err:
        tokens.verify(b"other" * 8, t, now=1)
    assert err.value.code == "forged"
    with pytest.raises(tokens.TokenError) as err:
        tokens.verify(KEY, t, role=Role.TELLER, now=1)
    assert err.value.code == "wrong_role"
    # A correctly signed payload of the wrong shape is malformed, not trusted.
    part = base64.urlsafe_b64encode(b'{"role":"kiosk"}').rstrip(b"=").decode()
    sig = base64.urlsafe_b64encode(
        hmac.new(KEY, part.encode(), hashlib.sha256).digest()).rstrip(b"=").decode()
    with pytest.raises(tokens.TokenError) as err:
        tokens.verify(KEY, f"{part}.{sig}")
    assert err.value.code == "malformed"


@pytest.mark.parametrize("kw", [
    {"sub": ""}, {"sub": "a:b"}, {"sub": "x" * 65}, {"ttl_s": 0}, {"ttl_s": float("nan")},
    {"skills": ["magic"]}, {"languages": ["english please"]}, {"role": "admin"},
])
def test_issue_refuses_bad_arguments(kw: dict[str, object]) -> None:
    args: dict[str, object] = {"role": "kiosk", "sub": "k1", "ttl_s": 60, **kw}
    with pytest.raises(ValueError):
        tokens.issue(KEY, **args)  # type: ignore[arg-type]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_verify_never_crashes_on_garbage(text: str) -> None:
    with pytest.raises(tokens.TokenError):
        tokens.verify(KEY, text)


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 200), st.integers(0, 7))
def test_any_flipped_character_is_refused(pos: int, bit: int) -> None:
    t = tokens.issue(KEY, role="kiosk", sub="k1", ttl_s=60, now=0)
    i = pos % len(t)
    flipped = chr(ord(t[i]) ^ (1 << bit))
    bad = t[:i] + flipped + t[i + 1:]
    if bad != t:
        with pytest.raises(tokens.TokenError):
            tokens.verify(KEY, bad, now=1)


def test_key_file_created_0600_and_reused(tmp_path: Path) -> None:
    path = tmp_path / "secrets" / "hub_token.key"
    key = tokens.load_or_create_key(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600 and len(key) >= 32
    assert tokens.load_or_create_key(path) == key
    path.write_text("short")
    with pytest.raises(ValueError, match="shorter"):
        tokens.load_or_create_key(path)


def test_turn_rest_credentials_match_coturns_formula() -> None:
    user, password = turn.credentials(b"s3cret", "kiosk.k1", ttl_s=600, now=1_700_000_000)
    assert user == "1700000600:kiosk.k1"
    expected = base64.b64encode(hmac.new(b"s3cret", user.encode(), hashlib.sha1).digest())
    assert password == expected.decode()
    servers = turn.ice_servers(["turn:127.0.0.1:3478"], b"s3cret", "t1", 60, now=0)
    assert servers[0].urls == ["turn:127.0.0.1:3478"] and servers[0].username == "60:t1"
    assert turn.ice_servers([], b"s3cret", "t1", 60) == []
    with pytest.raises(ValueError):
        turn.credentials(b"s3cret", "a:b", 60)
    with pytest.raises(ValueError):
        turn.check_urls(["stun:x"])
