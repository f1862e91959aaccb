"""Service mode's view-model: publishes kiosk_ui.service.session to QML, forwards taps.

Every technician call (technician.api.Technician, technician.auth.TechnicianAuth) blocks —
device I/O, scrypt — so each goes out through ``RuntimeBridge.run_in_thread`` and its
result comes back on the GUI thread (``taskDone``/``taskFailed``). The rules live in the
Qt-free ServiceSession and CornerGesture; the report shapes in kiosk_ui.service.views.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import Property, QEvent, QObject, QPointF, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeyEvent, QMouseEvent, QTouchEvent, QWindow

from kiosk_core.config import CoreConfig
from kiosk_ui.bridge import RuntimeBridge
from kiosk_ui.service import views
from kiosk_ui.service.session import (
    STAGE_H,
    STAGE_W,
    CornerGesture,
    Page,
    Phase,
    ServiceSession,
)
from technician.api import WHOLE_KIOSK, Technician, TechnicianError
from technician.auth import PIN_DIGITS, LoginResult, TechnicianAuth
from technician.settings import TechnicianSettings

log = logging.getLogger(__name__)

#: The technician's objects, built when first needed (KioskApp.technician_pair).
Provider = Callable[[], "tuple[Technician, TechnicianAuth] | None"]

TICK_MS = 500
#: The PIN screen goes back to the attract screen after this long without a touch.
PIN_TIMEOUT_S = 60.0
#: Screens on which a customer is in the middle of something: no service mode over them.
_BUSY_OVERLAYS = ("call-teller",)

_PRESS = {QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin}
_RELEASE = {QEvent.Type.MouseButtonRelease, QEvent.Type.TouchEnd}


class ServiceModeModel(QObject):
    changed = Signal()
    clockChanged = Signal()  # the lock-out countdown

    def __init__(
        self,
        config: CoreConfig,
        bridge: RuntimeBridge,
        shell: Any,  # kiosk_ui.viewmodels.ShellViewModel (its screen, endSession, touched)
        provider: Provider,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._cfg = config
        self._bridge = bridge
        self._shell = shell
        self._provider = provider
        self._now = monotonic
        try:
            settings = config.section(TechnicianSettings)
        except LookupError:  # a core-only config (no [technician]): the defaults
            settings = TechnicianSettings()
        self.session = ServiceSession(pin_timeout_s=min(PIN_TIMEOUT_S, settings.idle_logout_s),
                                      idle_logout_s=settings.idle_logout_s)
        self.gesture = CornerGesture()
        self._tz = config.kiosk.timezone
        self._window: QWindow | None = None
        #: task id -> (what, session generation, on done, on failure)
        self._tasks: dict[int, tuple[str, int, Callable[[Any], None],
                                     Callable[[str], None]]] = {}
        self._generation = 0
        self._busy: set[str] = set()
        self._locked_left = 0
        self._report: dict[str, Any] = {}
        self._report_dirty = False
        self._self_tests: dict[str, Any] = {}
        self._counters: dict[str, Any] = {}
        self._log_text = ""
        self._verify: dict[str, Any] = {}
        self._export: dict[str, Any] = {}
        self._config_text = ""
        #: The outcome of the last action: {"ok": bool, "code": str, "arg": str, "text": str}.
        self._notice: dict[str, Any] = {}
        #: Entry refused (a customer is using the kiosk): shown small, for a few seconds.
        self._refused = False
        bridge.taskDone.connect(self._task_done)
        bridge.taskFailed.connect(self._task_failed)
        bridge.deviceChanged.connect(self._on_kiosk_change)
        bridge.serviceChanged.connect(self._on_kiosk_change)
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)
        self._refused_timer = QTimer(self)
        self._refused_timer.setSingleShot(True)
        self._refused_timer.setInterval(5000)
        self._refused_timer.timeout.connect(self._clear_refused)

    # -- properties ------------------------------------------------------------------

    def _active(self) -> bool:
        return self.session.active

    def _phase(self) -> str:
        return str(self.session.phase)

    def _page(self) -> str:
        return str(self.session.page)

    def _pin_length(self) -> int:
        return len(self.session.pin)

    def _checking(self) -> bool:
        return self.session.checking

    def _message(self) -> str:
        return str(self.session.message)

    def _failures_left(self) -> int:
        return self.session.failures_left

    def _locked_seconds(self) -> int:
        return self._locked_left

    def _technician_id(self) -> str:
        return self.session.technician

    def _technician_name(self) -> str:
        return self.session.name

    def _get_report(self) -> dict[str, Any]:
        return self._report

    def _get_self_tests(self) -> dict[str, Any]:
        return self._self_tests

    def _get_counters(self) -> dict[str, Any]:
        return self._counters

    def _get_log_text(self) -> str:
        return self._log_text

    def _get_verify(self) -> dict[str, Any]:
        return self._verify

    def _get_export(self) -> dict[str, Any]:
        return self._export

    def _get_config_text(self) -> str:
        return self._config_text

    def _get_busy(self) -> list[str]:
        return sorted(self._busy)

    def _get_notice(self) -> dict[str, Any]:
        return self._notice

    def _get_refused(self) -> bool:
        return self._refused

    def _kiosk_id(self) -> str:
        return self._cfg.kiosk.id

    def _min_pin(self) -> int:
        return PIN_DIGITS[0]

    active = Property(bool, _active, notify=changed)
    phase = Property(str, _phase, notify=changed)
    page = Property(str, _page, notify=changed)
    pinLength = Property(int, _pin_length, notify=changed)
    checking = Property(bool, _checking, notify=changed)
    message = Property(str, _message, notify=changed)
    failuresLeft = Property(int, _failures_left, notify=changed)
    lockedSeconds = Property(int, _locked_seconds, notify=clockChanged)
    technicianId = Property(str, _technician_id, notify=changed)
    technicianName = Property(str, _technician_name, notify=changed)
    report = Property(dict, _get_report, notify=changed)
    selfTests = Property(dict, _get_self_tests, notify=changed)
    counters = Property(dict, _get_counters, notify=changed)
    logText = Property(str, _get_log_text, notify=changed)
    verify = Property(dict, _get_verify, notify=changed)
    exportResult = Property(dict, _get_export, notify=changed)
    configText = Property(str, _get_config_text, notify=changed)
    busy = Property(list, _get_busy, notify=changed)
    notice = Property(dict, _get_notice, notify=changed)
    entryRefused = Property(bool, _get_refused, notify=changed)
    kioskId = Property(str, _kiosk_id, constant=True)
    minPinLength = Property(int, _min_pin, constant=True)

    # -- the way in ------------------------------------------------------------------

    def watch(self, window: QWindow) -> None:
        """Watch ``window`` for the hidden gesture and the key sequence (and, in service
        mode, for the technician's activity)."""
        self._window = window
        window.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            mods = event.modifiers()
            want = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
            if event.key() == Qt.Key.Key_S and (mods & want) == want:
                self.requestEntry()
                return True
            if self.session.active:
                self.session.touch(self._now())
            return False
        if kind not in _PRESS and kind not in _RELEASE:
            return False
        now = self._now()
        if self.session.active:
            self.session.touch(now)
            return False
        pos = self._stage_pos(event)
        if pos is None:
            return False
        x, y = pos
        if kind in _PRESS:
            self.gesture.press(x, y, now)
            # The finishing tap is the technician's: the button under it must not see it.
            return self.gesture.finishing
        tapping = self.gesture.finishing
        if self.gesture.release(x, y, now):
            self.requestEntry()
            return True
        return tapping

    def _stage_pos(self, event: QEvent) -> tuple[float, float] | None:
        if isinstance(event, QMouseEvent):
            p = event.position()
        elif isinstance(event, QTouchEvent) and event.points():
            p = event.points()[0].position()
        else:
            return None
        win = self._window
        if win is None or win.width() <= 0 or win.height() <= 0:
            return None
        scale = min(win.width() / STAGE_W, win.height() / STAGE_H)
        ox, oy = (win.width() - STAGE_W * scale) / 2, (win.height() - STAGE_H * scale) / 2
        stage = QPointF((p.x() - ox) / scale, (p.y() - oy) / scale)
        return stage.x(), stage.y()

    def customer_busy(self) -> bool:
        """A customer is in a flow or with a teller: service mode would cut them off."""
        return self._shell.screen == "flow" or self._shell.overlay in _BUSY_OVERLAYS

    @Slot()
    def requestEntry(self) -> None:
        """The gesture or the key sequence: the PIN screen, unless a customer is busy."""
        if self.session.active:
            return
        if self.customer_busy():
            log.info("service mode refused: a customer is using the kiosk (%s)",
                     self._shell.screen)
            self._bridge.journal("technician.entry_refused",
                                 {"reason": "customer_busy", "screen": self._shell.screen})
            self._refused = True
            self._refused_timer.start()
            self.changed.emit()
            return
        if self._shell.shell.in_session:  # language / menu screen: nobody's data yet
            self._shell.endSession()
        pair = self._provider()
        locked = pair[1].locked_for() if pair is not None else 0.0
        self.session.open_pin(self._now(), locked)
        self._locked_left = self.session.locked_seconds(self._now())
        self._notice = {}
        self._timer.start()
        self.changed.emit()
        self.clockChanged.emit()

    @Slot()
    def _clear_refused(self) -> None:
        self._refused = False
        self.changed.emit()

    # -- the PIN -----------------------------------------------------------------------

    @Slot(str)
    def digit(self, d: str) -> None:
        self.session.digit(d, self._now())
        self.changed.emit()

    @Slot()
    def backspace(self) -> None:
        self.session.backspace(self._now())
        self.changed.emit()

    @Slot()
    def submitPin(self) -> None:
        pair = self._provider()
        if pair is None:
            self.session.login_failed(self._now(), not_ready=True)
            self.changed.emit()
            return
        pin = self.session.submit(self._now())
        if pin is None:
            return
        auth = pair[1]
        self._submit("login", auth.login, pin, done=self._logged_in,
                     failed=self._login_error)
        self.changed.emit()

    def _logged_in(self, result: LoginResult) -> None:
        self.session.login_result(result, self._now())
        self._locked_left = self.session.locked_seconds(self._now())
        if result.ok:
            log.info("service mode: %s signed in", result.technician)
            self._clear_data()
            self._load_page(Page.OVERVIEW)
        self.changed.emit()
        self.clockChanged.emit()

    def _login_error(self, message: str) -> None:
        log.error("technician sign-in failed: %s", message)
        self.session.login_failed(self._now(), not_ready=message == "not_ready")
        self.changed.emit()

    @Slot()
    def cancel(self) -> None:
        """Cancel on the PIN screen, or sign out: back to the attract screen."""
        self._close("signed_out")

    @Slot()
    def signOut(self) -> None:
        self._close("signed_out")

    def _close(self, reason: str) -> None:
        if not self.session.active:
            return
        technician, _ = self.session.close()
        self._generation += 1  # results of what is still running are not shown
        self._busy.clear()
        self._timer.stop()
        self._clear_data()
        self.gesture.reset()
        pair = self._provider()
        if technician and pair is not None:
            log.info("service mode: %s signed out (%s)", technician, reason)
            self._submit("logout", pair[1].logout, technician, reason)
        if self._shell.shell.in_session:
            self._shell.endSession()
        self.changed.emit()

    def _clear_data(self) -> None:
        self._report, self._self_tests, self._counters = {}, {}, {}
        self._log_text, self._verify, self._export, self._config_text = "", {}, {}, ""
        self._notice = {}

    # -- pages ---------------------------------------------------------------------------

    @Slot(str)
    def showPage(self, page: str) -> None:
        try:
            target = Page(page)
        except ValueError:
            return
        first = self.session.show(target, self._now())
        self._notice = {}
        if first or target in (Page.OVERVIEW, Page.SERVICE, Page.SUPPLIES):
            self._load_page(target)
        self.changed.emit()

    @Slot()
    def refresh(self) -> None:
        self.session.touch(self._now())
        self._load_page(self.session.page, again=True)

    def _load_page(self, page: Page, again: bool = False) -> None:
        tech = self._technician()
        if tech is None:
            return
        if page in (Page.OVERVIEW, Page.SERVICE, Page.SELF_TESTS):
            self._load_report()
        if page is Page.SUPPLIES:
            self._submit("counters", tech.counters, done=self._set_counters)
        elif page is Page.LOGS:
            self._submit("logs", tech.log_lines, 200, done=self._set_logs)
            if again or not self._verify:
                self.verifyJournal()
        elif page is Page.CONFIG:
            self._submit("config", tech.masked_config, done=self._set_config)

    def _load_report(self) -> None:
        tech = self._technician()
        if tech is None:
            return
        if "report" in self._busy:
            self._report_dirty = True  # once more when this one is back
            return
        self._submit("report", tech.report, done=self._set_report)

    def _set_report(self, report: Any) -> None:
        self._report = views.report_view(report, self._tz)
        if self._report_dirty:
            self._report_dirty = False
            self._load_report()

    def _set_counters(self, counters: Any) -> None:
        self._counters = views.counters_view(counters, self._tz)

    def _set_logs(self, lines: list[str]) -> None:
        self._log_text = "\n".join(lines)

    def _set_config(self, masked: dict[str, Any]) -> None:
        self._config_text = views.config_text(masked)

    @Slot(object)
    def _on_kiosk_change(self, *_: Any) -> None:
        if (self.session.phase is Phase.OPEN
                and self.session.page in (Page.OVERVIEW, Page.SERVICE, Page.SELF_TESTS)):
            self._load_report()

    # -- actions -------------------------------------------------------------------------

    @Slot(str)
    def runSelfTest(self, device: str) -> None:
        tech = self._signed_in()
        key = f"selftest:{device}"
        if tech is None or key in self._busy:
            return
        self._self_tests = {**self._self_tests, device: views.self_test_running(device)}

        def done(result: Any) -> None:
            self._self_tests = {**self._self_tests,
                                device: views.self_test_view(result, self._tz)}
            self._load_report()  # the test may have changed the device's status

        def failed(message: str) -> None:
            self._self_tests = {**self._self_tests,
                                device: views.self_test_error(device, message)}

        self._submit(key, tech.self_test, device, who=self.session.technician, done=done,
                     failed=failed)
        self.changed.emit()

    @Slot(int)
    def cardsLoaded(self, count: int) -> None:
        """Cards put in the stacker: ``count`` is how many are in it now."""
        tech = self._signed_in()
        if tech is None:
            return
        if count <= 0:
            self._say(False, "count_needed")
            return
        self._submit("cards", tech.replenish, "cards", count, who=self.session.technician,
                     done=lambda c: self._supplies_done(c, "cards_loaded", str(count)))
        self.changed.emit()

    @Slot(int)
    def binEmptied(self, removed: int) -> None:
        tech = self._signed_in()
        if tech is None:
            return
        if removed < 0:
            self._say(False, "count_needed")
            return
        self._submit("bin", tech.empty_bin, removed, who=self.session.technician,
                     done=lambda c: self._supplies_done(c, "bin_emptied", str(removed)))
        self.changed.emit()

    @Slot()
    def paperReplaced(self) -> None:
        tech = self._signed_in()
        if tech is None:
            return
        self._submit("paper", tech.replenish, "paper", None, who=self.session.technician,
                     done=lambda c: self._supplies_done(c, "paper_replaced", ""))
        self.changed.emit()

    def _supplies_done(self, counters: Any, code: str, arg: str) -> None:
        self._set_counters(counters)
        self._say(True, code, arg)
        self._load_report()

    @Slot()
    def verifyJournal(self) -> None:
        tech = self._signed_in()
        if tech is None:
            return

        def done(result: Any) -> None:
            self._verify = views.verify_view(result)

        self._submit("verify", tech.journal_verify, done=done)
        self.changed.emit()

    def export_directory(self) -> Path:
        """Where "Export" writes: data_dir/exports/<UTC time>, a new folder each time."""
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        return self._cfg.data_dir / "exports" / stamp

    @Slot()
    def exportAll(self) -> None:
        tech = self._signed_in()
        if tech is None:
            return
        directory = self.export_directory()

        def done(result: Any) -> None:
            self._export = views.export_view(result)
            self._say(True, "exported", str(result.directory))

        self._submit("export", _export, tech, directory, self.session.technician, done=done)
        self.changed.emit()

    @Slot(str, bool, str)
    def setService(self, function: str, in_service: bool, reason: str) -> None:
        """Put ``function`` ("*": the whole kiosk) back in service or take it out."""
        tech = self._signed_in()
        key = f"service:{function}"
        if tech is None or key in self._busy:
            return

        def done(report: Any) -> None:
            self._report = views.report_view(report, self._tz)
            self._say(True, "service_in" if in_service else "service_out", function)

        self._submit(key, tech.set_service, in_service, function or WHOLE_KIOSK,
                     who=self.session.technician, reason=reason, done=done)
        self.changed.emit()

    @Slot()
    def dismissNotice(self) -> None:
        self.session.touch(self._now())
        self._notice = {}
        self.changed.emit()

    # -- plumbing ------------------------------------------------------------------------

    def _technician(self) -> Technician | None:
        pair = self._provider()
        return pair[0] if pair is not None else None

    def _signed_in(self) -> Technician | None:
        self.session.touch(self._now())
        if self.session.phase is not Phase.OPEN:
            return None
        return self._technician()

    def _say(self, ok: bool, code: str, arg: str = "", text: str = "") -> None:
        self._notice = {"ok": ok, "code": code, "arg": arg, "text": text}
        self.changed.emit()

    def _submit(self, what: str, fn: Callable[..., Any], *args: Any,
                done: Callable[[Any], None] | None = None,
                failed: Callable[[str], None] | None = None, **kwargs: Any) -> None:
        """Run ``fn(*args, **kwargs)`` off the GUI thread; ``done(result)`` or
        ``failed(message)`` run on the GUI thread when it is back (not after sign-out)."""
        if not self._bridge.runtime.loop.running:
            # The core has not started (or has stopped): nothing would answer.
            (failed or self._refused_action)("not_ready")
            return
        call = _Call(fn, args, kwargs)
        task = self._bridge.run_in_thread(call)
        self._tasks[task] = (what, self._generation, done or (lambda _: None),
                             failed or self._refused_action)
        self._busy.add(what)

    def _refused_action(self, message: str) -> None:
        self._say(False, "not_ready" if message == "not_ready" else "refused", text=message)

    @Slot(int, object)
    def _task_done(self, task: int, result: Any) -> None:
        entry = self._tasks.pop(task, None)
        if entry is None:
            return
        what, generation, done, _ = entry
        if generation != self._generation:
            return
        self._busy.discard(what)
        try:
            done(result)
        finally:
            self.changed.emit()

    @Slot(int, str)
    def _task_failed(self, task: int, message: str) -> None:
        entry = self._tasks.pop(task, None)
        if entry is None:
            return
        what, generation, _, failed = entry
        if generation != self._generation:
            return
        self._busy.discard(what)
        log.warning("service mode: %s refused: %s", what, message)
        try:
            failed(message)
        finally:
            self.changed.emit()

    def _tick(self) -> None:
        now = self._now()
        why = self.session.tick(now)
        if why == "pin_timeout":
            self._close("timeout")
        elif why == "idle":
            self._close("idle")
        left = self.session.locked_seconds(now) if self.session.active else 0
        if left != self._locked_left:
            self._locked_left = left
            if left == 0 and self.session.message == "locked":
                self.session.message = type(self.session.message)("")
                self.changed.emit()
            self.clockChanged.emit()

    def shutdown(self) -> None:
        """The kiosk is stopping (before the runtime): a technician still signed in is
        signed out in the journal. Blocks for that one record — only ever at shutdown."""
        technician = self.session.technician if self.session.phase is Phase.OPEN else ""
        self._generation += 1
        self.session.close()
        pair = self._provider() if technician else None
        if pair is not None:
            try:
                pair[1].logout(technician, "shutdown")
            except Exception:
                log.exception("technician %s: sign-out at shutdown not journalled", technician)

    def stop(self) -> None:
        """The window is going away: no more ticks, nothing more shown."""
        self._timer.stop()
        self._refused_timer.stop()
        self._generation += 1
        self._tasks.clear()

    # For `kiosk screens` and tests: service mode in a given state without a technician.
    def show_state(self, page: str, **data: Any) -> None:
        """Put the pages on screen with the given data (see kiosk_ui.screens)."""
        s = self.session
        if page == "closed":
            if s.active:
                s.close()
                self._clear_data()
                self._busy.clear()
                self.changed.emit()
            return
        if page == "pin":
            s.open_pin(self._now(), data.get("locked_for", 0.0))
            s.pin = "1" * data.get("digits", 0)
            s.failures_left = data.get("failures_left", 0)
            if data.get("message"):
                s.message = type(s.message)(data["message"])
        else:
            s.phase, s.page = Phase.OPEN, Page(page)
            s.technician, s.name = data.get("technician", ("", ""))
        self._locked_left = s.locked_seconds(self._now())
        for attr in ("report", "self_tests", "counters", "log_text", "verify", "export",
                     "config_text", "notice"):
            if attr in data:
                setattr(self, f"_{attr}", data[attr])
        self._busy = set(data.get("busy", ()))
        self.changed.emit()
        self.clockChanged.emit()


class _Call:
    """fn(*args, **kwargs) as one callable for run_in_thread (which takes positionals)."""

    def __init__(self, fn: Callable[..., Any], args: tuple[Any, ...],
                 kwargs: dict[str, Any]) -> None:
        self.fn, self.args, self.kwargs = fn, args, kwargs

    def __call__(self) -> Any:
        return self.fn(*self.args, **self.kwargs)

    def __repr__(self) -> str:
        return f"{getattr(self.fn, '__qualname__', self.fn)!r}"


def _export(tech: Technician, directory: Path, who: str) -> Any:
    """On a worker: the export folder, then everything into it."""
    directory.mkdir(parents=True, exist_ok=True)
    return tech.export(directory, who=who)


__all__ = ["ServiceModeModel", "TechnicianError"]
