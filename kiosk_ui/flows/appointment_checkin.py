"""Appointment check-in page: view-model over customer_flows' check-in session.

The page only binds and forwards taps. Everything that waits — the camera, the QR decoder,
the branch database, the printer — runs off the GUI thread through the bridge
(``run_async`` of a worker-thread call); results come back as ``taskDone``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Property, QObject, Signal, Slot
from PySide6.QtGui import QImage

from customer_flows.checkin_session import CODE_KEYS, CheckinSession
from kiosk_ui.qr_view import qr_image, register_qml_types
from kiosk_ui.registry import QT_TRANSLATE_NOOP, FlowContext, FlowScreen, ScreenRegistry

log = logging.getLogger(__name__)

PAGE = Path(__file__).with_name("AppointmentCheckin.qml")
#: Give up looking for a QR code after this long (the customer may have walked away).
SCAN_LIMIT_S = 60.0

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

    def __init__(self, ctx: FlowContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.bridge = ctx.bridge
        self.session = CheckinSession()
        self._service: Any = None
        self._tasks: dict[int, tuple[Callable[[Any], None], Callable[[str], None]]] = {}
        self._preview = QImage()
        self._scanner: Any = None
        self._restore_scene: Callable[[], None] = _nothing
        self._demo_camera: Any = None
        self._scan_token = 0
        self._scan_started = 0.0
        self._qr = QImage()
        self.bridge.taskDone.connect(self._task_done)
        self.bridge.taskFailed.connect(self._task_failed)
        holder = self._scan_holder = [self]  # closes the camera mailbox if we are deleted
        self.destroyed.connect(lambda *_: _stop_scan_of(holder))

    # -- work off the GUI thread ---------------------------------------------------------

    def _run(self, fn: Callable[..., Any], *args: Any, done: Callable[[Any], None],
             failed: Callable[[str], None]) -> None:
        async def call() -> Any:
            return await asyncio.to_thread(fn, *args)

        self._tasks[self.bridge.run_async(call())] = (done, failed)

    @Slot(int, object)
    def _task_done(self, task_id: int, result: Any) -> None:
        cb = self._tasks.pop(task_id, None)
        if cb is not None:
            cb[0](result)

    @Slot(int, str)
    def _task_failed(self, task_id: int, error: str) -> None:
        cb = self._tasks.pop(task_id, None)
        if cb is not None:
            cb[1](error)

    def _svc(self) -> Any:  # worker thread: opens the branch DB on first use
        if self._service is None:
            from customer_flows.checkin import CheckinService

            self._service = CheckinService.from_runtime(self.bridge.runtime)
        return self._service

    def _lookup(self, kind: str, *args: str) -> tuple[str, Any, str]:  # worker thread
        from customer_flows.checkin import CheckinRefused

        try:
            svc = self._svc()
            found = svc.find_by_qr(*args) if kind == "qr" else svc.find_by_phone(*args)
            return ("found", found, "")
        except CheckinRefused as exc:
            return ("refused", exc.code, exc.detail)

    def _check_in(self, appointment_id: str, language: str) -> tuple[str, Any, str]:
        from customer_flows.checkin import CheckinRefused

        try:
            return ("done", self._svc().check_in(appointment_id, language), "")
        except CheckinRefused as exc:
            return ("refused", exc.code, exc.detail)

    def _answer(self, answer: tuple[str, Any, str]) -> None:
        kind, value, detail = answer
        if kind == "found":
            self.session.found(value)
        elif kind == "done":
            self.session.checked_in(value)
            self._qr = qr_image(value.ticket_url)
            self.bridge.journal("checkin.ticket", {
                "flow": value.flow_id, "ticket": value.ticket_number,
                "printed": value.printed, "job": value.job_id})
        else:
            self.session.refused(value, detail)
        self._changed()

    def _failed(self, error: str) -> None:
        log.error("check-in: %s", error)
        self.session.refused("failed")
        self._changed()

    def _changed(self) -> None:
        self.changed.emit()
        if self.session.step == "scan":
            self._start_scan()
        else:
            self._stop_scan()

    # -- the camera -------------------------------------------------------------------------

    def _start_scan(self) -> None:
        if self._scanner is not None:
            return
        from customer_flows import demo
        from customer_flows.qr_scan import QrScanner
        from kiosk_core.status import DeviceState

        camera = self.bridge.runtime.devices.get("camera")
        # A camera still opening gets the scan time to come up; a broken one does not.
        if camera is None or not (camera.status.device.usable
                                  or camera.status.device is DeviceState.STARTING):
            self.session.refused("camera")
            self.changed.emit()
            return
        self._scanner = QrScanner(camera)
        self._demo_camera = camera if demo.is_demo(self.bridge.runtime.config) else None
        self._scan_token += 1
        self._scan_started = _now()
        self._scan_next(self._scan_token)

    def _scan_next(self, token: int) -> None:
        scanner = self._scanner

        def grab() -> tuple[QImage | None, str]:  # worker thread: decode + convert
            frame = scanner.next(0.5)
            return (_to_qimage(frame.image) if frame.image is not None else None, frame.text)

        def got(result: tuple[QImage | None, str]) -> None:
            if token != self._scan_token or self._scanner is None:
                return  # left the scan screen meanwhile
            image, text = result
            if image is not None:
                self._preview = image
                self.previewChanged.emit()
            self.ctx.keep_alive()  # holding a phone up is activity, not idleness
            if self._demo_camera is not None:  # demo: the simulated customer shows the phone
                self._restore_scene = demo_show_phone(self._demo_camera)
                if self._restore_scene is not _nothing:
                    self._demo_camera = None
            if text and self.session.qr_read(text):
                self._stop_scan()
                self.changed.emit()
                self._run(self._lookup, "qr", text, done=self._answer, failed=self._failed)
                return
            if _now() - self._scan_started > SCAN_LIMIT_S:
                self.session.refused("no_qr")
                self._changed()
                return
            self._scan_next(token)

        def lost(error: str) -> None:
            if token == self._scan_token and self._scanner is not None:
                log.warning("camera: %s", error)
                self.session.refused("camera")
                self._changed()

        self._run(grab, done=got, failed=lost)

    def _stop_scan(self) -> None:
        if self._scanner is not None:
            self._scan_token += 1
            self._scanner.close()
            self._scanner = None
            self._restore_scene()
            self._restore_scene = _nothing
            self._demo_camera = None

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
    codeKeys = Property(str, lambda self: CODE_KEYS, constant=True)

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
    ticketServiceTitle = Property(str, lambda self: _service_en(self._res("service")),
                                  notify=changed)
    ticketUrl = Property(str, lambda self: self._res("ticket_url") or "", notify=changed)
    ticketQrImage = Property(QImage, lambda self: self._qr, notify=changed)
    preview = Property(QImage, lambda self: self._preview, notify=previewChanged)

    # -- taps ---------------------------------------------------------------------------------

    @Slot()
    def chooseQr(self) -> None:
        self.session.choose_qr()
        self._changed()

    @Slot()
    def choosePhone(self) -> None:
        self.session.choose_phone()
        self._changed()

    @Slot(str)
    def press(self, key: str) -> None:
        self.session.press(key)
        self.changed.emit()

    @Slot()
    def deleteKey(self) -> None:
        self.session.delete()
        self.changed.emit()

    @Slot()
    def phoneNext(self) -> None:
        self.session.phone_next()
        self.changed.emit()

    @Slot()
    def findByPhone(self) -> None:
        what = self.session.start_lookup()
        self.changed.emit()
        if what is not None:
            self._run(self._lookup, "phone", what["phone"], what["code"],
                      done=self._answer, failed=self._failed)

    @Slot(str)
    def confirm(self, language: str) -> None:
        aid = self.session.confirm()
        self.changed.emit()
        if aid is not None:
            self.ctx.keep_alive()
            self._run(self._check_in, aid, language or self.ctx.language,
                      done=self._answer, failed=self._failed)

    @Slot()
    def retry(self) -> None:
        self.session.retry()
        self._changed()

    @Slot()
    def back(self) -> None:
        self.session.back()
        self._changed()

    @Slot()
    def done(self) -> None:
        self._stop_scan()
        self.ctx.finish()


def _service_en(key: str | None) -> str:
    from customer_flows.checkin import service_name

    return service_name(key, "en_US") if key else ""


def _stop_scan_of(holder: list[CheckinModel]) -> None:
    try:
        holder[0]._stop_scan()
    except RuntimeError:  # the C++ side is already gone
        pass


def _nothing() -> None:
    pass


def demo_show_phone(camera: Any) -> Callable[[], None]:
    """The demo's simulated customer holds up their phone (once the camera has opened);
    ``_nothing`` while there is nothing to show it on yet."""
    from customer_flows import demo

    restore = demo.show_phone(camera, demo.demo_qr_text())
    return restore if restore is not None else _nothing


def _now() -> float:
    import time

    return time.monotonic()


def register(registry: ScreenRegistry) -> None:
    register_qml_types()
    registry.register(FlowScreen(
        id="appointment_checkin",
        qml=PAGE,
        view_model=CheckinModel,
        # None required: without a camera the customer types phone + code; without a
        # printer the ticket is shown on screen (number + QR) and kept for reprint.
        devices=(),
    ))
