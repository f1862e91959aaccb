"""The vendor-neutral suite: every command, every fault and the recovery after it.

Each test runs once per protocol (CRT-591 and K720) against the simulator over a pty.
"""

from __future__ import annotations

from typing import Any

import pytest

from devices.card_dispenser import errors
from devices.card_dispenser.model import CardPosition, Op, StackerLevel, TakeResult
from devices.card_dispenser.settings import CardDispenserSettings
from devices.registry import create_device
from kiosk_core.status import DeviceState, MediaState, StatusChanged, SupplyState

from .conftest import Factory

T = 5  # seconds a Future may take before the test fails (not a timing assertion)


def test_open_reports_online_version_and_supplies(open_dispenser: Factory, protocol: str) -> None:
    dev = open_dispenser("cards=50&bin=0")
    s = dev.status
    assert s.device is DeviceState.ONLINE
    assert s.media is MediaState.NOT_PRESENT
    assert s.supplies == {"stacker": SupplyState.OK, "bin": SupplyState.OK}
    assert dev.firmware_version().result(T) == dev.firmware != ""
    assert ("CRT-591" if protocol == "crt591" else "K720") in dev.firmware
    assert dev.counters().result(T) == {"dispensed": 0, "retracted": 0, "captured": 0,
                                        "taken": 0, "bin": 0}
    assert dev.describe()["protocol"] == protocol


def test_dispense_and_customer_takes_card(open_dispenser: Factory) -> None:
    dev = open_dispenser("cards=10&take=0.05")
    events: list[StatusChanged] = []
    dev.subscribe(events.append)
    reading = dev.dispense().result(T)
    assert reading.position is CardPosition.GATE
    assert dev.status.media is MediaState.ENTERING
    assert dev.wait_taken(T).result(T + 1) is TakeResult.TAKEN
    assert dev.status.media is MediaState.NOT_PRESENT
    assert [e.current.media for e in events if "media" in e.changed] == [
        MediaState.ENTERING, MediaState.NOT_PRESENT]
    c = dev.counters().result(T)
    assert (c["dispensed"], c["taken"], c["retracted"]) == (1, 1, 0)
    assert dev.simulator.mech.cards == 9


def test_read_serial_at_read_position_then_present(open_dispenser: Factory) -> None:
    dev = open_dispenser("take=0.05")
    assert dev.to_read_position().result(T).position is CardPosition.READ
    assert dev.status.media is MediaState.PRESENT
    uid = dev.read_serial().result(T)
    assert uid == dev.simulator.mech.uid.hex().upper() and len(uid) == 8
    assert dev.present().result(T).position is CardPosition.GATE
    assert dev.wait_taken(T).result(T + 1) is TakeResult.TAKEN
    # Each card has its own serial number.
    dev.to_read_position().result(T)
    assert dev.read_serial().result(T) != uid


def test_not_taken_is_retracted_to_bin(open_dispenser: Factory) -> None:
    dev = open_dispenser("take=never&bin=3")
    dev.dispense().result(T)
    assert dev.wait_taken(0.1).result(T) is TakeResult.RETRACTED
    assert dev.status.media is MediaState.NOT_PRESENT
    c = dev.counters().result(T)
    assert c["retracted"] == 1
    assert dev.simulator.mech.bin == 4
    assert c["bin"] == (4 if dev.adapter.name == "crt591" else 1)  # K720: no device counter


def test_not_taken_without_retract_leaves_card_at_gate(open_dispenser: Factory) -> None:
    dev = open_dispenser("take=never")
    dev.dispense().result(T)
    assert dev.wait_taken(0.05, retract=False).result(T) is TakeResult.NOT_TAKEN
    assert dev.status.media is MediaState.ENTERING
    assert dev.retract().result(T).position is CardPosition.NONE
    assert dev.counters().result(T)["retracted"] == 1


def test_wait_taken_needs_the_card_at_the_gate(open_dispenser: Factory) -> None:
    dev = open_dispenser("take=never")
    assert dev.wait_taken(1).result(T) is TakeResult.TAKEN  # nothing there: already gone
    dev.to_read_position().result(T)
    with pytest.raises(errors.SequenceError, match="present"):
        dev.wait_taken(1).result(T)
    dev.present().result(T)
    dev.simulator.take_card()
    assert dev.wait_taken(1).result(T) is TakeResult.TAKEN


