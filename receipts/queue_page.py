"""The queue ticket's "Scan to follow the queue" link: a signed token and the ticket's state.

The printed ticket (check-in and walk-in) carries ``{receipt_base_url}/q/{token}``
(:func:`receipts.links.queue_url`); ``receipts.link_server`` serves it as a live page
(``GET /r/q/{token}``). The token names the ticket's row in the branch store, its day and the
ticket's language, and is signed with HMAC-SHA256 under a kiosk secret
(``storage.secrets_dir/queue-links.key``, created owner-only on first use): it cannot be
guessed from the ticket number, and a forged or altered one is simply "not found".

Only the branch store's public, read-only API is used (:meth:`BranchStore.tickets_today`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Protocol

_VERSION = b"smartbranch queue link v1"
_LANGS = {"z": "zh_CN", "e": "en_US"}
_CODES = {v: k for k, v in _LANGS.items()}
_TOKEN = re.compile(r"([0-9]{1,10})-([0-9]{8})-([ze])-([A-Za-z0-9_-]{22})")
KEY_FILE = "queue-links.key"


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
    """Signs and checks queue-link tokens with ``key`` (at least 16 bytes)."""

    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("queue link key: at least 16 bytes")
        self._key = hmac.new(key, _VERSION, hashlib.sha256).digest()  # own key, not the file's

    def _sig(self, body: str) -> str:
        mac = hmac.new(self._key, body.encode("ascii"), hashlib.sha256).digest()[:16]
        return base64.urlsafe_b64encode(mac).decode("ascii").rstrip("=")

    def token(self, ticket_id: int, day: str, lang: str) -> str:
        body = f"{int(ticket_id)}-{date.fromisoformat(day):%Y%m%d}-{_CODES.get(lang, 'e')}"
        return f"{body}-{self._sig(body)}"

    def verify(self, token: str | None) -> QueueRef | None:
        """The ticket a token names, or None for anything not made by :meth:`token`."""
        m = _TOKEN.fullmatch(token or "")
        if m is None:
            return None
        body = "-".join(m.group(1, 2, 3))
        if not hmac.compare_digest(self._sig(body).encode(), m.group(4).encode()):
            return None
        d = m.group(2)
        try:
            day = date(int(d[:4]), int(d[4:6]), int(d[6:])).isoformat()
        except ValueError:
            return None
        return QueueRef(int(m.group(1)), day, _LANGS[m.group(3)])


def key_path_for(cfg: Any) -> Path:
    """Where the kiosk keeps the queue links' key (next to the printer's job key)."""
    return Path(cfg.path("secrets_dir")) / KEY_FILE


def links_for(cfg: Any) -> QueueLinks:
    """The kiosk's signer (the key created owner-only on first use)."""
    from devices.printer.jobkey import load_or_create_key

    return QueueLinks(load_or_create_key(key_path_for(cfg)))


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
