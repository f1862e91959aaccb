"""None's, True's and False's reference counts (kiosk_ui/none_guard.py) are raised before
they run low."""

from __future__ import annotations

import sys

import pytest

from kiosk_ui import none_guard


def test_singletons_are_topped_up_when_low(monkeypatch: pytest.MonkeyPatch) -> None:
    assert none_guard.keep_none_alive() >= none_guard.LOW_WATER
    if not none_guard._NEEDED:
        return  # immortal there: nothing to keep
    before = [sys.getrefcount(v) for v in (None, True, False)]
    monkeypatch.setattr(none_guard, "LOW_WATER", max(before) + 10_000)  # all three "ran low"
    monkeypatch.setattr(none_guard, "TOP_UP", 1000)
    none_guard.keep_none_alive()
    after = [sys.getrefcount(v) for v in (None, True, False)]
    # Other threads (Qt, workers) move the counts a little meanwhile.
    assert all(900 < a - b < 1100 for a, b in zip(after, before, strict=True)), (before, after)
    assert none_guard.keep_none_alive() > 0
