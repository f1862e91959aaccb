"""The base class every device driver derives from.

Like python-can's ``BusABC``: one base class, concrete drivers picked by name from
configuration (see :mod:`devices.registry`). Every device owns one worker thread on
which all of its blocking I/O runs; callers get :class:`concurrent.futures.Future`
objects (``asyncio.wrap_future`` turns them into awaitables), so neither the UI
thread nor the core's event loop ever waits on a device.

Supervision (issue #12) - one code path for every kind
-------------------------------------------------------
A driver opts in with ``supervised = True`` and implements one hook:

``poll_status(self) -> None``
    One status read, on the worker: ask the device, update ``self.status_model``
    (device state, media, supplies, ``detail``/``error_code``). Raise ``DeviceError``,
    ``OSError`` or ``TimeoutError`` when the device does not answer, or set the status to
    ``offline``/``noDevice`` - both mean "the link is lost".

``reopen(self) -> None`` (optional; default ``shutdown()`` then ``open()``)
    Re-establish the link and re-initialise the device, reading its media and supply
    state again. A driver whose ``open()`` does more than that (starts a sim:// simulator)
    overrides it to keep what must survive. Raise (or leave the status down) on failure.

The base then does the rest for every kind:

* while idle, a ``poll_status`` job goes onto the device's own worker every
  ``poll_interval_s`` - skipped while a command is queued or running, or when one ended
  less than an interval (at least ``IDLE_AFTER_S``) ago: a poll is never interleaved with
  a command, and a customer's transaction is not slowed by polls between its commands;
* a lost link - from a poll, from a command (the status left ``offline``/``noDevice``),
  or ``open()`` failing at ``start()`` - sets ``offline``/``noDevice`` with the words of the
  fault, then ``reopen()`` is tried with exponential backoff: ``reconnect_min_s`` first,
  doubled up to ``reconnect_max_s``. Each attempt is one job on the worker (never a sleep
  on it); the waits happen on a small supervisor thread that ``close()`` wakes at once;
* every change is a :class:`~kiosk_core.status.StatusChanged` event (the status model
  emits them); the runtime journals them.

Timing comes from the driver's ``self.settings`` (:class:`devices.settings.DeviceSettings`:
``poll_interval_s``, ``reconnect_min_s``, ``reconnect_max_s``); ``poll_interval_s = 0``
turns idle polling off (reconnection stays on). :attr:`Device.supervision` shows the
supervisor's counters (polls, reopen attempts) for diagnostics and the bench.
"""

from __future__ import annotations

import logging
import threading
import time
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


#: A device is idle (polled) once no command ran for this long, or one poll interval.
IDLE_AFTER_S = 1.0

#: States in which the link to the device is lost: the supervisor reopens it.
LINK_DOWN = frozenset({DeviceState.OFFLINE, DeviceState.NO_DEVICE, DeviceState.POWER_OFF})


@dataclass(frozen=True)
class SupervisionTiming:
    """How often a supervised device is polled and reopened (from its settings)."""

    poll_interval_s: float = 1.0
    reconnect_min_s: float = 0.5
    reconnect_max_s: float = 5.0


@dataclass
class SupervisionStats:
    """What the supervisor did (diagnostics, bench)."""

    polls: int = 0
    polls_skipped: int = 0
    reopen_attempts: int = 0
    reopened: int = 0
    links_lost: int = 0
    last_reopen_s: float = 0.0  # how long the last successful reopen took

    def as_dict(self) -> dict[str, float]:
        return dict(vars(self))


@dataclass(frozen=True)
class SelfTestResult:
    """What a technician's self-test found."""

    ok: bool
    checks: dict[str, str] = field(default_factory=dict)  # check name -> "ok" or problem


