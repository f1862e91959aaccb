"""Signed commands: every refusal, the replay list on disk, hostile bytes (no broker)."""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fleet.nonces import NonceStore
from fleet.signing import (
    MAX_COMMAND_BYTES,
    CommandRefused,
    CommandVerifier,
    FleetCommand,
    canonical,
    new_nonce,
    parse_command,
    sign_command,
)

KEY = Ed25519PrivateKey.generate()
NOW = 1_764_662_400.0


def command(**changes: Any) -> FleetCommand:
    fields: dict[str, Any] = {
        "kiosk": "K01", "branch": "Main St", "name": "out_of_service", "function": "*",
        "reason": "dispenser jam 卡住", "issued_at": NOW, "nonce": new_nonce(),
        "issuer": "ops:alice"}
    fields.update(changes)
    return FleetCommand(**fields)


def verifier(tmp_path: Path, key: Any = KEY) -> CommandVerifier:
    return CommandVerifier(key.public_key() if key else None, kiosk="K01", branch="Main St",
                           max_age_s=60, nonces=NonceStore(tmp_path / "nonces.json"))


def refusal(v: CommandVerifier, payload: bytes, now: float = NOW) -> str:
    with pytest.raises(CommandRefused) as info:
        v.verify(payload, now=now)
    return info.value.reason


def test_a_signed_command_is_accepted_once(tmp_path: Path) -> None:
    v = verifier(tmp_path)
    cmd = command()
    wire = sign_command(KEY, cmd)
    assert v.verify(wire, now=NOW + 1) == cmd
    assert refusal(v, wire, NOW + 2) == "replayed"


def test_the_signature_covers_the_canonical_form(tmp_path: Path) -> None:
    cmd = command()
    wire = json.loads(sign_command(KEY, cmd))
    sig = base64.b64decode(wire.pop("sig"))
    KEY.public_key().verify(sig, canonical(wire))
    assert canonical(wire) == json.dumps(wire, sort_keys=True, separators=(",", ":"),
                                         ensure_ascii=False).encode()
    # Key order and whitespace on the wire do not matter: the verifier re-canonicalises.
    pretty = json.dumps({**dict(reversed(list(wire.items()))),
                         "sig": base64.b64encode(sig).decode()}, indent=2).encode()
    assert verifier(tmp_path).verify(pretty, now=NOW) == cmd


def _resign(fields: dict[str, Any]) -> bytes:
    sig = base64.b64encode(KEY.sign(canonical(fields))).decode()
    return json.dumps({**fields, "sig": sig}).encode()


@pytest.mark.parametrize(("why", "payload", "now"), [
    ("unsigned", lambda: json.dumps(command().fields()).encode(), NOW),
    ("unsigned", lambda: json.dumps({**command().fields(), "sig": ""}).encode(), NOW),
    ("bad_signature", lambda: sign_command(Ed25519PrivateKey.generate(), command()), NOW),
    ("bad_signature", lambda: sign_command(KEY, command()).replace(b"alice", b"mallory"),
     NOW),
    ("bad_signature", lambda: json.dumps({**command().fields(), "sig": "AAAA"}).encode(), NOW),
    ("wrong_kiosk", lambda: sign_command(KEY, command(kiosk="K02")), NOW),
    ("wrong_kiosk", lambda: sign_command(KEY, command(branch="Other")), NOW),
    ("stale", lambda: sign_command(KEY, command()), NOW + 61),
    ("future", lambda: sign_command(KEY, command()), NOW - 31),
    ("oversized", lambda: sign_command(KEY, command(reason="x" * MAX_COMMAND_BYTES)), NOW),
    ("malformed", lambda: b"{not json", NOW),
    ("malformed", lambda: b"\xff\xfe", NOW),
    ("malformed", lambda: b"[1, 2]", NOW),
    ("malformed", lambda: b"[" * 4000 + b"]" * 4000, NOW),
    ("malformed", lambda: _resign({**command().fields(), "name": "format_disk"}), NOW),
    ("malformed", lambda: _resign({**command().fields(), "nonce": "xyz"}), NOW),
    ("malformed", lambda: _resign({**command().fields(), "issued_at": "now"}), NOW),
    ("malformed", lambda: _resign({**command().fields(), "issued_at": True}), NOW),
    ("malformed", lambda: _resign({**command().fields(), "extra": 1}), NOW),
    ("malformed", lambda: _resign({k: v for k, v in command().fields().items()
                                   if k != "issuer"}), NOW),
    ("malformed", lambda: b'{"sig": "x", "issued_at": NaN}', NOW),
    ("malformed", lambda: b'{"sig": "x", "sig": "y"}', NOW),
    ("malformed", lambda: json.dumps({**command().fields(), "sig": "!!"}).encode(), NOW),
])
def test_refusals(tmp_path: Path, why: str, payload: Any, now: float) -> None:
    assert refusal(verifier(tmp_path), payload(), now) == why


