"""The branch's webhook receiver and feed parser against a hostile sender (issue 15).

Each of the three inputs that gave HTTP 500 before, the trailing-newline ids that were
stored, the time parser shared with the feed, and a hypothesis fuzz of header and body.
"""

from __future__ import annotations

import copy
import json
import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest
from daytime import ZONE
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ports import free_port

from o2o_sync import signing
from o2o_sync.aio import ServerThread
from o2o_sync.fastpage import decode_page
from o2o_sync.store import BranchStore
from o2o_sync.sync import PageError, parse_page_slow
from o2o_sync.timeutil import parse_utc
from o2o_sync.webhook import PATH, make_webhook_app
from o2o_sync.wire import WireError, parse_event, parse_item

from .conftest import SECRET
from .hostile import NASTY_CHARS, edge_times, hostile_json, nasty_text, raw_request, request

ITEM: dict[str, Any] = {
    "id": "apt_h1", "version": 1, "status": "booked", "service": "loan",
    "start": "2030-01-02T03:00:00Z", "zone": ZONE, "duration_min": 15,
    "customer": {"name": "Hostile Hu", "phone": "+86 138 1111 2222"},
    "booking_code": "HOST01", "qr_token": "hostile-token-01",
}


def event(eid: str = "evt_h1", **patch: Any) -> dict[str, Any]:
    return {"id": eid, "type": "appointment.updated", "created": int(time.time()),
            "data": {**copy.deepcopy(ITEM), **patch}}


@pytest.fixture
def receiver(store: BranchStore) -> Iterator[ServerThread]:
    srv = ServerThread(lambda: make_webhook_app(store, SECRET, max_bytes=65536,
                                                read_timeout_s=0.5),
                       port=free_port(), name="sec-webhook").start()
    yield srv
    srv.stop()


def post(srv: ServerThread, body: bytes, header: str | None = None) -> tuple[int, bytes]:
    header = signing.sign(SECRET, body) if header is None else header
    status, _, data = request(srv.port, "POST", PATH, body=body,
                              headers={signing.HEADER: header,
                                       "Content-Type": "application/json"})
    return status, data


@pytest.mark.parametrize("digits", ["١٧٠٠٠٠٠٠٠٠", "۱۷۰۰۰۰۰۰۰۰", "¹⁷⁰⁰", "１７００"])
def test_non_ascii_timestamp_digits_are_400(receiver: ServerThread, digits: str) -> None:
    """Failed before: str.isdigit() took them; int() of "¹⁷" raised → 500, and Arabic-Indic
    digits were accepted as a real timestamp."""
    body = json.dumps(event()).encode()
    mac = signing.sign(SECRET, body).split(",")[1]
    status, data = post(receiver, body, f"t={digits},{mac}")
    assert status == 400 and b"malformed timestamp" in data


@pytest.mark.parametrize("body", [
    b'{"id":"evt_deep","data":' + b"[" * 50000 + b"]" * 50000 + b"}",
    b'{"a":' * 3000 + b"1" + b"}" * 3000,
])
def test_deeply_nested_json_is_400(receiver: ServerThread, body: bytes) -> None:
    """Failed before: RecursionError in json.loads → 500. (64 KiB limit: the first is 413.)"""
    status, data = post(receiver, body)
    assert status in (400, 413), data


@pytest.mark.parametrize("where", ["name", "phone", "service"])
def test_a_lone_surrogate_is_400_and_nothing_is_stored(receiver: ServerThread,
                                                       store: BranchStore, where: str) -> None:
    """Failed before: "\\ud800" passed json.loads and broke the INSERT (UnicodeEncodeError)."""
    doc = event()
    if where == "service":
        doc["data"]["service"] = "\ud800loan"
    else:
        doc["data"]["customer"][where] = "Li \ud800 138 0000 1111"
    body = json.dumps(doc).encode()  # ensure_ascii: the surrogate travels as \\ud800
    status, data = post(receiver, body)
    assert status == 400 and b"surrogate" in data
    assert store.appointment("apt_h1") is None


@pytest.mark.parametrize("patch", [{"id": "apt_h1\n"}, {"booking_code": "HOST01\n"},
                                   {"qr_token": "hostile-token-01\n"}])
