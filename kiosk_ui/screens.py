"""``kiosk screens``: render every shell screen in every language to PNG, offscreen.

Each screen is put in place through the view-model (the same path a customer's taps
take), with a fixed clock and a fixed service state so the pictures are reproducible.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import numpy as np

from kiosk_core.availability import Availability, Blocker, Unavailable
from kiosk_core.config import CoreConfig
from kiosk_ui.shell import Overlay, Screen, ServiceView
from video_teller.api import (
    RGB,
    CallListener,
    CallPhase,
    CallView,
    FrameSource,
    NoTellerReason,
)

if TYPE_CHECKING:  # Qt is imported only when rendering
    from PySide6.QtGui import QImage

    from kiosk_ui.app import KioskApp



def functions(degraded: Iterable[str] = (), **down: Iterable[Unavailable]
              ) -> tuple[Availability, ...]:
    """The menu's functions, each available unless ``down`` gives its reasons."""
    return tuple(Availability(f, tuple(Blocker(r.value, r) for r in down.get(f, ())),
                              tuple(degraded))
                 for f in ("card", "checkin", "teller", "walkin"))


IN_SERVICE = ServiceView(in_service=True, starting=False, functions=functions())


@dataclass(frozen=True)
class Shot:
    name: str
    screen: Screen
    overlay: Overlay = Overlay.NONE
    service: ServiceView = IN_SERVICE
    #: The teller call on screen (by language), shown through a ScriptedCall.
    call: Callable[[str], CallView] | None = None
    #: Properties set on the call page (its own steps, e.g. typing a phone number).
    page: dict[str, Any] = field(default_factory=dict)
    #: Technician service mode on top (a state of kiosk_ui.service.samples.states).
    technician: str = ""


# -- a teller call for screenshots and view tests -----------------------------------------


def portrait(width: int = 640, height: int = 480, *, shirt: tuple[int, int, int] = (22, 60, 110),
             backdrop: tuple[int, int, int] = (196, 210, 224)) -> RGB:
    """A head-and-shoulders figure in front of a soft backdrop: stands in for a camera."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    shade = (1.0 - 0.25 * y / height)[..., None]
    img = (np.array(backdrop, np.float32) * shade).astype(np.uint8)
    cx, head_y, r = width / 2, height * 0.40, height * 0.17
    body = ((x - cx) / (width * 0.36)) ** 2 + ((y - height * 1.02) / (height * 0.42)) ** 2 <= 1
    img[body] = shirt
    neck = ((x - cx) / (r * 0.55)) ** 2 + ((y - height * 0.62) / (r * 0.9)) ** 2 <= 1
    img[neck] = (214, 170, 140)
    img[(x - cx) ** 2 / (r * 0.85) ** 2 + (y - head_y) ** 2 / r ** 2 <= 1] = (224, 182, 150)
    hair = ((x - cx) ** 2 / (r * 0.9) ** 2 + (y - head_y + r * 0.25) ** 2 / (r * 0.85) ** 2 <= 1) \
        & (y < head_y - r * 0.35)
    img[hair] = (40, 32, 30)
    return img


class StillVideo:
    """A FrameSource that always has the same frame (``seq`` moves on with ``next()``)."""

    def __init__(self, frame: RGB | None) -> None:
        self.frame = frame
        self.seq = 0

    def next(self, frame: RGB | None = None) -> None:
        self.frame = frame if frame is not None else self.frame
        self.seq += 1

    def latest(self) -> tuple[int, RGB] | None:
        return None if self.frame is None else (self.seq, self.frame)


class ScriptedCall:
    """A :class:`video_teller.api.TellerCallApi` stand-in that shows the CallViews it is
    given (``show``) and answers taps with the obvious next phase; every call is recorded
    in ``calls``. For screenshots and the UI's tests — the real session is TellerCall."""

    def __init__(self, view: CallView | None = None, *, consent_required: bool = True) -> None:
        self._view = view or CallView()
        self._listeners: list[CallListener] = []
        self._lock = threading.Lock()
        self.consent_required = consent_required
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.teller_video = StillVideo(portrait())
        self.customer_video = StillVideo(portrait(shirt=(120, 40, 40), backdrop=(230, 226, 214)))
        self.remote_video: FrameSource = self.teller_video
        self.local_video: FrameSource = self.customer_video

    @property
    def view(self) -> CallView:
        return self._view

    def subscribe(self, listener: CallListener) -> Callable[[], None]:
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def show(self, view: CallView) -> None:
        """Publish ``view`` to the listeners, on the calling thread (as the core loop does)."""
        with self._lock:
            self._view = view
            listeners = list(self._listeners)
        for listener in listeners:
            listener(view)

    def _did(self, name: str, **args: Any) -> None:
        self.calls.append((name, args))

    def request(self, *, language: str, screen: str, flow: str | None = None,
                step: str | None = None, needs_help: bool = False,
                in_kiosk_s: float = 0.0) -> None:
        self._did("request", language=language, screen=screen, flow=flow)
        phase = CallPhase.CONSENT if self.consent_required else CallPhase.WAITING
        self.show(replace(self._view, phase=phase, language=language))

    def consent(self, accepted: bool) -> None:
        self._did("consent", accepted=accepted)
        self.show(replace(self._view, phase=CallPhase.WAITING) if accepted else CallView())

    def set_muted(self, muted: bool) -> None:
        self._did("set_muted", muted=muted)
        self.show(replace(self._view, muted=muted))

    def end(self) -> None:
        self._did("end")
        self.show(CallView())

    def book_callback(self, slot: str, phone: str = "") -> None:
        self._did("book_callback", slot=slot, phone=phone)
        self.show(replace(self._view, phase=CallPhase.CALLBACK_BOOKED, callback_booked=slot))

    def dismiss(self) -> None:
        self._did("dismiss")
        self.show(CallView())

    def document_signed(self, evidence: dict[str, Any]) -> None:
        self._did("document_signed", evidence=evidence)
        self.show(replace(self._view, document=None))  # as TellerCall: back to the call