def test_no_key_refuses_everything(tmp_path: Path) -> None:
    assert refusal(verifier(tmp_path, key=None), sign_command(KEY, command())) == "no_key"


def test_the_age_limits_are_inclusive_of_skew(tmp_path: Path) -> None:
    v = verifier(tmp_path)
    assert v.verify(sign_command(KEY, command()), now=NOW + 59.9)
    assert v.verify(sign_command(KEY, command()), now=NOW - 29.9)  # clock 29.9 s behind


def test_replays_stay_refused_across_a_restart(tmp_path: Path) -> None:
    wire = sign_command(KEY, command())
    assert verifier(tmp_path).verify(wire, now=NOW)
    assert refusal(verifier(tmp_path), wire, NOW + 30) == "replayed"  # a new process


def test_nonces_are_forgotten_once_stale(tmp_path: Path) -> None:
    store = NonceStore(tmp_path / "n.json")
    assert store.add("a" * 32, forget_after=NOW + 60, now=NOW)
    assert store.add("b" * 32, forget_after=NOW + 200, now=NOW + 61)
    data = json.loads((tmp_path / "n.json").read_text())
    assert list(data) == ["b" * 32]  # a would be refused as stale anyway


def test_a_corrupt_nonce_file_stops_the_start(tmp_path: Path) -> None:
    (tmp_path / "nonces.json").write_text("{trunc")
    with pytest.raises(ValueError, match=r"nonces\.json"):
        verifier(tmp_path)


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=MAX_COMMAND_BYTES + 64))
def test_random_bytes_only_ever_refused(tmp_path: Path, payload: bytes) -> None:
    with pytest.raises(CommandRefused):
        verifier(tmp_path).verify(payload, now=NOW)


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=10)


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.fixed_dictionaries({}, optional={
    k: _json | st.just(v) for k, v in {**command().fields(), "sig": "A" * 88}.items()}))
def test_near_miss_objects_only_ever_refused(tmp_path: Path, fields: dict[str, Any]) -> None:
    payload = json.dumps(fields).encode()
    with pytest.raises(CommandRefused):
        parse_command(payload)
    with pytest.raises(CommandRefused):
        verifier(tmp_path).verify(payload, now=NOW)


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(reason=st.text(max_size=200), function=st.from_regex(r"\*|[a-z_]{1,20}", fullmatch=True),
       skew=st.floats(min_value=-29, max_value=59))
def test_any_well_formed_signed_command_verifies(tmp_path: Path, reason: str, function: str,
                                                 skew: float) -> None:
    cmd = command(reason=reason, function=function)
    assert verifier(tmp_path).verify(sign_command(KEY, cmd), now=NOW + skew) == cmd


def test_time_is_wall_clock_by_default(tmp_path: Path) -> None:
    v = verifier(tmp_path)
    assert v.verify(sign_command(KEY, command(issued_at=time.time())))
