"""The kiosk's card counts: persisted in data_dir, reconciled with the device's retract
counter at open, replenished with load_stacker, printed by ``kiosk diag counters``
(counts_lines)."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest

from devices.card_dispenser.commands import counts_lines
from devices.card_dispenser.counts import CounterStore, DispenserCounts, Mismatch
from devices.card_dispenser.driver import CardDispenser, create
from devices.card_dispenser.model import TakeResult
from devices.card_dispenser.settings import CardDispenserSettings

from .conftest import FAST

T = 5
FILE = "card_dispenser_counters.json"


def _open(tmp_path: Path, closing: Any, protocol: str, query: str = "",
          **settings: Any) -> CardDispenser:
    url = "sim://card-dispenser" + (f"?{query}" if query else "")
    dev = closing(create("card_dispenser", CardDispenserSettings(
        url=url, protocol=protocol, **{**FAST, **settings})))
    dev.bind_storage(tmp_path)
    dev.start().result(timeout=T)
    return dev


def _saved(tmp_path: Path) -> dict[str, Any]:
    data = json.loads((tmp_path / FILE).read_text())
    assert data["format"] == 1
    return dict(data["counts"])


def test_counts_persist_across_restarts(tmp_path: Path, closing: Any, protocol: str) -> None:
    dev = _open(tmp_path, closing, protocol, "take=0.05")
    dev.dispense().result(T)
    assert dev.wait_taken(T).result(T + 1) is TakeResult.TAKEN
    dev.to_read_position().result(T)
    dev.present().result(T)
    dev.simulator.set_take_after(None)
    assert dev.wait_taken(0.05).result(T) is TakeResult.RETRACTED
    saved = _saved(tmp_path)
    assert (saved["dispensed"], saved["presented"], saved["taken"], saved["retracted"]) == \
        (2, 2, 1, 1)
    assert saved["retained"] == 1
    assert saved["retained_source"] == ("device" if protocol == "crt591" else "kiosk")
    dev.close()
    # The kiosk restarts (same data dir, same simulator state: bin=1).
    again = _open(tmp_path, closing, protocol, "take=never&bin=1")
    c = again.counters().result(T)
    assert (c["dispensed"], c["taken"], c["retracted"], c["bin"]) == (2, 1, 1, 1)
    counts = again.counts().result(T)
    assert (counts.presented, counts.retained, counts.last_mismatch) == (2, 1, None)
    assert again.describe()["counters_file"] == str(tmp_path / FILE)


def test_device_counter_wins_and_mismatch_is_reported(
        tmp_path: Path, closing: Any, caplog: pytest.LogCaptureFixture) -> None:
    CounterStore(tmp_path / FILE).save(DispenserCounts(
        dispensed=9, taken=2, retracted=7, retained=7, retained_source="device"))
    caplog.set_level(logging.WARNING, "devices.card_dispenser.driver")
    dev = _open(tmp_path, closing, "crt591", "bin=3")  # the device has counted 3
    assert dev.counters().result(T)["bin"] == 3
    counts = dev.counts().result(T)
    assert counts.retained == 3 and counts.dispensed == 9
    assert counts.last_mismatch is not None
    assert (counts.last_mismatch.kiosk, counts.last_mismatch.device) == (7, 3)
    assert "retain bin count 7" in caplog.text and "device says 3" in caplog.text
    assert _saved(tmp_path)["last_mismatch"]["device"] == 3


def test_load_stacker_replenishes(tmp_path: Path, closing: Any, protocol: str) -> None:
    dev = _open(tmp_path, closing, protocol, "take=0.01")
    assert dev.counts().result(T).stacker_remaining is None
    counts = dev.load_stacker(20).result(T)
    assert (counts.stacker_loaded, counts.stacker_remaining) == (20, 20)
    dev.dispense().result(T)
    dev.wait_taken(T).result(T + 1)
    dev.dispense().result(T)
    assert dev.counts().result(T).stacker_remaining == 18
    assert _saved(tmp_path)["stacker_remaining"] == 18
    assert dev.load_stacker(50).result(T).stacker_remaining == 50
    with pytest.raises(ValueError):
        dev.load_stacker(-1)


def test_a_damaged_counters_file_is_set_aside(tmp_path: Path, closing: Any) -> None:
    (tmp_path / FILE).write_text('{"format": 1, "counts": {"dispensed": -4}}')
    dev = _open(tmp_path, closing, "k720")
    assert dev.counts().result(T).dispensed == 0
    assert list(tmp_path.glob(f"{FILE}.bad-*"))
    assert _saved(tmp_path)["dispensed"] == 0


def test_no_data_dir_no_file(tmp_path: Path, closing: Any,
                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    dev = closing(create("card_dispenser", CardDispenserSettings(
        url="sim://card-dispenser", **FAST)))
    dev.start().result(timeout=T)
    dev.load_stacker(5).result(T)
    assert dev.describe()["counters_file"] is None and not list(tmp_path.iterdir())


def test_counts_lines() -> None:
    """What ``kiosk diag counters`` prints of the card counts (tests/technician/
    test_diag_cli.py runs the command itself, through a running kiosk and without one)."""
    counts = DispenserCounts(dispensed=7, taken=5, retained=2, retained_source="device",
                             stacker_loaded=40, dispensed_since_load=7,
                             last_mismatch=Mismatch(kiosk=9, device=2,
                                                    at="2026-01-01T00:00:00Z"),
                             updated="2026-01-01T00:00:00Z")
    lines = counts_lines(counts, "var/c.json")
    assert lines[0] == "card dispenser counts  (var/c.json, updated 2026-01-01T00:00:00Z)"
    assert "  dispensed        7" in lines
    assert "  retained         2  (bin count from the device)" in lines
    assert any("stacker loaded   40" in line and "left by our count" in line for line in lines)
    assert any("kiosk counted 9 in the bin, the device 2" in line for line in lines)
    assert not any("mismatch" in line for line in counts_lines(DispenserCounts()))


def test_bad_counters_file_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "c.json"
    bad.write_text("{nope")
    with pytest.raises(ValueError, match="not JSON"):
        CounterStore(bad).load()