SLOTS = ("2026-11-23T11:00", "2026-11-23T14:30", "2026-11-23T16:00", "2026-11-24T09:30",
         "2026-11-24T11:00", "2026-11-25T10:00")
TELLER = "Wang Fang"
NOTICE = {"zh_CN": "请把身份证放到摄像头前。",
          "en_US": "Please hold your ID card up to the camera."}


DOCUMENT = {
    "zh_CN": ("联系地址变更确认书",
              "本人申请将在本行登记的联系地址变更为：\n\n"
              "**上海市浦东新区世纪大道 100 号 12 楼**\n\n"
              "变更自签署之日起生效。此后本行的账单、通知和信件将寄往新地址。\n\n"
              "本人确认以上信息真实、准确。如信息有误，本人将及时告知本行。\n\n"
              "本确认书经柜员在视频通话中与本人核对后签署，与在柜台签署具有同等效力。"),
    "en_US": ("Change of address",
              "I ask the bank to change the postal address it holds for me to:\n\n"
              "**Flat 12, 100 Century Avenue, Pudong, Shanghai**\n\n"
              "The change takes effect on the day I sign. From then on, statements, notices "
              "and letters will be sent to the new address.\n\n"
              "I confirm that these details are true and correct. If they are wrong, I will "
              "tell the bank.\n\n"
              "I sign this with a teller on a video call. It counts the same as signing at "
              "the counter."),
}


def pushed_document(language: str, title: str | None = None,
                    text: str | None = None) -> dict[str, Any]:
    """A document as a teller's "document.sign" action puts it in CallView.document
    (customer_flows.teller_actions): the Markdown body, its SHA-256 and id."""
    default_title, default_text = DOCUMENT.get(language, DOCUMENT["en_US"])
    title, text = title or default_title, text or default_text
    body = f"# {title}\n\n{text}\n"
    sha = hashlib.sha256(body.encode("utf-8")).hexdigest()
    return {"title": title, "text": body, "language": language, "doc_id": sha[:16],
            "sha256": sha}


def _document_call(lang: str) -> CallView:
    return CallView(phase=CallPhase.IN_CALL, language=lang, teller_name=TELLER,
                    recording=True, document=pushed_document(lang))


def _call(phase: CallPhase, *, notice: bool = False, **fields: Any) -> Callable[[str], CallView]:
    def view(lang: str) -> CallView:
        words = NOTICE.get(lang, NOTICE["en_US"]) if notice else ""
        return CallView(phase=phase, language=lang, notice=words, **fields)

    return view


