"""The card dispenser as a device kind: its settings, driver, simulator URL and commands."""

from __future__ import annotations

from devices.card_dispenser.settings import CardDispenserSettings
from devices.plugin import DeviceKind
from devices.sim import SimOption, SimSpec, comma_list, int_at_least


def _take(text: str) -> float | None:
    if text == "never":
        return None
    value = float(text)
    if value < 0:
        raise ValueError("seconds ≥ 0, or 'never'")
    return value


def _state_path(text: str) -> str:
    if not text.strip():
        raise ValueError("a file path")
    return text


SIM = SimSpec(
    device="card-dispenser",
    options=(
        SimOption("cards", int_at_least(0), "50", "cards in the stacker"),
        SimOption("bin", int_at_least(0), "0", "cards already in the reject bin"),
        SimOption("bin_capacity", int_at_least(1), "100", "reject bin capacity"),
        SimOption("low", int_at_least(0), "5", "stacker 'low' threshold"),
        SimOption("take", _take, "2", "the customer takes the card after S seconds, or 'never'"),
        SimOption("faults", comma_list, "", "faults present from the start"),
        SimOption("fault", comma_list, "", "same as faults"),
        SimOption("baud", int_at_least(0), "0", "pace the link at this baud rate (0: no pacing)"),
        SimOption("state", _state_path, None,
                  "keep the mechanism's state in this JSON file (survives restarts)"),
    ),
    links=("pty", "tcp"),
)

KIND = DeviceKind(
    name="card_dispenser",
    settings=CardDispenserSettings,
    driver="devices.card_dispenser.driver:create",
    commands="devices.card_dispenser.commands",
    sim=SIM,
)
