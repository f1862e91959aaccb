"""The base class every device driver derives from.

Like python-can's ``BusABC``: one base class, concrete drivers picked by name from
configuration (see :mod:`devices.registry`). Every device owns one worker thread on
which all of its blocking I/O runs; callers get :class:`concurrent.futures.Future`
objects (``asyncio.wrap_future`` turns them into awaitables), so neither the UI
thread nor the core's event loop ever waits on a device.
"""

from __future__ import annotations

import logging
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, ParamSpec, TypeVar

from kiosk_core.status import DeviceState, DeviceStatus, Listener, StatusModel

log = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")


class DeviceError(Exception):
    """A device refused or failed a command. ``code`` is the vendor's code, if any."""

    #: XFS4IoT completion code this error maps to.
    completion_code: ClassVar[str] = "hardwareError"

    def __init__(self, message: str, *, code: str = "") -> None:
        super().__init__(message)
        self.code = code


class DeviceNotReady(DeviceError):
    completion_code = "deviceNotReady"


class DeviceTimeout(DeviceError):
    completion_code = "timeOut"


class DeviceClosed(DeviceError):
    completion_code = "deviceNotReady"


@dataclass(frozen=True)
class SelfTestResult:
    """What a technician's self-test found."""

    ok: bool
    checks: dict[str, str] = field(default_factory=dict)  # check name -> "ok" or problem


class Device(ABC):
    """A device opened from a URL, with a status model and its own I/O worker."""

    #: Device class, as used in kiosk.toml ``[devices.<kind>]`` and the registry.
    kind: ClassVar[str] = "device"

    def __init__(self, name: str, url: str) -> None:
        self.name = name
        self.url = url
        self.status_model = StatusModel(name)
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"device-{name}")
        self._closed = threading.Event()

    # -- public API ---------------------------------------------------------------

    @property
    def status(self) -> DeviceStatus:
        return self.status_model.current

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        return self.status_model.subscribe(listener)

    def submit(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        """Run ``fn`` on this device's worker thread."""
        if self._closed.is_set():
            fut: Future[T] = Future()
            fut.set_exception(DeviceClosed(f"{self.name} is closed"))
            return fut
        return self._worker.submit(fn, *args, **kwargs)

    def start(self) -> Future[None]:
        """Open the device on its worker. Status goes starting → online (or an error state)."""
        self.status_model.update(device=DeviceState.STARTING)
        return self.submit(self._start)

    def close(self, timeout: float | None = 5.0) -> None:
        """Close the device and stop its worker. Safe to call twice."""
        if self._closed.is_set():
            return
        fut = self._worker.submit(self._safe_close)
        self._closed.set()
        try:
            fut.result(timeout=timeout)
        except TimeoutError:
            log.error("closing %s did not finish within %s s; leaving its worker", self.name,
                      timeout)
        except Exception:
            log.exception("closing %s failed", self.name)
        # The worker is idle once the close ran; a close still hanging is not waited for.
        self._worker.shutdown(wait=fut.done(), cancel_futures=True)

    def self_test(self) -> Future[SelfTestResult]:
        return self.submit(self._self_test)

    def bind_storage(self, data_dir: Path) -> None:  # noqa: B027 - optional hook
        """Where the kiosk keeps data: a device that keeps files (kept print jobs, rendered
        receipts) keeps them below ``data_dir``. Called by the runtime before start."""

    def describe(self) -> dict[str, Any]:
        """Facts for diagnostics (status, counters, firmware…). Runs on the caller's thread."""
        return {"name": self.name, "kind": self.kind, "url": self.url, **self.status.as_dict()}

    # -- for drivers ----------------------------------------------------------------

    def _start(self) -> None:
        try:
            self.open()
        except DeviceError as exc:
            self.status_model.update(
                device=DeviceState.NO_DEVICE, detail=str(exc), error_code=exc.code
            )
            raise
        except OSError as exc:
            self.status_model.update(device=DeviceState.NO_DEVICE, detail=str(exc))
            raise DeviceNotReady(f"{self.name}: cannot open {self.url}: {exc}") from exc

    def _safe_close(self) -> None:
        try:
            self.shutdown()
        finally:
            self.status_model.update(device=DeviceState.OFFLINE)

    @abstractmethod
    def open(self) -> None:
        """Connect, initialise and read the first status. Runs on the worker."""

    @abstractmethod
    def shutdown(self) -> None:
        """Release the connection. Runs on the worker."""

    def _self_test(self) -> SelfTestResult:
        state = self.status.device
        return SelfTestResult(ok=state == DeviceState.ONLINE, checks={"state": str(state)})
