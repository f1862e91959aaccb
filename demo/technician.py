"""The technician's hands on a simulated kiosk: what a person does at the machine before
recording it on the service screen — cards into the stacker, the bin emptied (and its
counter reset), a new paper roll — done to the simulators (technician.service.SupplyHands).
A real kiosk has none: the technician's own hands did it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class SimulatedHands:
    def __init__(self, devices: Mapping[str, Any]) -> None:
        self._devices = devices

    def _sim(self, kind: str) -> Any:
        dev = self._devices.get(kind)
        return getattr(dev, "simulator", None) if dev is not None else None

    def cards_loaded(self, count: int) -> None:
        sim = self._sim("card_dispenser")
        if sim is not None:
            sim.refill(count)

    def bin_emptied(self) -> None:
        sim = self._sim("card_dispenser")
        if sim is not None:
            sim.empty_bin()

    def paper_replaced(self) -> None:
        sim = self._sim("printer")
        if sim is not None:
            sim.load_paper()


def hands_for(runtime: Any) -> SimulatedHands | None:
    """Hands for a kiosk whose devices are all simulated; None for real hardware."""
    devices = runtime.config.configured_devices()
    if devices and all(s.url.startswith("sim://") for s in devices.values()):
        return SimulatedHands(runtime.devices)
    return None
