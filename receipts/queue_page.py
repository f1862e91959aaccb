"""The queue ticket's "Scan to follow the queue" link: a signed token and the ticket's state.

The printed ticket (check-in and walk-in) carries ``{receipt_base_url}/q/{token}``
(:func:`receipts.links.queue_url`); ``receipts.link_server`` serves it as a live page
(``GET /r/q/{token}``). The token names the ticket's row in the branch store, its day and the
ticket's language, and is signed with HMAC-SHA256 under the ``queue-links`` key of the
kiosk's key store (kiosk_core.keystore; made owner-only on first use, migrated from the old
``secrets_dir/queue-links.key``): it cannot be guessed from the ticket number, and a forged
or altered one is simply "not found". The language letter carries the key version after
it (``z2``: version 2) except for version 1, so links printed before a rotation (and before
the key store) still open.

Only the branch store's public, read-only API is used (:meth:`BranchStore.tickets_today`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Protocol

_VERSION = b"smartbranch queue link v1"
_LANGS = {"z": "zh_CN", "e": "en_US"}
_CODES = {v: k for k, v in _LANGS.items()}
_TOKEN = re.compile(r"([0-9]{1,10})-([0-9]{8})-([ze])([1-9][0-9]{0,3})?-([A-Za-z0-9_-]{22})")
KEY_FILE = "queue-links.key"
PURPOSE = "queue-links"


class TicketSource(Protocol):
    """What the page needs of the branch store (:class:`o2o_sync.store.BranchStore`)."""

    def tickets_today(self, day: str | None = None) -> list[dict[str, Any]]: ...


@dataclass(frozen=True)
class QueueRef:
    ticket_id: int
    day: str  # YYYY-MM-DD, the branch's local day the ticket was issued
    lang: str  # the ticket's language


@dataclass(frozen=True)
class QueueState:
    number: str
    status: str  # waiting | next | called | finished | missed
    ahead: int = 0
    counter: str = ""


class QueueLinks:
    """Signs and checks queue-link tokens with ``key`` (at least 16 bytes), or with a key
    ring's versions (``{version: key}``; new tokens use the newest)."""

    def __init__(self, key: bytes | Mapping[int, bytes]) -> None:
        ring = {1: key} if isinstance(key, bytes) else dict(key)
        if not ring or any(len(k) < 16 for k in ring.values()):
            raise ValueError("queue link key: at least 16 bytes")
        # Own keys, derived, not the files' bytes.
        self._keys = {v: hmac.new(k, _VERSION, hashlib.sha256).digest() for v, k in ring.items()}
        self._current = max(self._keys)

    def _sig(self, body: str, version: int) -> str:
        mac = hmac.new(self._keys[version], body.encode("ascii"), hashlib.sha256).digest()[:16]
        return base64.urlsafe_b64encode(mac).decode("ascii").rstrip("=")

    def token(self, ticket_id: int, day: str, lang: str) -> str:
        v = self._current
        body = (f"{int(ticket_id)}-{date.fromisoformat(day):%Y%m%d}-{_CODES.get(lang, 'e')}"
                + (str(v) if v != 1 else ""))
        return f"{body}-{self._sig(body, v)}"

    def verify(self, token: str | None) -> QueueRef | None:
        """The ticket a token names, or None for anything not made by :meth:`token`."""
        m = _TOKEN.fullmatch(token or "")
        if m is None:
            return None
        version = int(m.group(4) or 1)
        if version not in self._keys:
            return None
        body = "-".join(m.group(1, 2, 3)) + (m.group(4) or "")
        if not hmac.compare_digest(self._sig(body, version).encode(), m.group(5).encode()):
            return None
        d = m.group(2)
        try:
            day = date(int(d[:4]), int(d[4:6]), int(d[6:])).isoformat()
        except ValueError:
            return None
        return QueueRef(int(m.group(1)), day, _LANGS[m.group(3)])


def key_path_for(cfg: Any) -> Path:
    """Where the queue links' key was kept before the key store (imported from there)."""
    return Path(cfg.path("secrets_dir")) / KEY_FILE


def links_for(cfg: Any) -> QueueLinks:
    """The kiosk's signer: every version of the key store's ``queue-links`` key (made
    owner-only on first use, or migrated from :func:`key_path_for`)."""
    from kiosk_core.keystore import KeyStore

    ring = KeyStore(Path(cfg.path("secrets_dir"))).ring(PURPOSE)
    return QueueLinks({v: ring.material(v) for v in ring.versions})


def queue_state(store: TicketSource, ref: QueueRef) -> QueueState | None:
    """Where the ticket is now, or None if the store has no such ticket that day.

    Ahead = the waiting tickets the branch calls first (appointments, priority 0, before
    walk-ins; first come first within a class), the same order as ``call_next``."""
    rows = store.tickets_today(ref.day)
    mine = next((t for t in rows if int(t["id"]) == ref.ticket_id), None)
    if mine is None:
        return None
    number, status = str(mine["number"]), str(mine["status"])
    if status == "called":
        return QueueState(number, "called", counter=str(mine.get("counter") or ""))
    if status == "no_show":
        return QueueState(number, "missed")
    if status != "waiting":
        return QueueState(number, "finished")
    key = (int(mine["priority"]), int(mine["id"]))
    ahead = sum(1 for t in rows if t["status"] == "waiting"
                and (int(t["priority"]), int(t["id"])) < key)
    return QueueState(number, "next" if ahead == 0 else "waiting", ahead=ahead)
