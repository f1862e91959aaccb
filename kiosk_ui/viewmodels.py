"""The shell's view-model: publishes kiosk_ui.shell.Shell to QML and forwards taps to it.

QML only binds to these properties and calls these slots; every rule lives in the Qt-free
Shell, the registry and the bridge.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

import shiboken6
from PySide6.QtCore import Property, QEvent, QObject, QTimer, QUrl, Signal, Slot

from kiosk_core.config import CoreConfig
from kiosk_ui import clock
from kiosk_ui.bridge import RuntimeBridge
from kiosk_ui.registry import SERVICES, FlowContext, ScreenRegistry
from kiosk_ui.shell import Overlay, Screen, ServiceView, Shell
from kiosk_ui.teller import TellerDesk
from kiosk_ui.translator import Translations

log = logging.getLogger(__name__)

#: How often the inactivity clock and the time on screen are checked.
TICK_MS = 250

_ACTIVITY = {QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin, QEvent.Type.KeyPress}


class ShellViewModel(QObject):
    changed = Signal()  # screen, overlay, language, service
    #: menu, menuNotice: only when they differ. A new list makes the menu's Repeater build
    #: every card again, and device events arrive many times a minute (a poll, a counter).
    menuChanged = Signal()
    clockChanged = Signal()
    promptChanged = Signal()

    def __init__(
        self,
        config: CoreConfig,
        bridge: RuntimeBridge,
        registry: ScreenRegistry,
        translations: Translations,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], datetime] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._cfg = config
        self._bridge = bridge
        self._registry = registry
        self._translations = translations
        self._now = monotonic
        self._wall = wall_clock or (lambda: clock.local_now(config.kiosk.timezone))
        self.shell = Shell(
            default_language=config.kiosk.locale,
            languages=list(config.kiosk.languages),
            inactivity_s=config.timeouts.inactivity_s,
            prompt_s=config.timeouts.more_time_prompt_s,
            now=self._now(),
        )
        # While a customer waits for or talks to a teller, the inactivity clock stands still.
        self.teller = TellerDesk(journal=bridge.journal, parent=self, keep_alive=self.touched,
                                 today=lambda: self._wall().date())
        self.teller.closed.connect(self._on_teller_closed)
        self.teller.adopted.connect(self._on_teller_adopted)
        self._flow_model: QObject | None = None
        self._time_text = ""
        self._date_text = ""
        self._prompt_left = 0
        self._menu: list[dict[str, Any]] = []
        #: The menu entry tapped while it cannot be offered: its reason is said in a box.
        self._notice: dict[str, Any] = {}
        self._published_menu: tuple[list[dict[str, Any]], dict[str, Any]] | None = None
        bridge.serviceChanged.connect(self._on_service)
        bridge.deviceChanged.connect(self._refresh_menu)
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)
        self._timer.start()
        self._update_clock()
        self._refresh_menu()
        translations.install(self.shell.language)

    # -- properties --------------------------------------------------------------

    def _screen(self) -> str:
        return self.shell.visible_screen

    def _overlay(self) -> str:
        return str(self.shell.overlay)

    def _language(self) -> str:
        return self.shell.language

    def _languages(self) -> list[str]:
        return self.shell.languages

    def _default_language(self) -> str:
        return self.shell.default_language

    def _branch(self) -> str:
        return self._cfg.kiosk.branch_in(self.shell.language)

    def _large_text(self) -> bool:
        return self.shell.large_text

    def _high_contrast(self) -> bool:
        return self.shell.high_contrast

    def _kiosk_id(self) -> str:
        return self._cfg.kiosk.id

    def _in_service(self) -> bool:
        return self.shell.service.in_service

    def _starting(self) -> bool:
        return self.shell.service.starting

    def _down(self) -> list[str]:
        return list(self.shell.service.down_devices)

    def _closed_by_staff(self) -> bool:
        return self.shell.service.closed_by_staff

    def _menu_entries(self) -> list[dict[str, Any]]:
        return self._menu

    def _menu_notice(self) -> dict[str, Any]:
        return self._notice

    def _flow_page(self) -> QUrl:
        flow = self._registry.get(self.shell.flow_id or "")
        return QUrl.fromLocalFile(str(flow.qml)) if flow and self.shell.flow_id else QUrl()

    def _get_flow_model(self) -> QObject | None:
        return self._flow_model

    def _time(self) -> str:
        return self._time_text

    def _date(self) -> str:
        return self._date_text

    def _prompt_seconds(self) -> int:
        return self._prompt_left

    def _prompt_total(self) -> int:
        return int(self._cfg.timeouts.more_time_prompt_s + 0.999)

    def _get_teller(self) -> QObject:
        return self.teller

    screen = Property(str, _screen, notify=changed)
    overlay = Property(str, _overlay, notify=changed)
    language = Property(str, _language, notify=changed)
    languages = Property(list, _languages, constant=True)
    defaultLanguage = Property(str, _default_language, constant=True)
    branchName = Property(str, _branch, notify=changed)
    largeText = Property(bool, _large_text, notify=changed)
    highContrast = Property(bool, _high_contrast, notify=changed)
    kioskId = Property(str, _kiosk_id, constant=True)
    inService = Property(bool, _in_service, notify=changed)
    starting = Property(bool, _starting, notify=changed)
    downDevices = Property(list, _down, notify=changed)
    closedByStaff = Property(bool, _closed_by_staff, notify=changed)
    menu = Property(list, _menu_entries, notify=menuChanged)
    menuNotice = Property(dict, _menu_notice, notify=menuChanged)
    flowPage = Property(QUrl, _flow_page, notify=changed)
    flowModel = Property(QObject, _get_flow_model, notify=changed)
    timeText = Property(str, _time, notify=clockChanged)
    dateText = Property(str, _date, notify=clockChanged)
    promptSecondsLeft = Property(int, _prompt_seconds, notify=promptChanged)
    promptSeconds = Property(int, _prompt_total, constant=True)
    tellerDesk = Property(QObject, _get_teller, constant=True)

    # -- customer actions (QML) --------------------------------------------------

    @Slot()
    def startSession(self) -> None:
        self.shell.start_session(self._now())
        self._publish()

    @Slot(str)
    def chooseLanguage(self, language: str) -> None:
        self._switch_language(lambda: self.shell.choose_language(language, self._now()))

    @Slot(str)
    def setLanguage(self, language: str) -> None:
        self._switch_language(lambda: self.shell.set_language(language, self._now()))

    @Slot(bool)
    def setLargeText(self, on: bool) -> None:
        self.shell.set_large_text(on, self._now())
        self._publish()

    @Slot(bool)
    def setHighContrast(self, on: bool) -> None:
        self.shell.set_high_contrast(on, self._now())
        self._publish()

    @Slot(str)
    def openService(self, service_id: str) -> None:
        self.shell.activity(self._now())
        entry = next((e for e in self._menu if e["id"] == service_id), None)
        if entry is None:
            return
        if not entry["available"]:  # say why, plainly, instead of starting it
            self._notice = dict(entry)
            self._publish()
            return
        self._notice = {}
        if service_id == "teller":
            self.callTeller()
            return
        svc_flow = next(s.flow for s in SERVICES if s.id == service_id)
        flow = self._registry.get(svc_flow or "")
        if flow is None:
            return
        ctx = FlowContext(bridge=self._bridge, language=self.shell.language,
                          finish=self.backToMenu, keep_alive=self.touched)
        self._set_flow_model(flow.view_model(ctx))
        self.shell.open_flow(flow.id, self._now())
        self._publish()

    @Slot()
    def dismissNotice(self) -> None:
        self.shell.activity(self._now())
        self._notice = {}
        self._publish()

    @Slot()
    def backToMenu(self) -> None:
        self.shell.back_to_menu(self._now())
        self._set_flow_model(None)
        self._publish()

    @Slot()
    def callTeller(self) -> None:
        self._notice = {}
        self.shell.call_teller(self._now())
        self.teller.request(self.shell.language, self.shell.visible_screen, self.shell.flow_id)
        self._publish()

    @Slot()
    def cancelTeller(self) -> None:
        self.shell.cancel_teller(self._now())
        self.teller.cancel()
        self._publish()

    @Slot()
    def _on_teller_adopted(self) -> None:
        """The kiosk called a teller itself (a borderline identity check): the call screens."""
        self.shell.call_teller(self._now())
        self._publish()

    @Slot()
    def _on_teller_closed(self) -> None:
        """The call ended on its own (hung up, declined, back to self-service)."""
        self.shell.cancel_teller(self._now())
        self._publish()

    @Slot()
    def moreTime(self) -> None:
        self.shell.more_time(self._now())
        self._publish()
        self._update_prompt()

    @Slot()
    def endSession(self) -> None:
        self._end_session()
        self._publish()

    @Slot()
    def touched(self) -> None:
        self.shell.activity(self._now())

    # -- plumbing ---------------------------------------------------------------

    def stop(self) -> None:
        """No more ticks, and no flow model: the window is going away. The flow model is
        deleted here, on the GUI thread: left to Python's garbage collector it could be
        deleted on whichever thread collects it, and a QTimer destroyed off its thread stays
        registered with the GUI thread's dispatcher (a crash at its next tick)."""
        self._timer.stop()
        self.teller.close()
        old, self._flow_model = self._flow_model, None
        if old is not None:
            shiboken6.delete(old)

    def watch_activity(self, window: QObject) -> None:
        """Count every press on ``window`` as activity (QML cannot see all of them)."""
        window.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY:
            self.shell.activity(self._now())
        return False

    def _switch_language(self, action: Callable[[], None]) -> None:
        before = self.shell.language
        action()
        if self.shell.language != before:
            self._translations.install(self.shell.language)
            self._update_clock(force=True)
        self._publish()

    def _end_session(self) -> None:
        self._notice = {}
        language = self.shell.language
        self.shell.end_session()
        self._after_session_end(language, why="customer")

    def _after_session_end(self, language: str, why: str) -> None:
        """The shell forgot the customer; drop what hangs off the session too."""
        self.teller.cancel(why=why)
        self._set_flow_model(None)
        if self.shell.language != language:
            self._translations.install(self.shell.language)
            self._update_clock(force=True)

    def _set_flow_model(self, model: QObject | None) -> None:
        old, self._flow_model = self._flow_model, model
        if old is not None:
            old.deleteLater()  # a flow's state never outlives its customer

    def _tick(self) -> None:
        before = (self.shell.screen, self.shell.overlay)
        language = self.shell.language
        if self.shell.tick(self._now()):
            self._notice = {}
            self._after_session_end(language, why="timeout")
        if (self.shell.screen, self.shell.overlay) != before:
            self._publish()
        self._update_prompt()
        self._update_clock()

    def _update_prompt(self) -> None:
        left = self.shell.prompt_seconds_left(self._now())
        if left != self._prompt_left:
            self._prompt_left = left
            self.promptChanged.emit()

    def _update_clock(self, force: bool = False) -> None:
        now = self._wall()
        t, d = clock.format_time(now), clock.format_date(now, self.shell.language)
        if force or (t, d) != (self._time_text, self._date_text):
            self._time_text, self._date_text = t, d
            self.clockChanged.emit()

    @Slot(object)
    def _on_service(self, view: ServiceView) -> None:
        self.shell.set_service(view)
        self._refresh_menu()

    def refresh(self) -> None:
        """Re-read the registry and device statuses (after flows were loaded): the runtime
        learns what each installed entry needs, so it serves while one can be offered."""
        self._bridge.declare_functions(self._registry.functions())
        self._refresh_menu()

    @Slot()
    def _refresh_menu(self, *_: Any) -> None:
        view = self.shell.service
        runtime = self._bridge.runtime
        entries = self._registry.menu(
            self._bridge.device_statuses(), starting=view.starting,
            availability={f.function: f for f in view.functions},
            live=dict(runtime.services), required=runtime.required,
            opening_timed_out=view.opening_timed_out)
        self._menu = [e.as_dict() for e in entries]
        if self._notice:  # the tapped entry is offered again (a refill): no more "why not"
            now = next((e for e in self._menu if e["id"] == self._notice["id"]), None)
            self._notice = now if now is not None and not now["available"] else {}
        self._publish()

    def _publish(self) -> None:
        menu = (self._menu, self._notice)
        if menu != self._published_menu:  # by value: both are replaced, never mutated
            self._published_menu = menu
            self.menuChanged.emit()
        self.changed.emit()

    # For `kiosk screens` and tests: put the shell in a given state without a customer.
    def show_state(self, screen: Screen, overlay: Overlay = Overlay.NONE,
                   service: ServiceView | None = None) -> None:
        self.shell.screen = screen
        self.shell.overlay = overlay
        if service is not None:
            self.shell.set_service(service)
        self.shell.idle.touch(self._now())
        self._refresh_menu()
        self._update_prompt()

