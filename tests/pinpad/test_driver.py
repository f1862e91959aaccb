"""The PIN pad driver against its simulator, real bytes over a pty and over TCP."""

from __future__ import annotations

import threading
import time

import pytest

from devices.base import DeviceNotReady
from devices.pinpad import pinblock
from devices.pinpad.driver import PinPad
from devices.pinpad.errors import (
    InvalidData,
    KcvMismatch,
    KeyNotFound,
    KeyStuck,
    NoPin,
    NotInCeremony,
    PinPadLineError,
    Tampered,
    WrongAlgorithm,
)
from devices.pinpad.model import EntryCompletion, KeyEvent, KeyName
from kiosk_core.status import DeviceState, StatusChanged

from .conftest import MASTER, Factory

PAN = "4111111111111111"
PIN_KEY = bytes.fromhex("89ABCDEF0123456776543210FEDCBA98")
AES_MASTER = bytes(range(16))
AES_PIN_KEY = bytes(range(16, 32))


def _load_pin_key(pad: PinPad, key: bytes = PIN_KEY, master: bytes = MASTER,
                  algorithm: str = "TDES") -> bytes:
    wrapped = pinblock.wrap_key(master, key, algorithm)
    return pad.import_key("pin", wrapped, pinblock.kcv(key, algorithm), algorithm).result(5)


def _wait(predicate: object, timeout: float = 3.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.01)
    raise AssertionError("condition not met in time")


def test_scripted_pin_gives_a_format0_block_the_bank_can_decode(open_pad: Factory) -> None:
    pad = open_pad("pin=246810")
    assert pad.status.device is DeviceState.ONLINE
    assert _load_pin_key(pad) == pinblock.kcv(PIN_KEY, "TDES")
    events: list[KeyEvent] = []
    entry = pad.get_pin(4, 12, 10, events.append).result(10)
    assert entry.completion is EntryCompletion.ENTER and entry.digits == 6
    assert [e.key for e in events] == [KeyName.DIGIT] * 6 + [KeyName.ENTER]
    assert [e.digits for e in events] == [1, 2, 3, 4, 5, 6, 6]
    block = pad.get_pin_block(PAN, 0).result(5)
    assert len(block) == 8
    assert pinblock.decode_format0(block, PAN, PIN_KEY) == "246810"
    # the pad wiped the PIN after giving it out once
    with pytest.raises(NoPin):
        pad.get_pin_block(PAN, 0).result(5)
    counters = pad.status.counters
    assert counters["pins_entered"] == 1 and counters["pin_blocks"] == 1


def test_format4_under_an_aes_master(open_pad: Factory) -> None:
    pad = open_pad(f"master={AES_MASTER.hex()}&master_alg=AES&pin=1234")
    _load_pin_key(pad, AES_PIN_KEY, AES_MASTER, "AES")
    assert pad.get_pin(4, 6, 10).result(10).entered
    with pytest.raises(WrongAlgorithm):
        pad.get_pin_block(PAN, 0).result(5)  # format 0 needs a TDES key
    block = pad.get_pin_block("4321987654321098765", 4).result(5)
    assert pinblock.decode_format4(block, "4321987654321098765", AES_PIN_KEY) == "1234"


def test_customer_corrects_with_clear_and_backspace(open_pad: Factory) -> None:
    pad = open_pad()
    _load_pin_key(pad)
    events: list[KeyEvent] = []
    fut = pad.get_pin(4, 6, 10, events.append)
    _wait(lambda: pad.status.device is DeviceState.BUSY)
    pad.simulator.press("99C12345B6E")
    entry = fut.result(10)
    assert entry.completion is EntryCompletion.ENTER and entry.digits == 5
    assert [e.key for e in events] == ([KeyName.DIGIT] * 2 + [KeyName.CLEAR] +
                                       [KeyName.DIGIT] * 5 + [KeyName.BACKSPACE] +
                                       [KeyName.DIGIT, KeyName.ENTER])
    assert pinblock.decode_format0(pad.get_pin_block(PAN).result(5), PAN, PIN_KEY) == "12346"
    assert pad.status.device is DeviceState.ONLINE


def test_enter_below_min_and_digits_beyond_max_are_ignored(open_pad: Factory) -> None:
    pad = open_pad("keys=123E4567890E")
    _load_pin_key(pad)
    entry = pad.get_pin(4, 6, 10).result(10)
    assert entry.entered and entry.digits == 6
    assert pinblock.decode_format0(pad.get_pin_block(PAN).result(5), PAN, PIN_KEY) == "123456"


