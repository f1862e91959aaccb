"""Callback slots inside teller hours, and a booking through the real branch store's outbox."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from customer_flows.teller_callback import BranchCallbacks, callback_slots, open_now
from o2o_sync.store import BranchStore
from video_teller.settings import HubSettings

Z = ZoneInfo("Asia/Shanghai")
HUB = HubSettings(teller_hours="09:00-17:00", teller_days=[1, 2, 3, 4, 5])


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=Z)


def test_open_hours_and_days() -> None:
    assert open_now(HUB, at(2026, 12, 2, 9, 0))  # a Wednesday
    assert not open_now(HUB, at(2026, 12, 2, 17, 0))
    assert not open_now(HUB, at(2026, 12, 5, 11, 0))  # Saturday


def test_slots_start_half_an_hour_ahead_inside_hours() -> None:
    slots = callback_slots(HUB, at(2026, 12, 2, 10, 7))
    assert slots == [at(2026, 12, 2, 11, 0), at(2026, 12, 2, 11, 30), at(2026, 12, 2, 12, 0),
                     at(2026, 12, 2, 12, 30)]
    late = callback_slots(HUB, at(2026, 12, 2, 16, 20))  # nothing fits today
    assert late[0] == at(2026, 12, 3, 9, 0)
    friday = callback_slots(HUB, at(2026, 12, 4, 18, 0))  # over the weekend
    assert friday[0] == at(2026, 12, 7, 9, 0)
    early = callback_slots(HUB, at(2026, 12, 2, 6, 0))
    assert early[0] == at(2026, 12, 2, 9, 0)


def test_booking_goes_to_the_outbox(tmp_path: Path) -> None:
    store = BranchStore(tmp_path / "branch.sqlite", zone="Asia/Shanghai")
    try:
        desk = BranchCallbacks(lambda: store, HUB, "Asia/Shanghai",
                               clock=lambda: at(2026, 12, 2, 10, 7))
        slots = desk.slots("zh_CN")
        key = desk.book(slot=slots[1], language="zh_CN", kiosk_id="K-1", call_id="call-42",
                        phone="139 1234 5678")
        rows = store._q("SELECT kind, payload, state FROM outbox WHERE idempotency_key=?", (key,))
        assert rows[0]["kind"] == "callback_request" and rows[0]["state"] == "pending"
        body = json.loads(rows[0]["payload"])
        assert body["callback_at"] == "2026-12-02T11:30+08:00" and body["reference"] == "call-42"
        assert body["phone"] == "13912345678"
        activity = store._q("SELECT detail FROM activity WHERE kind='callback_request'")
        assert "13912345678" not in activity[0]["detail"]  # masked where staff look
        with pytest.raises(ValueError, match="phone"):
            desk.book(slot=slots[2], language="zh_CN", kiosk_id="K-1", call_id="x", phone="12")
        with pytest.raises(ValueError, match="not one on offer"):
            desk.book(slot="2026-12-02T03:00", language="zh_CN", kiosk_id="K-1", call_id="x")
        with pytest.raises(ValueError, match="not an ISO time"):
            desk.book(slot="tomorrow", language="zh_CN", kiosk_id="K-1", call_id="x")
    finally:
        store.close()


def test_the_channel_accepts_callback_requests_and_refuses_bad_ones() -> None:
    from o2o_sync.channel.service import ChannelError, _parse_branch_event

    good = {"kind": "callback_request", "occurred": "2026-12-02T02:07:00Z",
            "callback_at": "2026-12-02T11:30+08:00", "language": "zh_CN",
            "reference": "call-42", "via": "kiosk:K-1", "service": "video_teller"}
    assert _parse_branch_event(json.dumps(good).encode())["reference"] == "call-42"
    for bad, code in (({**good, "callback_at": "2026-12-02T11:30"}, "bad_time"),
                      ({**good, "callback_at": "soon"}, "bad_time"),
                      ({**good, "reference": ""}, "missing_reference"),
                      ({**good, "phone_pin": "1234"}, "unknown_field"),
                      ({**good, "phone": "+86 139"}, "bad_phone")):
        with pytest.raises(ChannelError) as err:
            _parse_branch_event(json.dumps(bad).encode())
        assert err.value.code == code
