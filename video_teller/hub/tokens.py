"""Signed, expiring tokens for kiosks and tellers.

A token is ``base64url(payload JSON) "." base64url(HMAC-SHA256(key, payload part))``; the
payload is ``{role, sub, name, languages, skills, iat, exp}``. No server-side state: the hub
checks the signature (constant time), the expiry and the role it expects. Errors carry a
stable :attr:`TokenError.code` so the hub can say *why* a sign-in was refused without
echoing the token.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import math
import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from video_teller.protocol import Role, Skill

#: Ids are put in log lines, SQL rows and TURN usernames (where ":" is the separator).
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}\Z")
LANGUAGE_PATTERN = re.compile(r"^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8}){0,2}\Z")
MAX_TOKEN_CHARS = 4096
_B64URL = re.compile(r"[A-Za-z0-9_-]+")
MAX_TTL_S = 366 * 24 * 3600
KEY_BYTES = 32


class TokenError(ValueError):
    """A token the hub refuses; ``code``: malformed | forged | expired | wrong_role."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Claims:
    role: Role
    sub: str
    name: str
    languages: tuple[str, ...]
    skills: tuple[Skill, ...]
    iat: float
    exp: float

    def expires_in(self, now: float | None = None) -> float:
        return max(0.0, self.exp - (time.time() if now is None else now))


def _b64e(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64d(text: str) -> bytes:
    if not _B64URL.fullmatch(text):
        raise TokenError("malformed", "token is not base64url")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise TokenError("malformed", "token is not base64url") from None


def check_id(value: str, what: str = "id") -> str:
    if not isinstance(value, str) or not ID_PATTERN.fullmatch(value):
        raise ValueError(
            f"{what} {value!r}: 1-64 characters of letters, digits, '.', '_' or '-', "
            "starting with a letter or digit")
    return value


def check_language(value: str) -> str:
    if not isinstance(value, str) or not LANGUAGE_PATTERN.fullmatch(value):
        raise ValueError(f"language {value!r}: expected a locale such as zh_CN or en_US")
    return value


def _sign(key: bytes, payload_part: str) -> bytes:
    return hmac.new(key, payload_part.encode("ascii"), hashlib.sha256).digest()


def issue(key: bytes, *, role: Role | str, sub: str, ttl_s: float, name: str = "",
          languages: tuple[str, ...] | list[str] = (),
          skills: tuple[Skill | str, ...] | list[Skill | str] = (),
          now: float | None = None) -> str:
    """A token for ``sub``; bad arguments raise ``ValueError`` naming the argument."""
    if len(key) < 16:
        raise ValueError("signing key: at least 16 bytes")
    role = Role(role)
    check_id(sub, "id")
    if not (math.isfinite(ttl_s) and 0 < ttl_s <= MAX_TTL_S):
        raise ValueError(f"ttl {ttl_s!r}: 1 s to {MAX_TTL_S} s")
    if len(name) > 80:
        raise ValueError("name: at most 80 characters")
    langs = [check_language(x) for x in languages]
    try:
        skill_list = [Skill(s) for s in skills]
    except ValueError:
        raise ValueError(
            f"skills {list(skills)!r}: each one of {', '.join(s.value for s in Skill)}"
        ) from None
    iat = time.time() if now is None else now
    payload = {"role": role.value, "sub": sub, "name": name, "languages": langs,
               "skills": [s.value for s in skill_list], "iat": round(iat, 3),
               "exp": round(iat + ttl_s, 3)}
    part = _b64e(json.dumps(payload, separators=(",", ":"), sort_keys=True).encode())
    return f"{part}.{_b64e(_sign(key, part))}"


def verify(key: bytes, token: str, *, role: Role | None = None,
           now: float | None = None) -> Claims:
    """The token's claims, or :class:`TokenError` saying why not."""
    if not isinstance(token, str) or not token:
        raise TokenError("malformed", "no token")
    if len(token) > MAX_TOKEN_CHARS:
        raise TokenError("malformed", f"token longer than {MAX_TOKEN_CHARS} characters")
    part, dot, sig = token.partition(".")
    if not dot or "." in sig or not part or not sig:
        raise TokenError("malformed", "token is not PAYLOAD.SIGNATURE")
    if not _B64URL.fullmatch(part):
        raise TokenError("malformed", "token is not base64url")
    given = _b64d(sig)
    # Signature first (constant time), so nothing of a forged payload is trusted or parsed.
    if not hmac.compare_digest(given, _sign(key, part)):
        raise TokenError("forged", "token signature does not match")
    claims = _claims(_b64d(part))
    t = time.time() if now is None else now
    if t >= claims.exp:
        raise TokenError("expired", f"token expired {t - claims.exp:.0f} s ago")
    if role is not None and claims.role is not role:
        raise TokenError("wrong_role", f"a {claims.role.value} token, {role.value} expected")
    return claims


def _claims(raw: bytes) -> Claims:
    try:
        data: Any = json.loads(raw)
        if not isinstance(data, dict):
            raise TypeError("payload is not an object")
        langs = data["languages"]
        skills = data["skills"]
        if not isinstance(langs, list) or not isinstance(skills, list):
            raise TypeError("languages and skills are lists")
        return Claims(
            role=Role(data["role"]), sub=check_id(data["sub"]), name=str(data["name"]),
            languages=tuple(check_language(x) for x in langs),
            skills=tuple(Skill(s) for s in skills),
            iat=float(data["iat"]), exp=float(data["exp"]))
    except (ValueError, TypeError, KeyError) as exc:
        # A correctly signed token we cannot read was made by a different release.
        raise TokenError("malformed", f"token payload unreadable: {exc}") from None


def load_or_create_key(path: Path) -> bytes:
    """The signing key at ``path``; a new random one (mode 0600) if the file is missing."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = secrets.token_hex(KEY_BYTES).encode()
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first: use theirs
            return load_or_create_key(path)
        with os.fdopen(fd, "wb") as f:
            f.write(data + b"\n")
        return data
    key = data.strip()
    if len(key) < 16:
        raise ValueError(f"{path}: signing key shorter than 16 bytes")
    return key