def test_press_over_the_link(open_pad: Factory) -> None:
    pad = open_pad()
    _load_pin_key(pad)
    fut = pad.get_pin(4, 4, 10)
    _wait(lambda: pad.status.device is DeviceState.BUSY)
    pad.press("4321E").result(5)  # SIM_PRESS over the same line, during the entry
    assert fut.result(10).digits == 4
    assert pinblock.decode_format0(pad.get_pin_block(PAN).result(5), PAN, PIN_KEY) == "4321"
    assert pad.describe()["line"]["stale_replies"] == 0


def test_press_command_when_idle(open_pad: Factory) -> None:
    pad = open_pad()
    pad.press("1").result(5)  # accepted; no entry running, so nothing is reported
    with pytest.raises(InvalidData):
        pad.press("Z").result(5)


def test_cancel_key_and_time_out(open_pad: Factory) -> None:
    pad = open_pad("keys=12X")
    events: list[KeyEvent] = []
    entry = pad.get_pin(4, 6, 10, events.append).result(10)
    assert entry.completion is EntryCompletion.CANCEL and entry.digits == 2
    assert events[-1].key is KeyName.CANCEL
    pad.simulator.script = "1"
    entry = pad.get_pin(4, 6, 0.3).result(5)
    assert entry.completion is EntryCompletion.TIMEOUT and entry.digits == 1
    with pytest.raises(NoPin):
        pad.get_pin_block(PAN).result(5)
    assert pad.status.counters["timed_out"] == 1


def test_host_cancels_a_running_entry(open_pad: Factory) -> None:
    pad = open_pad()
    fut = pad.get_pin(4, 6, 30)
    _wait(lambda: pad.status.device is DeviceState.BUSY)
    pad.cancel_pin()
    entry = fut.result(5)
    assert entry.completion is EntryCompletion.CANCEL
    assert pad.simulator.state.name == "IDLE"
    assert pad.status.device is DeviceState.ONLINE


def test_import_key_with_a_wrong_kcv_is_refused(open_pad: Factory) -> None:
    pad = open_pad()
    wrapped = pinblock.wrap_key(MASTER, PIN_KEY, "TDES")
    with pytest.raises(KcvMismatch) as info:
        pad.import_key("pin", wrapped, b"\x00\x00\x00", "TDES").result(5)
    assert info.value.computed == pinblock.kcv(PIN_KEY, "TDES")
    assert "pin" not in pad.simulator.keys
    assert [k.name for k in pad.key_info().result(5)] == ["master"]
    with pytest.raises(WrongAlgorithm):
        pad.import_key("pin", bytes(16), b"\x00\x00\x00", "AES").result(5)


def test_pin_block_without_a_pin_key(open_pad: Factory) -> None:
    pad = open_pad("pin=1234")
    assert pad.get_pin(4, 6, 10).result(10).entered
    with pytest.raises(KeyNotFound):
        pad.get_pin_block(PAN).result(5)


def test_clear_master_key_only_in_a_ceremony(open_pad: Factory) -> None:
    pad = open_pad()
    new_master = bytes.fromhex("F1E2D3C4B5A69788F1E2D3C4B5A69788")
    with pytest.raises(NotInCeremony):
        pad.load_master_key(new_master, "TDES").result(5)
    pad.simulator.open_ceremony()
    assert pad.load_master_key(new_master, "TDES").result(5) == pinblock.kcv(new_master, "TDES")
    kcvs = {k.name: k.kcv for k in pad.key_info().result(5)}
    assert kcvs == {"master": pinblock.kcv(new_master, "TDES")}
    _load_pin_key(pad, master=new_master)


def test_tamper_erases_keys_and_reports_fraud(open_pad: Factory) -> None:
    pad = open_pad()
    _load_pin_key(pad)
    changes: list[StatusChanged] = []
    pad.subscribe(changes.append)
    pad.simulator.inject("tamper")
    with pytest.raises(Tampered):
        pad.get_pin(4, 6, 10).result(5)
    assert pad.status.device is DeviceState.FRAUD_ATTEMPT
    assert pad.status.error_code == "TAMPER"
    assert any(c.current.device is DeviceState.FRAUD_ATTEMPT for c in changes)
    assert pad.key_info().result(5) == []
    assert pad.query_status().result(5).device is DeviceState.FRAUD_ATTEMPT
    assert not pad.self_test().result(5).ok


def test_tampered_from_the_start(open_pad: Factory) -> None:
    pad = open_pad("faults=tamper")
    assert pad.status.device is DeviceState.FRAUD_ATTEMPT


