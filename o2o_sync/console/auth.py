"""Staff sign-in: argon2id password hashes, server-side sessions, CSRF tokens, lock-out.

Passwords are hashed with argon2id at OWASP's first recommended setting (19 MiB, 2 passes,
1 lane). Hashes made before issue 15 (scrypt, N=2^14) still verify, and are replaced by an
argon2id hash at that staff member's next sign-in (:func:`needs_rehash`).

Guessing is limited before any hash is computed (:class:`SignInGuard`): the check and the
count are one step under a lock, so many guesses sent at once cannot all get past it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

SESSION_TTL_S = 8 * 3600
#: Failures from one client address for one name before it waits (one is forgiven per
#: FAILURE_DECAY_S, so one wrong guess a minute never locks anybody out).
MAX_FAILURES = 5
FAILURE_DECAY_S = 60.0
#: Failures for one name from all addresses together (a guesser with many addresses).
MAX_NAME_FAILURES = 20
NAME_FAILURE_DECAY_S = 60.0
#: Sign-in attempts per client address, whatever their outcome: a burst, then one a second.
SIGNIN_BURST = 10
SIGNIN_PER_S = 1.0
LOCKOUT_S = FAILURE_DECAY_S  # kept for readers of older code: the longest wait of one key

_HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1,
                         hash_len=32, salt_len=16)
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1  # the pre-issue-15 scheme: verify only
# A hash of a random password: unknown names cost the same time as known ones.
_DUMMY = _HASHER.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    if len(password) < 8:
        raise ValueError("password must be at least 8 characters")
    if len(password) > 256:
        raise ValueError("password must be at most 256 characters")
    return _HASHER.hash(password)


def _verify_scrypt(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, dk = stored.split("$")
        if scheme != "scrypt" or int(n) > 2**20 or int(r) > 16 or int(p) > 4:
            return False
        got = hashlib.scrypt(
            password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p),
            dklen=len(dk) // 2, maxmem=64 * 1024 * 1024,
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got.hex(), dk)


def verify_password(password: str, stored: str | None) -> bool:
    if not stored:
        # spend the same time as a real check so user names cannot be probed by timing
        try:
            _HASHER.verify(_DUMMY, password)
        except (VerificationError, InvalidHashError):
            pass
        return False
    if stored.startswith("scrypt$"):
        return _verify_scrypt(password, stored)
    try:
        return _HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError, ValueError):
        return False


def needs_rehash(stored: str) -> bool:
    """True for a hash that is not argon2id at today's parameters (scrypt, or older ones)."""
    if not stored.startswith("$argon2id$"):
        return True
    try:
        return _HASHER.check_needs_rehash(stored)
    except (InvalidHashError, ValueError):
        return True


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


class _Bucket:
    """A leaky bucket: ``level`` falls by one every ``decay_s`` seconds."""

    __slots__ = ("at", "level")

    def __init__(self, now: float) -> None:
        self.level = 0.0
        self.at = now

    def drain(self, now: float, decay_s: float) -> float:
        self.level = max(0.0, self.level - (now - self.at) / decay_s)
        self.at = now
        return self.level


class SignInGuard:
    """Rate limit and lock-out of sign-ins, decided *before* the password hash.

    :meth:`admit` checks and counts in one step under a lock: it counts the attempt as a
    failure in advance, so N guesses sent at once are N failures before any finishes;
    :meth:`settle` takes a successful one back. Failures are counted per (name, client
    address) — one address guessing cannot lock a name out for the rest — and per name
    with a higher cap; both decay, so a lock-out ends by itself.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._pair: dict[tuple[str, str], _Bucket] = {}
        self._name: dict[str, _Bucket] = {}
        self._rate: dict[str, tuple[float, float]] = {}  # client → (tokens, at)

    def admit(self, username: str, client: str) -> str | None:
        """None if this attempt may be checked (and is counted); else "rate" or "locked"."""
        now = self._clock()
        with self._lock:
            self._prune(now)
            tokens, at = self._rate.get(client, (float(SIGNIN_BURST), now))
            tokens = min(float(SIGNIN_BURST), tokens + (now - at) * SIGNIN_PER_S)
            if tokens < 1.0:
                self._rate[client] = (tokens, now)
                return "rate"
            self._rate[client] = (tokens - 1.0, now)
            pair = self._pair.setdefault((username, client), _Bucket(now))
            name = self._name.setdefault(username, _Bucket(now))
            if (pair.drain(now, FAILURE_DECAY_S) + 1 > MAX_FAILURES
                    or name.drain(now, NAME_FAILURE_DECAY_S) + 1 > MAX_NAME_FAILURES):
                return "locked"
            pair.level += 1
            name.level += 1
            return None

    def settle(self, username: str, client: str, ok: bool) -> None:
        """After the hash: a right password clears its pair and takes back its count."""
        if not ok:
            return
        with self._lock:
            self._pair.pop((username, client), None)
            name = self._name.get(username)
            if name is not None:
                name.level = max(0.0, name.level - 1)

    def _prune(self, now: float) -> None:
        # Keep memory bounded under a flood of made-up names and addresses.
        if len(self._pair) + len(self._name) + len(self._rate) < 10000:
            return
        self._pair = {k: b for k, b in self._pair.items() if b.drain(now, FAILURE_DECAY_S)}
        self._name = {k: b for k, b in self._name.items() if b.drain(now, NAME_FAILURE_DECAY_S)}
        self._rate = {k: v for k, v in self._rate.items()
                      if v[0] + (now - v[1]) * SIGNIN_PER_S < SIGNIN_BURST}


class Sessions:
    """Signed-in staff. With a ``store``, sign-ins live in the branch database and every
    request looks its token up there (one indexed read): a sign-out or a password change
    in any console process ends the session in all of them, and a restart (an update, a
    power cut) signs nobody out. The database holds only a SHA-256 of each token.
    Lock-outs stay in memory (:class:`SignInGuard`): a restart lifting one costs an
    attacker a restart, and the rate limit applies again at once."""

    def __init__(self, store: SessionStore | None = None) -> None:
        self._store = store
        self._by_token: dict[str, Session] = {}  # only without a store
        self._lock = threading.Lock()
        self.guard = SignInGuard()

    def create(self, username: str) -> tuple[str, Session]:
        token = secrets.token_urlsafe(32)
        s = Session(username, secrets.token_urlsafe(24), time.time() + SESSION_TTL_S)
        if self._store is not None:
            self._store.put_staff_session(_digest(token), s.username, s.csrf, s.expires)
        else:
            with self._lock:
                self._by_token[token] = s
        return token, s

    def get(self, token: str | None) -> Session | None:
        if not token or len(token) > 128 or not token.isascii():
            return None
        if self._store is not None:
            row = self._store.staff_session(_digest(token))
            s = Session(*row) if row is not None else None
        else:
            with self._lock:
                s = self._by_token.get(token)
        if s is not None and s.expires < time.time():
            self.drop(token)
            return None
        return s

    def drop(self, token: str | None) -> None:
        with self._lock:
            self._by_token.pop(token or "", None)
        if token and self._store is not None:
            self._store.drop_staff_session(_digest(token))
