from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from o2o_sync.lookup import CheckInDesk, LookupRefused
from o2o_sync.store import BranchStore
from o2o_sync.wire import parse_item

from .conftest import SHANGHAI, item


@pytest.fixture
def store(shanghai_store: BranchStore) -> BranchStore:
    return shanghai_store  # every test here is at a fixed instant in Shanghai


NOW = datetime(2026, 11, 23, 1, 50, tzinfo=UTC)  # 09:50 in Shanghai
START = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


@pytest.fixture
def desk(store: BranchStore) -> CheckInDesk:
    store.apply_page(
        [
            item(
                "a1",
                start=START,
                phone="+86 139 1234 5678",
                code="QR0001",
                token="token-a1-xxxx",
                zone=SHANGHAI,
            ),
            item(
                "a2",
                start=START + timedelta(days=1),
                code="TMRW01",
                token="token-a2-xxxx",
                zone=SHANGHAI,
            ),
            item("a3", start=START, code="GONE01", token="token-a3-xxxx", zone=SHANGHAI),
        ],
        "c1",
    )
    store.apply_page([parse_item({"id": "a3", "version": 2, "status": "cancelled"})], "c2")
    return CheckInDesk(store)


def refused(fn, *args, **kw) -> str:
    with pytest.raises(LookupRefused) as e:
        fn(*args, **kw)
    return e.value.code


def test_qr_then_check_in_then_used(desk: CheckInDesk) -> None:
    appt = desk.find_by_qr("O2O:token-a1-xxxx", now=NOW)
    assert (appt.id, appt.local_time, appt.phone_masked) == ("a1", "10:00", "***5678")
    assert desk.find_by_qr("token-a1-xxxx", now=NOW).id == "a1"  # bare token too
    ticket = desk.check_in(appt.id, now=NOW)
    assert ticket.number == "A001" and ticket.service == "loan"
    assert refused(desk.find_by_qr, "O2O:token-a1-xxxx", now=NOW) == "used"
    assert refused(desk.check_in, "a1", now=NOW) == "used"


@pytest.mark.parametrize(
    "text,code",
    [
        ("", "invalid"),
        ("https://evil.example/x?y", "invalid"),
        ("O2O:短", "invalid"),
        ("O2O:token-unknown-1", "unknown"),
        ("token-a2-xxxx", "not_today"),
        ("token-a3-xxxx", "cancelled"),
    ],
)
def test_qr_refusals(desk: CheckInDesk, text: str, code: str) -> None:
    assert refused(desk.find_by_qr, text, now=NOW) == code


def test_window_refusals(desk: CheckInDesk) -> None:
    assert (
        refused(desk.find_by_qr, "token-a1-xxxx", now=START - timedelta(minutes=20)) == "too_early"
    )
    assert (
        refused(desk.find_by_qr, "token-a1-xxxx", now=START + timedelta(minutes=45)) == "too_late"
    )


def test_phone_and_code(desk: CheckInDesk) -> None:
    assert desk.find_by_phone("139 1234 5678", "qr0001", now=NOW).id == "a1"
    assert desk.find_by_phone("+86-139-1234-5678", "QR0001", now=NOW).id == "a1"
    assert refused(desk.find_by_phone, "139 0000 0000", "QR0001", now=NOW) == "unknown"
    assert refused(desk.find_by_phone, "5678", "QR0001", now=NOW) == "invalid"  # < 5 digits
    assert refused(desk.find_by_phone, "13912345678", "", now=NOW) == "invalid"
    assert refused(desk.find_by_phone, "13912345678", "NOPE99", now=NOW) == "unknown"


def test_window_across_midnight(store: BranchStore) -> None:
    start = datetime(2026, 11, 23, 16, 5, tzinfo=UTC)  # 00:05 on the 24th in Shanghai
    store.apply_page(
        [item("m1", start=start, code="MIDN01", token="token-midnight", zone=SHANGHAI)], "c1"
    )
    desk = CheckInDesk(store)
    assert desk.find_by_qr("token-midnight", now=start - timedelta(minutes=10)).local_date == (
        "2026-11-24"
    )
    assert refused(desk.find_by_qr, "token-midnight", now=start - timedelta(hours=3)) == "not_today"
