"""The "Call a teller / 呼叫柜员" desk: the view-model of the call screens.

With a :class:`video_teller.api.TellerCallApi` attached (``attach_call``; kiosk_app wires
the real ``TellerCall``), the desk maps the call's :class:`CallView` to Qt properties and
forwards the customer's taps; the call session owns everything else (hub, media, timers,
journal). Views arrive on the core loop's thread and reach the GUI thread through a
private queued signal, the technique of kiosk_ui.bridge. Without a call attached the
screen says honestly that video is not connected and sends the customer to the counter.
"""

from __future__ import annotations

import hashlib
import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Property, QObject, Qt, QTimer, Signal, Slot

from esign.ink import MIN_INK, ink
from kiosk_ui.clock import format_date, format_time
from kiosk_ui.video_view import FrameFeed, register_qml_types

if TYPE_CHECKING:  # video_teller.api pulls in numpy: not before the first frame (cold start)
    from video_teller.api import CallView, TellerCallApi

log = logging.getLogger(__name__)

# video_teller.api.CallPhase values (a StrEnum: its members compare equal to these).
IDLE_PHASE, IN_CALL = "idle", "in_call"
#: Phases in which the customer is with (or about to be with) a teller: the kiosk's
#: inactivity clock must not clear the screen under them.
_ATTENDED = frozenset({"waiting", "connecting", "in_call", "reconnecting"})
#: Phases that only wait for the customer to read and go back.
_FINAL = frozenset({"teller_ended", "no_teller", "callback_booked", "unavailable"})
#: A call the kiosk made itself (a borderline identity check, customer_flows.
#: borderline_teller) is shown like the customer's own once it needs them: to agree to the
#: video, or the teller is there. While it only waits, the flow's page says so.
_ADOPT = frozenset({"consent", "connecting", "in_call", "reconnecting"})
KEEP_ALIVE_MS = 250  # well inside any inactivity limit


def group_hash(hex_digest: str, size: int = 8) -> str:
    """A SHA-256 as people compare it: groups of ``size`` hex digits, "1a2b3c4d 5e6f…"."""
    return " ".join(hex_digest[i:i + size] for i in range(0, len(hex_digest), size))


def clean_strokes(strokes: Any) -> list[list[list[float]]]:
    """The pad's strokes as plain lists of [x, y, ms] (x, y to 0.1 pad unit, whole ms: a
    signature stays small enough for the data channel). ValueError if not a signature."""
    if not isinstance(strokes, list | tuple):
        raise ValueError("strokes: not a list")
    out = []
    for stroke in strokes:
        if not isinstance(stroke, list | tuple):
            raise ValueError("stroke: not a list")
        points = []
        for p in stroke:
            if not isinstance(p, list | tuple) or len(p) < 3:
                raise ValueError("point: not [x, y, ms]")
            x, y, t = (float(v) for v in p[:3])
            if not all(math.isfinite(v) for v in (x, y, t)):
                raise ValueError("point: not a finite number")
            points.append([round(x, 1), round(y, 1), float(round(t))])
        if points:
            out.append(points)
    return out


@dataclass(frozen=True)
class ShownDocument:
    """A pushed document as the screen shows it. ``sha256`` is computed here from the text
    on the screen; ``verified`` says it equals the hash the document arrived with (what the
    teller's console shows), so the code the customer compares is the one that is signed."""

    title: str
    text: str
    sha256: str
    verified: bool
    doc_id: str = ""

    @classmethod
    def of(cls, doc: Any) -> ShownDocument | None:
        if not isinstance(doc, dict):
            return None
        title, text, claimed = doc.get("title"), doc.get("text"), doc.get("sha256")
        title = title if isinstance(title, str) else ""
        text = text if isinstance(text, str) else ""
        sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
        verified = bool(text) and isinstance(claimed, str) and claimed.lower() == sha
        if not verified:
            log.error("teller call: pushed document %r does not match its hash",
                      doc.get("doc_id"))
        doc_id = doc.get("doc_id")
        return cls(title=title.strip(), text=text, sha256=sha, verified=verified,
                   doc_id=doc_id if isinstance(doc_id, str) else "")


def wait_minutes(seconds: float) -> int:
    """The estimated wait in whole minutes, rounded up (0: under a minute)."""
    return 0 if seconds <= 0 else max(1, math.ceil(seconds / 60))


def slot_entry(slot: str, today: date, language: str) -> dict[str, Any] | None:
    """A callback time as the screen shows it, or None if it is not an ISO local time."""
    try:
        t = datetime.fromisoformat(slot)
    except ValueError:
        return None
    return {"slot": slot, "time": format_time(t), "dayOffset": (t.date() - today).days,
            "dateText": day_text(t, language)}


