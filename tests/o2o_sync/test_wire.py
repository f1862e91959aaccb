from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from o2o_sync.wire import WireError, parse_event, parse_item

GOOD: dict[str, Any] = {
    "id": "apt_1",
    "version": 3,
    "status": "booked",
    "service": "loan",
    "start": "2027-03-28T09:30:00+01:00",
    "zone": "Europe/London",
    "duration_min": 15,
    "customer": {"name": "Emma Clarke", "phone": "+44 20 7946 0000"},
    "booking_code": "K7Q2MX",
    "qr_token": "abcdefgh12345678",
}


def test_good_item_normalises_time_to_utc() -> None:
    it = parse_item(GOOD)
    assert it.start_utc == "2027-03-28T08:30:00Z"
    assert (it.name, it.booking_code, it.unknown) == ("Emma Clarke", "K7Q2MX", ())


def test_bare_tombstone() -> None:
    it = parse_item({"id": "apt_1", "version": 4, "status": "cancelled"})
    assert it.tombstone and it.start_utc is None


def test_unknown_fields_are_reported_not_fatal() -> None:
    it = parse_item({**GOOD, "loyalty_tier": "gold"})
    assert it.unknown == ("loyalty_tier",)


@pytest.mark.parametrize(
    "patch,field",
    [
        ({"id": "bad id!"}, "id"),
        ({"version": 0}, "version"),
        ({"version": True}, "version"),
        ({"status": "lost"}, "status"),
        ({"start": "2027-03-28T09:30:00"}, "start"),
        ({"start": "tomorrow"}, "start"),
        ({"zone": "Mars/Olympus"}, "zone"),
        ({"customer": {"name": "x"}}, "phone"),
        ({"customer": {"name": "x", "phone": "12"}}, "phone"),
        ({"booking_code": "lower"}, "booking_code"),
        ({"qr_token": "short"}, "qr_token"),
        ({"duration_min": 0}, "duration_min"),
        ({"service": "x" * 65}, "service"),
    ],
)
def test_bad_items_name_the_field(patch: dict[str, Any], field: str) -> None:
    with pytest.raises(WireError, match=field):
        parse_item({**GOOD, **patch})


def test_event_needs_known_type_and_id() -> None:
    ev = parse_event(
        {"id": "evt_1", "type": "appointment.updated", "created": 1, "data": GOOD, "livemode": True}
    )
    assert ev.item.id == "apt_1" and ev.item.unknown == ("event.livemode",)
    with pytest.raises(WireError, match=r"event\.type"):
        parse_event({"id": "evt_1", "type": "x", "created": 1, "data": GOOD})
    with pytest.raises(WireError, match=r"event\.id"):
        parse_event({"type": "appointment.updated", "created": 1, "data": GOOD})


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=6)
    ),
    max_leaves=20,
)


@given(json_values)
def test_parser_refuses_anything_else_cleanly(value: Any) -> None:
    for fn in (parse_item, parse_event):
        try:
            fn(value)
        except WireError:
            pass


@given(st.dictionaries(st.sampled_from([*sorted(GOOD), "extra"]), json_values, max_size=12))
def test_mutated_items_never_crash(patch: dict[str, Any]) -> None:
    try:
        parse_item({**GOOD, **patch})
    except WireError:
        pass


def _page(items: list[Any]) -> bytes:
    import json

    return json.dumps({"items": items, "next_cursor": "c1", "has_more": False}).encode()


@given(
    st.lists(
        st.dictionaries(st.sampled_from([*sorted(GOOD), "extra"]), json_values, max_size=6),
        min_size=1,
        max_size=4,
    )
)
def test_fast_and_plain_page_decoders_agree(patches: list[dict[str, Any]]) -> None:
    from o2o_sync.fastpage import decode_page
    from o2o_sync.sync import parse_page_slow

    items = [{**GOOD, "id": f"apt_{i}", **p} for i, p in enumerate(patches)]
    fast, slow = decode_page(_page(items)), parse_page_slow(_page(items))
    assert [it[:12] for it in fast[0]] == [it[:12] for it in slow[0]]
    assert [e for e, _ in fast[3]] == [e for e, _ in slow[3]]
    assert fast[1:3] == slow[1:3]


def test_fast_decoder_refuses_pages_off_contract() -> None:
    from o2o_sync.fastpage import PageError, decode_page

    for body in (
        b"[]",
        b'{"items": 1, "next_cursor": "c", "has_more": false}',
        b'{"items": [',
        b'{"items": [], "next_cursor": "", "has_more": false}',
    ):
        with pytest.raises(PageError):
            decode_page(body)
    items, _, _, rejected = decode_page(_page([GOOD, {**GOOD, "id": "apt_2", "zone": "X/Y"}, 7]))
    assert [it.id for it in items] == ["apt_1"]
    assert [e.split(":")[0] for e, _ in rejected] == ["items[1][apt_2].zone", "items[2]"]
