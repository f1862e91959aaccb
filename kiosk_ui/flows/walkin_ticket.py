"""Walk-in ticket page ("Take a number"): view-model over customer_flows.walkin's session.

Binds and forwards taps, nothing else: the flow (branch store, printer) runs off the GUI
thread through the bridge; the session's changes are re-posted to the GUI thread.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Property, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QImage

# Imported for its flow definition too: customer_flows.walkin registers "walkin_ticket".
from customer_flows.walkin import WalkinResult, WalkinService, WalkinSession
from kiosk_core.failures import Failure
from kiosk_ui.qr_view import qr_image, register_qml_types
from kiosk_ui.registry import WALKIN_NEEDS, FlowContext, FlowScreen, ScreenRegistry

PAGE = Path(__file__).with_name("WalkinTicket.qml")
FAILURES = {f.name: f.value for f in Failure}
#: English service names (the page translates them in the "CheckinServices" context).
SERVICE_EN = {
    "account": "Open an account",
    "loan": "Loan consultation",
    "wealth": "Wealth management",
    "card": "Cards and payments",
    "forex": "Foreign exchange",
}


class WalkinModel(QObject):
    changed = Signal()
    _sessionChanged = Signal()

    def __init__(self, ctx: FlowContext) -> None:
        super().__init__()
        self.ctx = ctx
        runtime = ctx.bridge.runtime
        self._qr = QImage()
        self._qr_url = ""
        self._sessionChanged.connect(self._session_changed, Qt.ConnectionType.QueuedConnection)
        self.session = WalkinSession(
            service=lambda: WalkinService.from_runtime(runtime),
            submit=ctx.bridge.run_in_thread,
            prompts=runtime.prompts,
            on_change=self._sessionChanged.emit,
        )
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._tick)
        self._timer.start()
        session = self.session
        self.destroyed.connect(lambda *_: session.close())

    @Slot()
    def _tick(self) -> None:
        if self.session.timed_out():
            self.done()

    @Slot()
    def _session_changed(self) -> None:
        url = self._result.ticket_url if self._result is not None else ""
        if url != self._qr_url:
            self._qr_url = url
            self._qr = qr_image(url) if url else QImage()
        self.changed.emit()

    @property
    def _result(self) -> WalkinResult | None:
        return self.session.state.result

    def _res(self, name: str) -> Any:
        r = self._result
        return getattr(r, name) if r is not None else None

    step = Property(str, lambda self: self.session.state.step, notify=changed)
    error = Property(str, lambda self: self.session.state.error, notify=changed)
    failures = Property(dict, lambda self: FAILURES, constant=True)
    services = Property(list, lambda self: [{"key": k, "title": SERVICE_EN.get(k, k)}
                                            for k in self.session.services], constant=True)
    serviceTitle = Property(str, lambda self: SERVICE_EN.get(self.session.state.service, ""),
                            notify=changed)
    ticketNumber = Property(str, lambda self: self._res("ticket_number") or "", notify=changed)
    ticketAhead = Property(int, lambda self: self._res("ahead") or 0, notify=changed)
    ticketWait = Property(int, lambda self: self._res("estimated_wait_min") or 0, notify=changed)
    printed = Property(bool, lambda self: bool(self._res("printed")), notify=changed)
    printOutcome = Property(str, lambda self: self._res("print_outcome") or "", notify=changed)
    ticketQrImage = Property(QImage, lambda self: self._qr, notify=changed)

    @Slot(str, str)
    def choose(self, service: str, language: str) -> None:
        self.ctx.keep_alive()
        self.session.choose(service, language or self.ctx.language)

    @Slot()
    def retry(self) -> None:
        self.session.retry()

    @Slot()
    def done(self) -> None:
        self._timer.stop()
        self.session.close()
        self.ctx.finish()


def register(registry: ScreenRegistry) -> None:
    register_qml_types()
    registry.register(FlowScreen(
        id="walkin_ticket",
        qml=PAGE,
        view_model=WalkinModel,
        # No device required: without a printer the number is shown with a QR code.
        needs=WALKIN_NEEDS,
    ))
