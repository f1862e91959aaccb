"""What a device kind registers: one :class:`DeviceKind` in its package's ``plugin.py``.

A plugin module imports only its settings model (pydantic) and this file, so reading
kiosk.toml does not import any driver. The driver factory and the CLI module are named
as ``"module:callable"`` / ``"module"`` strings and imported when first used.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from devices.settings import DeviceSettings
from devices.sim import SimSpec

if TYPE_CHECKING:
    from devices.base import Device


@dataclass(frozen=True)
class DeviceKind:
    name: str  # the [devices.<name>] table and the registry key
    settings: type[DeviceSettings]
    driver: str  # "module:callable" taking (name, settings) and returning an unopened Device
    commands: str = ""  # module with add_commands(cli) for `kiosk sim|diag <kind>`
    sim: SimSpec | None = None

    def factory(self) -> Callable[[str, DeviceSettings], Device]:
        module_name, _, attr = self.driver.partition(":")
        factory: Callable[[str, DeviceSettings], Device] = getattr(
            importlib.import_module(module_name), attr)
        return factory
