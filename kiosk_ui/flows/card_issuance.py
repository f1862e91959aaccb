""""Get a debit card": view-model over customer_flows.card_session, and its camera preview.

The page (CardIssuance.qml) only binds to the properties here and forwards taps. All the
waiting happens off the GUI thread: the identity check on its runner thread, the device
flow on the core loop's worker threads (``bridge.run_async``). This model polls the
session's version on a timer and re-publishes it, so nothing from another thread ever
touches a QObject.

The preview is a QQuickImageProvider (``image://cardcam/<n>``): QML asks for the newest
frame only when the number changes, on Qt's image reader thread (the Image is
asynchronous), and the provider converts just that frame, with one copy.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from PySide6.QtCore import Property, QObject, QSize, QTimer, Signal, Slot
from PySide6.QtGui import QImage
from PySide6.QtQml import qmlEngine
from PySide6.QtQuick import QQuickImageProvider

from customer_flows.card_issuance import FLOW
from customer_flows.card_session import BACK_STATES, BUSY, STEPS, session_for, step_of
from customer_flows.teller_actions import current_flow
from devices.camera.api import CameraApi
from kiosk_core.availability import Unavailable, device, needs, service, supply
from kiosk_core.status import SupplyState
from kiosk_ui.qr_view import qr_image, register_qml_types
from kiosk_ui.registry import FlowContext, FlowScreen, ScreenRegistry

log = logging.getLogger(__name__)

PAGE = Path(__file__).with_name("CardIssuance.qml")
PROVIDER = "cardcam"
POLL_MS = 66  # ~15 frames/s: the camera's own rate


class CameraFrames(QQuickImageProvider):
    """The newest camera frame as a QImage.

    The page's Image is ``asynchronous``, so Qt calls :meth:`requestImage` on its image
    reader thread, never the GUI thread; the frame's pixels are copied once, straight from
    the camera's (read-only) array into the QImage, and a frame asked for twice is not
    converted again.
    """

    def __init__(self) -> None:
        super().__init__(QQuickImageProvider.ImageType.Image)
        self.camera: CameraApi | None = None
        self._lock = threading.Lock()
        self._last: tuple[int, QImage] | None = None  # (frame seq, its image)
        self.converted = 0
        self.threads: set[str] = set()  # the threads Qt asked on (for tests)

    def requestImage(self, id: str, size: QSize, requestedSize: QSize) -> QImage:
        self.threads.add(threading.current_thread().name)
        camera = self.camera
        frame = camera.latest() if camera is not None else None
        if frame is None:
            img = QImage(4, 3, QImage.Format.Format_RGB888)
            img.fill(0)
            return img
        with self._lock:
            last = self._last
            if last is not None and last[0] == frame.seq:
                img = last[1]
            else:
                img = frame_image(frame.image)
                self._last = (frame.seq, img)
                self.converted += 1
        return img


def frame_image(rgb: npt.NDArray[np.uint8]) -> QImage:
    """An RGB frame as a QImage that owns its pixels: one copy, no ``tobytes``."""
    if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
        raise ValueError(f"expected an RGB uint8 frame, got {rgb.dtype} {rgb.shape}")
    rgb = np.ascontiguousarray(rgb)
    h, w = rgb.shape[:2]
    return QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()


def _provider_for(item: QObject) -> CameraFrames | None:
    engine = qmlEngine(item)
    if engine is None:
        return None
    provider = engine.imageProvider(PROVIDER)
    if provider is None:
        provider = CameraFrames()
        engine.addImageProvider(PROVIDER, provider)
    return provider if isinstance(provider, CameraFrames) else None


class CardIssuanceModel(QObject):
    changed = Signal()
    frameChanged = Signal()

    def __init__(self, ctx: FlowContext) -> None:
        super().__init__()
        self.ctx = ctx
        runtime = ctx.bridge.runtime
        self._camera = runtime.devices.get("camera")
        # What each screen asks of the customer goes on runtime.prompts (the demo's
        # simulated customer follows it); the journal through the bridge (never fsynced here).
        self.session = session_for(runtime, language=ctx.language,
                                   submit=ctx.bridge.run_in_thread, journal=ctx.bridge.journal)
        self._snap = self.session.snapshot()
        self._receipt_qr = QImage()
        self._frame_no = 0
        self._last_seq = -1
        self._provider: CameraFrames | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)
        self._timer.start()
        session = self.session
        # A remote teller's actions find the customer's flow here (customer_flows.teller_actions).
        flows = current_flow(runtime)
        flows.set(FLOW, session)

        def closed(*_: object) -> None:
            flows.clear(session)
            session.close()

        self.destroyed.connect(closed)

    # -- polling ---------------------------------------------------------------------------

    def _poll(self) -> None:
        if self.session.version != self._snap.version:
            url = self._snap.receipt_url
            self._snap = self.session.snapshot()
            if self._snap.receipt_url != url:
                self._receipt_qr = qr_image(self._snap.receipt_url) if self._snap.receipt_url \
                    else QImage()
            self.changed.emit()
        if self._snap.state in BUSY:
            self.ctx.keep_alive()  # the customer is busy with the machine, not the screen
        if self._snap.state == "identity" and self._camera is not None:
            frame = self._camera.latest()
            if frame is not None and frame.seq != self._last_seq:
                self._last_seq = frame.seq
                self._frame_no += 1
                self.frameChanged.emit()

    # -- properties ------------------------------------------------------------------------

    def _state(self) -> str:
        return self._snap.state

    def _phase(self) -> str:
        return self._snap.phase

    def _prompt_code(self) -> str:
        return self._snap.prompt_code

    def _progress(self) -> float:
        return self._snap.progress

    def _challenge(self) -> int:
        return self._snap.challenge

    def _challenges(self) -> int:
        return self._snap.challenges

    def _dot_shown(self) -> bool:
        return self._snap.dot_shown

    def _dot_x(self) -> float:
        return self._snap.dot_x

    def _dot_y(self) -> float:
        return self._snap.dot_y

    def _reason(self) -> str:
        return self._snap.reason

    def _can_retry(self) -> bool:
        return self._snap.can_retry

    def _teller_unreachable(self) -> bool:
        return self._snap.teller_unreachable

    def _card_number(self) -> str:
        return self._snap.card_number

    def _receipt_printed(self) -> bool:
        return self._snap.receipt_printed

    def _receipt_outcome(self) -> str:
        return self._snap.receipt_outcome

    def _receipt_url(self) -> str:
        return self._snap.receipt_url

    def _receipt_qr_image(self) -> QImage:
        return self._receipt_qr

    def _pin_digits(self) -> int:
        return self._snap.pin_digits

    def _pin_confirm(self) -> bool:
        return self._snap.pin_confirm

    def _pin_retry_reason(self) -> str:
        return self._snap.pin_retry_reason

    def _customer_name(self) -> str:
        return self._snap.customer_name

    def _products(self) -> list[dict[str, Any]]:
        return [{"id": p.id, "name": dict(p.name)} for p in self.session.products]

    def _product(self) -> str:
        return self._snap.product

    def _terms_text(self) -> str:
        return self._snap.terms_text

    def _take_timeout(self) -> int:
        return round(self._snap.take_timeout_s)

    def _step(self) -> int:
        return step_of(self._snap)

    def _steps(self) -> int:
        return len(STEPS)

    def _back_allowed(self) -> bool:
        return self._snap.state in BACK_STATES

    def _frame_url(self) -> str:
        return f"image://{PROVIDER}/{self._frame_no}" if self._frame_no else ""

    state = Property(str, _state, notify=changed)
    phase = Property(str, _phase, notify=changed)
    #: A code (identity.prompts.PromptCode, a Failure): the page words it (promptText, qsTr).
    promptCode = Property(str, _prompt_code, notify=changed)
    progress = Property(float, _progress, notify=changed)
    challenge = Property(int, _challenge, notify=changed)
    challenges = Property(int, _challenges, notify=changed)
    dotShown = Property(bool, _dot_shown, notify=changed)  # follow_dot: draw the dot
    dotX = Property(float, _dot_x, notify=changed)  # 0..1 of the camera view
    dotY = Property(float, _dot_y, notify=changed)
    reason = Property(str, _reason, notify=changed)
    canRetry = Property(bool, _can_retry, notify=changed)
    #: A borderline check went to a video teller, but nobody could be reached.
    tellerUnreachable = Property(bool, _teller_unreachable, notify=changed)
    cardNumber = Property(str, _card_number, notify=changed)
    receiptPrinted = Property(bool, _receipt_printed, notify=changed)
    receiptOutcome = Property(str, _receipt_outcome, notify=changed)
    receiptUrl = Property(str, _receipt_url, notify=changed)
    receiptQrImage = Property(QImage, _receipt_qr_image, notify=changed)
    takeTimeout = Property(int, _take_timeout, notify=changed)
    termsText = Property(str, _terms_text, notify=changed)
    products = Property(list, _products, constant=True)
    product = Property(str, _product, notify=changed)
    pinDigits = Property(int, _pin_digits, notify=changed)
    pinConfirm = Property(bool, _pin_confirm, notify=changed)
    pinRetryReason = Property(str, _pin_retry_reason, notify=changed)
    customerName = Property(str, _customer_name, notify=changed)
    frameUrl = Property(str, _frame_url, notify=frameChanged)
    #: "Step <step> of <steps>" (0: no step shown) and whether the footer's Back is offered.
    step = Property(int, _step, notify=changed)
    steps = Property(int, _steps, constant=True)
    backAllowed = Property(bool, _back_allowed, notify=changed)

    # -- taps ------------------------------------------------------------------------------

    @Slot(QObject)
    def attachPage(self, page: QObject) -> None:
        """The page is loaded: make sure its engine has the preview provider."""
        self._provider = _provider_for(page)
        if self._provider is not None:
            self._provider.camera = self._camera

    @Slot(str)
    def setLanguage(self, language: str) -> None:
        self.session.set_language(language)

    @Slot(str)
    def chooseProduct(self, product_id: str) -> None:
        self.session.choose_product(product_id)
        self._poll()

    @Slot()
    def accept(self) -> None:
        self.session.accept()
        self._poll()

    @Slot()
    def retry(self) -> None:
        self.session.retry_identity()
        self._poll()

    @Slot()
    def toSignature(self) -> None:
        self.session.continue_to_signature()
        self._poll()

    @Slot("QVariantList", float, float, result=bool)
    def sign(self, strokes: list[Any], width: float, height: float) -> bool:
        # Points are [x, y, ms since the first touch] (the pad records the timing).
        clean = [[(float(p[0]), float(p[1]), float(p[2])) for p in stroke]
                 for stroke in strokes]
        ok = self.session.sign(clean, width, height)
        self._poll()
        return ok

    @Slot()
    def cancelPin(self) -> None:
        self.session.cancel_pin()  # the pad ends the entry; the flow unwinds off this thread
        self._poll()

    @Slot()
    def finish(self) -> None:
        self.ctx.finish()


#: Offered only when a card can really be issued, so nobody does the ID check and signs
#: before "no cards left": a dispenser with cards in the stacker and room in the retain bin
#: (a card not taken is retained), the camera (ID and face), the PIN pad, the bank. Without
#: a printer the receipt is shown as a QR code.
NEEDS = needs(
    device("card_dispenser",
           supply("stacker", (SupplyState.EMPTY, SupplyState.MISSING), Unavailable.NO_CARDS),
           supply("bin", (SupplyState.FULL, SupplyState.MISSING), Unavailable.BIN_FULL)),
    device("camera"),
    device("pinpad"),
    service("bank", Unavailable.BANK_DOWN),
    optional=("printer",),
)


def register(registry: ScreenRegistry) -> None:
    register_qml_types()
    registry.register(FlowScreen(
        id="card_issuance",
        qml=PAGE,
        view_model=CardIssuanceModel,
        devices=NEEDS.device_kinds,
        needs=NEEDS,
    ))