def test_key_stuck(open_pad: Factory) -> None:
    pad = open_pad()
    pad.simulator.inject("key-stuck")
    with pytest.raises(KeyStuck):
        pad.get_pin(4, 6, 10).result(5)
    assert pad.status.device is DeviceState.HARDWARE_ERROR
    pad.simulator.clear_faults()
    assert pad.query_status().result(5).device is DeviceState.ONLINE


def test_no_reply_then_recovery(open_pad: Factory) -> None:
    pad = open_pad()
    pad.simulator.inject("silence")
    with pytest.raises(PinPadLineError):
        pad.query_status().result(5)
    assert pad.status.device is DeviceState.OFFLINE
    pad.simulator.clear_faults()
    assert pad.query_status().result(5).device is DeviceState.ONLINE
    assert pad.describe()["line"]["timeouts"] == 1


def test_silence_during_entry_ends_with_a_typed_timeout(open_pad: Factory) -> None:
    pad = open_pad()
    fut = pad.get_pin(4, 6, 0.2)
    _wait(lambda: pad.status.device is DeviceState.BUSY)
    pad.simulator.inject("silence")  # the pad's time-out event never arrives
    with pytest.raises(PinPadLineError):
        fut.result(5)
    assert pad.status.device is DeviceState.OFFLINE


def test_device_removed_and_plugged_back(open_pad: Factory) -> None:
    pad = open_pad()
    pad.simulator.inject("removed")
    with pytest.raises(PinPadLineError):  # LinkLost on TCP, no reply on a pty
        pad.query_status().result(5)
    assert pad.status.device is DeviceState.OFFLINE
    pad.simulator.clear_faults()
    deadline = time.monotonic() + 3
    while True:  # the next command reconnects
        try:
            assert pad.query_status().result(5).device is DeviceState.ONLINE
            break
        except PinPadLineError:
            if time.monotonic() > deadline:
                raise


def test_removed_during_entry(open_pad: Factory) -> None:
    pad = open_pad()
    fut = pad.get_pin(4, 6, 0.3)
    _wait(lambda: pad.status.device is DeviceState.BUSY)
    pad.simulator.inject("removed")
    with pytest.raises(PinPadLineError):
        fut.result(5)
    assert pad.status.device is DeviceState.OFFLINE


def test_noise_on_the_line_is_skipped(open_pad: Factory) -> None:
    pad = open_pad()
    pad.simulator.send(b"\x02\x00\x05junk\xff\xfe")  # garbage, a frame cut short
    time.sleep(0.1)
    assert pad.query_status().result(5).device is DeviceState.ONLINE
    line = pad.describe()["line"]
    assert line["garbage_bytes"] + line["bad_frames"] > 0


def test_on_key_failure_does_not_break_the_entry(open_pad: Factory) -> None:
    pad = open_pad("pin=1234")
    calls = threading.Event()

    def broken(ev: KeyEvent) -> None:
        calls.set()
        raise RuntimeError("a UI bug")

    assert pad.get_pin(4, 6, 10, broken).result(10).entered
    assert calls.is_set()


def test_bad_sim_url_options_are_named(closing: object) -> None:
    from devices.pinpad.driver import create
    from devices.pinpad.settings import PinPadSettings

    for url, words in (("sim://pinpad?pinn=1234", "pinn"), ("sim://pinpad?pin=12", "pin"),
                       ("sim://pinpad?faults=melted", "melted"),
                       ("sim://pinpad?keys=12Z", "keys")):
        dev = create("pinpad", PinPadSettings(url=url))
        try:
            with pytest.raises(DeviceNotReady, match=words):
                dev.start().result(5)
        finally:
            dev.close()


def test_bad_entry_limits_fail_in_the_caller(open_pad: Factory) -> None:
    pad = open_pad()
    from devices.pinpad.protocol import PinPadProtocolError

    with pytest.raises(PinPadProtocolError):
        pad.get_pin(2, 6, 10)


def test_reset_wipes_a_held_pin_and_self_test(open_pad: Factory) -> None:
    pad = open_pad("pin=1234")
    _load_pin_key(pad)
    assert pad.self_test().result(5).ok
    assert pad.get_pin(4, 6, 10).result(10).entered
    assert pad.reset().result(5).state.name == "IDLE"
    with pytest.raises(NoPin):
        pad.get_pin_block(PAN).result(5)
    assert pad.get_pin(4, 6, 10).result(10).entered
    pad.end_entry().result(5)
    with pytest.raises(NoPin):
        pad.get_pin_block(PAN).result(5)
