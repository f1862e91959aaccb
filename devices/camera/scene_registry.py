"""Which scenes ``sim://camera?scene=NAME`` can play: name → factory, filled at start.

The camera package registers its own scenes (a face, a phone, an empty room); scenes that
need facts from the layers above — the demo's ID card and scripted customer — are added by
the composition root (``demo.register_scenes()``). A factory is given as a callable or, so
that registering costs no import at start-up, as ``"package.module:function"``, imported
when a camera first plays it. ``factory(size, **options)`` gets the URL's scene options as
text and returns a scene (``devices.camera.api.Scene``).
"""

from __future__ import annotations

import importlib
import re
import threading
from collections.abc import Callable
from typing import Any

SceneFactory = Callable[..., Any]
FactoryRef = str | SceneFactory

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}\Z")
_REF = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*\Z")
_lock = threading.Lock()
_SCENES: dict[str, FactoryRef] = {
    "face": "devices.camera.scenes:make_face",
    "blink": "devices.camera.scenes:make_blink",
    "turn": "devices.camera.scenes:make_turn",
    "smile": "devices.camera.scenes:make_smile",
    "qr": "devices.camera.scenes:make_phone",
    "empty": "devices.camera.scenes:make_empty",
}


class SceneRegistryError(ValueError):
    pass


def register_scene(name: str, factory: FactoryRef, *, override: bool = False) -> None:
    """Make ``scene=<name>`` play what ``factory`` builds. Registering the same factory
    again is harmless; another factory under a taken name is an error unless ``override``."""
    if not _NAME.match(name):
        raise SceneRegistryError(f"bad scene name {name!r} (lower-case letters, digits, - _)")
    if isinstance(factory, str):
        if not _REF.match(factory):
            raise SceneRegistryError(f"scene factory {factory!r} is not 'module:function'")
    elif not callable(factory):
        raise SceneRegistryError(f"scene factory for {name!r} is not callable")
    with _lock:
        old = _SCENES.get(name)
        if old is not None and old != factory and not override:
            raise SceneRegistryError(f"scene '{name}' is already registered ({old!r})")
        _SCENES[name] = factory


def scene_names() -> tuple[str, ...]:
    with _lock:
        return tuple(_SCENES)


def factory_for(name: str) -> SceneFactory | None:
    """The factory registered as ``name`` (imported now if given by name), or None."""
    with _lock:
        ref = _SCENES.get(name)
    if ref is None or callable(ref):
        return ref
    module, _, attr = ref.partition(":")
    factory: SceneFactory = getattr(importlib.import_module(module), attr)
    return factory
