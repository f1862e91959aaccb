"""One status model for every device, after XFS4IoT Common.Status.

Device code only *sets* properties on a :class:`StatusModel`; the model raises a
:class:`StatusChanged` event whenever something actually changed (as XFS4IoT's
StatusChanged does). Listeners are called on the thread that made the change, so
a UI must marshal them to its own thread (kiosk_ui.bridge does).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from kiosk_core.listeners import Listeners


class DeviceState(StrEnum):
    """XFS4IoT Common.Status.device."""

    ONLINE = "online"
    OFFLINE = "offline"
    POWER_OFF = "powerOff"
    NO_DEVICE = "noDevice"
    HARDWARE_ERROR = "hardwareError"
    USER_ERROR = "userError"
    BUSY = "deviceBusy"
    FRAUD_ATTEMPT = "fraudAttempt"
    POTENTIAL_FRAUD = "potentialFraud"
    STARTING = "starting"

    @property
    def usable(self) -> bool:
        """Can the device take a command now (possibly after finishing one)?"""
        return self in (DeviceState.ONLINE, DeviceState.BUSY)


class MediaState(StrEnum):
    """Where the device's media (card, receipt) is, XFS4IoT vocabulary."""

    UNKNOWN = "unknown"
    PRESENT = "present"  # inside the device (transport / read position)
    NOT_PRESENT = "notPresent"
    JAMMED = "jammed"
    ENTERING = "entering"  # at the exit / gate, the customer can take it
    LATCHED = "latched"
    RETRACTED = "retracted"
    NOT_SUPPORTED = "notSupported"


class SupplyState(StrEnum):
    """Replenishment state of one supply (card stacker, retain bin, paper roll…)."""

    UNKNOWN = "unknown"
    OK = "ok"
    FULL = "full"  # paper: plenty; retain bin: no room left
    HIGH = "high"  # retain bin: nearly full
    LOW = "low"
    EMPTY = "empty"
    OUT = "out"  # paper out
    JAMMED = "jammed"
    MISSING = "missing"


@dataclass(frozen=True)
class DeviceStatus:
    """A snapshot of one device's status. Immutable: compare snapshots to find changes."""

    device: DeviceState = DeviceState.STARTING
    media: MediaState = MediaState.UNKNOWN
    supplies: Mapping[str, SupplyState] = field(default_factory=lambda: MappingProxyType({}))
    # Counters a technician reads and resets (cards dispensed, bin count, lines printed…).
    counters: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    # The last error, in words a technician understands, and the vendor's own code.
    detail: str = ""
    error_code: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "device": str(self.device),
            "media": str(self.media),
            "supplies": {k: str(v) for k, v in self.supplies.items()},
            "counters": dict(self.counters),
            "detail": self.detail,
            "errorCode": self.error_code,
        }


@dataclass(frozen=True)
class StatusChanged:
    """Event: a device's status changed. ``changed`` names the fields that differ."""

    device_name: str
    previous: DeviceStatus
    current: DeviceStatus
    changed: frozenset[str]


Listener = Callable[[StatusChanged], None]


class StatusModel:
    """Thread-safe holder of a device's status that raises StatusChanged on every change."""

    def __init__(self, device_name: str, initial: DeviceStatus | None = None) -> None:
        self.device_name = device_name
        self._status = initial or DeviceStatus()
        self._lock = threading.Lock()
        self._listeners: Listeners[StatusChanged] = Listeners(f"status of {device_name}")

    @property
    def current(self) -> DeviceStatus:
        return self._status

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` on every change; returns a function that unsubscribes."""
        return self._listeners.subscribe(listener)

    def update(
        self,
        *,
        device: DeviceState | None = None,
        media: MediaState | None = None,
        supplies: Mapping[str, SupplyState] | None = None,
        counters: Mapping[str, int] | None = None,
        detail: str | None = None,
        error_code: str | None = None,
    ) -> StatusChanged | None:
        """Set the given properties. ``supplies``/``counters`` are merged into the current ones.

        Returns the event if anything changed (listeners have then been called).
        """
        with self._lock:
            prev = self._status
            changes: dict[str, Any] = {}
            if device is not None and device != prev.device:
                changes["device"] = device
            if media is not None and media != prev.media:
                changes["media"] = media
            if supplies:
                merged = {**prev.supplies, **supplies}
                if merged != dict(prev.supplies):
                    changes["supplies"] = MappingProxyType(merged)
            if counters:
                merged_c = {**prev.counters, **counters}
                if merged_c != dict(prev.counters):
                    changes["counters"] = MappingProxyType(merged_c)
            if detail is not None and detail != prev.detail:
                changes["detail"] = detail
            if error_code is not None and error_code != prev.error_code:
                changes["error_code"] = error_code
            if not changes:
                return None
            self._status = replace(prev, **changes)
            event = StatusChanged(self.device_name, prev, self._status, frozenset(changes))
        self._listeners.emit(event)
        return event