def test_cancel_wait_retracts_at_once(open_dispenser: Factory) -> None:
    dev = open_dispenser("take=never")
    dev.dispense().result(T)
    fut = dev.wait_taken(60)
    dev.cancel_wait()
    assert fut.result(T) is TakeResult.RETRACTED


def test_capture_and_eject(open_dispenser: Factory) -> None:
    dev = open_dispenser("take=never")
    dev.to_read_position().result(T)
    assert dev.capture().result(T).position is CardPosition.NONE
    assert dev.counters().result(T)["captured"] == 1
    dev.dispense().result(T)
    assert dev.eject().result(T).position is CardPosition.NONE
    assert dev.simulator.mech.position is CardPosition.NONE


@pytest.mark.parametrize(("to", "where", "bin_delta"), [
    ("current", CardPosition.READ, 0), ("exit", CardPosition.GATE, 1 - 1), ("retain",
                                                                           CardPosition.NONE, 1)])
def test_reset_moves_a_card_inside(open_dispenser: Factory, to: Any, where: CardPosition,
                                   bin_delta: int) -> None:
    dev = open_dispenser("take=never")
    dev.to_read_position().result(T)
    before = dev.simulator.mech.bin
    assert dev.reset(to).result(T).position is where
    assert dev.simulator.mech.bin - before == bin_delta
    assert dev.status.device is DeviceState.ONLINE


def test_commands_without_a_card_are_refused_then_next_works(open_dispenser: Factory) -> None:
    dev = open_dispenser()
    for call in (dev.read_serial, dev.capture, dev.eject, dev.present):
        with pytest.raises(errors.SequenceError):
            call().result(T)
    assert dev.status.error_code != ""
    assert dev.dispense().result(T).position is CardPosition.GATE
    assert dev.status.error_code == "" and dev.status.device is DeviceState.ONLINE


# -- mechanical faults -------------------------------------------------------------


def test_jam_is_reported_until_reset(open_dispenser: Factory, protocol: str) -> None:
    dev = open_dispenser("take=never")
    dev.simulator.inject("jam")
    with pytest.raises(errors.CardJam) as info:
        dev.dispense().result(T)
    assert info.value.code == "10"  # the same code in both tables
    assert info.value.xfs_error == "mediaJam"
    s = dev.status
    assert (s.device, s.media, s.error_code) == (DeviceState.HARDWARE_ERROR, MediaState.JAMMED,
                                                 info.value.code)
    # The jam is the only reason the next command fails; status still answers.
    with pytest.raises(errors.CardJam):
        dev.dispense().result(T)
    assert dev.query_status().result(T).media is MediaState.JAMMED
    dev.reset("retain").result(T)
    assert dev.status.device is DeviceState.ONLINE
    assert dev.dispense().result(T).position is CardPosition.GATE


def test_jam_at_a_given_step(open_dispenser: Factory) -> None:
    dev = open_dispenser("take=never&faults=jam:3")
    dev.to_read_position().result(T)  # step 1
    dev.present().result(T)  # step 2
    with pytest.raises(errors.CardJam):
        dev.retract().result(T)  # step 3
    dev.reset("retain").result(T)
    assert dev.dispense().result(T).position is CardPosition.GATE


def test_stacker_low_still_dispenses(open_dispenser: Factory) -> None:
    dev = open_dispenser("cards=50&take=0.01")
    dev.simulator.inject("stacker-low")
    dev.dispense().result(T)
    assert dev.status.supplies["stacker"] is SupplyState.LOW


def test_stacker_empty(open_dispenser: Factory, protocol: str) -> None:
    dev = open_dispenser("cards=1&take=0.01")
    dev.dispense().result(T)
    assert dev.wait_taken(T).result(T + 1) is TakeResult.TAKEN
    assert dev.status.supplies["stacker"] is SupplyState.EMPTY
    with pytest.raises(errors.StackerEmpty) as info:
        dev.dispense().result(T)
    assert info.value.code == ("A0" if protocol == "crt591" else "30")
    s = dev.status
    assert s.supplies["stacker"] is SupplyState.EMPTY and s.error_code == info.value.code
    assert s.device is DeviceState.ONLINE  # other commands still work
    dev.simulator.refill(20)
    assert dev.dispense().result(T).stacker is StackerLevel.OK
    assert dev.status.supplies["stacker"] is SupplyState.OK


