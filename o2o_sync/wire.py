"""The JSON the channel service sends (see openapi.yaml), checked by hand.

Hand-written rather than a model class because the initial sync validates 100,000 items and
this stays cheap; every refusal says which field is wrong. No I/O here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from o2o_sync.timeutil import MAX_YEAR, MIN_YEAR, normalise_utc

REMOTE_STATUSES = frozenset({"booked", "cancelled", "checked_in", "no_show", "served"})
EVENT_TYPES = frozenset({"appointment.created", "appointment.updated", "appointment.cancelled"})
BRANCH_EVENT_KINDS = frozenset({"check_in", "no_show", "served", "walk_in", "callback_request"})

# Always .fullmatch(): re.match with "$" also takes a trailing newline ("a1\n").
_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_CODE = re.compile(r"[A-Z0-9]{4,16}")
_TOKEN = re.compile(r"[A-Za-z0-9_-]{8,128}")
KNOWN_FIELDS = frozenset(
    {
        "id",
        "version",
        "status",
        "branch",
        "service",
        "start",
        "zone",
        "duration_min",
        "customer",
        "booking_code",
        "qr_token",
        "updated",
        "deleted",
    }
)


class WireError(ValueError):
    """An item or event the contract does not allow."""


class Item(NamedTuple):
    """One appointment state (or tombstone) from the channel. A NamedTuple: the initial sync
    builds 100,000 of these, and a frozen dataclass costs several times more to construct."""

    id: str
    version: int
    status: str
    service: str | None
    start_utc: str | None
    zone: str | None
    duration_min: int | None
    name: str | None
    phone: str | None
    phone_digits: str | None
    booking_code: str | None
    qr_token: str | None
    unknown: tuple[str, ...] = ()

    @property
    def tombstone(self) -> bool:
        return self.status == "cancelled"


@lru_cache(maxsize=256)
def _zone_ok(zone: str) -> bool:
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


_NOT_DIGIT = re.compile(r"[^0-9]")
_UTC_Z = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


def digits(phone: str) -> str:
    return _NOT_DIGIT.sub("", phone)


_SURROGATE = re.compile("[\ud800-\udfff]")  # json.loads lets "\ud800" through; SQLite cannot


def _text(v: Any, max_len: int) -> bool:
    return isinstance(v, str) and 0 < len(v) <= max_len and not _SURROGATE.search(v)


def _utc(v: Any) -> str | None:
    """The canonical UTC text, or None if not an RFC 3339 time with an offset."""
    if not isinstance(v, str) or len(v) > 40 or not v.isascii():
        return None
    try:
        if _UTC_Z.fullmatch(v):  # the usual case, already canonical: only check it is a date
            if not MIN_YEAR <= int(v[:4]) <= MAX_YEAR:
                return None
            datetime.fromisoformat(v[:-1])
            return v
        return normalise_utc(v)
    except ValueError:
        return None


def parse_item(d: Any, where: str = "item") -> Item:
    if not isinstance(d, dict):
        raise WireError(f"{where}: expected an object")
    aid = d.get("id")
    if not isinstance(aid, str) or not _ID.fullmatch(aid):
        raise WireError(f"{where}.id: expected 1..64 of [A-Za-z0-9_-]")

    def bad(field: str, what: str) -> WireError:
        return WireError(f"{where}[{aid}].{field}: {what}")

    version = d.get("version")
    if type(version) is not int or not 1 <= version < 2**53:
        raise bad("version", "expected a positive integer")
    status = d.get("status")
    if not isinstance(status, str) or status not in REMOTE_STATUSES:
        raise bad("status", f"expected one of {sorted(REMOTE_STATUSES)}")
    extra = d.keys() - KNOWN_FIELDS
    unknown = tuple(sorted(extra)) if extra else ()
    if status == "cancelled" and "start" not in d:
        # a bare tombstone: id, version, status
        return Item(
            aid, version, status, None, None, None, None, None, None, None, None, None, unknown
        )
    service = d.get("service")
    if not _text(service, 64):
        raise bad("service", "expected text of 1..64 characters")
    start = _utc(d.get("start"))
    if start is None:
        raise bad("start", "expected an RFC 3339 time with offset")
    zone = d.get("zone")
    if not _text(zone, 64) or not _zone_ok(zone):
        raise bad("zone", f"unknown IANA zone {zone!r}")
    dur = d.get("duration_min", 15)
    if type(dur) is not int or not 1 <= dur <= 480:
        raise bad("duration_min", "expected 1..480")
    cust = d.get("customer")
    if not isinstance(cust, dict):
        raise bad("customer", "expected an object")
    name = cust.get("name")
    if not _text(name, 100):
        raise bad("customer.name", "expected text of 1..100 characters")
    phone = cust.get("phone")
    if not _text(phone, 32):
        raise bad("customer.phone", "expected text of 1..32 characters")
    pd = _NOT_DIGIT.sub("", str(phone))
    if not 5 <= len(pd) <= 20:
        raise bad("customer.phone", "expected 5..20 digits")
    code = d.get("booking_code")
    if not isinstance(code, str) or not _CODE.fullmatch(code):
        raise bad("booking_code", "expected 4..16 of [A-Z0-9]")
    token = d.get("qr_token")
    if not isinstance(token, str) or not _TOKEN.fullmatch(token):
        raise bad("qr_token", "expected 8..128 of [A-Za-z0-9_-]")
    return Item(
        aid, version, status, service, start, zone, dur, name, phone, pd, code, token, unknown
    )


@dataclass(frozen=True, slots=True)
class Event:
    id: str
    type: str
    created: int
    item: Item


def parse_event(d: Any) -> Event:
    if not isinstance(d, dict):
        raise WireError("event: expected an object")
    eid = d.get("id")
    if not isinstance(eid, str) or not _ID.fullmatch(eid):
        raise WireError("event.id: expected 1..64 of [A-Za-z0-9_-]")
    etype = d.get("type")
    if not isinstance(etype, str) or etype not in EVENT_TYPES:
        raise WireError(f"event.type: expected one of {sorted(EVENT_TYPES)}")
    created = d.get("created")
    if not isinstance(created, int) or isinstance(created, bool) or created < 0:
        raise WireError("event.created: expected unix seconds")
    extra = sorted(k for k in d if k not in ("id", "type", "created", "data"))
    item = parse_item(d.get("data"), "event.data")
    if extra:
        item = item._replace(unknown=item.unknown + tuple(f"event.{k}" for k in extra))
    return Event(eid, etype, created, item)