def test_ids_and_codes_with_a_trailing_newline_are_refused(
        receiver: ServerThread, store: BranchStore, patch: dict[str, Any]) -> None:
    """Failed before: re.match with "$" matched "apt_h1\\n" and it was stored."""
    status, _ = post(receiver, json.dumps(event(**patch)).encode())
    assert status == 400
    assert store._q("SELECT count(*) FROM appointments")[0][0] == 0
    status, _ = post(receiver, json.dumps(event("evt_nl\n")).encode())
    assert status == 400


@pytest.mark.parametrize("when", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00",
                                  "0001-01-01T00:00:00Z", "0999-01-01T00:00:00Z",
                                  "2026-02-30T10:00:00Z"])
def test_times_at_the_ends_of_the_range_are_refused_everywhere(
        receiver: ServerThread, when: str) -> None:
    """Failed before: OverflowError (not ValueError) from the shared time parser → 500 at the
    webhook, and an exception the feed parser did not catch."""
    with pytest.raises(ValueError):
        parse_utc(when)
    status, _ = post(receiver, json.dumps(event(start=when)).encode())
    assert status == 400
    with pytest.raises(WireError):
        parse_item({**ITEM, "start": when})
    page = json.dumps({"items": [{**ITEM, "start": when}], "next_cursor": "c1",
                       "has_more": False}).encode()
    for parse in (decode_page, parse_page_slow):
        items, _, _, rejected = parse(page)
        assert items == [] and len(rejected) == 1


def test_deep_feed_pages_are_a_page_error() -> None:
    page = b'{"items":[' + b"[" * 100000 + b"]" * 100000 + b'],"next_cursor":"c","has_more":false}'
    for parse in (decode_page, parse_page_slow):
        with pytest.raises(PageError):
            parse(page)


def test_stale_replayed_and_forged_signatures_are_401(receiver: ServerThread) -> None:
    body = json.dumps(event()).encode()
    old = signing.sign(SECRET, body, int(time.time()) - 3600)
    assert post(receiver, body, old)[0] == 401  # a captured delivery replayed an hour later
    assert post(receiver, body, signing.sign("not-the-secret", body))[0] == 401
    assert post(receiver, body + b" ", signing.sign(SECRET, body))[0] == 401
    assert post(receiver, body, "")[0] == 400


def test_a_slow_body_is_408(receiver: ServerThread) -> None:
    with socket.create_connection(("127.0.0.1", receiver.port), timeout=5) as s:
        s.sendall(f"POST {PATH} HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n{{".encode())
        assert s.recv(64).startswith(b"HTTP/1.1 408")


@given(header=st.one_of(
    nasty_text,
    st.builds(lambda t, v: f"t={t},v1={v}", nasty_text, nasty_text),
    st.builds(lambda t: f"t={t},v1={'0' * 64}", st.text(alphabet="0123456789" + NASTY_CHARS,
                                                       max_size=14)),
), body=hostile_json(like=event()))
@settings(max_examples=120, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_fuzzed_headers_and_signed_bodies_never_get_a_5xx(
        receiver: ServerThread, header: str, body: bytes) -> None:
    if "\n" not in header and "\r" not in header:
        status, _ = post(receiver, body, header)
        assert status in (400, 401, 413), header
    status, data = post(receiver, body)  # correctly signed: the body itself is hostile
    assert status in (200, 400, 413), (body[:200], data[:200])


@given(when=edge_times, text=nasty_text)
@settings(max_examples=120, deadline=None, database=None)
def test_the_parsers_raise_only_their_own_errors(when: str, text: str) -> None:
    """parse_event/parse_item either return or raise WireError — never OverflowError,
    UnicodeError, TypeError…"""
    for doc in (event(start=when), event(id=text), event(zone=text), event(booking_code=text),
                {**event(), "created": text}):
        try:
            parse_event(doc)
        except WireError:
            pass


def test_raw_malformed_requests_are_4xx_or_closed(receiver: ServerThread) -> None:
    for data in (b"POST /o2o/webhook HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
                 b"POST /o2o/webhook HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                 b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",  # a TLS hello
                 b"POST /o2o/webhook?" + b"a" * 20000 + b" HTTP/1.1\r\n\r\n",
                 b"GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n"):
        status = raw_request(receiver.port, data)
        assert status is None or 400 <= status < 500, data[:40]
