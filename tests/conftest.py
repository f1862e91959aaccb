"""Shared fixtures. Qt runs offscreen; every device and runtime a test opens is closed."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parent.parent


def pytest_configure(config: pytest.Config) -> None:
    # Test modules import escpos directly; through here it uses the private cache and
    # leaves no temporary directory per worker (devices/printer/escpos_cache.py).
    from devices.printer import escpos_cache

    escpos_cache.load()


@pytest.fixture(scope="session", autouse=True)
def _demo_scenes() -> None:
    """The composition root registers the demo's camera scenes at start; so do the tests."""
    import demo

    demo.register_scenes()


@pytest.fixture
def kiosk_config(tmp_path: Path) -> Any:
    """The repository's kiosk.toml with storage under tmp_path."""
    from daytime import ZONE

    from kiosk_app.config import load_config

    cfg = load_config(REPO / "kiosk.toml")
    # Mid-morning in the branch whatever the hour: see tests/daytime.py.
    kiosk = cfg.kiosk.model_copy(update={"timezone": ZONE})
    return cfg.model_copy(update={"base_dir": tmp_path, "kiosk": kiosk})


@pytest.fixture
def closing() -> Iterator[Callable[[Any], Any]]:
    """Register anything with close()/stop() to be shut down after the test, newest first."""
    items: list[Any] = []

    def add(obj: Any) -> Any:
        items.append(obj)
        return obj

    yield add
    for obj in reversed(items):
        for name in ("close", "stop"):
            fn = getattr(obj, name, None)
            if callable(fn):
                fn()
                break


@pytest.fixture(autouse=True)
def _none_kept_alive() -> None:
    """PySide6 on Python 3.11 drops None's references (kiosk_ui/none_guard.py); one worker
    runs hundreds of Qt tests."""
    from kiosk_ui.none_guard import keep_none_alive

    keep_none_alive()


@pytest.fixture(autouse=True)
def _root_logging_restored() -> Iterator[None]:
    """A CLI under test runs the kiosk's dictConfig, which points the root logger at that
    test's captured stderr; the next test would log into a closed file."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture(autouse=True)
def _no_leaked_device_threads() -> Iterator[None]:
    """Fail a test that leaves a device worker or simulator thread running."""
    before = {t.ident for t in threading.enumerate()}
    yield
    leaked: list[str] = []
    for t in threading.enumerate():
        if t.ident in before or not t.is_alive():
            continue
        if t.name.startswith(("device-", "sim-", "core-loop")):
            t.join(timeout=2)
            if t.is_alive():
                leaked.append(t.name)
    assert not leaked, f"threads left running: {leaked}"
