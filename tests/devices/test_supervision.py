"""Supervision in the device base (issue #12): idle polling, reopen with backoff, events.

Real drivers over real links: the card dispenser's simulator behind a TCP server on
loopback (pyserial ``socket://``), dropped, silenced, killed and started again."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterator

import pytest

from devices.base import Device, DeviceError
from devices.card_dispenser.driver import CardDispenser
from devices.card_dispenser.settings import CardDispenserSettings
from devices.card_dispenser.simulator import make_simulator
from devices.settings import DeviceSettings
from devices.simlink import TcpLink
from kiosk_core.status import DeviceState, StatusChanged, SupplyState

POLL_S = 0.25
FAST = {"ack_timeout_ms": 100, "reply_timeout_ms": 800, "interbyte_timeout_ms": 50,
        "retries": 1, "poll_interval_s": POLL_S, "reconnect_min_s": 0.2,
        "reconnect_max_s": 1.0}


def wait_for(check: Callable[[], bool], within: float) -> float:
    """Seconds until ``check()`` held; fails after ``within``."""
    start = time.monotonic()
    while not check():
        if time.monotonic() - start > within:
            pytest.fail(f"not within {within} s")
        time.sleep(0.01)
    return time.monotonic() - start


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Rig:
    """A simulator behind a TCP server that can be killed and started again on its port."""

    def __init__(self) -> None:
        self.sim = make_simulator("crt591", cards=20, take_after=None)
        self.port = free_port()
        self.link: TcpLink | None = TcpLink(self.sim, "127.0.0.1", self.port)
        self.link.start()
        self.dev: CardDispenser | None = None
        self.events: list[StatusChanged] = []

    def kill(self) -> None:
        if self.link is not None:
            self.link.stop()
            self.link = None

    def restart(self) -> None:
        self.kill()
        self.link = TcpLink(self.sim, "127.0.0.1", self.port)
        self.link.start()

    def open(self, **settings: object) -> CardDispenser:
        cfg = CardDispenserSettings(url=f"socket://127.0.0.1:{self.port}", counters_path="",
                                    **{**FAST, **settings})
        self.dev = CardDispenser("card_dispenser", cfg)
        self.dev.subscribe(self.events.append)
        self.dev.start().result(timeout=5)
        return self.dev


@pytest.fixture
def rig() -> Iterator[Rig]:
    r = Rig()
    yield r
    if r.dev is not None:
        r.dev.close()
    r.kill()


def online(dev: Device) -> Callable[[], bool]:
    return lambda: dev.status.device is DeviceState.ONLINE


def test_settings_defaults_and_ranges() -> None:
    s = DeviceSettings(url="/dev/ttyS0")
    assert (s.poll_interval_s, s.reconnect_min_s, s.reconnect_max_s) == (1.0, 0.5, 5.0)
    with pytest.raises(ValueError, match="reconnect_max_s"):
        DeviceSettings(url="/dev/ttyS0", reconnect_min_s=3, reconnect_max_s=1)
    with pytest.raises(ValueError, match="poll_interval_s"):
        DeviceSettings(url="/dev/ttyS0", poll_interval_s=-1)


def test_empty_stacker_and_refill_seen_while_idle(rig: Rig) -> None:
    dev = rig.open()
    assert dev.status.supplies["stacker"] is SupplyState.OK
    rig.sim.refill(0)
    wait_for(lambda: dev.status.supplies["stacker"] is SupplyState.EMPTY, 2 * POLL_S + 1.2)
    rig.sim.refill(30)
    wait_for(lambda: dev.status.supplies["stacker"] is SupplyState.OK, 2 * POLL_S + 1.2)
    assert dev.supervision.polls >= 2


def test_killed_and_restarted_server_back_online_without_restart(rig: Rig) -> None:
    dev = rig.open()
    rig.kill()
    wait_for(lambda: dev.status.device in (DeviceState.OFFLINE, DeviceState.NO_DEVICE),
             2 * POLL_S + 3)
    assert dev.status.detail  # the words of the fault
    rig.restart()
    took = wait_for(online(dev), 5)
    assert took < 5
    # Back through the supervisor's reopen, or the idle read's one reconnect on a new
    # connection, whichever came first; the loss itself was noticed.
    assert dev.supervision.links_lost >= 1
    # Re-initialised: the next command works as before.
    assert dev.query_status().result(timeout=5).device is DeviceState.ONLINE


def test_silent_line_then_back(rig: Rig) -> None:
    dev = rig.open()
    rig.sim.inject("silence")
    wait_for(lambda: dev.status.device is DeviceState.OFFLINE, 2 * POLL_S + 3)
    rig.sim.clear_faults()
    wait_for(online(dev), 5)


def test_open_failing_at_start_is_retried(rig: Rig) -> None:
    rig.kill()
    cfg = CardDispenserSettings(url=f"socket://127.0.0.1:{rig.port}", counters_path="",
                                **FAST)
    dev = rig.dev = CardDispenser("card_dispenser", cfg)
    with pytest.raises(DeviceError):
        dev.start().result(timeout=5)
    assert dev.status.device is DeviceState.NO_DEVICE
    rig.restart()
    wait_for(online(dev), 5)


def test_close_stops_supervision_promptly(rig: Rig) -> None:
    dev = rig.open()
    rig.kill()
    wait_for(lambda: dev.status.device is not DeviceState.ONLINE, 3)
    start = time.monotonic()
    dev.close()
    assert time.monotonic() - start < 2.5
    sup = dev._supervisor
    assert sup is not None and not sup.is_alive()


def test_jam_status_carries_code_and_words(rig: Rig) -> None:
    dev = rig.open()
    rig.sim.inject("jam")
    assert dev.dispense().exception(timeout=5) is not None
    jam = [e for e in rig.events if "device" in e.changed
           and e.current.device is DeviceState.HARDWARE_ERROR]
    assert jam and jam[0].current.error_code and jam[0].current.detail
