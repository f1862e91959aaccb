"""Signed commands from the operations centre: the format, signing and verification.

A command is one JSON object (UTF-8, at most :data:`MAX_COMMAND_BYTES`)::

    {"kiosk": "K01", "branch": "B001", "name": "out_of_service", "function": "*",
     "reason": "cash-in jam", "issued_at": 1764662400.25, "nonce": "<32 hex>",
     "issuer": "ops:alice", "sig": "<base64 Ed25519 signature>"}

``sig`` signs :func:`canonical` of every other field: JSON with sorted keys, no spaces,
non-ASCII as UTF-8 (Python's ``json.dumps(d, sort_keys=True, separators=(",", ":"),
ensure_ascii=False)``). The verifier rebuilds those bytes from the parsed values, so a
signer in another language must produce the same text (``issued_at`` in shortest
round-trip form, as JavaScript's JSON.stringify writes it). Keys are PEM: the public key
SubjectPublicKeyInfo, the private key PKCS#8 (``openssl genpkey -algorithm ed25519``).
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import os
import re
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal, get_args

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from fleet.nonces import NonceStore

MAX_COMMAND_BYTES = 8 * 1024
#: A command dated later than this is refused (clocks disagree by less than this).
MAX_FUTURE_S = 30.0

CommandName = Literal["out_of_service", "in_service", "reload_config"]
COMMAND_NAMES: tuple[str, ...] = get_args(CommandName)

#: Why a command was refused: the ``reason`` of its result and of ``fleet.command_refused``.
Refusal = Literal["no_key", "oversized", "malformed", "unsigned", "bad_signature",
                  "wrong_kiosk", "stale", "future", "replayed"]

_FIELDS = ("kiosk", "branch", "name", "function", "reason", "issued_at", "nonce", "issuer")
_NONCE = re.compile(r"[0-9a-f]{32}")
_FUNCTION = re.compile(r"\*|[A-Za-z0-9_.-]{1,64}")


class CommandRefused(Exception):
    """A command that will not be carried out; ``reason`` is a :data:`Refusal` code."""

    def __init__(self, reason: Refusal, detail: str, nonce: str | None = None,
                 issuer: str | None = None) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason: Refusal = reason
        self.detail = detail
        self.nonce = nonce
        self.issuer = issuer


@dataclass(frozen=True)
class FleetCommand:
    kiosk: str
    branch: str
    name: CommandName
    function: str  # "*" for the whole kiosk, else a function id ("card_issuance")
    reason: str
    issued_at: float  # unix seconds
    nonce: str  # 32 lowercase hex
    issuer: str  # who at the operations centre

    def fields(self) -> dict[str, Any]:
        return asdict(self)


def canonical(fields: dict[str, Any]) -> bytes:
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def new_nonce() -> str:
    return os.urandom(16).hex()


def sign_command(key: Ed25519PrivateKey, command: FleetCommand) -> bytes:
    """The command's wire form, signed."""
    fields = command.fields()
    sig = base64.b64encode(key.sign(canonical(fields))).decode("ascii")
    return canonical({**fields, "sig": sig})


# --- keys -------------------------------------------------------------------------------

def generate_keypair() -> tuple[bytes, bytes]:
    """A new operations-centre key: (private PEM PKCS#8, public PEM SubjectPublicKeyInfo)."""
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo)
    return private, public


def load_public_key(path: Path) -> Ed25519PublicKey:
    """Raises ValueError naming the file if it is not an Ed25519 public key in PEM."""
    data = path.read_bytes()
    try:
        key = serialization.load_pem_public_key(data)
    except ValueError as exc:
        raise ValueError(f"{path}: not a PEM public key ({exc})") from None
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError(f"{path}: not an Ed25519 key ({type(key).__name__})")
    return key


def load_private_key(path: Path) -> Ed25519PrivateKey:
    data = path.read_bytes()
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{path}: not an unencrypted PEM private key ({exc})") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path}: not an Ed25519 key ({type(key).__name__})")
    return key


# --- parsing and verification -------------------------------------------------------------

def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise ValueError(f"duplicate key {k!r}")
        out[k] = v
    return out


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


def _text(raw: dict[str, Any], name: str, limit: int, *, empty: bool = False) -> str:
    value = raw.get(name)
    if not isinstance(value, str) or len(value) > limit or (not empty and not value):
        raise CommandRefused("malformed", f"{name}: expected a string of 1-{limit} characters"
                             if not empty else f"{name}: expected a string of ≤{limit}",
                             _peek_nonce(raw))
    return value


def _peek_nonce(raw: dict[str, Any]) -> str | None:
    n = raw.get("nonce")
    return n if isinstance(n, str) and _NONCE.fullmatch(n) else None


