"""Staff sign-in: scrypt password hashes, server-side sessions, CSRF tokens, lock-out."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass

_N, _R, _P = 2**14, 8, 1
SESSION_TTL_S = 8 * 3600
MAX_FAILURES = 5
LOCKOUT_S = 60.0


def hash_password(password: str) -> str:
    if len(password) < 8:
        raise ValueError("password must be at least 8 characters")
    salt = secrets.token_bytes(16)
    dk = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${dk.hex()}"


def verify_password(password: str, stored: str | None) -> bool:
    if not stored:
        # spend the same time as a real check so user names cannot be probed by timing
        hashlib.scrypt(password.encode(), salt=b"0" * 16, n=_N, r=_R, p=_P, dklen=32)
        return False
    try:
        scheme, n, r, p, salt, dk = stored.split("$")
        if scheme != "scrypt":
            return False
        got = hashlib.scrypt(
            password.encode(),
            salt=bytes.fromhex(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(dk) // 2,
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got.hex(), dk)


@dataclass
class Session:
    username: str
    csrf: str
    expires: float


class Sessions:
    def __init__(self) -> None:
        self._by_token: dict[str, Session] = {}
        self._failures: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()

    def create(self, username: str) -> tuple[str, Session]:
        token = secrets.token_urlsafe(32)
        s = Session(username, secrets.token_urlsafe(24), time.monotonic() + SESSION_TTL_S)
        with self._lock:
            self._by_token[token] = s
        return token, s

    def get(self, token: str | None) -> Session | None:
        if not token:
            return None
        with self._lock:
            s = self._by_token.get(token)
            if s is not None and s.expires < time.monotonic():
                del self._by_token[token]
                return None
            return s

    def drop(self, token: str | None) -> None:
        with self._lock:
            self._by_token.pop(token or "", None)

    def locked_out(self, username: str) -> bool:
        with self._lock:
            n, until = self._failures.get(username, (0, 0.0))
            return n >= MAX_FAILURES and time.monotonic() < until

    def failed(self, username: str) -> None:
        with self._lock:
            n, _ = self._failures.get(username, (0, 0.0))
            self._failures[username] = (n + 1, time.monotonic() + LOCKOUT_S)

    def succeeded(self, username: str) -> None:
        with self._lock:
            self._failures.pop(username, None)