def test_stacker_empty_injected_at_runtime(open_dispenser: Factory) -> None:
    dev = open_dispenser()
    dev.simulator.inject("stacker-empty")
    with pytest.raises(errors.StackerEmpty):
        dev.to_read_position().result(T)
    assert dev.status.supplies["stacker"] is SupplyState.EMPTY


def test_bin_full(open_dispenser: Factory, protocol: str) -> None:
    dev = open_dispenser("take=never&bin=2&bin_capacity=2")
    assert dev.status.supplies["bin"] is SupplyState.FULL
    dev.dispense().result(T)
    with pytest.raises(errors.BinFull) as info:
        dev.wait_taken(0.05).result(T)
    assert info.value.code == ("A1" if protocol == "crt591" else "31")
    assert dev.status.supplies["bin"] is SupplyState.FULL
    assert dev.status.media is MediaState.ENTERING  # the card is still at the gate
    dev.simulator.empty_bin()
    dev.retract().result(T)
    assert dev.status.supplies["bin"] is SupplyState.OK


def test_bin_full_injected_and_high_threshold(open_dispenser: Factory) -> None:
    dev = open_dispenser("take=never&bin=5", bin_high=5)
    if dev.adapter.name == "crt591":  # the device counter is known: 5 >= 5
        assert dev.status.supplies["bin"] is SupplyState.HIGH
    dev.simulator.inject("bin-full")
    assert dev.query_status().result(T).supplies["bin"] is SupplyState.FULL


def test_card_pulled_out_by_hand(open_dispenser: Factory, protocol: str) -> None:
    dev = open_dispenser("take=never")
    dev.dispense().result(T)
    dev.simulator.inject("pulled")
    with pytest.raises(errors.CardMovedManually) as info:
        dev.retract().result(T)
    assert info.value.code == ("45" if protocol == "crt591" else "20")
    assert dev.status.media is MediaState.NOT_PRESENT
    assert dev.status.error_code == info.value.code
    assert dev.dispense().result(T).position is CardPosition.GATE


def test_power_cycle_is_reinitialised_transparently(open_dispenser: Factory,
                                                    protocol: str) -> None:
    dev = open_dispenser("take=never")
    dev.simulator.inject("power-cycle")
    assert dev.query_status().result(T).device is DeviceState.ONLINE  # status works anyway
    n = dev.simulator.command_count
    assert dev.dispense().result(T).position is CardPosition.GATE
    code = "B0" if protocol == "crt591" else "40"
    assert dev.status.error_code == code and "re-initialised" in dev.status.detail
    assert dev.simulator.command_count - n == 3
    sent = list(dev.simulator.recent_commands)[-3:]
    init = b"C03" if protocol == "crt591" else b"RS"
    assert sent[1] == init and sent[0] == sent[2]  # refused, initialise, sent again
    assert dev.simulator.mech.dispensed == 1


def test_not_initialised_raised_when_initialising_does_not_help(open_dispenser: Factory) -> None:
    dev = open_dispenser("take=never")
    sim = dev.simulator
    real_run = sim.mech.run

    def forgetful(op: Any, now: float, *, feed: bool = True) -> Any:
        out = real_run(op, now, feed=feed)
        if op.value.startswith("init"):
            sim.mech.initialised = False  # loses it again at once
        return out

    sim.mech.initialised = False
    sim.mech.run = forgetful
    with pytest.raises(errors.NotInitialised):
        dev.dispense().result(T)
    sim.mech.run = real_run
    assert dev.dispense().result(T).position is CardPosition.GATE


# -- line faults -------------------------------------------------------------------


def test_nak_is_retried(open_dispenser: Factory) -> None:
    dev = open_dispenser()
    dev.simulator.inject("nak:2")
    n = dev.simulator.command_count
    dev.query_status().result(T)
    assert dev.simulator.command_count - n == 3  # sent three times
    assert dev.status.device is DeviceState.ONLINE


def test_too_many_naks_fail_then_next_command_works(open_dispenser: Factory) -> None:
    dev = open_dispenser(retries=2)
    dev.simulator.inject("nak:3")
    with pytest.raises(errors.CommunicationError, match="not acknowledged") as info:
        dev.dispense().result(T)
    assert info.value.completion_code == "timeOut"
    assert dev.status.device is DeviceState.OFFLINE
    assert dev.simulator.mech.position is CardPosition.NONE  # it never ran
    assert dev.dispense().result(T).position is CardPosition.GATE
    assert dev.status.device is DeviceState.ONLINE


