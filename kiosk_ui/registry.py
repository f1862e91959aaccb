"""The screen registry: how customer flows plug into the shell, and what the menu offers.

Qt-free. A flow (card issuance, appointment check-in…) is its own QML page plus a Python
view-model; its package registers a :class:`FlowScreen` here, with what it ``needs``
(kiosk_core.availability: devices, supplies, services). The menu lists :data:`SERVICES`;
an entry whose flow is not registered, or whose needs are not met now, is shown disabled
with a plain reason — the shell never pretends a service exists.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from kiosk_core.availability import (
    Availability,
    Needs,
    Unavailable,
    device,
    evaluate,
    needs,
    needs_devices,
    service,
)
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
    "kiosk_ui.flows.walkin_ticket",
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
    #: Device kinds the flow cannot run without (shorthand for ``needs``).
    devices: tuple[str, ...] = ()
    #: What the flow needs to be offered (devices with supplies, services, optional
    #: devices); when None, every kind in ``devices`` must be usable.
    needs: Needs | None = None

    @property
    def requirements(self) -> Needs:
        return self.needs if self.needs is not None else needs_devices(self.devices)


class Reason(StrEnum):
    """Why a menu entry is disabled (QML turns the code into plain words)."""

    NONE = ""
    NOT_INSTALLED = "not_installed"  # no flow registered for it on this kiosk
    DEVICES_DOWN = "devices_down"  # a need is not met: MenuEntry.why says which
    STARTING = "starting"  # devices are still being opened


@dataclass(frozen=True)
class Service:
    """One menu entry. ``flow`` None means the shell's own call-a-teller action."""

    id: str
    title: str
    subtitle: str
    icon: str  # file in kiosk_ui/qml/icons/
    flow: str | None = None
    #: What the entry needs when the shell runs it itself (``flow`` None), or until its
    #: flow registers its own ``FlowScreen.needs``.
    needs: Needs = field(default_factory=Needs)
    #: Shown (disabled) while its flow is not installed; False: not listed at all.
    listed_when_missing: bool = True


#: Calling a teller: the camera (the teller sees the customer and the ID) and the video
#: teller service (runtime.services["teller_call"]: the hub over the network). Without
#: them the header's teller button still says honestly where a person can be found.
TELLER_NEEDS = needs(device("camera"), service("teller_call", Unavailable.TELLER_OFFLINE))
#: A walk-in queue ticket (no flow yet): the number on screen with a QR code when the
#: printer is out, like the check-in ticket. Its FlowScreen should repeat this when it lands.
WALKIN_NEEDS = needs(optional=("printer",))


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
        needs=TELLER_NEEDS,
    ),
    Service(
        "walkin",
        QT_TRANSLATE_NOOP("Services", "Take a queue number"),
        QT_TRANSLATE_NOOP("Services", "No appointment? Get a number for the counter."),
        "counter.svg",
        flow="walkin_ticket",
        needs=WALKIN_NEEDS,
        listed_when_missing=False,
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
    #: The needs not met, most telling first (QML says the first in plain words).
    why: tuple[Unavailable, ...] = ()
    degraded: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "subtitle": self.subtitle, "icon": self.icon,
                "available": self.available, "reason": str(self.reason),
                "devicesDown": list(self.devices_down), "why": [str(w) for w in self.why],
                "degraded": list(self.degraded)}


#: Which reason the customer hears first when several apply: staff closed it (whatever
#: else is wrong, that is what holds it), then what they can act on or what a refill fixes
#: before a broken part, the function's own device before a service.
_WHY_ORDER = (Unavailable.OUT_OF_SERVICE,
              Unavailable.NO_CARDS, Unavailable.BIN_FULL, Unavailable.DISPENSER_DOWN,
              Unavailable.CAMERA_DOWN, Unavailable.PINPAD_DOWN, Unavailable.PRINTER_DOWN,
              Unavailable.DEVICE_DOWN, Unavailable.BANK_DOWN, Unavailable.TELLER_OFFLINE,
              Unavailable.SERVICE_DOWN)


def _ordered(reasons: Iterable[Unavailable]) -> tuple[Unavailable, ...]:
    return tuple(sorted(set(reasons), key=_WHY_ORDER.index))


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

    def installed(self, svc: Service) -> bool:
        return svc.flow is None or svc.flow in self.flows

    def needs_of(self, svc: Service) -> Needs:
        flow = self.get(svc.flow) if svc.flow else None
        return flow.requirements if flow is not None else svc.needs

    def functions(self, services: Iterable[Service] = SERVICES) -> dict[str, Needs]:
        """What each installed menu entry needs, by entry id: for runtime.declare_functions."""
        return {svc.id: self.needs_of(svc) for svc in services if self.installed(svc)}

    def menu(
        self,
        statuses: Mapping[str, DeviceStatus],
        *,
        starting: bool = False,
        services: Iterable[Service] = SERVICES,
        availability: Mapping[str, Availability] | None = None,
        live: Mapping[str, Any] | None = None,
        required: Iterable[str] = (),
        opening_timed_out: bool = False,
    ) -> list[MenuEntry]:
        """The menu as the customer should see it now.

        ``availability`` is the runtime's (ServiceState.functions); an entry it does not
        cover is evaluated here from ``statuses``, the ``live`` services and ``required``.
        ``starting``: the kiosk is getting ready, so what is not there yet is "a moment";
        a device still opening counts as "a moment" until ``opening_timed_out``.
        """
        out = []
        for svc in services:
            if not self.installed(svc):
                if svc.listed_when_missing:
                    out.append(MenuEntry(svc.id, svc.title, svc.subtitle, svc.icon, False,
                                         Reason.NOT_INSTALLED))
                continue
            avail = (availability or {}).get(svc.id) or evaluate(
                svc.id, self.needs_of(svc), statuses, live or {}, required=required)
            if avail.available:
                entry = MenuEntry(svc.id, svc.title, svc.subtitle, svc.icon, True,
                                  degraded=avail.degraded)
            else:
                wait = starting or (avail.waiting and not opening_timed_out)
                devices_down = tuple(dict.fromkeys(
                    b.what for b in avail.blockers if b.what in statuses
                    or b.what in self.needs_of(svc).device_kinds or b.what in required))
                entry = MenuEntry(svc.id, svc.title, svc.subtitle, svc.icon, False,
                                  Reason.STARTING if wait else Reason.DEVICES_DOWN,
                                  devices_down, _ordered(avail.reasons), avail.degraded)
            out.append(entry)
        return out
