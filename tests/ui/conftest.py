"""UI fixtures: a KioskApp on the offscreen platform, devices we control, real taps."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import Any, ClassVar

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtQuick import QQuickItem

from devices import registry
from devices.base import Device, DeviceNotReady
from kiosk_app.config import KioskConfig
from kiosk_core.status import DeviceState

REPO = Path(__file__).resolve().parents[2]


class FakeDevice(Device):
    """A device at the edge of the machine: opens (or refuses to), then does what the test
    says. Everything still runs on its own worker, like a real driver."""

    kind = "fake"
    fail_open: ClassVar[set[str]] = set()
    #: Devices whose open() waits for this event (a device that does not answer yet).
    hold_open: ClassVar[dict[str, threading.Event]] = {}
    instances: ClassVar[dict[str, FakeDevice]] = {}

    def open(self) -> None:
        held = FakeDevice.hold_open.get(self.name)
        if held is not None:
            held.wait(timeout=30)
        if self.name in FakeDevice.fail_open:
            raise DeviceNotReady(f"{self.name}: no answer on {self.url}")
        self.status_model.update(device=DeviceState.ONLINE)

    def shutdown(self) -> None:
        pass

    def set_state(self, state: DeviceState, detail: str = "") -> Future[Any]:
        """Change state from the device's worker thread, as a driver would."""
        return self.submit(self.status_model.update, device=state, detail=detail)


def create_fake(name: str, settings: Any) -> Device:
    dev = FakeDevice(name, settings.url)
    FakeDevice.instances[name] = dev
    return dev


@pytest.fixture
def kiosk_config(kiosk_config: Any) -> Any:
    """The repository's kiosk.toml, with the card dispenser and printer marked ``required``
    (a branch that cannot do anything without them): the shell's out-of-service tests are
    about that setting. The demo marks none required; tests of availability per function
    (test_menu_availability.py) say so explicitly."""
    devs = kiosk_config.devices
    upd = {k: getattr(devs, k).model_copy(update={"required": True})
           for k in ("card_dispenser", "printer")}
    return kiosk_config.model_copy(update={"devices": devs.model_copy(update=upd)})


@pytest.fixture
def fake_devices() -> Iterator[type[FakeDevice]]:
    """Every device kind in the config opens as a FakeDevice."""
    FakeDevice.fail_open = set()
    FakeDevice.hold_open = {}
    FakeDevice.instances = {}
    with registry.drivers_replaced(f"{__name__}:create_fake"):
        try:
            yield FakeDevice
        finally:
            for event in FakeDevice.hold_open.values():
                event.set()


def make_config(kiosk_config: KioskConfig, **timeouts: float) -> KioskConfig:
    """The demo config, small window, given time-outs."""
    return kiosk_config.model_copy(update={
        "timeouts": kiosk_config.timeouts.model_copy(update=timeouts),
        "ui": kiosk_config.ui.model_copy(update={"width": 540, "height": 960,
                                                  "fullscreen": False}),
    })


@pytest.fixture
def make_app(qtbot: Any, kiosk_config: KioskConfig) -> Iterator[Callable[..., Any]]:
    """Build a shown KioskApp; every app (runtime, device workers, core loop) is closed after."""
    from kiosk_ui import i18n
    from kiosk_ui.app import KioskApp

    if i18n.stale():
        i18n.build()
    apps: list[Any] = []

    def make(config: KioskConfig | None = None, *, start_runtime: bool = True,
             **kwargs: Any) -> KioskApp:
        cfg = config or make_config(kiosk_config)
        app = KioskApp(cfg, start_runtime=start_runtime, **kwargs)
        apps.append(app)
        app.show(fullscreen=False)
        qtbot.waitUntil(lambda: app.loaded, timeout=10000)  # first frame, then the flows
        if start_runtime:
            qtbot.waitUntil(lambda: app.bridge._started, timeout=5000)
        return app

    yield make
    for app in reversed(apps):
        app.close()


def items(app: Any) -> Iterator[QQuickItem]:
    """Every item in the window's scene, depth first (Loader content included)."""
    stack = [app.window.contentItem()]
    while stack:
        item = stack.pop()
        yield item
        stack.extend(reversed(item.childItems()))


def find(app: Any, name: str) -> QQuickItem | None:
    """The visible item called ``name`` in the window, if any."""
    for item in items(app):
        if item.objectName() == name and _shown(item):
            return item
    return None


def _shown(item: QQuickItem) -> bool:
    while item is not None:
        if not item.isVisible() or item.opacity() == 0:
            return False
        item = item.parentItem()
    return True


def tap(qtbot: Any, app: Any, name: str) -> None:
    """Touch the middle of the item called ``name``, like a finger would. Positioners lay
    out on the next frame: a screen just loaded may not be where it will be drawn yet."""
    qtbot.wait(40)
    item = find(app, name)
    assert item is not None, f"no visible item {name!r} on screen {app.shell.screen!r}"
    centre = item.mapToScene(QPointF(item.width() / 2, item.height() / 2))
    qtbot.mouseClick(app.window, Qt.MouseButton.LeftButton, pos=centre.toPoint())


def plain(text: str) -> str:
    """Text as read: without the WORD JOINERs that keep Chinese phrases on one line
    (kiosk_ui.i18n.keep_phrases) or the ZERO WIDTH SPACEs where a title may break."""
    return text.replace("\u2060", "").replace("\u200b", "")


def texts(app: Any) -> list[str]:
    """Every visible text on screen (what the customer can read)."""
    out = []
    for item in items(app):
        if item.metaObject().className().startswith("QQuickText") and _shown(item):
            out.append(plain(str(item.property("text"))))
    return out
