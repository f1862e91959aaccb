"""The CRT-591 commands beyond the basic set: golden frames, the simulator's bytes, the driver.

Frames are the reference's layout (shared/reference/card-dispensers.md): STX F2, ADDR,
LEN, 'C' CM PM, ETX, BCC = XOR of STX..ETX; each expected frame below is written out.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devices.card_dispenser import crt591, errors, k720
from devices.card_dispenser.framing import Control
from devices.card_dispenser.mechanics import Mechanics
from devices.card_dispenser.model import CardPosition, Op, Sensors
from devices.card_dispenser.simulator import Crt591Simulator
from kiosk_core.status import MediaState, SupplyState

from .conftest import Factory

T = 5

GOLDEN_COMMANDS = {
    Op.TO_IC: "F2 00 00 03 43 32 31 03 B2",
    Op.INIT_GATE_COUNT: "F2 00 00 03 43 30 34 03 B5",
    Op.INIT_CAPTURE_COUNT: "F2 00 00 03 43 30 35 03 B4",
    Op.INIT_KEEP_COUNT: "F2 00 00 03 43 30 37 03 B6",
    Op.SENSORS: "F2 00 00 03 43 31 31 03 B1",
    Op.ENTRY_ALLOW: "F2 00 00 03 43 33 30 03 B2",
    Op.ENTRY_DENY: "F2 00 00 03 43 33 31 03 B3",
    Op.MACHINE_SERIAL: "F2 00 00 03 43 A2 30 03 23",
    Op.BIN_COUNT: "F2 00 00 03 43 A5 30 03 24",
}


@pytest.mark.parametrize("op", list(GOLDEN_COMMANDS), ids=lambda op: op.value)
def test_golden_command_frames(op: Op) -> None:
    cm, pm = crt591.OPS[op]
    assert crt591.encode_command(cm, pm) == bytes.fromhex(GOLDEN_COMMANDS[op])


def test_sensor_block_and_counter_codec() -> None:
    s = crt591.parse_sensors(b"010001")
    assert s == Sensors(gate=False, ic=True, rf=False, stacker_low=False, stacker_empty=False,
                        bin_full=True)
    assert crt591.encode_sensors(s) == b"010001"
    for bad in (b"", b"01000", b"0100012", b"01000X"):
        with pytest.raises(errors.MalformedFrame):
            crt591.parse_sensors(bad)
    assert crt591.parse_counter(b"0042") == 42
    for bad in (b"", b"4 2", b"-1", "٣".encode()):
        with pytest.raises(errors.MalformedFrame):
            crt591.parse_counter(bad)


class _Wire:
    """A simulator's link end: what it sends, byte for byte."""

    def __init__(self) -> None:
        self.out = bytearray()

    def send(self, data: bytes) -> None:
        self.out += data


def _exchange(sim: Crt591Simulator, wire: _Wire, hex_command: str) -> bytes:
    """Send one command frame; expect ACK then exactly one reply frame; ACK it."""
    wire.out.clear()
    sim.on_bytes(bytes.fromhex(hex_command))
    assert wire.out[:1] == bytes([Control.ACK])
    reply = bytes(wire.out[1:])
    sim.on_bytes(bytes([Control.ACK]))
    return reply


@pytest.fixture
def wired() -> tuple[Crt591Simulator, _Wire]:
    sim = Crt591Simulator(Mechanics(cards=50, bin=3, take_after=None))
    wire = _Wire()
    sim.link = wire  # type: ignore[assignment]
    return sim, wire


