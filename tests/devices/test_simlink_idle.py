"""Simulator links sleep while their simulator has nothing time-driven to do (issue 17): a
link thread ticks when the simulator says (``next_tick``), at most ``IDLE_TICK_S`` apart,
and at once when woken from another thread — not every 20 ms for ever."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest

from devices.simlink import IDLE_TICK_S, ByteSimulator, PtyLink, SimLink, TcpLink


class Timed(ByteSimulator):
    """Counts its ticks; ``due`` (monotonic) is when it next has something to do."""

    def __init__(self) -> None:
        super().__init__()
        self.ticks = 0
        self.due: float | None = None
        self.fired: list[float] = []
        self.lock = threading.Lock()

    def on_bytes(self, data: bytes) -> None:
        pass

    def next_tick(self) -> float | None:
        with self.lock:
            return None if self.due is None else max(0.0, self.due - time.monotonic())

    def tick(self) -> None:
        with self.lock:
            self.ticks += 1
            if self.due is not None and time.monotonic() >= self.due:
                self.fired.append(time.monotonic())
                self.due = None

    def schedule(self, seconds: float) -> None:  # from another thread
        with self.lock:
            self.due = time.monotonic() + seconds
        self.wake()


LINKS: dict[str, Callable[[ByteSimulator], SimLink]] = {
    "pty": lambda sim: PtyLink(sim),
    "tcp": lambda sim: TcpLink(sim),
}


@pytest.mark.parametrize("kind", list(LINKS))
def test_an_idle_link_ticks_rarely_and_on_time_when_woken(kind: str) -> None:
    sim = Timed()
    link = LINKS[kind](sim).start()
    try:
        time.sleep(0.3)
        before = sim.ticks
        time.sleep(1.0)
        assert sim.ticks - before <= 1.0 / IDLE_TICK_S + 2  # not 50 a second
        t0 = time.monotonic()
        sim.schedule(0.1)  # woken now, then sleeps until it is due
        deadline = time.monotonic() + 2
        while not sim.fired and time.monotonic() < deadline:
            time.sleep(0.005)
        assert sim.fired, "the scheduled tick never came"
        assert 0.09 <= sim.fired[0] - t0 < 0.1 + 0.1  # on time, not at the next idle tick
    finally:
        t_stop = time.monotonic()
        link.stop()
    assert time.monotonic() - t_stop < 1.0  # stop() wakes the thread: no wait for a tick


def test_a_simulator_that_does_not_say_is_ticked_as_before() -> None:
    class Plain(ByteSimulator):
        ticks = 0

        def on_bytes(self, data: bytes) -> None:
            pass

        def tick(self) -> None:
            self.ticks += 1

    sim = Plain()
    link = PtyLink(sim).start()
    try:
        time.sleep(0.5)
    finally:
        link.stop()
    assert sim.ticks >= 10  # every 20 ms (a loaded machine gets fewer)
