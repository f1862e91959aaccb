"""Appointment check-in page: view-model over customer_flows' check-in session.

The page only binds and forwards taps. Everything that waits — the camera, the QR decoder,
the branch database, the printer — runs off the GUI thread through the bridge
(``run_async`` of a worker-thread call); results come back as ``taskDone``.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import Property, QObject, Qt, Signal, Slot
from PySide6.QtGui import QImage

from customer_flows.checkin import CheckinService
from customer_flows.checkin_flow import CheckinFlow
from customer_flows.checkin_session import CODE_KEYS, CheckinSession
from kiosk_core.availability import needs
from kiosk_core.failures import Failure
from kiosk_ui.qr_view import qr_image, register_qml_types
from kiosk_ui.registry import QT_TRANSLATE_NOOP, FlowContext, FlowScreen, ScreenRegistry

log = logging.getLogger(__name__)

FAILURES = {f.name: f.value for f in Failure}
PAGE = Path(__file__).with_name("AppointmentCheckin.qml")

# Service names as the screen shows them (the ticket uses customer_flows.checkin's table).
SERVICE_TITLES = (
    QT_TRANSLATE_NOOP("CheckinServices", "Open an account"),
    QT_TRANSLATE_NOOP("CheckinServices", "Loan consultation"),
    QT_TRANSLATE_NOOP("CheckinServices", "Wealth management"),
    QT_TRANSLATE_NOOP("CheckinServices", "Cards and payments"),
    QT_TRANSLATE_NOOP("CheckinServices", "Foreign exchange"),
)


def _to_qimage(rgb: Any) -> QImage:
    h, w = rgb.shape[:2]
    return QImage(rgb.tobytes(), w, h, 3 * w, QImage.Format.Format_RGB888).copy()


class CheckinModel(QObject):
    changed = Signal()
    previewChanged = Signal()
    # Private: the session reports from worker threads; queued to the GUI thread.
    _sessionChanged = Signal()
    _frame = Signal(QImage)
    _keepAlive = Signal()

    def __init__(self, ctx: FlowContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.bridge = ctx.bridge
        runtime = self.bridge.runtime
        self._preview = QImage()
        self._qr = QImage()
        self._ticket_url = ""
        self._sessionChanged.connect(self._session_changed, Qt.ConnectionType.QueuedConnection)
        self._frame.connect(self._show_frame, Qt.ConnectionType.QueuedConnection)
        self.flow = CheckinFlow(
            service=lambda: _service_for(runtime),
            camera=runtime.devices.get("camera"),
            submit=self.bridge.run_in_thread,
            journal=self.bridge.journal,
            prompts=runtime.prompts,
            on_change=self._sessionChanged.emit,
            on_frame=lambda rgb: self._frame.emit(_to_qimage(rgb)),  # converted on the worker
            keep_alive=self._keepAlive.emit,
        )
        self._keepAlive.connect(ctx.keep_alive, Qt.ConnectionType.QueuedConnection)
        flow = self.flow
        self.destroyed.connect(lambda *_: flow.close())

    @property
    def session(self) -> CheckinSession:
        return self.flow.state

    @Slot()
    def _session_changed(self) -> None:
        result = self.session.result
        url = result.ticket_url if result is not None else ""
        if url != self._ticket_url:
            self._ticket_url = url
            self._qr = qr_image(url) if url else QImage()
        self.changed.emit()

    @Slot(QImage)
    def _show_frame(self, image: QImage) -> None:  # frames come only while scanning
        self._preview = image
        self.previewChanged.emit()

    # -- properties -------------------------------------------------------------------------

    def _s(self) -> CheckinSession:
        return self.session

    step = Property(str, lambda self: self._s().step, notify=changed)
    path = Property(str, lambda self: self._s().path, notify=changed)
    phone = Property(str, lambda self: self._s().phone, notify=changed)
    code = Property(str, lambda self: self._s().code, notify=changed)
    phoneOk = Property(bool, lambda self: self._s().phone_ok, notify=changed)
    codeOk = Property(bool, lambda self: self._s().code_ok, notify=changed)
    attemptsLeft = Property(int, lambda self: self._s().attempts_left, notify=changed)
    busyWith = Property(str, lambda self: self._s().busy_with, notify=changed)
    error = Property(str, lambda self: self._s().error, notify=changed)
    errorDetail = Property(str, lambda self: self._s().error_detail, notify=changed)
    canRetry = Property(bool, lambda self: self._s().can_retry, notify=changed)
    canReprint = Property(bool, lambda self: self.flow.can_reprint, notify=changed)
    codeKeys = Property(str, lambda self: CODE_KEYS, constant=True)
    #: kiosk_core.failures.Failure as {"TOO_EARLY": "too_early", …}: QML compares
    #: ``flow.error`` with ``flow.failures.TOO_EARLY``, not with a hand-typed string.
    failures = Property(dict, lambda self: FAILURES, constant=True)

    def _appt(self, name: str) -> str:
        a = self.session.appointment
        return str(getattr(a, name)) if a is not None else ""

    serviceTitle = Property(str, lambda self: self._appt("service_en"), notify=changed)
    apptTime = Property(str, lambda self: self._appt("local_time"), notify=changed)
    apptName = Property(str, lambda self: self._appt("name_masked"), notify=changed)
    apptPhone = Property(str, lambda self: self._appt("phone_masked"), notify=changed)

    def _res(self, name: str) -> Any:
        r = self.session.result
        return getattr(r, name) if r is not None else None

    ticketNumber = Property(str, lambda self: self._res("ticket_number") or "", notify=changed)
    ticketAhead = Property(int, lambda self: self._res("ahead") or 0, notify=changed)
    ticketWait = Property(int, lambda self: self._res("estimated_wait_min") or 0, notify=changed)
    printed = Property(bool, lambda self: bool(self._res("printed")), notify=changed)
    #: printed | printed_not_cut | partial | not_printed (devices.printer.outcomes)
    printOutcome = Property(str, lambda self: self._res("print_outcome") or "", notify=changed)
    ticketServiceTitle = Property(str, lambda self: _service_en(self._res("service")),
                                  notify=changed)
    ticketUrl = Property(str, lambda self: self._res("ticket_url") or "", notify=changed)
    ticketQrImage = Property(QImage, lambda self: self._qr, notify=changed)
    preview = Property(QImage, lambda self: self._preview, notify=previewChanged)

    # -- taps ---------------------------------------------------------------------------------

    @Slot()
    def chooseQr(self) -> None:
        self.flow.choose_qr()

    @Slot()
    def choosePhone(self) -> None:
        self.flow.choose_phone()

    @Slot(str)
    def press(self, key: str) -> None:
        self.flow.press(key)

    @Slot()
    def deleteKey(self) -> None:
        self.flow.delete()

    @Slot()
    def phoneNext(self) -> None:
        self.flow.phone_next()

    @Slot()
    def findByPhone(self) -> None:
        self.flow.find_by_phone()

    @Slot(str)
    def confirm(self, language: str) -> None:
        self.flow.confirm(language or self.ctx.language)

    @Slot(str)
    def reprint(self, language: str) -> None:
        self.flow.reprint(language or self.ctx.language)

    @Slot()
    def retry(self) -> None:
        self.flow.retry()

    @Slot()
    def back(self) -> None:
        self.flow.back()

    @Slot()
    def done(self) -> None:
        self.flow.close()
        self.ctx.finish()


def _service_en(key: str | None) -> str:
    from customer_flows.checkin import service_name

    return service_name(key, "en_US") if key else ""


def _service_for(runtime: Any) -> CheckinService:  # worker thread: opens the branch DB
    return CheckinService.from_runtime(runtime)


def register(registry: ScreenRegistry) -> None:
    register_qml_types()
    registry.register(FlowScreen(
        id="appointment_checkin",
        qml=PAGE,
        view_model=CheckinModel,
        # None required: without a camera the customer types phone + code on the screen's
        # keypad (only the QR scan needs it); without a printer the ticket is shown on
        # screen (number + QR) and kept for reprint.
        devices=(),
        needs=needs(optional=("camera", "printer")),
    ))