def test_simulator_speaks_the_new_commands_byte_for_byte(
        wired: tuple[Crt591Simulator, _Wire]) -> None:
    sim, wire = wired
    g = GOLDEN_COMMANDS
    # Counting INIT, leave the card in place: P 30 37 st0 st1 st2 = '0' '2' '0'.
    assert _exchange(sim, wire, g[Op.INIT_KEEP_COUNT]) == bytes.fromhex(
        "F2 00 00 06 50 30 37 30 32 30 03 92")
    # MOVE to IC feeds a card from the stacker: card at IC/RF position ('2').
    assert _exchange(sim, wire, g[Op.TO_IC]) == bytes.fromhex(
        "F2 00 00 06 50 32 31 32 32 30 03 94")
    assert sim.mech.cards == 49 and sim.mech.read_spot == "ic"
    # The sensor block: gate 0, IC 1, RF 0, stacker low 0, empty 0, bin full 0.
    assert _exchange(sim, wire, g[Op.SENSORS]) == bytes.fromhex(
        "F2 00 00 0C 50 31 31 32 32 30 30 31 30 30 30 30 03 9C")
    # The machine's serial number as DATA.
    assert _exchange(sim, wire, g[Op.MACHINE_SERIAL]) == bytes.fromhex(
        "F2 00 00 13 50 A2 30 32 32 30 43 52 54 35 39 31 53 49 4D 30 30 30 31 03 3E")
    # Counting INIT with capture: the card goes to the bin and is counted (3 -> 4).
    assert _exchange(sim, wire, g[Op.INIT_CAPTURE_COUNT]) == bytes.fromhex(
        "F2 00 00 06 50 30 35 30 32 30 03 90")
    assert _exchange(sim, wire, g[Op.BIN_COUNT]) == bytes.fromhex(
        "F2 00 00 07 50 A5 30 30 32 30 34 03 35")
    # The plain capture INIT retracts without counting: bin 5, counter still 4.
    _exchange(sim, wire, g[Op.TO_IC])
    assert _exchange(sim, wire, "F2 00 00 03 43 30 31 03 B0") == bytes.fromhex(
        "F2 00 00 06 50 30 31 30 32 30 03 94")
    assert sim.mech.bin == 5
    assert _exchange(sim, wire, g[Op.BIN_COUNT]) == bytes.fromhex(
        "F2 00 00 07 50 A5 30 30 32 30 34 03 35")
    # A MOVE to the bin is always counted (4 -> 5).
    _exchange(sim, wire, g[Op.TO_IC])
    assert _exchange(sim, wire, "F2 00 00 03 43 32 33 03 B0") == bytes.fromhex(
        "F2 00 00 06 50 32 33 30 32 30 03 94")
    assert _exchange(sim, wire, g[Op.BIN_COUNT]) == bytes.fromhex(
        "F2 00 00 07 50 A5 30 30 32 30 35 03 34")
    # ENTRY: denied by default; allowed, a card pushed in at the gate is accepted.
    assert not sim.insert_card()
    assert _exchange(sim, wire, g[Op.ENTRY_ALLOW]) == bytes.fromhex(
        "F2 00 00 06 50 33 30 30 32 30 03 96")
    assert sim.insert_card()
    assert _exchange(sim, wire, "F2 00 00 03 43 31 30 03 B0") == bytes.fromhex(
        "F2 00 00 06 50 31 30 31 32 30 03 95")  # card at the gate
    assert _exchange(sim, wire, g[Op.ENTRY_DENY]) == bytes.fromhex(
        "F2 00 00 06 50 33 31 31 32 30 03 96")


def test_unknown_parameters_are_still_refused(wired: tuple[Crt591Simulator, _Wire]) -> None:
    sim, wire = wired
    # INIT PM 0x36 is not in the reference: N 30 36 '0' '1' (parameter error).
    reply = _exchange(sim, wire, crt591.encode_command(0x30, 0x36).hex(" "))
    assert crt591.parse_text(reply[4:-2]) == crt591.Negative(0x30, 0x36, "01")


def test_sensors_report_a_full_bin_st2_may_miss(wired: tuple[Crt591Simulator, _Wire]) -> None:
    sim, wire = wired
    sim.inject("bin-full")
    sim.inject("stacker-empty")
    reply = _exchange(sim, wire, GOLDEN_COMMANDS[Op.SENSORS])
    pos = crt591.parse_text(reply[4:-2])
    assert isinstance(pos, crt591.Positive)
    assert crt591.parse_sensors(pos.data) == Sensors(False, False, False, True, True, True)


# -- the driver ------------------------------------------------------------------------


