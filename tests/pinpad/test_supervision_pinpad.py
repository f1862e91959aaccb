"""The PIN pad under the base's supervision: a silent pad is found while idle and is back
without a restart once it answers again (issue #12)."""

from __future__ import annotations

import time
from collections.abc import Callable

from devices.pinpad.driver import PinPad
from devices.pinpad.settings import PinPadSettings
from kiosk_core.status import DeviceState


def wait_for(check: Callable[[], bool], within: float) -> None:
    deadline = time.monotonic() + within
    while not check():
        assert time.monotonic() < deadline, f"not within {within} s"
        time.sleep(0.01)


def test_silent_pad_offline_while_idle_then_back(closing: Callable[[PinPad], PinPad]) -> None:
    pad = closing(PinPad("pinpad", PinPadSettings(
        url="sim://pinpad", reply_timeout_ms=300, poll_interval_s=0.25, reconnect_min_s=0.2,
        reconnect_max_s=1.0)))
    pad.start().result(timeout=5)
    pad.simulator.inject("silence")
    wait_for(lambda: pad.status.device is DeviceState.OFFLINE, 1.0 + 0.5 + 1.5)
    assert pad.status.detail
    pad.simulator.clear_faults()
    wait_for(lambda: pad.status.device is DeviceState.ONLINE, 5)
    assert pad.supervision.polls >= 1
