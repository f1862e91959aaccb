"""Device kinds by name, python-can style: config names a kind, the registry opens it.

Kinds come from :data:`devices.kinds.PLUGINS`; each plugin module defines ``KIND``, a
:class:`devices.plugin.DeviceKind`. Plugins import only their settings model, and drivers
are imported when a device of that kind is built, so reading kiosk.toml and starting the
kiosk do not pay for every device library (OpenCV, python-escpos…) before the first frame.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from functools import cache
from typing import TYPE_CHECKING

from devices.kinds import PLUGINS
from devices.plugin import DeviceKind

if TYPE_CHECKING:
    from devices.base import Device
    from devices.settings import DeviceSettings

#: Kinds added at run time (tests, out-of-tree plugins): name -> DeviceKind.
_EXTRA: dict[str, DeviceKind] = {}


@cache
def _builtin() -> Mapping[str, DeviceKind]:
    out: dict[str, DeviceKind] = {}
    for module_name in PLUGINS:
        kind: DeviceKind = importlib.import_module(module_name).KIND
        if kind.name in out:
            raise RuntimeError(f"device kind {kind.name!r} registered twice ({module_name})")
        out[kind.name] = kind
    return out


def kinds() -> dict[str, DeviceKind]:
    """Every registered kind, by its ``[devices.<name>]`` name."""
    return {**_builtin(), **_EXTRA}


def register(kind: DeviceKind) -> None:
    """Add or replace a kind at run time (the built-in ones are listed in devices.kinds)."""
    _EXTRA[kind.name] = kind


def unregister(name: str) -> None:
    _EXTRA.pop(name, None)


def kind(name: str) -> DeviceKind:
    try:
        return kinds()[name]
    except KeyError:
        raise KeyError(f"no device kind '{name}' (known: {', '.join(kinds())})") from None


def factory_for(name: str) -> Callable[[str, DeviceSettings], Device]:
    return kind(name).factory()


def create_device(kind_name: str, settings: DeviceSettings, name: str | None = None) -> Device:
    """Build (but do not open) a device of ``kind_name`` from its settings."""
    return factory_for(kind_name)(name or kind_name, settings)


@contextmanager
def drivers_replaced(driver: str, names: Iterable[str] | None = None) -> Iterator[None]:
    """Open the kinds ``names`` (default: all) with ``driver`` for a while (tests, benches)."""
    names = list(kinds() if names is None else names)
    saved = {n: _EXTRA.get(n) for n in names}
    for n in names:
        register(replace(kind(n), driver=driver))
    try:
        yield
    finally:
        for n, old in saved.items():
            if old is None:
                unregister(n)
            else:
                _EXTRA[n] = old
