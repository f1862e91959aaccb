"""Device classes by name, python-can style: config names a kind, the registry opens it.

Drivers are imported lazily so that starting the kiosk does not pay for every
device library (OpenCV, python-escpos…) before the first screen is drawn.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from devices.base import Device
    from devices.settings import DeviceSettings

#: kind -> "module:callable" taking (name, settings) and returning an unopened Device.
DEVICE_FACTORIES: dict[str, str] = {
    "card_dispenser": "devices.card_dispenser.driver:create",
    "printer": "devices.printer.driver:create",
    "camera": "devices.camera.driver:create",
}


def register(kind: str, target: str) -> None:
    """Add or replace a device class (``target`` is ``"module:callable"``)."""
    DEVICE_FACTORIES[kind] = target


def factory_for(kind: str) -> Callable[[str, Any], Device]:
    try:
        target = DEVICE_FACTORIES[kind]
    except KeyError:
        raise KeyError(f"no device class '{kind}' (known: {', '.join(DEVICE_FACTORIES)})") from None
    module_name, _, attr = target.partition(":")
    return getattr(importlib.import_module(module_name), attr)


def create_device(kind: str, settings: DeviceSettings, name: str | None = None) -> Device:
    """Build (but do not open) the device ``kind`` from its settings."""
    return factory_for(kind)(name or kind, settings)
