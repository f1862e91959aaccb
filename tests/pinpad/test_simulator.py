"""The simulator on its own: any command bytes get a well-formed reply, never a crash; the
PIN's digits never leave it except inside an encrypted block."""

from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st

from devices.pinpad import pinblock
from devices.pinpad import protocol as p
from devices.pinpad.simulator import DEFAULT_MASTER, PinPadSimulator
from devices.simlink import SimLink


class Capture(SimLink):
    """A link that only records what the simulator sends (no thread, no I/O)."""

    def __init__(self, sim: PinPadSimulator) -> None:
        super().__init__(sim)
        self.out = bytearray()

    @property
    def url(self) -> str:
        return "capture"

    def drop(self) -> None:
        pass

    def _write(self, data: bytes) -> None:
        self.out += data

    def _run(self) -> None:
        pass

    def _close(self) -> None:
        pass


def _frames(raw: bytes) -> list[p.Event]:
    return p.Decoder().feed(raw)


@settings(max_examples=300)
@given(st.integers(0, 0x7F), st.binary(max_size=80))
def test_any_command_gets_one_well_formed_reply(cmd: int, data: bytes) -> None:
    sim = PinPadSimulator(ceremony=True)
    link = Capture(sim)
    sim.on_bytes(p.encode_frame(cmd, data))
    events = _frames(bytes(link.out))
    replies = [e for e in events if isinstance(e, p.Frame)]
    assert len(replies) == 1 and len(events) == 1
    assert replies[0].cmd == cmd | p.REPLY_BIT
    p.result_of(replies[0].data)


@given(st.binary(max_size=200))
def test_noise_never_crashes_the_simulator(noise: bytes) -> None:
    sim = PinPadSimulator()
    link = Capture(sim)
    sim.on_bytes(noise)
    for ev in _frames(bytes(link.out)):
        assert isinstance(ev, p.Frame)


def _run_until(sim: PinPadSimulator, cond: object, timeout: float = 2.0) -> None:
    end = time.monotonic() + timeout
    while not cond() and time.monotonic() < end:  # type: ignore[operator]
        sim.tick()
        time.sleep(0.005)


def test_digits_never_leave_the_pad_in_clear() -> None:
    key = bytes.fromhex("00112233445566778899AABBCCDDEEFF")
    sim = PinPadSimulator(pin="987654", key_delay=0.001)
    link = Capture(sim)
    wrapped = pinblock.wrap_key(DEFAULT_MASTER, key, "TDES")
    sim.on_bytes(p.encode_frame(p.Cmd.IMPORT_KEY, p.import_key_data(
        "pin", wrapped, pinblock.kcv(key, "TDES"), "TDES")))
    sim.on_bytes(p.encode_frame(p.Cmd.START_ENTRY, p.start_entry_data(4, 12, 5)))
    _run_until(sim, lambda: sim.state is p.EntryState.DONE)
    sim.on_bytes(p.encode_frame(p.Cmd.STATUS))
    events = [e for e in _frames(bytes(link.out)) if isinstance(e, p.Frame)]
    key_events = [p.parse_event(e.data) for e in events if e.cmd == p.Cmd.EVENT]
    assert [e.digits for e in key_events] == [1, 2, 3, 4, 5, 6, 6]
    assert b"987654" not in link.out and bytes.fromhex("987654") not in link.out
    request = p.pin_block_data("pin", 0, "4111111111111111")
    sim.on_bytes(p.encode_frame(p.Cmd.GET_PIN_BLOCK, request))
    reply = [e for e in _frames(bytes(link.out)) if isinstance(e, p.Frame)][-1]
    result, block = p.result_of(reply.data)
    assert result is p.Result.OK
    assert pinblock.decode_format0(block, "4111111111111111", key) == "987654"


def test_entry_times_out_on_the_pad() -> None:
    sim = PinPadSimulator()
    link = Capture(sim)
    sim.on_bytes(p.encode_frame(p.Cmd.START_ENTRY, p.start_entry_data(4, 6, 0.1)))
    _run_until(sim, lambda: sim.state is p.EntryState.IDLE)
    last = [e for e in _frames(bytes(link.out)) if isinstance(e, p.Frame)][-1]
    assert p.parse_event(last.data) == p.KeyEvent(p.KeyName.TIMEOUT, 0)
