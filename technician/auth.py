"""Technician sign-in for service mode: a personal PIN, a lock-out after repeated failures.

Each technician of ``[technician] technicians`` has a PIN stored as an scrypt hash (``kiosk
technician hash-pin``); the PIN alone says who it is (no id to type on a touchscreen). After
``max_failures`` wrong PINs in a row service mode is locked for ``lockout_s`` — for every
PIN, so guessing cannot go on under another name. The failures and the lock are kept in a
small JSON file, so pulling the plug does not reset them. Every attempt is journalled
(``technician.login`` / ``technician.login_failed`` / ``technician.locked``), never the PIN.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from technician.settings import TechnicianEntry

#: scrypt cost: ~50 ms on the kiosk's CPU, so a stolen config is slow to brute-force
#: while a sign-in stays instant for a person.
_N, _R, _P = 2**14, 8, 1
PIN_DIGITS = (4, 12)

Journal = Callable[[str, Mapping[str, Any]], object]
Outcome = Literal["ok", "wrong_pin", "locked", "no_technicians"]


def hash_pin(pin: str, *, salt: bytes | None = None) -> str:
    check_pin_format(pin)
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    b64 = base64.b64encode
    return f"scrypt${_N}${_R}${_P}${b64(salt).decode()}${b64(digest).decode()}"


def check_pin_format(pin: str) -> None:
    lo, hi = PIN_DIGITS
    if not (pin.isascii() and pin.isdigit() and lo <= len(pin) <= hi):
        raise ValueError(f"a technician PIN is {lo} to {hi} digits")


def pin_matches(pin: str, stored: str) -> bool:
    try:
        _, n, r, p, salt, digest = stored.split("$")
        want = base64.b64decode(digest)
        got = hashlib.scrypt(pin.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r),
                             p=int(p), dklen=len(want))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, want)


@dataclass(frozen=True)
class LoginResult:
    outcome: Outcome
    technician: str = ""  # id, when ok
    name: str = ""
    failures_left: int = 0  # wrong PINs still allowed before the lock-out
    retry_after_s: float = 0.0  # when locked

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"


class TechnicianAuth:
    def __init__(self, technicians: Sequence[TechnicianEntry], state_file: Path,
                 journal: Journal, *, max_failures: int = 5, lockout_s: float = 900.0,
                 clock: Callable[[], float] = time.time) -> None:
        self._technicians = list(technicians)
        self._path = state_file
        self._journal = journal
        self._max, self._lockout_s, self._clock = max_failures, lockout_s, clock
        self._lock = threading.Lock()
        self._failures, self._locked_until = self._load()

    def replace_technicians(self, technicians: Sequence[TechnicianEntry]) -> None:
        """A re-read configuration's technicians (a PIN revoked, a new technician): from
        the next sign-in on. The lock-out stays as it is."""
        with self._lock:
            self._technicians = list(technicians)

    def locked_for(self) -> float:
        """Seconds the lock-out still lasts (0: not locked)."""
        return max(0.0, self._locked_until - self._clock())

    def login(self, pin: str) -> LoginResult:
        """Check a PIN (blocking: ~50 ms of scrypt per technician)."""
        with self._lock:
            wait = self.locked_for()
            if wait > 0:
                self._journal("technician.login_failed", {"reason": "locked",
                                                          "retry_after_s": round(wait)})
                return LoginResult("locked", retry_after_s=wait)
            if not self._technicians:
                return LoginResult("no_technicians")
            who = next((t for t in self._technicians if pin_matches(pin, t.pin_hash)), None)
            if who is not None:
                self._failures = 0
                self._save()
                self._journal("technician.login", {"technician": who.id})
                return LoginResult("ok", technician=who.id, name=who.name,
                                   failures_left=self._max)
            self._failures += 1
            left = self._max - self._failures
            self._journal("technician.login_failed", {"reason": "wrong_pin",
                                                      "failures": self._failures})
            if left <= 0:
                self._locked_until = self._clock() + self._lockout_s
                self._failures = 0
                self._save()
                self._journal("technician.locked", {"seconds": self._lockout_s})
                return LoginResult("locked", retry_after_s=self._lockout_s)
            self._save()
            return LoginResult("wrong_pin", failures_left=left)

    def logout(self, technician: str, reason: str = "signed_out") -> None:
        self._journal("technician.logout", {"technician": technician, "reason": reason})

    def _load(self) -> tuple[int, float]:
        try:
            data = json.loads(self._path.read_text())
            return int(data.get("failures", 0)), float(data.get("locked_until", 0.0))
        except FileNotFoundError:
            return 0, 0.0
        except (OSError, ValueError, TypeError, AttributeError):
            # A damaged file must not unlock a kiosk someone was guessing at: lock it.
            return 0, self._clock() + self._lockout_s

    def _save(self) -> None:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self._path.with_suffix(".tmp")
        with open(tmp, "w") as f:
            json.dump({"failures": self._failures, "locked_until": self._locked_until}, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self._path)