@pytest.mark.parametrize("protocol", ["crt591"])
def test_driver_move_to_ic_sensors_and_serial(open_dispenser: Factory) -> None:
    dev = open_dispenser("take=0.05&bin=3")
    assert dev.machine_id == "CRT591SIM0001"
    assert dev.machine_serial().result(T) == "CRT591SIM0001"
    assert dev.describe()["machine_serial"] == "CRT591SIM0001"
    # Opening used the counting INIT (C 30 37): the device counts what the kiosk bins.
    assert b"C07" in dev.simulator.recent_commands
    assert dev.move_to_ic().result(T).position is CardPosition.READ
    assert dev.status.media is MediaState.PRESENT
    assert dev.simulator.recent_commands[-1] == b"C21"
    sensors = dev.read_sensors().result(T)
    assert sensors.ic and not sensors.rf and not sensors.gate
    assert dev.counters().result(T)["dispensed"] == 1
    dev.capture().result(T)
    assert dev.counters().result(T)["bin"] == 4 == dev.simulator.mech.retract_counter
    # reset(to="retain") uses the counting variant too.
    dev.move_to_ic().result(T)
    dev.reset("retain").result(T)
    assert list(dev.simulator.recent_commands)[-2] == b"C05"  # then CM A5: the counter
    assert dev.counters().result(T)["bin"] == 5


@pytest.mark.parametrize("protocol", ["crt591"])
def test_driver_sensor_block_bin_full_wins(open_dispenser: Factory) -> None:
    dev = open_dispenser("take=never")
    dev.simulator.inject("bin-full")
    sensors = dev.read_sensors().result(T)
    assert sensors.bin_full
    assert dev.status.supplies["bin"] is SupplyState.FULL


@pytest.mark.parametrize("protocol", ["crt591"])
def test_driver_entry(open_dispenser: Factory) -> None:
    dev = open_dispenser("take=never")
    dev.allow_entry(True).result(T)
    assert dev.simulator.insert_card()
    assert dev.query_status().result(T).media is MediaState.ENTERING
    dev.allow_entry(False).result(T)
    assert not dev.simulator.mech.entry_allowed


@pytest.mark.parametrize("protocol", ["k720"])
def test_k720_has_no_such_commands(open_dispenser: Factory) -> None:
    dev = open_dispenser()
    assert dev.machine_id == ""
    for call in (dev.move_to_ic, dev.read_sensors, dev.machine_serial):
        with pytest.raises(errors.InvalidCommand, match="k720 has no command"):
            call().result(T)
    with pytest.raises(errors.InvalidCommand):
        dev.allow_entry(True).result(T)


# -- k720.parse_reply: any bytes give a reply or the typed error -------------------------


def test_k720_negative_reply_with_non_ascii_code_is_malformed() -> None:
    with pytest.raises(errors.MalformedFrame, match="not ASCII"):
        k720.parse_reply(b"ER\xff\xfe0")


@given(st.binary(max_size=80))
def test_k720_parse_reply_any_bytes(text: bytes) -> None:
    try:
        reply = k720.parse_reply(text)
    except errors.ProtocolError:
        return
    assert isinstance(reply, (k720.Positive, k720.Negative))
    if isinstance(reply, k720.Positive):
        try:
            reply.reading()
        except errors.ProtocolError:
            pass


@given(st.binary(max_size=40).map(lambda b: b"ER" + b))
def test_k720_parse_negative_any_bytes(text: bytes) -> None:
    try:
        reply = k720.parse_reply(text)
    except errors.ProtocolError:
        return
    assert isinstance(reply, k720.Negative)


@given(st.binary(max_size=12))
def test_sensor_block_and_counter_parsers_any_bytes(data: bytes) -> None:
    try:
        sensors = crt591.parse_sensors(data)
    except errors.ProtocolError:
        pass
    else:
        assert crt591.encode_sensors(sensors) == data
    try:
        count = crt591.parse_counter(data)
    except errors.ProtocolError:
        pass
    else:
        assert count == int(data.decode("ascii"))
