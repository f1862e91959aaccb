"""The kiosk's core, without Qt: configuration, devices, journal, flows and the core loop.

The UI holds one :class:`KioskRuntime` and listens to its events (through
kiosk_ui.bridge); tests drive it directly.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kiosk_core.config import CoreConfig
from kiosk_core.core_loop import CoreLoop
from kiosk_core.device_api import DeviceFactory, ManagedDevice
from kiosk_core.flows import FlowDefinition, FlowEngine, FlowStore
from kiosk_core.journal import Journal
from kiosk_core.journal_writer import JournalWriter
from kiosk_core.listeners import Listeners
from kiosk_core.prompts import PromptBoard
from kiosk_core.status import DeviceState, DeviceStatus, StatusChanged

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ServiceState:
    """Is the kiosk fit to serve customers? ``down`` lists required devices not usable."""

    in_service: bool
    down: tuple[str, ...] = ()
    degraded: tuple[str, ...] = ()  # optional devices not usable


@dataclass(frozen=True)
class RuntimeEvent:
    kind: str  # "device" | "service"
    device: StatusChanged | None = None
    service: ServiceState | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


RuntimeListener = Callable[[RuntimeEvent], None]


class KioskRuntime:
    #: How long stop() waits for the journal writer to write what is queued.
    JOURNAL_CLOSE_S = 5.0

    def __init__(
        self, config: CoreConfig, flows: Mapping[str, FlowDefinition] | None = None, *,
        device_factory: DeviceFactory,
    ) -> None:
        self.config = config
        #: Builds each configured device (devices.registry.create_device).
        self.device_factory = device_factory
        self.devices: dict[str, ManagedDevice] = {}
        self.required: set[str] = set()
        self.open_errors: dict[str, str] = {}
        #: For reading (records, verify). Every record goes through ``journal_writer``.
        self.journal: Journal | None = None
        self.journal_writer: JournalWriter | None = None
        self.flow_store: FlowStore | None = None
        self.flow_engine: FlowEngine | None = None
        self.loop = CoreLoop()
        #: What the screen asks of the customer now (kiosk_core.prompts).
        self.prompts = PromptBoard()
        #: Services the composition root attached (e.g. "bank": a bank_host.api.BankHost);
        #: flow steps find them in ``ctx.resources["services"]``.
        self.services: dict[str, Any] = {}
        #: Called first thing in stop(), newest first (a service process to end, say).
        self.stop_hooks: list[Callable[[], None]] = []
        self._flow_defs = dict(flows or {})
        self._listeners: Listeners[RuntimeEvent] = Listeners("runtime")
        self._lock = threading.Lock()
        self._service = ServiceState(in_service=False, down=("starting",))

    # -- lifecycle ----------------------------------------------------------------

    def start(self, *, wait_devices: bool = False) -> None:
        """Open storage and start every device; devices finish opening on their workers."""
        cfg = self.config
        cfg.data_dir.mkdir(parents=True, exist_ok=True)
        self.journal = Journal(cfg.path("journal"), kiosk_id=cfg.kiosk.id)
        self.journal_writer = JournalWriter(self.journal)
        self.journal_writer.append("kiosk.start", {"branch": cfg.kiosk.branch})
        self.flow_store = FlowStore(cfg.path("flows"))
        self.flow_engine = FlowEngine(
            self.flow_store,
            self._flow_defs,
            resources=self._resources(),
            on_event=self._journal_flow_event,
        )
        self.loop.start()
        futures = []
        for kind, settings in cfg.configured_devices().items():
            if settings.required:
                self.required.add(kind)
            try:
                device = self.device_factory(kind, settings)
            except Exception as exc:  # a driver that cannot even be built
                log.error("device %s (%s): %s", kind, settings.url, exc)
                self.open_errors[kind] = str(exc)
                continue
            # Devices that keep files (the printer's kept jobs) put them in the data dir.
            device.bind_storage(cfg.data_dir)
            self.devices[kind] = device
            device.subscribe(self._on_device_event)
            futures.append(device.start())
        if wait_devices:
            for fut in futures:
                try:
                    fut.result(timeout=cfg.timeouts.device_open_s)
                except Exception as exc:
                    log.warning("device failed to open: %s", exc)
        self._update_service()

    def add_flows(self, flows: Mapping[str, FlowDefinition]) -> None:
        """Add flow definitions (the app adds them after its first frame, before start())."""
        self._flow_defs.update(flows)
        if self.flow_engine is not None:
            self.flow_engine.definitions.update(flows)

    def recover_flows(self) -> list[tuple[str, str]]:
        """Settle transactions a power cut left open. Call once devices are up."""
        assert self.flow_engine is not None
        return list(self.flow_engine.recover())

    def stop(self) -> None:
        while self.stop_hooks:
            hook = self.stop_hooks.pop()
            try:
                hook()
            except Exception:
                log.exception("stop hook %r failed", hook)
        for device in self.devices.values():
            device.close()
        self.loop.stop()
        writer = self.journal_writer
        if writer is not None:
            try:
                writer.append("kiosk.stop", {})
            finally:
                # Writes what is queued, then closes the journal (bounded: logs if it expires).
                writer.close(timeout=self.JOURNAL_CLOSE_S)
                self.journal_writer = None
                self.journal = None
        if self.flow_store is not None:
            self.flow_store.close()
            self.flow_store = None

    # -- events -------------------------------------------------------------------

    def subscribe(self, listener: RuntimeListener) -> Callable[[], None]:
        return self._listeners.subscribe(listener)

    @property
    def service(self) -> ServiceState:
        return self._service

    def device_statuses(self) -> dict[str, DeviceStatus]:
        out = {name: dev.status for name, dev in self.devices.items()}
        for name, err in self.open_errors.items():
            out[name] = DeviceStatus(device=DeviceState.NO_DEVICE, detail=err)
        return out

    def _emit(self, event: RuntimeEvent) -> None:
        self._listeners.emit(event)

    def _on_device_event(self, event: StatusChanged) -> None:  # on the device's worker
        writer = self.journal_writer
        if "device" in event.changed and writer is not None:
            try:
                # Queued: the writer's thread chains and fsyncs it, not this worker.
                writer.append(
                    "device.status",
                    {
                        "device": event.device_name,
                        "state": str(event.current.device),
                        "detail": event.current.detail,
                        "code": event.current.error_code,
                    },
                )
            except Exception:
                log.exception("journal write failed")
        self._emit(RuntimeEvent("device", device=event))
        self._update_service()

    def _update_service(self) -> None:
        statuses = self.device_statuses()
        down = tuple(
            sorted(k for k in self.required if k not in statuses or not statuses[k].device.usable)
        )
        degraded = tuple(
            sorted(k for k, s in statuses.items() if k not in self.required and not s.device.usable)
        )
        state = ServiceState(in_service=not down, down=down, degraded=degraded)
        with self._lock:
            changed = state != self._service
            self._service = state
        if changed:
            self._emit(RuntimeEvent("service", service=state))

    def _resources(self) -> dict[str, Any]:
        return {"devices": self.devices, "runtime": self, "services": self.services}

    def _journal_flow_event(self, flow_id: str, kind: str, detail: str) -> None:
        # On the flow's worker (which fsyncs the flow store anyway): wait for the record,
        # so what the flow store says happened is in the journal too when the flow returns.
        writer = self.journal_writer
        if writer is None or writer.closed:
            log.warning("journal closed: %s of flow %s not journalled", kind, flow_id)
            return
        writer.append(kind, {"flow": flow_id, "detail": detail}).result(
            timeout=self.JOURNAL_CLOSE_S
        )
