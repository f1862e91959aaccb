"""Build the kiosk's Qt application: runtime bridge, view-models, translations, QML window.

Start-up order matters for the cold start (bench/cold_start.py): Qt and the attract
screen come first; the runtime (storage, device drivers that may pull in OpenCV) and the
flow modules start only once the first frame has been drawn, off the GUI thread.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtQml import QQmlApplicationEngine, QQmlComponent
from PySide6.QtQuick import QQuickWindow

from devices.registry import create_device
from kiosk_core.config import CoreConfig
from kiosk_core.runtime import KioskRuntime
from kiosk_ui import qt_logging
from kiosk_ui.bridge import RuntimeBridge
from kiosk_ui.heartbeat import UiHeartbeat
from kiosk_ui.none_guard import keep_none_alive
from kiosk_ui.registry import FLOW_MODULES, ScreenRegistry
from kiosk_ui.service.model import ServiceModeModel
from kiosk_ui.translator import Translations
from kiosk_ui.viewmodels import ShellViewModel
from technician.api import Technician
from technician.auth import TechnicianAuth

log = logging.getLogger(__name__)

QML_DIR = Path(__file__).resolve().parent / "qml"
#: The screens Main.qml's loaders show (compiled ahead: :meth:`KioskApp._compile_pages`).
SHELL_PAGES = ("LanguageScreen.qml", "MenuScreen.qml", "FlowHost.qml", "OutOfServiceScreen.qml",
               "TimeoutPrompt.qml", "CallTellerOverlay.qml", "service/ServiceMode.qml")
#: Pages the first customer meets after the attract screen, made once unseen at start-up.
WARM_PAGES = ("LanguageScreen.qml", "MenuScreen.qml")
FONT_FAMILY = "Noto Sans CJK SC"


def application(argv: list[str] | None = None) -> QGuiApplication:
    """The process's QGuiApplication (created once), with the kiosk's font."""
    qt_logging.install()  # Qt's warnings and QML errors go through logging from here on
    app = QGuiApplication.instance()
    if app is None:
        app = QGuiApplication(argv or [sys.argv[0]])
        app.setApplicationName("smartbranch-kiosk")
    assert isinstance(app, QGuiApplication)
    font = QFont(FONT_FAMILY)
    font.setPixelSize(40)
    app.setFont(font)
    return app


class KioskApp(QObject):
    """The running shell. ``close()`` stops the runtime and its workers."""

    #: The attract screen is on the glass (first frame swapped): seconds since process start.
    firstFrame = Signal(float)
    #: The flows are imported and registered (after the first frame): see :attr:`loaded`.
    flowsLoaded = Signal()
    _imported = Signal()  # from the flow-imports worker

    def __init__(
        self,
        config: CoreConfig,
        *,
        runtime: KioskRuntime | None = None,
        registry: ScreenRegistry | None = None,
        start_runtime: bool = True,
        flow_modules: Iterable[str] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], datetime] | None = None,
        technician: Technician | None = None,
        technician_auth: TechnicianAuth | None = None,
        technician_factory: Callable[[KioskRuntime], tuple[Technician, TechnicianAuth]]
        | None = None,
    ) -> None:
        super().__init__()
        self.config = config
        self.app = application()
        self.runtime = runtime or KioskRuntime(config, device_factory=create_device)
        self.bridge = RuntimeBridge(self.runtime, parent=self)
        self.registry = registry or ScreenRegistry()
        # Which flow modules to load after the first frame (tests pass their own or none).
        self._flow_modules = tuple(FLOW_MODULES if flow_modules is None else flow_modules)
        self.translations = Translations(list(config.kiosk.languages), parent=self)
        self.shell = ShellViewModel(config, self.bridge, self.registry, self.translations,
                                    monotonic=monotonic, wall_clock=wall_clock, parent=self)
        # The technician's service and sign-in: given (tests), or built from the runtime
        # when first needed (technician.service.for_runtime); the composition root reuses
        # these same objects (kiosk.technician, kiosk.technician_auth) for the control API.
        self._technician: tuple[Technician, TechnicianAuth] | None = (
            (technician, technician_auth)
            if technician is not None and technician_auth is not None else None)
        self._technician_missing = False
        #: Builds them after the first frame when not given (default for_runtime).
        self._technician_factory = technician_factory
        self._technician_built = False  # built here (not given): closed here too
        self.service_mode = ServiceModeModel(config, self.bridge, self.shell,
                                             self.technician_pair, monotonic=monotonic,
                                             parent=self)
        self.engine = QQmlApplicationEngine()
        self.translations.attach(self.engine)
        ctx = self.engine.rootContext()
        ctx.setContextProperty("shell", self.shell)
        ctx.setContextProperty("i18n", self.translations)
        ctx.setContextProperty("teller", self.shell.teller)
        ctx.setContextProperty("service", self.service_mode)
        self.engine.load(QML_DIR / "Main.qml")
        roots = self.engine.rootObjects()
        if not roots or not isinstance(roots[0], QQuickWindow):
            raise RuntimeError(f"cannot load {QML_DIR / 'Main.qml'} (see the QML errors above)")
        self.window: QQuickWindow = roots[0]
        self.window.resize(config.ui.width, config.ui.height)
        self.shell.watch_activity(self.window)
        self.service_mode.watch(self.window)
        self._start_runtime = start_runtime
        self._framed = False
        #: The flow modules are imported and registered, the runtime started if asked.
        self.loaded = False
        self._compiled: list[QQmlComponent] = []
        self._warmed: list[QQmlComponent] = []  # pages made once, unseen (_warm)
        self._imported.connect(self._on_imported, Qt.ConnectionType.QueuedConnection)
        self.voice: Any = None  # kiosk_ui.voice.VoiceGuide, attached after the first frame
        self._closed = False
        self.window.frameSwapped.connect(self._on_frame, Qt.ConnectionType.QueuedConnection)
        keep_none_alive()
        self._none_timer = QTimer(self)  # PySide6 on 3.11 leaks None's references: top up
        self._none_timer.setInterval(10_000)
        self._none_timer.timeout.connect(keep_none_alive)
        self._none_timer.start()
        self.bridge.started.connect(self._recover_flows)
        self.heartbeat = UiHeartbeat(self)  # started by the service watchdog (kiosk_app)

    def technician_pair(self) -> tuple[Technician, TechnicianAuth] | None:
        """The technician's service and sign-in for this kiosk's runtime (built once, on
        first use); None when this installation has no technician.service."""
        if self._technician is None and not self._technician_missing:
            factory = self._technician_factory
            if factory is None:
                try:
                    from technician.service import for_runtime
                except ModuleNotFoundError as exc:
                    if exc.name not in ("technician.service", "technician"):
                        raise
                    log.error("service mode unavailable: technician.service is not installed")
                    self._technician_missing = True
                    return None
                factory = for_runtime
            try:
                self._technician = factory(self.runtime)
            except Exception:  # e.g. storage unusable: the kiosk still runs; retried later
                log.exception("service mode unavailable: cannot build the technician service")
                return None
            # Ours to close only if we chose how to build it (a given factory's owner closes).
            self._technician_built = self._technician_factory is None
        return self._technician

    @property
    def technician(self) -> Technician | None:
        pair = self.technician_pair()
        return pair[0] if pair is not None else None

    @property
    def technician_auth(self) -> TechnicianAuth | None:
        pair = self.technician_pair()
        return pair[1] if pair is not None else None

    def show(self, *, fullscreen: bool | None = None) -> None:
        if fullscreen is None:
            fullscreen = self.config.ui.fullscreen
        if fullscreen:
            self.window.showFullScreen()
            self.app.setOverrideCursor(Qt.CursorShape.BlankCursor)  # a touchscreen
        else:
            self.window.show()

    def _on_frame(self) -> None:
        if self._framed:
            return
        self._framed = True
        self.firstFrame.emit(process_age())
        # Only now, and not on this thread: importing the flows (numpy, sqlite_utils, the
        # sessions, …) took 0.5–0.8 s, with the attract screen frozen while it ran here.
        threading.Thread(target=self._import_flows, name="flow-imports", daemon=True).start()

    def _import_flows(self) -> None:
        """On a worker: import what the flows need; the GUI thread then registers them. A
        module that fails here fails again there, where the error is handled as ever."""
        import customer_flows

        for name in (*self._flow_modules, *customer_flows.FLOW_MODULES, "kiosk_ui.voice"):
            try:
                importlib.import_module(name)
            except Exception:  # reported by the GUI thread's own import, as ever
                pass
        try:
            self._imported.emit()
        except RuntimeError:  # the app was closed (its Qt object deleted) meanwhile
            pass

    def _on_imported(self) -> None:
        if self._closed:
            return
        self.registry.load_installed(self._flow_modules)  # imported: registration only
        import customer_flows  # persisted flows: settled after a power cut once devices are up

        self.runtime.add_flows(customer_flows.definitions())
        self.technician_pair()  # built now, not at the technician's first tap
        from kiosk_ui.voice import attach_voice  # espeak-ng runs only while a headset is in

        self.voice = attach_voice(self)
        if self._start_runtime:
            # "Getting ready…" until the previous run's unfinished flows are settled
            # (_recover_flows, once started): no customer begins before that.
            self.runtime.hold_for_recovery()
            self.bridge.start()
        self.shell.refresh()
        self._compile_pages()
        self.loaded = True
        self.flowsLoaded.emit()

    def _compile_pages(self) -> None:
        """Compile every page a customer can reach on the QML engine's loader thread, while
        the attract screen is up: the first customer's taps then only create objects.
        (Compiled at the first tap, the menu held the GUI thread ~65 ms.) The components are
        kept, so the engine keeps their compiled types."""
        mode = QQmlComponent.CompilationMode.Asynchronous
        pages = [QML_DIR / name for name in SHELL_PAGES]
        pages += [flow.qml for flow in self.registry.flows.values()]
        self._compiled = [QQmlComponent(self.engine, QUrl.fromLocalFile(str(page)), mode, self)
                          for page in pages]
        for name in WARM_PAGES:
            page = self._compiled[SHELL_PAGES.index(name)]
            if page.isReady():
                self._warm(page)
            else:
                page.statusChanged.connect(lambda _status, page=page: self._warm(page))

    def _warm(self, page: QQmlComponent) -> None:
        """Make the page once, unseen, and drop it: the first build in a process paid ~8 ms
        more (text layout and font set-up, the delegates' first instances) on the first
        customer's taps, which held the GUI thread past a frame."""
        if self._closed or not page.isReady() or page in self._warmed:
            return
        self._warmed.append(page)
        item = page.create(self.engine.rootContext())
        if item is not None:
            item.deleteLater()

    def _recover_flows(self) -> None:
        import customer_flows

        customer_flows.recover_when_ready(self.runtime)  # on the core loop, not here

    def close(self) -> None:
        """Stop workers and the runtime; the window goes away with the engine."""
        if self._closed:
            return
        self._closed = True
        self.translations.attach(None)
        self.service_mode.shutdown()  # journals a technician's sign-out while it can
        self.bridge.stop()
        self.window.close()
        # Delete the QML scene now, while the view-models its bindings read still exist.
        shiboken6.delete(self.engine)
        self.service_mode.stop()
        self.shell.stop()
        if self._technician_built and self._technician is not None:
            close = getattr(self._technician[0], "close", None)
            if callable(close):
                close()  # its runtime listener
        # Every Qt object of this app goes now, on the GUI thread: objects whose deleteLater
        # never ran (no more event loop), then this object with its children (view-models,
        # bridge, timers). Left to the garbage collector, they would be deleted on whichever
        # thread collects them, and Qt timers must die on their own thread.
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        shiboken6.delete(self)


def process_age() -> float:
    """Seconds since this process started (from /proc, so it includes interpreter start)."""
    try:
        with open(f"/proc/{os.getpid()}/stat") as f:
            start_ticks = int(f.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/uptime") as f:
            uptime = float(f.read().split()[0])
        return uptime - start_ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return time.perf_counter()
