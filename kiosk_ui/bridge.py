"""Where Qt meets the core's threads and asyncio loop — the only such module.

Runtime and device events arrive on device workers and the core-loop thread; the bridge
re-emits them as Qt signals on the GUI thread. Work for the core (coroutines on
``runtime.loop``, calls on a device's worker) is submitted from here and its result comes
back as a signal, so QML and view-models never block and never touch a thread or a loop.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable, Coroutine, Mapping
from concurrent.futures import Future
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot

from kiosk_core.runtime import KioskRuntime, RuntimeEvent, ServiceState
from kiosk_core.status import DeviceState, DeviceStatus
from kiosk_ui.shell import ServiceView

log = logging.getLogger(__name__)


def service_view(
    service: ServiceState,
    statuses: Mapping[str, DeviceStatus],
    *,
    started: bool,
    open_deadline_passed: bool,
) -> ServiceView:
    """Turn the runtime's ServiceState into what the shell shows.

    The kiosk is out of service only when no function can be offered. A device still
    opening is not "down" yet — the kiosk is getting ready — until it has had
    ``timeouts.device_open_s`` to open; then it counts as down. So while some function
    waits only on devices still opening, the kiosk is starting, not out of service.
    """
    functions = service.functions
    if not started:
        return ServiceView(in_service=False, starting=True, functions=functions)
    if service.in_service:
        return ServiceView(in_service=True, starting=False, degraded=service.degraded,
                           functions=functions, opening_timed_out=open_deadline_passed)
    opening = tuple(
        d for d in service.down
        if d == "starting" or (d in statuses and statuses[d].device is DeviceState.STARTING)
    )
    if open_deadline_passed:
        opening = tuple(d for d in opening if d == "starting")
    down = tuple(d for d in service.down if d not in opening)
    waiting = not open_deadline_passed and any(f.waiting for f in functions)
    return ServiceView(in_service=False, starting=not down or waiting, down=down,
                       degraded=service.degraded, functions=functions,
                       opening_timed_out=open_deadline_passed)


class RuntimeBridge(QObject):
    #: The service view changed (ServiceView).
    serviceChanged = Signal(object)
    #: A device's status changed: name, XFS4IoT device state.
    deviceChanged = Signal(str, str)
    #: runtime.start() finished (devices may still be opening), or failed with a message.
    started = Signal()
    startFailed = Signal(str)
    #: A submitted task finished: task id and result, or task id and error text.
    taskDone = Signal(int, object)
    taskFailed = Signal(int, str)

    # Private: carries events from any thread to the GUI thread (queued).
    _event = Signal(object)
    _task_result = Signal(int, object, object)

    #: How long stop() waits for a runtime start still in progress (opening storage).
    START_JOIN_S = 10.0

    def __init__(self, runtime: KioskRuntime, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runtime = runtime
        self._started = False
        self._open_deadline_passed = False
        self._start_failed = False
        self._stopped = False
        self._start_thread: threading.Thread | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self._ids = itertools.count(1)
        self._service = ServiceView()
        self._event.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._task_result.connect(self._deliver_task, Qt.ConnectionType.QueuedConnection)

    # -- lifecycle ---------------------------------------------------------------

    def start(self) -> None:
        """Start the runtime on a background thread (storage and device opening are I/O)."""
        if self._start_thread is not None:
            return
        self._unsubscribe = self.runtime.subscribe(self._on_runtime_event)
        self._start_thread = threading.Thread(target=self._start_runtime, name="kiosk-start",
                                              daemon=True)
        self._start_thread.start()

    def _start_runtime(self) -> None:  # on the kiosk-start thread
        try:
            self.runtime.start()
        except Exception as exc:
            log.exception("runtime failed to start")
            outcome: tuple[str, str | None] = ("start-failed", f"{type(exc).__name__}: {exc}")
        else:
            outcome = ("started", None)
        # A start that outlived stop() (storage hung past START_JOIN_S) says nothing: the
        # window and its receivers may be going, and a queued event posted to a QObject
        # being deleted is a use-after-free.
        if not self._stopped:
            self._event.emit(outcome)

    def stop(self) -> None:
        """Stop the runtime and every worker. Safe to call twice or before start()."""
        self._stopped = True
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        if self._start_thread is not None:
            self._start_thread.join(self.START_JOIN_S)
            if self._start_thread.is_alive():
                # Storage or a driver hangs: stop what has started rather than hang the exit.
                log.error("runtime start still running after %.0f s; stopping anyway",
                          self.START_JOIN_S)
            self._start_thread = None
            self.runtime.stop()

    # -- state -------------------------------------------------------------------

    @property
    def service(self) -> ServiceView:
        return self._service

    def device_statuses(self) -> dict[str, DeviceStatus]:
        return self.runtime.device_statuses() if self._started else {}

    def declare_functions(self, functions: Mapping[str, Any]) -> None:
        """Tell the runtime what each menu entry needs (kiosk_core.availability.Needs); its
        service state (in service while one function can be offered) follows at once."""
        self.runtime.declare_functions(functions)
        self._refresh_service()

    # -- work for the core -------------------------------------------------------

    def run_async(self, coro: Coroutine[Any, Any, Any]) -> int:
        """Run ``coro`` on the core loop; returns a task id answered by taskDone/taskFailed."""
        return self._watch(self.runtime.loop.submit(coro))

    def run_in_thread(self, fn: Callable[..., Any], *args: Any) -> int:
        """Run blocking ``fn(*args)`` on the core loop's worker threads (never the GUI
        thread); answered like run_async."""
        if self.runtime.loop.running:
            import asyncio  # loaded with the core loop (after the first frame)

            coro = asyncio.to_thread(fn, *args)
            try:
                return self._watch(self.runtime.loop.submit(coro))
            except RuntimeError:  # the loop closed meanwhile (shutting down)
                coro.close()
        # Shutting down (e.g. a flow page's clean-up after the core loop stopped): still
        # not on the GUI thread, on a thread of its own — and unanswered: this bridge and
        # its receivers may be gone (a signal emitted on a deleted QObject from another
        # thread is a use-after-free).
        def work() -> None:
            try:
                fn(*args)
            except Exception:
                log.exception("late work %r failed", fn)

        threading.Thread(target=work, name="bridge-late-work", daemon=True).start()
        return 0

    def run_on_device(self, device: str, fn: Callable[..., Any], *args: Any) -> int:
        """Run ``fn(*args)`` on the device's own worker; answered like run_async."""
        dev = self.runtime.devices.get(device)
        if dev is None:
            fut: Future[Any] = Future()
            fut.set_exception(LookupError(f"no device {device!r}"))
            return self._watch(fut)
        return self._watch(dev.submit(fn, *args))

    def journal(self, kind: str, data: Mapping[str, Any]) -> int:
        """Hand a record to the runtime's journal writer; returns at once with a task id
        answered by taskDone (the Record) / taskFailed, like run_async. The writer's thread
        fsyncs, never the caller's. Data that may not be journalled (a PIN, an image…) is
        refused here: SensitiveDataError / ValueError raise on the caller's thread."""
        writer = self.runtime.journal_writer
        if writer is None or writer.closed:
            log.info("journal %s not written: runtime not started", kind)
            return 0
        return self._watch(writer.append(kind, data))

    def on_gui(self, fn: Callable[..., Any], *args: Any) -> None:
        """Call ``fn(*args)`` on the GUI thread, from any thread (e.g. a service that
        became ready on a worker hands its object to a view-model). Dropped after stop()."""
        if not self._stopped:
            self._event.emit(("call", (fn, args)))

    def _watch(self, fut: Future[Any]) -> int:
        task_id = next(self._ids)

        def done(f: Future[Any]) -> None:  # on whichever thread finished it
            if self._stopped:  # nobody listens any more, and the QObject may be going
                return
            try:
                self._task_result.emit(task_id, f.result(), None)
            except BaseException as exc:
                self._task_result.emit(task_id, None, exc)

        fut.add_done_callback(done)
        return task_id

    # -- from other threads ------------------------------------------------------

    def _on_runtime_event(self, event: RuntimeEvent) -> None:  # device / core threads
        self._event.emit(("runtime", event))

    @Slot(object)
    def _deliver(self, item: tuple[str, Any]) -> None:  # GUI thread
        what, payload = item
        if what == "started":
            self._started = True
            QTimer.singleShot(int(self.runtime.config.timeouts.device_open_s * 1000), self,
                              self._open_deadline)
            self.started.emit()
        elif what == "start-failed":
            self._started = True
            self._start_failed = True
            self.startFailed.emit(payload)
        elif what == "call":
            fn, args = payload
            if not self._stopped:
                try:
                    fn(*args)
                except Exception:
                    log.exception("%r on the GUI thread failed", fn)
            return
        elif what == "runtime" and payload.kind == "device" and payload.device is not None:
            self.deviceChanged.emit(payload.device.device_name, str(payload.device.current.device))
        self._refresh_service()

    @Slot(int, object, object)
    def _deliver_task(self, task_id: int, result: Any, error: BaseException | None) -> None:
        if error is None:
            self.taskDone.emit(task_id, result)
        else:
            self.taskFailed.emit(task_id, str(error) or type(error).__name__)

    def _open_deadline(self) -> None:
        self._open_deadline_passed = True
        self._refresh_service()

    def _refresh_service(self) -> None:
        if self._stopped:
            return
        if self._start_failed:  # storage could not open: nothing can serve customers
            view = ServiceView(in_service=False, starting=False, down=("kiosk",))
        else:
            view = service_view(self.runtime.service, self.device_statuses(),
                                started=self._started,
                                open_deadline_passed=self._open_deadline_passed)
        if view != self._service:
            self._service = view
            self.serviceChanged.emit(view)
