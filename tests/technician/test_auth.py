"""Technician PINs: scrypt hashes, a lock-out after repeated failures that a restart (or a
damaged state file) does not lift, every attempt journalled without the PIN."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from technician_support import PIN, PIN_HASH

from technician.auth import TechnicianAuth, check_pin_format, hash_pin, pin_matches
from technician.settings import TechnicianEntry

TECHS = [TechnicianEntry(id="T-1", name="Wang Li", pin_hash=PIN_HASH)]


class Clock:
    def __init__(self) -> None:
        self.t = 1_000_000.0

    def __call__(self) -> float:
        return self.t


def _auth(tmp_path: Path, journal: list[tuple[str, dict[str, Any]]], clock: Clock
          ) -> TechnicianAuth:
    return TechnicianAuth(TECHS, tmp_path / "lock.json", lambda k, d: journal.append((k, dict(d))),
                          max_failures=3, lockout_s=600, clock=clock)


def test_right_pin_signs_in_the_technician(tmp_path: Path) -> None:
    journal: list[tuple[str, dict[str, Any]]] = []
    result = _auth(tmp_path, journal, Clock()).login(PIN)
    assert result.ok and result.technician == "T-1" and result.name == "Wang Li"
    assert journal == [("technician.login", {"technician": "T-1"})]


def test_wrong_pins_lock_out_across_a_restart_until_the_time_is_up(tmp_path: Path) -> None:
    journal: list[tuple[str, dict[str, Any]]] = []
    clock = Clock()
    auth = _auth(tmp_path, journal, clock)
    assert auth.login("000000").failures_left == 2
    assert auth.login("000001").failures_left == 1
    locked = auth.login("000002")
    assert locked.outcome == "locked" and locked.retry_after_s == 600
    # The right PIN does not open a locked kiosk, even after a restart.
    again = _auth(tmp_path, journal, clock)
    assert again.login(PIN).outcome == "locked"
    assert 0 < again.locked_for() <= 600
    clock.t += 601
    assert again.login(PIN).ok
    kinds = [k for k, _ in journal]
    assert kinds == ["technician.login_failed"] * 3 + ["technician.locked",
                                                        "technician.login_failed",
                                                        "technician.login"]
    assert all(PIN not in str(d) and "00000" not in str(d) for _, d in journal)


def test_a_damaged_state_file_locks_rather_than_unlocks(tmp_path: Path) -> None:
    (tmp_path / "lock.json").write_text("{not json")
    auth = _auth(tmp_path, [], Clock())
    assert auth.login(PIN).outcome == "locked"


def test_no_technicians_configured_means_no_way_in(tmp_path: Path) -> None:
    auth = TechnicianAuth([], tmp_path / "l.json", lambda k, d: None)
    assert auth.login(PIN).outcome == "no_technicians"


def test_pin_format() -> None:
    for bad in ("123", "12345678901234", "12a4", "１２３４", ""):
        with pytest.raises(ValueError):
            check_pin_format(bad)
    check_pin_format("1234")


@settings(max_examples=30, deadline=None)
@given(st.text(max_size=40))
def test_a_malformed_hash_never_matches_nor_raises(stored: str) -> None:
    assert pin_matches(PIN, stored) is False or stored == PIN_HASH


def test_hashes_are_salted() -> None:
    a, b = hash_pin("1234"), hash_pin("1234")
    assert a != b and pin_matches("1234", a) and pin_matches("1234", b)
    assert not pin_matches("1235", a)
