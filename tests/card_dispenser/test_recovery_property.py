"""Hypothesis over the whole stack: any fault before any command never poisons what follows.

For random sequences of (fault, command) on both protocols: each command either succeeds or
fails with the error its fault stands for; once the fault is gone the next status query
succeeds, and after a reset (and a refill / an emptied bin) a dispense succeeds.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devices.card_dispenser import errors
from devices.card_dispenser.driver import create
from devices.card_dispenser.model import CardPosition
from devices.card_dispenser.settings import CardDispenserSettings
from kiosk_core.status import DeviceState

from .conftest import FAST

FAULTS = ["", "jam", "pulled", "stacker-empty", "bin-full", "nak:1", "nak:9", "bad-bcc:1",
          "bad-bcc:9", "silence:1", "silence", "disconnect", "slow:0.1", "power-cycle"]
COMMANDS = ["dispense", "to_read_position", "present", "read_serial", "retract", "capture",
            "eject", "query_status", "counters", "firmware_version"]

#: What each fault may legitimately make a command fail with.
EXPECTED: dict[str, tuple[type[Exception], ...]] = {
    "jam": (errors.CardJam,),
    "pulled": (errors.CardMovedManually,),
    "stacker-empty": (errors.StackerEmpty,),
    "bin-full": (errors.BinFull,),
    "nak:9": (errors.CommunicationError,),
    "bad-bcc:9": (errors.CommunicationError,),
    "silence": (errors.CommunicationError,),
    "power-cycle": (errors.NotInitialised,),
}


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(protocol=st.sampled_from(["crt591", "k720"]),
       steps=st.lists(st.tuples(st.sampled_from(FAULTS), st.sampled_from(COMMANDS)),
                      min_size=1, max_size=6))
def test_no_fault_poisons_the_next_command(protocol: str, steps: list[tuple[str, str]]) -> None:
    cfg = CardDispenserSettings(url="sim://card-dispenser?cards=20&take=never",
                                protocol=protocol, **{**FAST, "retries": 1})
    dev = create("card_dispenser", cfg)
    try:
        dev.start().result(5)
        sim: Any = dev.simulator
        for fault, command in steps:
            if fault:
                sim.inject(fault)
            try:
                getattr(dev, command)().result(5)
            except errors.SequenceError:
                pass  # no card where this command needs one: not a fault
            except (errors.CardDispenserError, errors.DeviceError) as exc:
                allowed = EXPECTED.get(fault, ())
                assert isinstance(exc, allowed), f"{command} after '{fault}': {exc!r}"
            # The fault goes away (line faults cleared, supplies back, a jam cleared by a
            # technician's reset): status must work and the device be online.
            sim.clear_faults()
            sim.refill(20)
            sim.empty_bin()
            if dev.status.device is DeviceState.HARDWARE_ERROR:
                assert sim.mech.jammed  # the only fault that needs a technician
                dev.reset("retain").result(5)
            assert dev.query_status().result(5).device is DeviceState.ONLINE
        dev.reset("retain").result(5)
        assert dev.status.device is DeviceState.ONLINE
        assert dev.dispense().result(5).position is CardPosition.GATE
    finally:
        dev.close()