TELLER_SHOTS: tuple[Shot, ...] = tuple(
    Shot(f"teller-{name}", Screen.MENU, Overlay.CALL_TELLER, call=call, page=page)
    for name, call, page in (
        ("consent", _call(CallPhase.CONSENT, recording=True), {}),
        ("waiting", _call(CallPhase.WAITING, position=2, estimated_wait_s=170,
                          tellers_online=3, recording=True), {}),
        ("connecting", _call(CallPhase.CONNECTING, teller_name=TELLER, recording=True), {}),
        ("in-call", _call(CallPhase.IN_CALL, teller_name=TELLER, recording=True), {}),
        ("in-call-muted", _call(CallPhase.IN_CALL, teller_name=TELLER, recording=True,
                                muted=True, notice=True), {}),
        ("document", _document_call, {}),
        ("reconnecting", _call(CallPhase.RECONNECTING, teller_name=TELLER), {}),
        ("ended", _call(CallPhase.TELLER_ENDED, teller_name=TELLER), {}),
        ("no-teller", _call(CallPhase.NO_TELLER, no_teller=NoTellerReason.TIMEOUT,
                            callback_slots=SLOTS), {"chosen": SLOTS[3]}),
        ("no-teller-closed", _call(CallPhase.NO_TELLER, no_teller=NoTellerReason.CLOSED,
                                   callback_slots=SLOTS[3:]), {}),
        ("no-teller-offline", _call(CallPhase.NO_TELLER,
                                    no_teller=NoTellerReason.NOBODY_ONLINE), {}),
        ("callback-phone", _call(CallPhase.NO_TELLER, no_teller=NoTellerReason.TIMEOUT,
                                 callback_slots=SLOTS),
         {"chosen": SLOTS[3], "step": "phone", "phone": "13800138000"}),
        ("callback-booked", _call(CallPhase.CALLBACK_BOOKED, callback_slots=SLOTS,
                                  callback_booked=SLOTS[3]), {}),
        ("unavailable", _call(CallPhase.UNAVAILABLE), {}),
    )
)

SERVICE_SHOTS = ("service-pin", "service-pin-wrong", "service-pin-locked", "service-overview",
                 "service-selftests", "service-selftests-camera", "service-supplies",
                 "service-logs", "service-config", "service-inout", "service-refused")

SHOTS: tuple[Shot, ...] = (
    Shot("attract", Screen.ATTRACT),
    Shot("language", Screen.LANGUAGE),
    Shot("menu", Screen.MENU),
    # Availability per function (issue 12): one, then several functions unavailable.
    Shot("menu-no-cards", Screen.MENU, service=ServiceView(
        in_service=True, starting=False, functions=functions(card=[Unavailable.NO_CARDS]))),
    Shot("menu-several-down", Screen.MENU, service=ServiceView(
        in_service=True, starting=False, degraded=("printer",), functions=functions(
            degraded=("printer",), card=[Unavailable.DISPENSER_DOWN, Unavailable.PINPAD_DOWN],
            teller=[Unavailable.TELLER_OFFLINE]))),
    Shot("timeout-prompt", Screen.MENU, Overlay.TIMEOUT_PROMPT),
    Shot("call-teller", Screen.MENU, Overlay.CALL_TELLER),
    # The card dispenser and the printer out (the demo marks neither required): only the
    # card is off; check-in and the queue number go on, the ticket shown as a QR code.
    Shot("menu-dispenser-printer-down", Screen.MENU, service=ServiceView(
        in_service=True, starting=False, degraded=("printer",), functions=functions(
            degraded=("printer",), card=[Unavailable.DISPENSER_DOWN]))),
    # Out of service: a device the branch marked `required = true` is down (here the card
    # dispenser of a card-only kiosk), so no function can be offered.
    Shot("out-of-service", Screen.MENU,
         service=ServiceView(in_service=False, starting=False, down=("card_dispenser",))),
    *TELLER_SHOTS,
    # Technician service mode (issue 13), and what customers see while staff closed it.
    Shot("menu-closed-for-maintenance", Screen.MENU, service=ServiceView(
        in_service=True, starting=False, functions=functions(card=[Unavailable.OUT_OF_SERVICE]))),
    Shot("out-of-service-staff", Screen.MENU, service=ServiceView(
        in_service=False, starting=False, down=("*",), functions=functions(
            card=[Unavailable.OUT_OF_SERVICE], checkin=[Unavailable.OUT_OF_SERVICE],
            teller=[Unavailable.OUT_OF_SERVICE]))),
    *(Shot(name, Screen.ATTRACT, technician=name) for name in SERVICE_SHOTS),
)


@dataclass(frozen=True)
class Mode:
    """A display mode the customer can switch on (Theme.largeText / Theme.highContrast)."""

    name: str
    large_text: bool = False
    high_contrast: bool = False

    @property
    def suffix(self) -> str:
        """What goes between the shot and the language: ``menu-large-en_US.png``."""
        return "" if self.name == "normal" else f"-{self.name}"

    def file(self, shot: str, language: str) -> str:
        return f"{shot}{self.suffix}-{language}.png"


MODES: dict[str, Mode] = {
    "normal": Mode("normal"),
    "large": Mode("large", large_text=True),
    "contrast": Mode("contrast", high_contrast=True),
}


def modes(name: str = "all") -> list[Mode]:
    """``normal``, ``large``, ``contrast`` or ``all`` (every mode)."""
    if name == "all":
        return list(MODES.values())
    if name not in MODES:
        raise ValueError(f"unknown mode {name!r} (normal, large, contrast or all)")
    return [MODES[name]]


