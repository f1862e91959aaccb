"""The camera as a device kind: its settings, driver, simulator URL and commands."""

from __future__ import annotations

from devices.camera.settings import CameraSettings
from devices.plugin import DeviceKind
from devices.sim import SimOption, SimSpec, comma_list

#: Faults the simulated camera can start with (devices.camera.simulator.FAULTS).
FAULT_NAMES = ("unplugged", "frozen", "dark", "dropped-frames")


def _fps(text: str) -> float:
    value = float(text)
    if not 0 < value <= 120:
        raise ValueError("frames per second in (0, 120]")
    return value


def _faults(text: str) -> tuple[str, ...]:
    names = comma_list(text)
    unknown = [n for n in names if n not in FAULT_NAMES]
    if unknown:
        raise ValueError(f"unknown fault(s) {', '.join(unknown)} (use {', '.join(FAULT_NAMES)})")
    return names


def _rate(text: str) -> float:
    value = float(text)
    if not 0 < value < 1:
        raise ValueError("a share of frames in (0, 1)")
    return value


SIM = SimSpec(
    device="camera",
    options=(
        SimOption("scene", str, "customer", "what the simulated camera sees"),
        SimOption("fps", _fps, None, "frame rate (default: the camera's fps setting)"),
        SimOption("faults", _faults, "", f"faults to start with: {', '.join(FAULT_NAMES)}"),
        SimOption("drop_rate", _rate, "0.4", "share of frames lost with dropped-frames"),
    ),
    links=(),  # frames are made in-process, not carried as bytes
)
#: Options a scene takes, passed on to it as text.
SCENE_OPTIONS = ("person", "id_s", "blink_every", "text", "holder")

KIND = DeviceKind(
    name="camera",
    settings=CameraSettings,
    driver="devices.camera.driver:create",
    commands="devices.camera.commands",
    sim=SIM,
)