def day_text(t: datetime, language: str) -> str:
    """The day without the year, which a call back this week does not need:
    "11月25日 星期三", "Wednesday 25 November"."""
    full = format_date(t, language)  # "2026年11月25日 星期三" / "Wednesday, 25 November 2026"
    if language == "zh_CN":
        return full.split("年", 1)[1]
    return full.rsplit(" ", 1)[0].replace(",", "")


class TellerDesk(QObject):
    #: The customer asked for a teller: language, and the screen they were on.
    requested = Signal(str, str)
    #: The customer withdrew the request (or the session ended).
    cancelled = Signal()
    #: The call is over (its phase went back to idle): the shell closes the call screens.
    closed = Signal()
    #: The kiosk made a call itself and it now needs the customer: the shell opens the
    #: call screens (as for the customer's own request).
    adopted = Signal()
    changed = Signal()

    # Private: a CallView from the core loop's thread, delivered on the GUI thread.
    _view_arrived = Signal(int, object)

    IDLE, REQUESTING, CONNECTED = "idle", "requesting", "connected"

    def __init__(
        self,
        journal: Any = None,
        parent: QObject | None = None,
        *,
        keep_alive: Callable[[], None] | None = None,
        today: Callable[[], date] = date.today,
    ) -> None:
        super().__init__(parent)
        register_qml_types()  # VideoView, for the call screens
        self._state = self.IDLE
        self._since = 0.0
        self._journal = journal  # callable(kind, data) that does not block; may be None
        self._keep_alive = keep_alive
        self._today = today
        self._language = ""
        self._api: TellerCallApi | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self._lock = threading.Lock()  # guards _accepting against a close() mid-emit
        self._accepting = False
        self._generation = 0  # which attached call a queued view came from
        self._view: CallView | None = None  # None: no call yet (made when first read)
        self._document: ShownDocument | None = None  # the view's document, as shown
        self._answered = False  # the customer signed or declined the document on screen
        self._known_call: str | None = None  # the last call shown to the customer
        self._remote = FrameFeed(parent=self)
        self._local = FrameFeed(parent=self)
        self._alive = QTimer(self)
        self._alive.setInterval(KEEP_ALIVE_MS)
        self._alive.timeout.connect(self._touch)
        self._view_arrived.connect(self._on_view, Qt.ConnectionType.QueuedConnection)
        self.destroyed.connect(self._drop_listener)

    # -- wiring ----------------------------------------------------------------------

    def attach_call(self, api: TellerCallApi | None) -> None:
        """Serve calls through ``api`` (None: back to "not connected, go to the counter")."""
        self._drop_listener()
        self._api = api
        self._remote.source = api.remote_video if api is not None else None
        self._local.source = api.local_video if api is not None else None
        if api is not None:
            with self._lock:
                self._accepting = True
                self._generation += 1
                generation = self._generation

            def listener(view: CallView) -> None:  # the core loop's thread: never blocks
                with self._lock:
                    if self._accepting:  # after close() this QObject may be going: no emit
                        self._view_arrived.emit(generation, view)

            self._unsubscribe = api.subscribe(listener)
            self._apply(api.view)
        else:
            self._view = None
            self._document, self._answered = None, False
            self._alive.stop()
        self.changed.emit()

    def close(self) -> None:
        """Stop listening to the call (the window is going away). Returns at once."""
        self._drop_listener()
        self._alive.stop()

    def _drop_listener(self, *_: Any) -> None:
        with self._lock:
            self._accepting = False
        unsubscribe, self._unsubscribe = self._unsubscribe, None
        if unsubscribe is not None:
            try:
                unsubscribe()
            except Exception:
                log.exception("teller call: unsubscribe failed")

    @Slot(int, object)
    def _on_view(self, generation: int, view: CallView) -> None:  # GUI thread
        if self._api is not None and generation == self._generation:  # not a former call's
            self._apply(view)

    def _v(self) -> CallView:
        if self._view is None:
            from video_teller.api import CallView

            self._view = CallView()
        return self._view

    def _apply(self, view: CallView) -> None:
        before = self._view.phase if self._view is not None else IDLE_PHASE
        previous = self._view.document if self._view is not None else None
        self._view = view
        if view.document is not previous and view.document != previous:
            self._document = ShownDocument.of(view.document)
            self._answered = False
        if view.phase in _ATTENDED:
            if not self._alive.isActive():
                self._alive.start()
                self._touch()
        else:
            self._alive.stop()
        # Only a call not seen before: not one the customer just cancelled, still ending.
        adopt = self._state == self.IDLE and view.phase in _ADOPT and (
            before == IDLE_PHASE or before in _FINAL
            or (view.call_id is not None and view.call_id != self._known_call))
        if self._state != self.IDLE or adopt:
            self._known_call = view.call_id or self._known_call
        if adopt:
            self._state = self.REQUESTING
            self._language = view.language or self._language
            self._since = time.monotonic()
        if view.phase == IN_CALL and self._state == self.REQUESTING:
            self._state = self.CONNECTED
        self.changed.emit()
        if adopt:
            self.adopted.emit()
        if view.phase == IDLE_PHASE and before != IDLE_PHASE:
            self._finish()

    def _finish(self) -> None:
        """The call went back to idle by itself (ended, declined, dismissed)."""
        if self._state != self.IDLE:
            self._state = self.IDLE
            self.changed.emit()
            self.closed.emit()

    def _touch(self) -> None:
        if self._keep_alive is not None:
            self._keep_alive()

    # -- properties ------------------------------------------------------------------

    def _get_state(self) -> str:
        return self._state

    def _get_linked(self) -> bool:
        return self._api is not None

    def _get_screen(self) -> str:
        if self._api is None:
            return "not_connected"
        phase = self._v().phase
        if phase == IN_CALL and self._document is not None:
            return "document"  # the teller pushed a document to sign: the call goes on
        return "calling" if phase == IDLE_PHASE else str(phase)

    #: idle / requesting / connected: the customer's request as the shell sees it.
    state = Property(str, _get_state, notify=changed)
    #: Is a video-teller call attached? If not the screen also points to the counter.
    linked = Property(bool, _get_linked, notify=changed)
    #: Which call screen QML shows: not_connected, calling, document (in the call, a
    #: document to sign), or a CallPhase value.
    screen = Property(str, _get_screen, notify=changed)
    phase = Property(str, lambda self: str(self._v().phase), notify=changed)
    position = Property(int, lambda self: self._v().position, notify=changed)
    waitMinutes = Property(int, lambda self: wait_minutes(self._v().estimated_wait_s),
                           notify=changed)
    tellersOnline = Property(int, lambda self: self._v().tellers_online, notify=changed)
    tellerName = Property(str, lambda self: self._v().teller_name, notify=changed)
    muted = Property(bool, lambda self: self._v().muted, notify=changed)
    recording = Property(bool, lambda self: self._v().recording, notify=changed)
    #: timeout / closed / nobody_online (video_teller.api.NoTellerReason), or "".
    noTellerReason = Property(
        str, lambda self: str(self._v().no_teller) if self._v().no_teller else "",
        notify=changed)
    notice = Property(str, lambda self: self._v().notice, notify=changed)
    #: Why the teller cannot see the customer ("camera_dark"…), or "".
    cameraProblem = Property(str, lambda self: self._v().camera_problem, notify=changed)
    hasDocument = Property(bool, lambda self: self._document is not None, notify=changed)
    #: The pushed document: its title, its Markdown text exactly as signed, and the
    #: SHA-256 of that text in groups of 8 hex digits (the teller's console shows the same).
    documentTitle = Property(str, lambda self: self._document.title if self._document else "",
                             notify=changed)
    documentText = Property(str, lambda self: self._document.text if self._document else "",
                            notify=changed)
    documentHash = Property(
        str, lambda self: group_hash(self._document.sha256) if self._document else "",
        notify=changed)
    #: The text matches the hash it came with: only then may it be signed.
    documentVerified = Property(
        bool, lambda self: self._document is not None and self._document.verified,
        notify=changed)
    #: The customer answered (signed or declined); the call takes the document away.
    documentAnswered = Property(bool, lambda self: self._answered, notify=changed)
    minInk = Property(float, lambda self: MIN_INK, constant=True)

    def _slots(self) -> list[dict[str, Any]]:
        today = self._today()
        out = []
        for slot in self._v().callback_slots:
            entry = slot_entry(slot, today, self._language)
            if entry is None:
                log.error("teller call: callback slot %r is not an ISO local time", slot)
            else:
                out.append(entry)
        return out

    def _booked(self) -> dict[str, Any]:
        slot = self._v().callback_booked
        entry = slot_entry(slot, self._today(), self._language) if slot else None
        return entry or {}

    #: [{slot, time "14:30", dayOffset (0 today, 1 tomorrow), dateText}] to choose from.
    callbackSlots = Property(list, _slots, notify=changed)
    #: The booked callback time, like one entry of callbackSlots ({} if none).
    bookedTime = Property(dict, _booked, notify=changed)

    def _get_remote(self) -> QObject:
        return self._remote

    def _get_local(self) -> QObject:
        return self._local

    #: The teller's video and the customer's own camera, for VideoView.feed.
    remoteVideo = Property(QObject, _get_remote, constant=True)
    localVideo = Property(QObject, _get_local, constant=True)

    @property
    def view(self) -> CallView:
        return self._v()

    # -- the shell's requests --------------------------------------------------------

    def request(self, language: str, screen: str, flow: str | None = None) -> None:
        if self._state != self.IDLE:
            return
        self._state = self.REQUESTING
        self._language = language
        self._since = time.monotonic()
        if self._api is not None:  # the call session journals what it does
            try:
                self._api.request(language=language, screen=screen, flow=flow)
            except Exception:  # a broken call must not leave the customer on "Calling…"
                log.exception("teller call: request failed")
                from video_teller.api import CallPhase, CallView

                self._apply(CallView(phase=CallPhase.UNAVAILABLE, language=language))
        else:
            self._log("teller.request", {"screen": screen, "language": language})
        self.changed.emit()
        self.requested.emit(language, screen)

    def cancel(self, why: str = "customer") -> None:
        """The shell closes the call screens (cancel tapped, or the session ended)."""
        if self._state == self.IDLE:
            return
        self._state = self.IDLE
        if self._api is not None:
            phase = self._v().phase
            if phase in _FINAL:
                self._api.dismiss()
            elif phase != IDLE_PHASE:
                self._api.end()
        else:
            waited = round(time.monotonic() - self._since, 1)
            self._log("teller.cancel", {"by": why, "waited_s": waited})
        self.changed.emit()
        self.cancelled.emit()

    # -- the customer's taps (QML) ---------------------------------------------------

    @Slot(bool)
    def consent(self, accepted: bool) -> None:
        if self._api is not None:
            self._api.consent(accepted)

    @Slot(bool)
    def setMuted(self, muted: bool) -> None:
        if self._api is not None:
            self._api.set_muted(muted)

    @Slot()
    def toggleMute(self) -> None:
        self.setMuted(not self._v().muted)

    @Slot()
    def end(self) -> None:
        """Stop waiting, or hang up."""
        if self._api is not None:
            self._api.end()

    @Slot(str, str)
    def bookCallback(self, slot: str, phone: str) -> None:
        """Book the chosen offered time; ``phone`` is the number the customer typed."""
        if self._api is not None and slot in self._v().callback_slots:
            self._api.book_callback(slot, phone)

    @Slot("QVariantList", float, float, result=bool)
    def signDocument(self, strokes: list[Any], width: float, height: float) -> bool:
        """Confirm tapped: the strokes of [x, y, ms since the first touch] on a pad
        ``width`` x ``height`` go to the call. False (nothing sent) without a document that
        matches its hash, with too little ink, or once answered."""
        if not self._can_answer() or self._document is None or not self._document.verified:
            return False
        try:
            clean = clean_strokes(strokes)
            pad = [float(width), float(height)]
        except (TypeError, ValueError) as exc:
            log.error("teller call: signature refused: %s", exc)
            return False
        if ink(clean) < MIN_INK or not all(math.isfinite(v) and v > 0 for v in pad):
            return False
        return self._answer({"strokes": clean, "pad": pad})

    @Slot()
    def declineDocument(self) -> None:
        """"I do not want to sign": the teller is told; the call goes on."""
        if self._can_answer():
            self._answer({"declined": True})

    def _can_answer(self) -> bool:
        return (self._api is not None and self._document is not None and not self._answered
                and self._v().phase == IN_CALL)

    def _answer(self, evidence: dict[str, Any]) -> bool:
        assert self._api is not None and self._document is not None
        self._answered = True  # one answer per document, however often a finger taps
        self.changed.emit()
        # Which document this answers: a teller may push another while this one is open.
        evidence = {**evidence, "doc_id": self._document.doc_id,
                    "sha256": self._document.sha256}
        try:
            self._api.document_signed(evidence)
        except Exception:
            log.exception("teller call: document answer failed")
            self._answered = False
            self.changed.emit()
            return False
        return True

    @Slot()
    def dismiss(self) -> None:
        """Back to self-service from a closing screen."""
        if self._api is not None:
            self._api.dismiss()

    def _log(self, kind: str, data: dict[str, Any]) -> None:
        if self._journal is not None:
            self._journal(kind, data)
