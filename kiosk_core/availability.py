"""Which customer functions can be offered now, and why not: pure rules, no I/O.

Each function (card issuance, check-in, call a teller…) declares what it needs beside its
own registration (``FlowScreen(needs=...)`` in its kiosk_ui.flows module, or the menu's
``Service(needs=...)``) as a :class:`Needs`: devices that must be usable (with supplies:
cards in the stacker, room in the bin), services the composition root attaches
(``runtime.services["bank"]``), and optional devices whose loss only degrades it (the
printer: the receipt as a QR code). :func:`evaluate` turns the devices' last statuses and
the live services into an :class:`Availability` per function; the runtime is in service
while at least one function is available.

A device marked ``required = true`` in kiosk.toml is one without which nothing works: it is
added to every function's needs (:func:`evaluate`'s ``required``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from kiosk_core.status import DeviceState, DeviceStatus, SupplyState


class Unavailable(StrEnum):
    """Why a function cannot be offered now (the menu says it in plain words)."""

    NO_CARDS = "no_cards"  # the card stacker is empty (or out of the machine)
    BIN_FULL = "bin_full"  # no room in the retain bin (or the bin is out)
    DISPENSER_DOWN = "dispenser_down"
    CAMERA_DOWN = "camera_down"
    PINPAD_DOWN = "pinpad_down"
    PRINTER_DOWN = "printer_down"
    DEVICE_DOWN = "device_down"  # any other device kind
    BANK_DOWN = "bank_down"  # runtime.services["bank"] missing or not answering
    TELLER_OFFLINE = "teller_offline"  # the video teller service (hub, network) is not there
    SERVICE_DOWN = "service_down"  # any other service
    #: A technician (or the operations centre) took the function or the kiosk out.
    OUT_OF_SERVICE = "out_of_service"


#: The reason a device kind being down gives, unless its declaration says another.
DEVICE_REASONS: Mapping[str, Unavailable] = {
    "card_dispenser": Unavailable.DISPENSER_DOWN,
    "camera": Unavailable.CAMERA_DOWN,
    "pinpad": Unavailable.PINPAD_DOWN,
    "printer": Unavailable.PRINTER_DOWN,
}


@dataclass(frozen=True)
class SupplyNeed:
    """A supply of a device that must not be in one of ``unusable`` states."""

    name: str  # the key in DeviceStatus.supplies: "stacker", "bin", "paper"
    unusable: frozenset[SupplyState]
    reason: Unavailable


@dataclass(frozen=True)
class DeviceNeed:
    kind: str
    reason: Unavailable
    supplies: tuple[SupplyNeed, ...] = ()


@dataclass(frozen=True)
class ServiceNeed:
    """A service in ``runtime.services``. An object with an ``available`` attribute (a bool,
    or a callable returning one) says itself whether it can serve now."""

    name: str
    reason: Unavailable


@dataclass(frozen=True)
class Needs:
    devices: tuple[DeviceNeed, ...] = ()
    services: tuple[ServiceNeed, ...] = ()
    #: Device kinds the function works without, less well (listed in ``degraded``).
    optional: tuple[str, ...] = ()

    @property
    def device_kinds(self) -> tuple[str, ...]:
        return tuple(d.kind for d in self.devices)


def device(kind: str, *supplies: SupplyNeed, reason: Unavailable | None = None) -> DeviceNeed:
    return DeviceNeed(kind, reason or DEVICE_REASONS.get(kind, Unavailable.DEVICE_DOWN),
                      supplies)


def supply(name: str, unusable: Iterable[SupplyState], reason: Unavailable) -> SupplyNeed:
    return SupplyNeed(name, frozenset(unusable), reason)


def service(name: str, reason: Unavailable = Unavailable.SERVICE_DOWN) -> ServiceNeed:
    return ServiceNeed(name, reason)


def needs(*items: DeviceNeed | ServiceNeed, optional: Iterable[str] = ()) -> Needs:
    return Needs(tuple(i for i in items if isinstance(i, DeviceNeed)),
                 tuple(i for i in items if isinstance(i, ServiceNeed)), tuple(optional))


def needs_devices(kinds: Iterable[str]) -> Needs:
    """The needs of a function that only lists device kinds (each must be usable)."""
    return Needs(tuple(device(k) for k in kinds))


@dataclass(frozen=True)
class Blocker:
    """One unmet need: the device kind or service name, and what the customer is told."""

    what: str
    reason: Unavailable
    #: The device is still opening (DeviceState.STARTING): it may be fine in a moment.
    opening: bool = False


@dataclass(frozen=True)
class Availability:
    function: str
    blockers: tuple[Blocker, ...] = ()
    #: Optional devices not usable: the function runs without them (printer → QR code).
    degraded: tuple[str, ...] = ()

    @property
    def available(self) -> bool:
        return not self.blockers

    @property
    def reasons(self) -> tuple[Unavailable, ...]:
        """Why not, each reason once, in the order of the declaration."""
        return tuple(dict.fromkeys(b.reason for b in self.blockers))

    @property
    def waiting(self) -> bool:
        """Unavailable only because devices are still opening."""
        return bool(self.blockers) and all(b.opening for b in self.blockers)

    def as_dict(self) -> dict[str, Any]:
        return {"function": self.function, "available": self.available,
                "reasons": [str(r) for r in self.reasons], "waiting": self.waiting,
                "blocking": [b.what for b in self.blockers], "degraded": list(self.degraded)}


def service_up(obj: Any) -> bool:
    """A live service object can serve: it exists and does not say otherwise."""
    if obj is None:
        return False
    flag = getattr(obj, "available", True)
    try:
        return bool(flag() if callable(flag) else flag)
    except Exception:  # a service that cannot even answer is not there
        return False


def _device_blockers(need: DeviceNeed, status: DeviceStatus | None) -> list[Blocker]:
    if status is None:  # not configured, or its driver could not be built
        return [Blocker(need.kind, need.reason)]
    if not status.device.usable:
        return [Blocker(need.kind, need.reason, opening=status.device is DeviceState.STARTING)]
    return [Blocker(need.kind, s.reason) for s in need.supplies
            if status.supplies.get(s.name) in s.unusable]


def evaluate(
    function: str,
    declared: Needs,
    statuses: Mapping[str, DeviceStatus],
    services: Mapping[str, Any],
    *,
    required: Iterable[str] = (),
) -> Availability:
    """Can ``function`` be offered with these device statuses and live services?"""
    wanted = list(declared.devices)
    listed = set(declared.device_kinds)
    wanted += [device(k) for k in sorted(set(required)) if k not in listed]
    blockers: list[Blocker] = []
    for need in wanted:
        blockers += _device_blockers(need, statuses.get(need.kind))
    for snd in declared.services:
        if not service_up(services.get(snd.name)):
            blockers.append(Blocker(snd.name, snd.reason))
    degraded = tuple(k for k in declared.optional
                     if k not in statuses or not statuses[k].device.usable)
    return Availability(function, tuple(blockers), degraded)


#: The override that takes every function out (runtime.set_out_of_service).
WHOLE_KIOSK = "*"


def evaluate_all(
    functions: Mapping[str, Needs],
    statuses: Mapping[str, DeviceStatus],
    services: Mapping[str, Any],
    *,
    required: Iterable[str] = (),
    out_of_service: Iterable[str] = (),
) -> dict[str, Availability]:
    """Every function; one named in ``out_of_service`` (or all, with WHOLE_KIOSK there) is
    blocked by the technician whatever its devices say."""
    req = tuple(required)
    out = set(out_of_service)
    result: dict[str, Availability] = {}
    for fid, n in functions.items():
        a = evaluate(fid, n, statuses, services, required=req)
        if fid in out or WHOLE_KIOSK in out:
            who = WHOLE_KIOSK if WHOLE_KIOSK in out else fid
            a = Availability(fid, (Blocker(who, Unavailable.OUT_OF_SERVICE), *a.blockers),
                             a.degraded)
        result[fid] = a
    return result


def any_available(availability: Iterable[Availability]) -> bool:
    return any(a.available for a in availability)


def blocking(availability: Iterable[Availability]) -> tuple[str, ...]:
    """Every device kind or service that keeps some function from being offered."""
    return tuple(sorted({b.what for a in availability for b in a.blockers}))
