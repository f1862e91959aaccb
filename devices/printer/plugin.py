"""The receipt printer as a device kind: its settings, driver, simulator URL and commands."""

from __future__ import annotations

from devices.plugin import DeviceKind
from devices.printer.settings import PrinterSettings
from devices.sim import SimOption, SimSpec, comma_list, float_at_least

SIM = SimSpec(
    device="printer",
    options=(
        SimOption("paper", str, "ok", "paper roll: ok, near-end, out"),
        SimOption("faults", comma_list, "", "faults, each NAME or NAME@mid-job"),
        SimOption("out", str, None, "folder for the rendered PNG of every job"),
        SimOption("speed", float_at_least(0), "0",
                  "paper feed in mm/s while printing, as a print head (0: instant)"),
    ),
    # A receipt printer on the network (JetDirect) is the common case; pty = serial.
    links=("tcp", "pty"),
)

KIND = DeviceKind(
    name="printer",
    settings=PrinterSettings,
    driver="devices.printer.driver:create",
    commands="devices.printer.commands",
    sim=SIM,
)