def parse_command(payload: bytes) -> tuple[FleetCommand, bytes]:
    """The command and its signature, checked for shape only (not the signature).

    Raises only :class:`CommandRefused` (``oversized``, ``malformed``, ``unsigned``).
    """
    if len(payload) > MAX_COMMAND_BYTES:
        raise CommandRefused("oversized", f"{len(payload)} bytes (at most {MAX_COMMAND_BYTES})")
    try:
        raw = json.loads(payload.decode("utf-8"), object_pairs_hook=_no_duplicates,
                         parse_constant=_no_constants)
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError and JSONDecodeError too
        raise CommandRefused("malformed", f"not JSON: {exc}"[:200]) from None
    if not isinstance(raw, dict):
        raise CommandRefused("malformed", "not a JSON object")
    nonce = _peek_nonce(raw)
    issuer = raw.get("issuer") if isinstance(raw.get("issuer"), str) else None
    sig_text = raw.get("sig")
    if sig_text is None or sig_text == "":
        raise CommandRefused("unsigned", "no sig", nonce, issuer)
    extra = sorted(set(raw) - set(_FIELDS) - {"sig"})
    missing = [f for f in _FIELDS if f not in raw]
    if extra or missing:
        raise CommandRefused("malformed", "; ".join(
            ([f"unknown field(s) {', '.join(extra)}"] if extra else [])
            + ([f"missing {', '.join(missing)}"] if missing else [])), nonce, issuer)
    if not isinstance(sig_text, str):
        raise CommandRefused("malformed", "sig: expected base64 text", nonce, issuer)
    try:
        sig = base64.b64decode(sig_text, validate=True)
    except (binascii.Error, ValueError):
        raise CommandRefused("malformed", "sig: not base64", nonce, issuer) from None
    if len(sig) != 64:
        raise CommandRefused("bad_signature", f"sig: {len(sig)} bytes, an Ed25519 "
                             "signature has 64", nonce, issuer)
    name = raw["name"]
    if name not in COMMAND_NAMES:
        raise CommandRefused("malformed", f"name: expected one of {', '.join(COMMAND_NAMES)}",
                             nonce, issuer)
    issued_at = raw["issued_at"]
    if isinstance(issued_at, bool) or not isinstance(issued_at, int | float) \
            or not math.isfinite(issued_at):
        raise CommandRefused("malformed", "issued_at: expected unix seconds", nonce, issuer)
    if nonce is None:
        raise CommandRefused("malformed", "nonce: expected 32 lowercase hex digits",
                             None, issuer)
    function = _text(raw, "function", 64)
    if not _FUNCTION.fullmatch(function):
        raise CommandRefused("malformed", 'function: "*" or a function id', nonce, issuer)
    cmd = FleetCommand(
        kiosk=_text(raw, "kiosk", 64), branch=_text(raw, "branch", 64), name=name,
        function=function, reason=_text(raw, "reason", 500, empty=True),
        issued_at=issued_at, nonce=nonce, issuer=_text(raw, "issuer", 64))
    return cmd, sig


class CommandVerifier:
    """Everything a kiosk checks before it obeys a command."""

    def __init__(self, key: Ed25519PublicKey | None, *, kiosk: str, branch: str,
                 max_age_s: float, nonces: NonceStore) -> None:
        self.key = key
        self.kiosk = kiosk
        self.branch = branch
        self.max_age_s = max_age_s
        self.nonces = nonces

    def verify(self, payload: bytes, now: float | None = None) -> FleetCommand:
        """The command, if it may be carried out; its nonce is then recorded as used (on
        disk, before this returns). Raises only :class:`CommandRefused`."""
        now = time.time() if now is None else now
        cmd, sig = parse_command(payload)
        if self.key is None:
            raise CommandRefused("no_key", "this kiosk has no operations-centre key "
                                 "(fleet.command_key_file)", cmd.nonce, cmd.issuer)
        try:
            self.key.verify(sig, canonical(cmd.fields()))
        except InvalidSignature:
            raise CommandRefused("bad_signature", "the signature does not match",
                                 cmd.nonce, cmd.issuer) from None
        if cmd.kiosk != self.kiosk or cmd.branch != self.branch:
            raise CommandRefused("wrong_kiosk", f"for {cmd.branch}/{cmd.kiosk}, this is "
                                 f"{self.branch}/{self.kiosk}", cmd.nonce, cmd.issuer)
        age = now - cmd.issued_at
        if age > self.max_age_s:
            raise CommandRefused("stale", f"issued {age:.0f} s ago (at most "
                                 f"{self.max_age_s:g} s)", cmd.nonce, cmd.issuer)
        if age < -MAX_FUTURE_S:
            raise CommandRefused("future", f"issued {-age:.0f} s in the future (clock skew "
                                 f"over {MAX_FUTURE_S:g} s)", cmd.nonce, cmd.issuer)
        # Kept until it would be stale anyway, so nothing older than that can come back.
        if not self.nonces.add(cmd.nonce, cmd.issued_at + self.max_age_s, now):
            raise CommandRefused("replayed", "this nonce was used before", cmd.nonce,
                                 cmd.issuer)
        return cmd
