"""The camera as a device kind: its settings, driver, simulator URL and commands."""

from __future__ import annotations

from devices.camera.settings import CameraSettings
from devices.plugin import DeviceKind
from devices.sim import SimOption, SimSpec


def _fps(text: str) -> float:
    value = float(text)
    if not 0 < value <= 120:
        raise ValueError("frames per second in (0, 120]")
    return value


SIM = SimSpec(
    device="camera",
    options=(
        SimOption("scene", str, "customer", "what the simulated camera sees"),
        SimOption("fps", _fps, None, "frame rate (default: the camera's fps setting)"),
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
