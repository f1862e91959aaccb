"""Staff sign-in: scrypt password hashes, server-side sessions, CSRF tokens, lock-out."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Protocol

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
    expires: float  # Unix time: a sign-in outlives a restart of the console


class SessionStore(Protocol):
    """Where sign-ins are kept (o2o_sync.store.BranchStore): hashes of tokens only."""

    def put_staff_session(self, token_sha256: str, username: str, csrf: str,
                          expires: float) -> None: ...

    def staff_session(self, token_sha256: str) -> tuple[str, str, float] | None: ...

    def drop_staff_session(self, token_sha256: str) -> None: ...


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Sessions:
    """Signed-in staff. With a ``store``, sign-ins are written to the branch database, so
    restarting the console (an update, a power cut) does not sign everybody out; the
    database holds only a SHA-256 of each token. Lock-outs after failed passwords stay in
    memory: a restart lifting a one-minute lock-out costs an attacker a restart."""

    def __init__(self, store: SessionStore | None = None) -> None:
        self._store = store
        self._by_token: dict[str, Session] = {}
        self._failures: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()

    def create(self, username: str) -> tuple[str, Session]:
        token = secrets.token_urlsafe(32)
        s = Session(username, secrets.token_urlsafe(24), time.time() + SESSION_TTL_S)
        if self._store is not None:
            self._store.put_staff_session(_digest(token), s.username, s.csrf, s.expires)
        with self._lock:
            self._by_token[token] = s
        return token, s

    def get(self, token: str | None) -> Session | None:
        if not token or len(token) > 128:
            return None
        with self._lock:
            s = self._by_token.get(token)
        if s is None and self._store is not None:  # signed in before a restart?
            row = self._store.staff_session(_digest(token))
            if row is not None:
                s = Session(*row)
                with self._lock:
                    self._by_token[token] = s
        if s is not None and s.expires < time.time():
            self.drop(token)
            return None
        return s

    def drop(self, token: str | None) -> None:
        with self._lock:
            self._by_token.pop(token or "", None)
        if token and self._store is not None:
            self._store.drop_staff_session(_digest(token))

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
