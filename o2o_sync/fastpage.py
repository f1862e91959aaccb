"""Decode a change-feed page fast: types, lengths and patterns checked in C by msgspec.

The initial sync reads 100,000 items; parsing them to dicts and checking each field in
Python costs more than storing them. Here the whole page is decoded straight into typed
structs; the few rules msgspec cannot express (zone exists, phone has 5–20 digits, a
non-tombstone has all its fields, times normalised to UTC) are checked after. If anything in
the page fails, it is decoded again item by item with :func:`o2o_sync.wire.parse_item`, which
names the bad field; bad items are quarantined, the rest applied. A hypothesis test checks
that both paths accept and refuse the same items.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from o2o_sync.wire import _NOT_DIGIT, _UTC_Z, Item, WireError, _utc, _zone_ok, parse_item

Text64 = Annotated[str, Meta(min_length=1, max_length=64)]


class _Customer(msgspec.Struct):
    name: Annotated[str, Meta(min_length=1, max_length=100)]
    phone: Annotated[str, Meta(min_length=1, max_length=32)]


class _Item(msgspec.Struct):
    id: Annotated[str, Meta(pattern=r"^[A-Za-z0-9_-]{1,64}\Z")]
    version: Annotated[int, Meta(ge=1, lt=2**53)]
    status: Literal["booked", "cancelled", "checked_in", "no_show", "served"]
    service: Text64 | None = None
    start: Annotated[str, Meta(max_length=40)] | None = None
    zone: Text64 | None = None
    duration_min: Annotated[int, Meta(ge=1, le=480)] = 15
    customer: _Customer | None = None
    booking_code: Annotated[str, Meta(pattern=r"^[A-Z0-9]{4,16}\Z")] | None = None
    qr_token: Annotated[str, Meta(pattern=r"^[A-Za-z0-9_-]{8,128}\Z")] | None = None


class _Page(msgspec.Struct):
    items: list[msgspec.Raw]
    next_cursor: Annotated[str, Meta(min_length=1)]
    has_more: bool


class _TypedPage(msgspec.Struct):
    items: list[_Item]
    next_cursor: Annotated[str, Meta(min_length=1)]
    has_more: bool


class PageError(ValueError):
    """The page itself (not one item) is off the contract."""


_page = msgspec.json.Decoder(_Page)
_typed = msgspec.json.Decoder(_TypedPage)


def _slow(raw: bytes, i: int) -> WireError:
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError):
        return WireError(f"items[{i}]: not JSON")
    try:
        parse_item(value, f"items[{i}]")
    except WireError as exc:
        return exc
    return WireError(f"items[{i}]: refused")  # pragma: no cover - the two paths agree


def decode_page(body: bytes) -> tuple[list[Item], str, bool, list[tuple[str, str]]]:
    """(items, next_cursor, has_more, rejected as (error, raw JSON))."""
    try:
        typed = _typed.decode(body)
    except (msgspec.ValidationError, msgspec.DecodeError, RecursionError):
        return _decode_item_by_item(body)  # find the bad item(s), or refuse the page
    items: list[Item] = []
    append = items.append
    sub = _NOT_DIGIT.sub
    canonical = _UTC_Z.fullmatch
    fromiso = datetime.fromisoformat
    for s in typed.items:
        start = s.start
        if start is None and s.status == "cancelled":
            append(
                Item(
                    s.id, s.version, s.status, None, None, None, None, None, None, None, None, None
                )
            )
            continue
        c = s.customer
        if start is not None:  # canonical or not: a real date in years 1000..9998
            if canonical(start) and "1000" <= start[:4] <= "9998":
                try:
                    fromiso(start[:-1])  # "2026-02-30T…Z" matches the pattern, is no date
                except ValueError:
                    start = None
            else:
                start = _utc(start)
        pd = sub("", c.phone) if c is not None else ""
        if (
            start is None
            or s.service is None
            or s.zone is None
            or not _zone_ok(s.zone)
            or c is None
            or not 5 <= len(pd) <= 20
            or s.booking_code is None
            or s.qr_token is None
        ):
            return _decode_item_by_item(body)
        append(
            Item(
                s.id,
                s.version,
                s.status,
                s.service,
                start,
                s.zone,
                s.duration_min,
                c.name,
                c.phone,
                pd,
                s.booking_code,
                s.qr_token,
            )
        )
    if typed.items:
        _note_unknown_fields(body, items)
    return items, typed.next_cursor, typed.has_more, []


def _note_unknown_fields(body: bytes, items: list[Item]) -> None:
    """Unknown fields (a newer channel) are skipped by msgspec; parse one item per page with
    the full parser so they are still logged."""
    first = msgspec.json.decode(_page.decode(body).items[0])
    try:
        unknown = parse_item(first).unknown
    except WireError:
        return
    if unknown and items and items[0].id == first.get("id"):
        items[0] = items[0]._replace(unknown=unknown)


def _decode_item_by_item(body: bytes) -> tuple[list[Item], str, bool, list[tuple[str, str]]]:
    try:
        page = _page.decode(body)
    except msgspec.ValidationError as exc:
        raise PageError(
            f"page does not match the contract (items, next_cursor, has_more): {exc}"
        ) from None
    except (msgspec.DecodeError, RecursionError):
        raise PageError("page is not JSON (truncated, or nested too deep?)") from None
    items: list[Item] = []
    rejected: list[tuple[str, str]] = []
    for i, raw in enumerate(page.items):
        try:
            items.append(parse_item(json.loads(bytes(raw)), f"items[{i}]"))
        except (ValueError, RecursionError) as exc:  # WireError, or an item that is not JSON
            rejected.append(
                (
                    str(_slow(bytes(raw), i)) if not isinstance(exc, WireError) else str(exc),
                    bytes(raw).decode("utf-8", "replace"),
                )
            )
    return items, page.next_cursor, page.has_more, rejected
