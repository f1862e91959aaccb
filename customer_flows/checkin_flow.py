"""The check-in flow as a Qt-free session: state machine, scan loop, time limit, look-ups,
the ticket's journal record and printing (through :class:`CheckinService`'s persisted flow).

The view-model (kiosk_ui/flows/appointment_checkin.py) forwards taps here and mirrors
:attr:`CheckinFlow.state`; it is told of changes through ``on_change`` (called on any
thread: the view-model re-posts it to the GUI thread). Blocking work runs through
``submit`` (a worker pool; the kiosk passes the bridge's ``run_in_thread``).

While the scan screen is up the session shows ``Prompt("checkin", "show_qr")`` on the
prompt board (whoever plays the customer follows it) and ``IDLE`` when it leaves it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from typing import Protocol

import numpy as np
import numpy.typing as npt

from customer_flows.checkin import CheckinRefused, CheckinResult, CheckinService, FoundAppointment
from customer_flows.checkin_session import CheckinSession
from customer_flows.qr_scan import QrScanner, ScanCamera
from devices.camera.condition import camera_failure
from devices.printer.outcomes import PrintReason, PrintResult
from kiosk_core.failures import Failure
from kiosk_core.prompts import IDLE, Prompt, PromptBoard
from kiosk_core.status import DeviceStatus
from receipts.printing import outcome_record

log = logging.getLogger(__name__)

FLOW = "checkin"
#: Give up looking for a QR code after this long (the customer may have walked away).
SCAN_LIMIT_S = 60.0
#: One preview frame per grab: the worker waits at most this long for the camera.
FRAME_WAIT_S = 0.5

Image = npt.NDArray[np.uint8]


class CheckinCamera(ScanCamera, Protocol):
    @property
    def status(self) -> DeviceStatus: ...


def _print_record(result: CheckinResult) -> dict[str, object]:
    """The ticket's print as journalled: job, printed, outcome, reason (code and words)."""
    try:
        res, reason = PrintResult(result.print_outcome), PrintReason(result.print_reason)
    except ValueError:  # an older flow's data: only printed yes/no is known
        res = PrintResult.PRINTED if result.printed else PrintResult.NOT_PRINTED
        reason = PrintReason.NONE if result.printed else PrintReason.FAILED
    return outcome_record(job=result.job_id, result=res, reason=reason,
                          detail=result.print_error)