def test_bad_bcc_reply_is_asked_again(open_dispenser: Factory) -> None:
    dev = open_dispenser("take=never")
    dev.simulator.inject("bad-bcc:2")
    assert dev.dispense().result(T).position is CardPosition.GATE
    assert dev.simulator.mech.dispensed == 1  # resent reply, not a second card
    assert dev.describe()["line"]["naks_sent"] == 2


def test_bad_bcc_beyond_retries_then_next_works(open_dispenser: Factory) -> None:
    dev = open_dispenser(retries=1)
    dev.simulator.inject("bad-bcc:3")
    with pytest.raises(errors.CommunicationError, match="corrupt"):
        dev.query_status().result(T)
    dev.simulator.clear_faults()
    assert dev.query_status().result(T).device is DeviceState.ONLINE


def test_silence_once_is_resent(open_dispenser: Factory) -> None:
    dev = open_dispenser()
    dev.simulator.inject("silence:1")
    assert dev.query_status().result(T).device is DeviceState.ONLINE
    assert dev.describe()["line"]["timeouts"] == 1


def test_silence_fails_then_recovers(open_dispenser: Factory) -> None:
    dev = open_dispenser(retries=1)
    dev.simulator.inject("silence")
    with pytest.raises(errors.CommunicationError):
        dev.dispense().result(T)
    assert dev.status.device is DeviceState.OFFLINE
    dev.simulator.clear_faults()
    assert dev.dispense().result(T).position is CardPosition.GATE
    assert dev.status.device is DeviceState.ONLINE


def test_disconnect_mid_frame_on_pty_recovers_the_reply(open_dispenser: Factory) -> None:
    dev = open_dispenser("take=never")
    dev.simulator.inject("disconnect")
    assert dev.dispense().result(T).position is CardPosition.GATE
    assert dev.simulator.mech.dispensed == 1
    assert dev.describe()["line"]["naks_sent"] == 1


def test_disconnect_mid_frame_on_tcp_reconnects(open_dispenser: Factory) -> None:
    dev = open_dispenser("take=never&link=tcp")
    assert dev._port_url.startswith("socket://127.0.0.1:")
    states: list[DeviceState] = []
    dev.subscribe(lambda ev: states.append(ev.current.device))
    # A read meets the dropped link: reported offline, then sent again on a new connection.
    dev.simulator.inject("disconnect")
    assert dev.query_status().result(T).device is DeviceState.ONLINE
    assert DeviceState.OFFLINE in states
    # A movement's outcome is unknown after a drop: never resent, the caller is told.
    dev.simulator.inject("disconnect")
    with pytest.raises(errors.LinkLost):
        dev.dispense().result(T)
    assert dev.status.device is DeviceState.OFFLINE
    assert dev.dispense().result(T).position is CardPosition.GATE
    assert dev.status.device is DeviceState.ONLINE


def test_slow_reply_within_timeout(open_dispenser: Factory) -> None:
    dev = open_dispenser(reply_timeout_ms=2000)
    dev.simulator.inject("slow:0.2")
    assert dev.query_status().result(T).device is DeviceState.ONLINE


def test_slow_reply_past_timeout_then_stale_reply_is_not_taken(open_dispenser: Factory) -> None:
    dev = open_dispenser("take=never", reply_timeout_ms=150)
    dev.simulator.inject("slow:0.4")
    with pytest.raises(errors.CommunicationError, match="no reply"):
        dev.dispense().result(T)
    dev.simulator.clear_faults()
    # The dispense did happen (mechanics ran before the late reply); the next command
    # gets its own reply, not the stale one, and sees the card at the gate.
    assert dev.query_status().result(T).media is MediaState.ENTERING
    assert dev.read_serial().exception(T) is not None  # card is at the gate, not inside
    assert dev.retract().result(T).position is CardPosition.NONE


def test_late_reply_despite_eot_does_not_answer_the_next_command(
        open_dispenser: Factory) -> None:
    # Timeline (s): dispense sent at 0, given up at 0.8 (EOT, ignored by this device), its
    # reply comes at 1.2 — while the next command (sent at ~0.8, replied at ~1.4) waits.
    dev = open_dispenser("take=never", reply_timeout_ms=800)
    dev.simulator.honour_eot = False
    dev.simulator.inject("slow:1.2")
    with pytest.raises(errors.CommunicationError, match="no reply"):
        dev.dispense().result(T)
    dev.simulator.inject("slow:0.6")
    assert dev.to_read_position().result(T).position is CardPosition.READ
    assert dev.describe()["line"]["stale_replies"] == 1
    dev.simulator.clear_faults()
    assert dev.read_serial().result(T) == dev.simulator.mech.uid.hex().upper()


