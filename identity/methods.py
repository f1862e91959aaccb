"""Names of the liveness methods, without importing them (the config is checked at load).

A method is a factory returning an object with ``feed(frame, t) -> LivenessUpdate``
(:class:`identity.liveness.LivenessMethod`). Register one with :func:`register_method`,
either as a callable or as ``"module:attribute"``, imported only when a session starts,
so validating ``kiosk.toml`` never loads OpenCV or a face model.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

METHODS: dict[str, Callable[..., Any] | str] = {
    "geometric": "identity.liveness:GeometricChallenge",
}


def register_method(name: str, factory: Callable[..., Any] | str) -> None:
    if not name or not name.isidentifier():
        raise ValueError(f"liveness method name must be an identifier, got {name!r}")
    METHODS[name] = factory


def method_names() -> tuple[str, ...]:
    return tuple(METHODS)


def resolve(name: str) -> Callable[..., Any]:
    try:
        factory = METHODS[name]
    except KeyError:
        raise ValueError(f"unknown liveness method '{name}' (have: {', '.join(METHODS)})"
                         ) from None
    if isinstance(factory, str):
        module, _, attr = factory.partition(":")
        factory = getattr(importlib.import_module(module), attr)
        METHODS[name] = factory
    return factory