class CheckinFlow:
    def __init__(
        self,
        *,
        service: Callable[[], CheckinService],
        camera: CheckinCamera | None,
        submit: Callable[..., object],
        journal: Callable[[str, Mapping[str, object]], object],
        prompts: PromptBoard,
        on_change: Callable[[], None] = lambda: None,
        on_frame: Callable[[Image], None] = lambda image: None,
        keep_alive: Callable[[], None] = lambda: None,
        scan_limit_s: float = SCAN_LIMIT_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.state = CheckinSession()
        self._service_factory = service
        self._service: CheckinService | None = None
        self.camera = camera
        self.submit = submit
        self.journal = journal
        self.prompts = prompts
        self.on_change = on_change
        self.on_frame = on_frame
        self.keep_alive = keep_alive
        self.scan_limit_s = scan_limit_s
        self.clock = clock
        self._lock = threading.RLock()
        self._scanner: QrScanner | None = None
        self._scan_token = 0
        self._scan_started = 0.0
        #: The last look-up ("qr", text) or ("phone", phone, code): an appointment already
        #: checked in is found again by it to reprint its ticket.
        self._last_lookup: tuple[str, ...] = ()
        self.can_reprint = False
        self.closed = False

    # -- taps (GUI thread) -----------------------------------------------------------------

    def choose_qr(self) -> None:
        self._tap(self.state.choose_qr)

    def choose_phone(self) -> None:
        self._tap(self.state.choose_phone)

    def press(self, key: str) -> None:
        self._tap(lambda: self.state.press(key))

    def delete(self) -> None:
        self._tap(self.state.delete)

    def phone_next(self) -> None:
        self._tap(self.state.phone_next)

    def back(self) -> None:
        self._tap(self.state.back)

    def retry(self) -> None:
        self._tap(self.state.retry)

    def find_by_phone(self) -> None:
        with self._lock:
            what = self.state.start_lookup()
        self._changed()
        if what is not None:
            self._work(self._lookup, "phone", what["phone"], what["code"])

    def confirm(self, language: str) -> None:
        with self._lock:
            aid = self.state.confirm()
        self._changed()
        if aid is not None:
            self.keep_alive()
            self._work(self._check_in, aid, language)

    def reprint(self, language: str) -> None:
        """From "already checked in": print that appointment's ticket again."""
        with self._lock:
            if self.state.step != "error" or self.state.error != Failure.USED \
                    or not self._last_lookup:
                return
            what = self._last_lookup
            self.state.busy_with = "checkin"
            self.state._go("busy")
        self._changed()
        self.keep_alive()
        self._work(self._reprint, what, language)

    def _reprint(self, what: tuple[str, ...], language: str) -> None:  # worker
        result = self._svc().reprint(what[0], tuple(what[1:]), language)
        if result is None:
            self._refused(Failure.USED, "no_ticket")
            return
        self._write_ticket(result)
        with self._lock:
            self.state.checked_in(result)
        self._changed()

    def close(self) -> None:
        """The customer left: stop scanning (the camera's mailbox is closed on a worker)."""
        with self._lock:
            self.closed = True
        self._stop_scan()

    def _work(self, fn: Callable[..., None], *args: object) -> None:
        self.submit(self._guarded, fn, *args)

    def _guarded(self, fn: Callable[..., None], *args: object) -> None:  # worker thread
        try:
            fn(*args)
        except Exception:  # never silently: the screen would wait for an answer forever
            log.exception("check-in: %s failed", getattr(fn, "__name__", fn))
            self._refused(Failure.FAILED)

    def _tap(self, action: Callable[[], object]) -> None:
        with self._lock:
            action()
        self._changed()

    # -- answers (worker threads) -------------------------------------------------------------

    def _svc(self) -> CheckinService:  # opens the branch DB on first use
        if self._service is None:
            self._service = self._service_factory()
        return self._service

    def _lookup(self, kind: str, *args: str) -> None:
        self._last_lookup = (kind, *args)
        try:
            svc = self._svc()
            found = svc.find_by_qr(*args) if kind == "qr" else svc.find_by_phone(*args)
        except CheckinRefused as exc:
            if exc.failure == Failure.USED:
                try:
                    self.can_reprint = self._svc().used_ticket(kind, *args) is not None
                except Exception:
                    log.exception("check-in: the used ticket not found")
                    self.can_reprint = False
            self._refused(exc.failure, exc.detail)
        except Exception:
            log.exception("check-in look-up failed")
            self._refused(Failure.FAILED)
        else:
            self._found(found)

    def _found(self, appointment: FoundAppointment) -> None:
        with self._lock:
            self.state.found(appointment)
        self._changed()

    def _refused(self, failure: Failure, detail: str = "") -> None:
        with self._lock:
            self.state.refused(failure, detail)
        self._changed()

    def _check_in(self, appointment_id: str, language: str) -> None:
        try:
            result = self._svc().check_in(appointment_id, language)
        except CheckinRefused as exc:
            self._refused(exc.failure, exc.detail)
            return
        except Exception:
            log.exception("check-in failed")
            self._refused(Failure.FAILED)
            return
        self._write_ticket(result)
        with self._lock:
            self.state.checked_in(result)
        self._changed()

    def _write_ticket(self, result: CheckinResult) -> None:
        try:
            self.journal("checkin.ticket", {
                "flow": result.flow_id, "ticket": result.ticket_number,
                **_print_record(result)})
        except Exception:  # the ticket is issued and persisted; the record is a copy
            log.exception("checkin.ticket not journalled")

    # -- the scan screen ----------------------------------------------------------------------

    def _changed(self) -> None:
        if self.state.step == "scan" and not self.closed:
            self._start_scan()
        else:
            self._stop_scan()
        self.on_change()

    def _start_scan(self) -> None:
        with self._lock:
            if self._scanner is not None:
                return
            camera = self.camera
            # No camera at all: the phone path. A camera still opening gets the scan time
            # to come up; a faulty one (unplugged, frozen, too dark) too, with the fault
            # told on the scan screen — scanning goes on by itself once it is fixed.
            if camera is None:
                self.state.refused(Failure.CAMERA)
                return
            self.state.camera_trouble(camera_failure(camera.status))
            self._scanner = QrScanner(camera)
            self._scan_token += 1
            self._scan_started = self.clock()
            token = self._scan_token
        self.prompts.show(Prompt(FLOW, "show_qr"))
        self._work(self._scan_next, token)

    def _scan_next(self, token: int) -> None:  # worker: one frame, decoded
        scanner = self._scanner
        if scanner is None or token != self._scan_token:
            return
        try:
            frame = scanner.next(FRAME_WAIT_S)
        except Exception as exc:
            if token == self._scan_token:
                log.warning("camera: %s", exc)
                self._refused(Failure.CAMERA)
            return
        with self._lock:
            if token != self._scan_token or self._scanner is None:
                return  # left the scan screen meanwhile
            if frame.image is not None:
                self.on_frame(frame.image)
            self.keep_alive()  # holding a phone up is activity, not idleness
            problem = camera_failure(self.camera.status) if self.camera is not None else None
            trouble = self.state.camera_trouble(problem)
            text = self.state.qr_read(frame.text) if frame.text else None
            timed_out = not text and self.clock() - self._scan_started > self.scan_limit_s
            if timed_out:
                self.state.refused(problem or Failure.NO_QR)
        if text:
            self._changed()
            self._lookup("qr", text)
        elif timed_out:
            self._changed()
        else:
            if trouble:
                self.on_change()
            self._work(self._scan_next, token)

    def _stop_scan(self) -> None:
        with self._lock:
            scanner, self._scanner = self._scanner, None
            if scanner is None:
                return
            self._scan_token += 1
        scanner.close()
        if self.prompts.current.flow == FLOW:
            self.prompts.show(IDLE)