class Device(ABC):
    """A device opened from a URL, with a status model and its own I/O worker."""

    #: Device class, as used in kiosk.toml ``[devices.<kind>]`` and the registry.
    kind: ClassVar[str] = "device"
    #: Polled while idle and reopened after a lost link (see the module docstring).
    supervised: ClassVar[bool] = False

    def __init__(self, name: str, url: str) -> None:
        self.name = name
        self.url = url
        self.status_model = StatusModel(name)
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"device-{name}")
        self._closed = threading.Event()
        # Supervision: commands queued or running, when the last one ended, the state.
        self._jobs_lock = threading.Lock()
        self._commands = 0
        self._last_command_end = 0.0
        self._supervisor: threading.Thread | None = None
        self._wake = threading.Event()
        self._link_down = False
        self._down_since = 0.0
        self.supervision = SupervisionStats()

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
        with self._jobs_lock:
            self._commands += 1
        try:
            fut = self._worker.submit(fn, *args, **kwargs)
        except RuntimeError:  # closed meanwhile
            self._command_done(None)
            fut = Future()
            fut.set_exception(DeviceClosed(f"{self.name} is closed"))
            return fut
        fut.add_done_callback(self._command_done)
        return fut

    def start(self) -> Future[None]:
        """Open the device on its worker. Status goes starting → online (or an error state).

        A supervised device is watched from here on: if the open fails, the future fails
        and the supervisor keeps reopening it."""
        self.status_model.update(device=DeviceState.STARTING)
        fut = self.submit(self._start)
        if self.supervised and self._supervisor is None:
            self._supervisor = threading.Thread(target=self._supervise,
                                                name=f"device-{self.name}-supervisor",
                                                daemon=True)
            self._supervisor.start()
        return fut

    def close(self, timeout: float | None = 5.0) -> None:
        """Close the device and stop its worker. Safe to call twice."""
        if self._closed.is_set():
            return
        self._closed.set()
        self._wake.set()  # the supervisor stops now, whatever it was waiting for
        fut = self._worker.submit(self._safe_close)
        try:
            fut.result(timeout=timeout)
        except TimeoutError:
            log.error("closing %s did not finish within %s s; leaving its worker", self.name,
                      timeout)
        except Exception:
            log.exception("closing %s failed", self.name)
        # The worker is idle once the close ran; a close still hanging is not waited for.
        self._worker.shutdown(wait=fut.done(), cancel_futures=True)
        sup = self._supervisor
        if sup is not None and sup is not threading.current_thread():
            sup.join(timeout=1)

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
        except Exception as exc:  # never left "starting": the supervisor would wait forever
            self.status_model.update(device=DeviceState.NO_DEVICE, detail=str(exc))
            raise

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

    def poll_status(self) -> None:
        """One status read while idle (supervised drivers implement it). Runs on the worker;
        raise, or leave the status offline/noDevice, when the device does not answer."""
        raise NotImplementedError(f"{type(self).__name__} is supervised but has no "
                                  "poll_status()")

    def reopen(self) -> None:
        """Re-establish a lost link and re-initialise the device. Runs on the worker."""
        try:
            self.shutdown()
        except Exception:  # the old link is gone anyway
            log.debug("%s: shutdown before reopening failed", self.name, exc_info=True)
        self.open()

    # -- supervision (see the module docstring) ---------------------------------------

    def supervision_timing(self) -> SupervisionTiming:
        settings = getattr(self, "settings", None)
        if settings is None:
            return SupervisionTiming()
        return SupervisionTiming(
            poll_interval_s=float(getattr(settings, "poll_interval_s", 1.0)),
            reconnect_min_s=float(getattr(settings, "reconnect_min_s", 0.5)),
            reconnect_max_s=float(getattr(settings, "reconnect_max_s", 5.0)))

    def _command_done(self, _fut: Future[Any] | None) -> None:
        with self._jobs_lock:
            self._commands -= 1
            self._last_command_end = time.monotonic()
        if self._commands == 0 and self.status.device in LINK_DOWN:
            self._wake.set()  # a command found the link lost: start reopening now

    def _idle_for(self) -> float:
        """Seconds since the last command ended; -1 while one is queued or running."""
        with self._jobs_lock:
            if self._commands:
                return -1.0
            return time.monotonic() - self._last_command_end

    def _run_supervised(self, job: Callable[[], bool]) -> bool:
        """Run one supervision job on the worker (not counted as a command); its result."""
        try:
            fut = self._worker.submit(job)
        except RuntimeError:  # the worker is shut down
            return False
        while not fut.done():
            if self._closed.is_set():
                return False
            try:
                return fut.result(timeout=0.5)
            except TimeoutError:
                continue
            except Exception:
                return False
        try:
            return fut.result()
        except Exception:
            return False

    def _supervise(self) -> None:
        """The supervisor thread: decides when to poll and when to reopen; does no I/O."""
        timing = self.supervision_timing()
        backoff = timing.reconnect_min_s
        try:
            while not self._closed.is_set():
                if self.status.device is DeviceState.STARTING:
                    self._wake.wait(0.05)  # the first open is still running
                    self._wake.clear()
                    continue
                if self._link_down or self.status.device in LINK_DOWN:
                    if not self._link_down:
                        self._note_link_lost()
                    self._wake.clear()
                    if self._closed.wait(backoff):  # close() ends the wait at once
                        return
                    if self._idle_for() < backoff:
                        # A command is using the device (it may reconnect it itself), or
                        # has just reported the loss to its caller: wait one more step.
                        continue
                    if self._run_supervised(self._reopen_job):
                        backoff = timing.reconnect_min_s
                    else:
                        backoff = min(backoff * 2, timing.reconnect_max_s)
                    continue
                wait = timing.poll_interval_s or 3600.0
                if self._wake.wait(wait):
                    self._wake.clear()
                    continue  # woken: closing, or a command lost the link
                if not timing.poll_interval_s:
                    continue
                if self._idle_for() < max(timing.poll_interval_s, IDLE_AFTER_S):
                    # Not idle: a command just read the status (and a poll right after it
                    # would only get in the way of the next one).
                    self.supervision.polls_skipped += 1
                    continue
                self._run_supervised(self._poll_job)
        except Exception:  # never let supervision die silently
            log.exception("%s: supervision stopped", self.name)

    def _note_link_lost(self) -> None:
        self._link_down = True
        self._down_since = time.monotonic()
        self.supervision.links_lost += 1
        log.warning("%s: link lost (%s); reopening", self.name, self.status.detail or "no answer")

    def _poll_job(self) -> bool:
        if self._closed.is_set() or self._idle_for() < 0:
            return True  # skipped: a command was queued meanwhile
        if self.status.device in LINK_DOWN:
            return False  # a command lost the link meanwhile: reopened with backoff instead
        self.supervision.polls += 1
        try:
            self.poll_status()
        except (DeviceError, OSError, TimeoutError) as exc:
            if self.status.device not in LINK_DOWN:
                code = exc.code if isinstance(exc, DeviceError) else ""
                if isinstance(exc, DeviceError) and self.status.device not in (
                        DeviceState.ONLINE, DeviceState.BUSY):
                    return True  # the device answered with a fault: reported, not a link loss
                self.status_model.update(device=DeviceState.OFFLINE,
                                         detail=f"no answer to a status poll: {exc}",
                                         error_code=code or "noAnswer")
        return self.status.device not in LINK_DOWN

    def _reopen_job(self) -> bool:
        if self._closed.is_set():
            return True
        self.supervision.reopen_attempts += 1
        started = time.monotonic()
        try:
            self.reopen()
        except (DeviceError, OSError, TimeoutError) as exc:
            code = exc.code if isinstance(exc, DeviceError) else ""
            state = (self.status.device if self.status.device in LINK_DOWN
                     else DeviceState.NO_DEVICE)
            self.status_model.update(device=state, detail=f"reopening failed: {exc}",
                                     error_code=code or "noDevice")
            return False
        except Exception as exc:  # a driver bug must not stop supervision
            log.exception("%s: reopen failed", self.name)
            self.status_model.update(device=DeviceState.NO_DEVICE,
                                     detail=f"reopening failed: {exc}", error_code="noDevice")
            return False
        if self.status.device in LINK_DOWN or self.status.device is DeviceState.STARTING:
            return False
        self._link_down = False
        self.supervision.reopened += 1
        self.supervision.last_reopen_s = time.monotonic() - started
        log.info("%s: reopened after %.1f s: %s", self.name, time.monotonic() - self._down_since,
                 self.status.device)
        return True

    def _self_test(self) -> SelfTestResult:
        state = self.status.device
        return SelfTestResult(ok=state == DeviceState.ONLINE, checks={"state": str(state)})
