"""The kiosk's core, without Qt: configuration, devices, journal, flows and the core loop.

The UI holds one :class:`KioskRuntime` and listens to its events (through
kiosk_ui.bridge); tests drive it directly.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk_core.availability import Availability, Needs, any_available, blocking, evaluate_all
from kiosk_core.config import CoreConfig
from kiosk_core.core_loop import CoreLoop
from kiosk_core.device_api import DeviceFactory, ManagedDevice
from kiosk_core.listeners import Listeners
from kiosk_core.prompts import PromptBoard
from kiosk_core.status import DeviceState, DeviceStatus, StatusChanged

if TYPE_CHECKING:  # imported by start(): storage opens after the kiosk's first frame
    from kiosk_core.flows import FlowDefinition, FlowEngine, FlowStore
    from kiosk_core.journal import Journal
    from kiosk_core.journal_seal import JournalSealer
    from kiosk_core.journal_writer import JournalWriter
    from kiosk_core.keystore import KeyStore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ServiceState:
    """Is the kiosk fit to serve customers, and which functions can it offer now?

    ``in_service`` is False only when no function can be offered (kiosk_core.availability);
    then ``down`` says why: the required devices not usable if any (nothing works without
    them), else every device and service that blocks some function. Before functions are
    declared (a runtime without a UI) only required devices count, as they always did.
    """

    in_service: bool
    down: tuple[str, ...] = ()
    degraded: tuple[str, ...] = ()  # devices not usable that did not close the kiosk
    functions: tuple[Availability, ...] = ()

    def function(self, function_id: str) -> Availability | None:
        return next((f for f in self.functions if f.function == function_id), None)


class ServiceMap(dict[str, Any]):
    """``runtime.services``: a dict that tells the runtime when a service comes or goes, so
    the functions needing it (the bank, the video teller) are offered or withdrawn."""

    def __init__(self, on_change: Callable[[], None]) -> None:
        super().__init__()
        self._on_change = on_change

    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(key, value)
        self._on_change()

    def __delitem__(self, key: str) -> None:
        super().__delitem__(key)
        self._on_change()

    def pop(self, key: str, *default: Any) -> Any:
        had = key in self
        value = super().pop(key, *default)
        if had:
            self._on_change()
        return value

    def setdefault(self, key: str, default: Any = None) -> Any:
        if key in self:
            return self[key]
        self[key] = default
        return default

    def update(self, *args: Any, **kwargs: Any) -> None:
        super().update(*args, **kwargs)
        self._on_change()

    def clear(self) -> None:
        super().clear()
        self._on_change()


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
        #: Signed checkpoints of the journal's head (kiosk_core.journal_seal).
        self.journal_sealer: JournalSealer | None = None
        #: The kiosk's keys, one per purpose (kiosk_core.keystore); opened in start().
        self.keystore: KeyStore | None = None
        self.flow_store: FlowStore | None = None
        self.flow_engine: FlowEngine | None = None
        self.loop = CoreLoop()
        #: What the screen asks of the customer now (kiosk_core.prompts).
        self.prompts = PromptBoard()
        #: Services the composition root attached (e.g. "bank": a bank_host.api.BankHost);
        #: flow steps find them in ``ctx.resources["services"]``.
        self.services: dict[str, Any] = ServiceMap(self._services_changed)
        #: What each customer function needs (kiosk_core.availability), declared by the UI's
        #: registry (declare_functions); empty: only required devices decide the service.
        self.functions: dict[str, Needs] = {}
        #: Called first thing in stop(), newest first (a service process to end, say).
        self.stop_hooks: list[Callable[[], None]] = []
        self._flow_defs = dict(flows or {})
        self._listeners: Listeners[RuntimeEvent] = Listeners("runtime")
        #: Flows whose unwinding stopped on a compensation that failed (a device down).
        self._stalled_flows: set[str] = set()
        self._settling: list[threading.Event] = []
        self._lock = threading.Lock()
        self._service = ServiceState(in_service=False, down=("starting",))
        #: Functions (or WHOLE_KIOSK) a technician took out of service: function -> why.
        #: Kept in data_dir/out_of_service.json so a restart does not put them back.
        self._out_of_service: dict[str, dict[str, str]] = {}
        #: hold_for_recovery() was called and recover_flows() has not finished yet: the
        #: kiosk is still starting (no customer may begin).
        self._recovery_pending = False
        #: The journal's previous run ended with "kiosk.stop" (None: no previous run).
        self.previous_stop_clean: bool | None = None

    # -- lifecycle ----------------------------------------------------------------

    def start(self, *, wait_devices: bool = False) -> None:
        """Open storage and start every device; devices finish opening on their workers."""
        from kiosk_core.flows import FlowEngine, FlowStore
        from kiosk_core.journal import Journal
        from kiosk_core.journal_seal import PURPOSE as SEAL_PURPOSE
        from kiosk_core.journal_seal import JournalSealer, seal_log_for
        from kiosk_core.journal_writer import JournalWriter
        from kiosk_core.keystore import KeyStore

        cfg = self.config
        cfg.data_dir.mkdir(parents=True, exist_ok=True)
        keystore = self.keystore = KeyStore.from_config(cfg)  # moves old data_dir/secrets
        self.journal = Journal(cfg.path("journal"), kiosk_id=cfg.kiosk.id)
        self.previous_stop_clean = _stopped_cleanly(self.journal)
        self.journal_writer = JournalWriter(self.journal)
        self.journal_sealer = JournalSealer(
            self.journal, seal_log_for(cfg.path("secrets_dir")),
            lambda: keystore.ring(SEAL_PURPOSE), kiosk=cfg.kiosk.id,
            every_records=cfg.storage.seal_records, every_s=cfg.storage.seal_interval_s)
        self.journal_writer.subscribe(self.journal_sealer.on_records)
        self.journal_writer.append("kiosk.start", {"branch": cfg.kiosk.branch})
        self._out_of_service = _read_overrides(self._overrides_path())
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
            bind_keys = getattr(device, "bind_keys", None)
            if bind_keys is not None:  # devices that encrypt what they keep (the printer)
                bind_keys(keystore)
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

    def hold_for_recovery(self) -> None:
        """Stay "starting" (not in service) until :meth:`recover_flows` has run: the kiosk
        app calls it before start(), so no customer begins while the previous one's
        transaction — a card on its way to the bin, a payment to reverse — is settled."""
        self._recovery_pending = True
        self._update_service()

    def release_recovery(self) -> None:
        """Give up waiting for recover_flows() (it cannot run): serve customers."""
        if self._recovery_pending:
            self._recovery_pending = False
            self._update_service()

    def recover_flows(self) -> list[tuple[str, str]]:
        """Settle transactions a power cut left open. Call once devices are up. After a
        run that did not stop cleanly, or with flows settled, the journal says so
        ("kiosk.recovered": each flow and how it ended) before the kiosk serves anyone."""
        assert self.flow_engine is not None
        try:
            store = self.flow_store
            types = {r.flow_id: r.flow_type for r in store.unfinished()} if store else {}
            results = list(self.flow_engine.recover())
            writer = self.journal_writer
            if writer is not None and not writer.closed and (
                    results or self.previous_stop_clean is False):
                writer.append("kiosk.recovered", {
                    "unclean_stop": self.previous_stop_clean is False,
                    "flows": [{"flow": fid, "type": types.get(fid, ""), "status": status}
                              for fid, status in results]}).result(timeout=self.JOURNAL_CLOSE_S)
            if results:
                log.warning("recovered %d unfinished flow(s) before serving: %s", len(results),
                            ", ".join(f"{fid} {status}" for fid, status in results))
            return list(results)
        finally:
            self.release_recovery()

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
                sealer, self.journal_sealer = self.journal_sealer, None
                if sealer is not None:  # the final seal covers kiosk.stop
                    writer.flush(timeout=self.JOURNAL_CLOSE_S)
                    sealer.close()
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
        if writer is not None:
            try:
                # Queued: the writer's thread chains and fsyncs them, not this worker.
                for kind, data in device_records(event):
                    writer.append(kind, data)
            except Exception:
                log.exception("journal write failed")
        self._emit(RuntimeEvent("device", device=event))
        self._update_service()
        if ("device" in event.changed and event.current.device.usable
                and not event.previous.device.usable):
            self._retry_stalled_flows()

    def _retry_stalled_flows(self) -> None:
        """A device came back: flows whose unwinding stopped on it (a card to bin while the
        line was silent) are settled now, not at the next restart."""
        with self._lock:
            stalled, self._stalled_flows = self._stalled_flows, set()
        engine = self.flow_engine
        if not stalled or engine is None:
            return

        done = threading.Event()
        with self._lock:
            self._settling.append(done)

        def settle() -> None:
            try:
                for flow_id, status in engine.resume_unwinding(stalled):
                    log.info("flow %s settled after its device came back: %s", flow_id,
                             status)
                    if status == "unwinding":
                        with self._lock:
                            self._stalled_flows.add(flow_id)  # still stuck: the next return
            finally:
                done.set()
                with self._lock:
                    self._settling.remove(done)

        threading.Thread(target=settle, name="flow-settle", daemon=True).start()

    def wait_settled(self, timeout: float) -> bool:
        """Wait (up to ``timeout``) until flows being settled after a device came back are
        done — a new transaction's first step calls it, so it never finds the previous
        customer's card still on its way to the bin."""
        with self._lock:
            pending = list(self._settling)
        deadline = time.monotonic() + timeout
        return all(e.wait(max(0.0, deadline - time.monotonic())) for e in pending)

    def declare_functions(self, functions: Mapping[str, Needs]) -> None:
        """What each customer function needs (the menu's entries); re-evaluates at once."""
        self.functions = dict(functions)
        self._update_service()

    def availability(self, statuses: Mapping[str, DeviceStatus] | None = None
                     ) -> dict[str, Availability]:
        """Each declared function: can it be offered now, and if not why (no I/O)."""
        return evaluate_all(self.functions,
                            self.device_statuses() if statuses is None else statuses,
                            dict(self.services), required=self.required,
                            out_of_service=self._out_of_service)

    # -- technician's service overrides -------------------------------------------------

    @property
    def out_of_service(self) -> dict[str, dict[str, str]]:
        """Functions (or ``"*"``: the whole kiosk) taken out: {"who", "reason", "at"}."""
        with self._lock:
            return {k: dict(v) for k, v in self._out_of_service.items()}

    def set_out_of_service(self, function: str, out: bool, *, who: str,
                           reason: str = "") -> bool:
        """Take ``function`` (``"*"`` for the whole kiosk) out of service or put it back;
        journalled, kept across a restart. Returns False if nothing changed."""
        from datetime import UTC, datetime

        with self._lock:
            if out == (function in self._out_of_service):
                return False
            if out:
                self._out_of_service[function] = {
                    "who": who, "reason": reason,
                    "at": datetime.now(UTC).isoformat(timespec="seconds")}
            else:
                self._out_of_service.pop(function)
            _write_overrides(self._overrides_path(), self._out_of_service)
        writer = self.journal_writer
        if writer is not None:
            writer.append("technician.service_out" if out else "technician.service_in",
                          {"function": function, "who": who, "reason": reason})
        self._update_service()
        return True

    def _overrides_path(self) -> Path:
        return self.config.data_dir / "out_of_service.json"

    def _services_changed(self) -> None:  # on whichever thread attached or removed it
        self._update_service()

    def _update_service(self) -> None:
        # Evaluated under the lock (it is cheap: no I/O), so of two threads reporting changes
        # at once the one that evaluates last — from the newest statuses — is what stays.
        with self._lock:
            statuses = self.device_statuses()
            required_down = tuple(sorted(
                k for k in self.required if k not in statuses or not statuses[k].device.usable))
            functions = tuple(self.availability(statuses).values())
            whole = "*" in self._out_of_service
            if not functions:  # no functions declared: the required devices decide
                in_service, down = not required_down and not whole, required_down
                if whole:
                    down = ("out_of_service", *down)
            else:
                in_service = any_available(functions)
                down = () if in_service else (required_down or blocking(functions))
            degraded = tuple(
                sorted(k for k, s in statuses.items() if k not in down and not s.device.usable)
            )
            if self._recovery_pending:  # still starting: settling the previous run's flows
                in_service, down = False, ("starting",)
            state = ServiceState(in_service=in_service, down=down, degraded=degraded,
                                 functions=functions)
            changed = state != self._service
            self._service = state
        if changed:
            self._emit(RuntimeEvent("service", service=state))

    def _resources(self) -> dict[str, Any]:
        return {"devices": self.devices, "runtime": self, "services": self.services}

    def _journal_flow_event(self, flow_id: str, kind: str, detail: str) -> None:
        if kind == "flow.compensation_failed":
            with self._lock:
                self._stalled_flows.add(flow_id)
        # On the flow's worker (which fsyncs the flow store anyway): wait for the record,
        # so what the flow store says happened is in the journal too when the flow returns.
        writer = self.journal_writer
        if writer is None or writer.closed:
            log.warning("journal closed: %s of flow %s not journalled", kind, flow_id)
            return
        writer.append(kind, {"flow": flow_id, "detail": detail}).result(
            timeout=self.JOURNAL_CLOSE_S
        )