def set_mode(app: KioskApp, mode: Mode) -> None:
    """Switch the display mode the way a customer does (the shell's slots)."""
    app.shell.setLargeText(mode.large_text)
    app.shell.setHighContrast(mode.high_contrast)


def render(
    config: CoreConfig, out_dir: Path, languages: Iterable[str] | None = None,
    mode: str = "all",
) -> list[Path]:
    """Write ``<shot>[-<mode>]-<language>.png`` for every shot in every mode asked for
    (technician shots in the normal mode only: no customer sees them); returns the files."""
    chosen = modes(mode)
    out_dir.mkdir(parents=True, exist_ok=True)
    artifacts = Path(tempfile.mkdtemp(prefix="kiosk-screens-"))  # self-test pictures
    try:
        return _render(config, out_dir, languages, artifacts, chosen)
    finally:
        shutil.rmtree(artifacts, ignore_errors=True)


def _render(config: CoreConfig, out_dir: Path, languages: Iterable[str] | None,
            artifacts: Path, chosen: list[Mode] | None = None) -> list[Path]:
    from kiosk_ui.app import KioskApp

    fixed = datetime(2026, 11, 23, 9, 30, tzinfo=ZoneInfo(config.kiosk.timezone))
    written = []
    for lang in languages or config.kiosk.languages:
        # The attract screen leads with the kiosk's own language: render each as the default.
        kiosk = config.kiosk.model_copy(update={"locale": lang})
        cfg = config.model_copy(update={"kiosk": kiosk})
        app = KioskApp(cfg, start_runtime=False, wall_clock=lambda: fixed)
        try:
            app.show(fullscreen=False)
            # The menu as installed (no wait for the first frame, which loads them too).
            app.registry.load_installed()
            app.shell.refresh()
            for mode in chosen or [MODES["normal"]]:
                for shot in SHOTS:
                    if shot.technician and mode.name != "normal":
                        continue
                    show_shot(app, shot, lang, artifacts=artifacts, mode=mode)
                    path = out_dir / mode.file(shot.name, lang)
                    grab(app).save(str(path))
                    written.append(path)
        finally:
            app.close()
    return written


def show_shot(app: KioskApp, shot: Shot, language: str,
              artifacts: Path | None = None, mode: Mode | None = None) -> ScriptedCall | None:
    """Put ``shot`` on screen in ``mode`` (normal if None); returns the stand-in call it
    shows, if any. Service-mode shots write their self-test pictures into ``artifacts``
    (a temporary folder if None)."""
    app.service_mode.show_state("closed")
    set_mode(app, mode or MODES["normal"])
    if shot.technician:
        from kiosk_ui.service import samples

        folder = artifacts or Path(tempfile.mkdtemp(prefix="service-shots-"))
        page, data = samples.states(app.config, folder)[shot.technician]
        app.shell.show_state(Screen.ATTRACT, Overlay.NONE, IN_SERVICE)
        app.shell.setLanguage(language)
        scroll = data.pop("scroll_to_end", "")
        app.service_mode.show_state(page, **data)
        if scroll:  # the end of a long page (the camera's snapshot under the test page)
            settle()
            flick = _item(app, scroll)
            if flick is not None:
                flick.setProperty("contentY", max(
                    0.0, flick.property("contentHeight") - flick.height()))
        return None
    desk = app.shell.teller
    desk.cancel()
    api = ScriptedCall() if shot.call is not None else None
    desk.attach_call(api)
    app.shell.show_state(shot.screen, shot.overlay, shot.service)
    if shot.overlay is Overlay.CALL_TELLER:
        desk.request(language, str(shot.screen))
    if api is not None and shot.call is not None:
        api.show(shot.call(language))
    if shot.page:
        settle()
        page = _call_page(app)
        if page is None:
            raise RuntimeError(f"{shot.name}: no call page on screen to set {shot.page}")
        for name, value in shot.page.items():
            page.setProperty(name, value)
    return api


def _call_page(app: KioskApp) -> Any:
    loader = _item(app, "callScreenLoader")
    return loader.property("item") if loader is not None else None


def _item(app: KioskApp, name: str) -> Any:
    stack = [app.window.contentItem()]
    while stack:  # Loader content is an item child, not always a QObject child
        item = stack.pop()
        if item.objectName() == name:
            return item
        stack.extend(item.childItems())
    return None


def settle() -> None:
    """Let queued views, bindings and layouts settle. Not processEvents(): in PySide6
    6.12 every call of it drops a reference to None, and Python 3.11 aborts once None's
    count runs out (a few thousand calls: the shots add up)."""
    from PySide6.QtTest import QTest

    for _ in range(3):
        QTest.qWait(15)


def grab(app: KioskApp) -> QImage:
    """Let pending bindings settle, then render the window to an image."""
    settle()
    return app.window.grabWindow()
