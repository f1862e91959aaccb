"""The screen registry: how customer flows plug into the shell, and what the menu offers.

Qt-free. A flow (card issuance, appointment check-in…) is its own QML page plus a Python
view-model; its package registers a :class:`FlowScreen` here. The menu lists
:data:`SERVICES`; an entry whose flow is not registered, or whose devices are down, is
shown disabled with a plain reason — the shell never pretends a service exists.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from kiosk_core.status import DeviceStatus

log = logging.getLogger(__name__)


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:
    """Mark ``text`` for translation in ``context`` (pyside6-lupdate extracts it); QML
    translates it with ``qsTranslate(context, text)``."""
    return text


#: Modules that may provide flows; each has ``register(registry: ScreenRegistry) -> None``.
#: A module that does not exist yet is simply skipped (its menu entry stays disabled).
FLOW_MODULES = [
    "kiosk_ui.flows.card_issuance",
    "kiosk_ui.flows.appointment_checkin",
]


@dataclass(frozen=True)
class FlowContext:
    """What a flow's view-model factory is given."""

    bridge: Any  # kiosk_ui.bridge.RuntimeBridge: devices, core loop, journal
    language: str
    finish: Callable[[], None]  # call when the customer is done: back to the menu
    #: Counts as customer activity: call it while the customer is busy without touching
    #: the screen (a card being dispensed, a face being captured) so the session stays.
    keep_alive: Callable[[], None] = lambda: None


@dataclass(frozen=True)
class FlowScreen:
    """A flow page: ``qml`` is loaded into the shell with ``flow`` set to its view-model."""

    id: str
    qml: Path
    #: Builds the page's view-model (a QObject) for one customer session.
    view_model: Callable[[FlowContext], Any]
    #: Device kinds the flow cannot run without.
    devices: tuple[str, ...] = ()


class Reason(StrEnum):
    """Why a menu entry is disabled (QML turns the code into plain words)."""

    NONE = ""
    NOT_INSTALLED = "not_installed"  # no flow registered for it on this kiosk
    DEVICES_DOWN = "devices_down"  # a device it needs is not usable
    STARTING = "starting"  # devices are still being opened


@dataclass(frozen=True)
class Service:
    """One menu entry. ``flow`` None means the shell's own call-a-teller action."""

    id: str
    title: str
    subtitle: str
    icon: str  # file in kiosk_ui/qml/icons/
    flow: str | None = None


SERVICES: tuple[Service, ...] = (
    Service(
        "card",
        QT_TRANSLATE_NOOP("Services", "Get a debit card"),
        QT_TRANSLATE_NOOP("Services", "A new card in minutes. Please have your ID card ready."),
        "card.svg",
        flow="card_issuance",
    ),
    Service(
        "checkin",
        QT_TRANSLATE_NOOP("Services", "Check in for an appointment"),
        QT_TRANSLATE_NOOP("Services", "Booked online or by phone? Check in here."),
        "calendar.svg",
        flow="appointment_checkin",
    ),
    Service(
        "teller",
        QT_TRANSLATE_NOOP("Services", "Call a teller"),
        QT_TRANSLATE_NOOP("Services", "A bank employee will help you."),
        "teller.svg",
    ),
)


@dataclass(frozen=True)
class MenuEntry:
    id: str
    title: str
    subtitle: str
    icon: str
    available: bool
    reason: Reason = Reason.NONE
    devices_down: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "subtitle": self.subtitle, "icon": self.icon,
                "available": self.available, "reason": str(self.reason),
                "devicesDown": list(self.devices_down)}


@dataclass
class ScreenRegistry:
    flows: dict[str, FlowScreen] = field(default_factory=dict)

    def register(self, flow: FlowScreen) -> None:
        if not flow.qml.is_file():
            raise ValueError(f"flow {flow.id!r}: page {flow.qml} does not exist")
        self.flows[flow.id] = flow

    def get(self, flow_id: str) -> FlowScreen | None:
        return self.flows.get(flow_id)

    def load_installed(self, modules: Iterable[str] = FLOW_MODULES) -> list[str]:
        """Import the flow modules that exist and let them register; returns their names."""
        loaded = []
        for name in modules:
            try:
                module = importlib.import_module(name)
            except ModuleNotFoundError as exc:
                if exc.name is not None and name.startswith(exc.name):  # not installed (yet)
                    continue
                raise
            module.register(self)
            loaded.append(name)
        return loaded

    def menu(
        self,
        statuses: Mapping[str, DeviceStatus],
        *,
        starting: bool = False,
        services: Iterable[Service] = SERVICES,
    ) -> list[MenuEntry]:
        """The menu as the customer should see it now."""
        out = []
        for svc in services:
            flow = self.get(svc.flow) if svc.flow else None
            if svc.flow is None:  # calling a teller needs nothing but the screen
                entry = MenuEntry(svc.id, svc.title, svc.subtitle, svc.icon, True)
            elif flow is None:
                entry = MenuEntry(svc.id, svc.title, svc.subtitle, svc.icon, False,
                                  Reason.NOT_INSTALLED)
            else:
                down = tuple(d for d in flow.devices
                             if d not in statuses or not statuses[d].device.usable)
                if not down:
                    entry = MenuEntry(svc.id, svc.title, svc.subtitle, svc.icon, True)
                else:
                    reason = Reason.STARTING if starting else Reason.DEVICES_DOWN
                    entry = MenuEntry(svc.id, svc.title, svc.subtitle, svc.icon, False, reason,
                                      down)
            out.append(entry)
        return out
