"""What the runtime needs of any device (devices.base.Device satisfies it).

The foundation cannot import devices/, so the runtime holds devices through this
Protocol and gets them from a factory the layer above passes in (devices.registry).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any, Protocol, TypeVar

from kiosk_core.status import DeviceStatus, Listener

T = TypeVar("T")


class DeviceSettingsLike(Protocol):
    @property
    def url(self) -> str: ...
    @property
    def required(self) -> bool: ...
    @property
    def enabled(self) -> bool: ...


class ManagedDevice(Protocol):
    name: str
    url: str

    @property
    def status(self) -> DeviceStatus: ...
    def subscribe(self, listener: Listener) -> Callable[[], None]: ...
    def submit(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> Future[T]: ...
    def start(self) -> Future[None]: ...
    def close(self, timeout: float | None = 5.0) -> None: ...
    def bind_storage(self, data_dir: Path) -> None: ...


#: Builds (does not open) the device of a kind from its settings: devices.registry.create_device.
DeviceFactory = Callable[[str, Any], ManagedDevice]
