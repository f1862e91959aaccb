"""Function keys with no PIN (voice navigation): START_KEYS on the real line, yielding to a
PIN entry and never wiping a PIN held for its block."""

from __future__ import annotations

import time
from collections.abc import Callable

from devices.pinpad import pinblock
from devices.pinpad.model import EntryCompletion, KeyEvent
from devices.pinpad.protocol import EntryState
from kiosk_core.status import DeviceState

from .conftest import Factory
from .test_driver import PAN, PIN_KEY, _load_pin_key


def _until(predicate: Callable[[], object], timeout: float = 5.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return
        time.sleep(0.01)
    raise AssertionError("condition not met in time")


def test_function_keys_reach_the_listener_and_digits_do_not(open_pad: Factory) -> None:
    pad = open_pad()
    keys: list[str] = []
    pad.watch_keys(keys.append)
    _until(lambda: pad.simulator.state is EntryState.KEYS)
    pad.simulator.press("C12B3XE")
    _until(lambda: len(keys) == 4)
    assert keys == ["clear", "backspace", "cancel", "enter"]  # no digit, not even counted
    assert pad.status.device is DeviceState.ONLINE  # not "busy": no PIN is being entered

    pad.watch_keys(None)
    _until(lambda: pad.simulator.state is EntryState.IDLE)
    pad.simulator.press("E")
    time.sleep(0.2)
    assert keys == ["clear", "backspace", "cancel", "enter"]


def test_a_pin_entry_takes_the_keys_and_they_come_back_after_the_block(
        open_pad: Factory) -> None:
    pad = open_pad()
    _load_pin_key(pad)
    keys: list[str] = []
    pad.watch_keys(keys.append)
    _until(lambda: pad.simulator.state is EntryState.KEYS)

    events: list[KeyEvent] = []
    fut = pad.get_pin(4, 6, 10, events.append)  # the watch yields to it
    _until(lambda: pad.simulator.state is EntryState.ENTRY)
    pad.simulator.press("1234E")
    assert fut.result(10).completion is EntryCompletion.ENTER
    time.sleep(0.2)  # the re-armed watch ran meanwhile: it must leave the held PIN alone
    assert pad.simulator.state is EntryState.DONE
    assert keys == []  # the PIN's keys went to the entry only
    block = pad.get_pin_block(PAN).result(5)
    assert pinblock.decode_format0(block, PAN, PIN_KEY) == "1234"

    _until(lambda: pad.simulator.state is EntryState.KEYS)  # back once the PIN is gone
    pad.simulator.press("C")
    _until(lambda: keys == ["clear"])


def test_status_reads_still_run_and_the_watch_survives_them(open_pad: Factory) -> None:
    pad = open_pad(poll_interval_s=0.2)
    keys: list[str] = []
    pad.watch_keys(keys.append)
    _until(lambda: pad.simulator.state is EntryState.KEYS)
    seen = pad.simulator.command_count
    _until(lambda: pad.simulator.command_count >= seen + 2)  # its own status reads
    assert pad.query_status().result(5).device is DeviceState.ONLINE  # a command yields it
    _until(lambda: pad.simulator.state is EntryState.KEYS)
    pad.simulator.press("B")
    _until(lambda: keys == ["backspace"])


def test_a_cancelled_pin_entry_gives_the_keys_back(open_pad: Factory) -> None:
    pad = open_pad()
    keys: list[str] = []
    pad.watch_keys(keys.append)
    _until(lambda: pad.simulator.state is EntryState.KEYS)
    fut = pad.get_pin(4, 6, 10)
    _until(lambda: pad.simulator.state is EntryState.ENTRY)
    pad.simulator.press("X")
    assert fut.result(10).completion is EntryCompletion.CANCEL
    _until(lambda: pad.simulator.state is EntryState.KEYS)
    pad.simulator.press("E")
    _until(lambda: keys == ["enter"])