def test_garbage_on_the_line_is_skipped(open_dispenser: Factory) -> None:
    dev = open_dispenser()
    dev.simulator.send(b"\x00\xff\x02\xf2junk\x03")
    assert dev.query_status().result(T).device is DeviceState.ONLINE
    assert dev.dispense().result(T).position is CardPosition.GATE


# -- opening ---------------------------------------------------------------------------


def test_registry_builds_the_driver(protocol: str, closing: Any) -> None:
    cfg = CardDispenserSettings(url="sim://card-dispenser?cards=2", protocol=protocol)
    dev = closing(create_device("card_dispenser", cfg))
    dev.start().result(T)
    assert dev.self_test().result(T).ok


@pytest.mark.parametrize(("url", "message"), [
    ("sim://card-dispenser?colour=red", "colour"),
    ("sim://card-dispenser?faults=melt", "unknown fault 'melt'"),
    ("sim://card-dispenser?cards=many", "cards"),
    ("sim://printer", "card-dispenser"),
    ("/dev/does-not-exist-tty", "cannot open"),
])
def test_open_errors_are_clear(protocol: str, closing: Any, url: str, message: str) -> None:
    cfg = CardDispenserSettings(url=url, protocol=protocol)
    dev = closing(create_device("card_dispenser", cfg))
    with pytest.raises(errors.DeviceError, match=message):
        dev.start().result(T)
    assert dev.status.device is DeviceState.NO_DEVICE


def test_faults_at_start_from_url(open_dispenser: Factory) -> None:
    dev = open_dispenser("faults=stacker-empty,bin-full")
    assert dev.status.supplies == {"stacker": SupplyState.EMPTY, "bin": SupplyState.FULL}
    assert not dev.self_test().result(T).ok


def test_close_ends_a_wait_without_retracting(open_dispenser: Factory) -> None:
    dev = open_dispenser("take=never")
    dev.dispense().result(T)
    fut = dev.wait_taken(60)
    dev.close()
    assert fut.result(T) is TakeResult.NOT_TAKEN
    assert dev.simulator.mech.position is CardPosition.GATE  # left for the customer


def test_paced_line_at_9600_baud(open_dispenser: Factory) -> None:
    dev = open_dispenser("baud=9600&take=never")
    assert dev.dispense().result(T).position is CardPosition.GATE
    assert dev.retract().result(T).position is CardPosition.NONE


def test_port_that_vanishes_is_reported_and_reopened(open_dispenser: Factory) -> None:
    dev = open_dispenser("link=tcp")
    good_url = dev._port_url
    dev.submit(dev._transport.port.close).result(T)  # type: ignore[union-attr]
    # A read on the vanished port: one new connection, and the answer.
    assert dev.query_status().result(T).device is DeviceState.ONLINE
    dev.submit(dev._transport.port.close).result(T)  # type: ignore[union-attr]
    dev._port_url = "socket://127.0.0.1:1"  # nothing listens there
    with pytest.raises(errors.LinkLost, match="cannot open"):
        dev.query_status().result(T)
    assert dev.status.device is DeviceState.OFFLINE
    dev._port_url = good_url
    assert dev.query_status().result(T).device is DeviceState.ONLINE


def test_crt591_bus_address(closing: Any) -> None:
    """CRT-591 frames carry the DIP-switch address; another address's frames are ignored."""
    from .conftest import FAST

    cfg = CardDispenserSettings(url="sim://card-dispenser", protocol="crt591", address=3,
                                **{**FAST, "retries": 1})
    dev = closing(create_device("card_dispenser", cfg))
    dev.start().result(T)
    assert dev.adapter.request(Op.STATUS)[1] == 3
    dev.simulator.address = 5  # the dispenser's switches say otherwise: silence
    with pytest.raises(errors.CommunicationError, match="not acknowledged"):
        dev.query_status().result(T)
    dev.simulator.address = 3
    assert dev.query_status().result(T).device is DeviceState.ONLINE