def _stopped_cleanly(journal: Journal) -> bool | None:
    """Did the journal's previous run end with "kiosk.stop"? None for a new journal. A run
    killed, crashed or cut off from power never wrote it."""
    try:
        count = journal.head().count
        last = journal.records(since=count - 1, limit=1) if count else []
    except Exception:  # an unreadable journal is reported by its own checks, not here
        log.exception("cannot read how the journal's previous run ended")
        return None
    return last[0].kind == "kiosk.stop" if last else None


def _read_overrides(path: Path) -> dict[str, dict[str, str]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        # Unreadable: stay out of service rather than serve what a technician closed.
        log.error("%s unreadable (%s): the kiosk stays out of service", path, exc)
        return {"*": {"who": "kiosk", "reason": f"{path.name} unreadable", "at": ""}}
    if not isinstance(data, dict):
        return {"*": {"who": "kiosk", "reason": f"{path.name} malformed", "at": ""}}
    return {str(k): {kk: str(vv) for kk, vv in v.items()} if isinstance(v, dict) else {}
            for k, v in data.items()}


def _write_overrides(path: Path, data: Mapping[str, Mapping[str, str]]) -> None:
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=1, sort_keys=True)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def device_records(event: StatusChanged) -> list[tuple[str, dict[str, Any]]]:
    """The journal records for one status change: ``device.status`` (the XFS4IoT state
    changed), ``device.media``, ``device.supply`` (one per supply that changed: paper near
    end/out, stacker low/empty, bin high/full) and ``device.fault`` (new code or words with
    the same state). Each carries the state, the code and the words of the fault."""
    cur, prev = event.current, event.previous
    base: dict[str, Any] = {"device": event.device_name, "state": str(cur.device),
                            "detail": cur.detail, "code": cur.error_code}
    out: list[tuple[str, dict[str, Any]]] = []
    if "device" in event.changed:
        out.append(("device.status", {**base, "previous": str(prev.device),
                                      "media": str(cur.media),
                                      "supplies": {k: str(v) for k, v in cur.supplies.items()}}))
    if "media" in event.changed:
        out.append(("device.media", {**base, "media": str(cur.media),
                                     "previous": str(prev.media)}))
    if "supplies" in event.changed:
        for name, level in cur.supplies.items():
            before = prev.supplies.get(name)
            if before != level:
                out.append(("device.supply", {**base, "supply": name, "level": str(level),
                                              "previous": str(before) if before else ""}))
    if (not out and event.changed & {"detail", "error_code"}
            and (cur.detail or cur.error_code)):
        out.append(("device.fault", base))
    return out
