"""Voice guidance on the Qt side: finds the guidance on screen and hands it to the speaker.

The rule (contract 2): the *topmost* visible item whose ``guidance`` property is a non-empty
string is the one spoken. Topmost = last in paint order: the scene tree is walked depth
first, each item's children in stacking order (``z``, then declaration order), so an overlay
drawn over a flow page wins over it, and a flow page over the shell screen under it. An
invisible item hides its whole subtree.

PIN-pad navigation (contract 3), while voice is on and no PIN is being entered. The pad
reports digits without values, so the mapping uses its function keys (and the same keys of a
keyboard for tests/bench):

=====================  ==========================  =========================
pad key                keyboard                    does
=====================  ==========================  =========================
CLEAR (yellow)         Tab, Right, Down            next choice (wraps)
BACKSPACE              Backtab, Left, Up           previous choice (wraps)
ENTER (green)          Return, Enter               press the focused choice
CANCEL (red)           Escape                      the screen's Back / Cancel
=====================  ==========================  =========================

The focused choice's text is spoken. The pad's keys come from the PIN pad driver's
function-key entry (``PinPad.watch_keys``): armed while a headset is in, it yields to a PIN
entry and never runs while the pad holds a PIN, so the digits stay the PIN's alone. The keys
arrive on the device's worker and reach :meth:`VoiceGuide.pad_key` through a queued signal.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, cast

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtQuick import QQuickItem

from voice.engine import EngineMissing, EspeakEngine, SpeechEngine
from voice.jack import HeadphoneJack, open_jack
from voice.settings import VoiceSettings
from voice.speaker import Speaker

if TYPE_CHECKING:
    from kiosk_ui.app import KioskApp

log = logging.getLogger(__name__)

#: The same moves from a keyboard (tests, the bench, a pad that presents itself as one).
QT_KEYS = {
    Qt.Key.Key_Tab: "CLEAR", Qt.Key.Key_Right: "CLEAR", Qt.Key.Key_Down: "CLEAR",
    Qt.Key.Key_Backtab: "BACKSPACE", Qt.Key.Key_Left: "BACKSPACE", Qt.Key.Key_Up: "BACKSPACE",
    Qt.Key.Key_Return: "ENTER", Qt.Key.Key_Enter: "ENTER", Qt.Key.Key_Escape: "CANCEL",
}

#: Words a Back/Cancel button carries (objectName or text), for the CANCEL key.
BACK_NAMES = ("back", "cancel")


def _paint_order(item: QQuickItem) -> list[QQuickItem]:
    kids = list(item.childItems())
    return sorted(kids, key=lambda k: k.z())  # stable: declaration order within one z


def _walk(root: QQuickItem) -> list[QQuickItem]:
    out: list[QQuickItem] = []
    stack = [root]
    while stack:
        item = stack.pop()
        if not item.isVisible() or item.opacity() <= 0:
            continue
        out.append(item)
        stack.extend(reversed(_paint_order(item)))
    return out


def find_guidance(root: QQuickItem) -> tuple[str, QQuickItem | None]:
    """The topmost visible guidance under ``root`` and the item carrying it."""
    found: tuple[str, QQuickItem | None] = ("", None)
    for item in _walk(root):
        value = item.property("guidance")
        if isinstance(value, str) and value.strip():
            found = (_plain(value), item)
    return found


def buttons(scope: QQuickItem) -> list[QQuickItem]:
    """The choices under ``scope``: every visible, enabled item in the keyboard's focus chain
    (``activeFocusOnTab``: KioskButtons, the language and service cards, "Call a teller"),
    in paint (reading) order."""
    return [i for i in _walk(scope) if i.activeFocusOnTab() and i.isEnabled()]


def press(item: QQuickItem) -> None:
    """Press a choice: a KioskButton's ``clicked``; any other, the Return key it handles."""
    if item.metaObject().indexOfSignal("clicked()") >= 0:
        item.clicked.emit()  # type: ignore[attr-defined]
        return
    item.forceActiveFocus()
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QCoreApplication.sendEvent(item, QKeyEvent(kind, Qt.Key.Key_Return,
                                                   Qt.KeyboardModifier.NoModifier))


def button_text(item: QQuickItem) -> str:
    meta = item.metaObject()
    for name in ("accessibleName", "text", "label"):
        if meta.indexOfProperty(name) < 0:
            continue  # asking for a missing one answers None (kiosk_ui/none_guard.py)
        value = item.property(name)
        if isinstance(value, str) and value.strip():
            return _plain(value)
    return ""


def _plain(text: str) -> str:
    """What is said: the text without the word joiners that keep Chinese lines whole."""
    return text.replace("\u2060", "").strip()


class KeySource(Protocol):
    """A PIN pad's function keys (devices.pinpad.driver.PinPad.watch_keys)."""

    def watch_keys(self, on_key: Callable[[str], None] | None) -> None: ...


class VoiceGuide(QObject):
    """Watches the window for the guidance on screen and speaks it (on a worker)."""

    #: A pad key from the device's worker thread, delivered on the GUI thread.
    padKeyPressed = Signal(str)

    def __init__(self, window: Any, speaker: Speaker, *, language: Any,
                 run: Any = None, poll_ms: int = 200, parent: QObject | None = None,
                 pad: Callable[[], KeySource | None] | None = None) -> None:
        super().__init__(parent)
        self.window, self.speaker = window, speaker
        self._pad = pad or (lambda: None)  # the PIN pad once the runtime has opened it
        self._watched: KeySource | None = None
        self.padKeyPressed.connect(self.pad_key)
        if isinstance(window, QObject):  # keys: Ctrl+Alt+H, a keyboard's navigation keys
            window.installEventFilter(self)
        self._language = language  # () -> str
        self._run = run or (lambda fn, *args: fn(*args))
        self.pin_entry = False  # set while a PIN is being entered: the keys are the PIN's
        self.spoken: list[tuple[str, str]] = []  # (text, language), for tests and the bench
        self._last: tuple[str, str] | None = None
        self._scope: QQuickItem | None = None
        self._focus = -1
        self._timer = QTimer(self)
        self._timer.setInterval(poll_ms)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()

    @property
    def language(self) -> str:
        return str(self._language())

    def current(self) -> tuple[str, QQuickItem | None]:
        return find_guidance(self.window.contentItem())

    def refresh(self) -> None:
        """Re-read the guidance; speak it when it (or the language) changed. Nothing while
        nobody listens (no headset): the walk over the window is not free, and each
        PySide6 call answering None costs None a reference on Python 3.11
        (kiosk_ui/none_guard.py)."""
        if not self.speaker.active:
            self._last = None  # a headset plugged in later hears the screen it finds
            if self._watched is not None:
                self._watched.watch_keys(None)
                self._watched = None
            return
        if self._watched is None:
            pad = self._pad()
            if pad is not None:
                self._watched = pad
                pad.watch_keys(self.padKeyPressed.emit)  # emitted on the pad's worker
        text, item = self.current()
        key = (text, self.language)
        if key == self._last:
            return
        self._last, self._scope, self._focus = key, item, -1
        self._say(text)

    def _say(self, text: str) -> None:
        self.spoken.append((text, self.language))
        self._run(self.speaker.say, text, self.language, len(self.spoken))

    def repeat(self) -> None:
        self._say(self._last[0] if self._last else "")

    # -- PIN-pad navigation ------------------------------------------------------------

    def pad_key(self, key: str) -> bool:
        """A pad key (``CLEAR``, ``BACKSPACE``, ``ENTER``, ``CANCEL``); True if used."""
        if self.pin_entry or not self.speaker.active:
            return False
        self.refresh()
        scope = self._scope or self.window.contentItem()
        choices = buttons(scope)
        if not choices:
            return False
        key = key.upper()
        if key in ("CLEAR", "NEXT"):
            self._focus = (self._focus + 1) % len(choices)
        elif key in ("BACKSPACE", "PREVIOUS"):
            self._focus = (self._focus - 1) % len(choices) if self._focus >= 0 else len(choices) - 1
        elif key == "ENTER":
            if 0 <= self._focus < len(choices):
                press(choices[self._focus])
                return True
            return False
        elif key == "CANCEL":
            back = [b for b in choices if any(
                w in (b.objectName() + " " + button_text(b)).lower() for w in BACK_NAMES)]
            if back:
                press(back[0])
                return True
            return False
        else:
            return False
        target = choices[self._focus]
        target.forceActiveFocus()
        self._say(button_text(target))
        return True

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        """Ctrl+Alt+H plugs/unplugs a *simulated* headset (the demo has no jack); with voice
        on, the navigation keys of a keyboard do what the pad's keys do."""
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        mods = event.modifiers()
        want = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
        if event.key() == Qt.Key.Key_H and (mods & want) == want:
            jack = self.speaker.jack
            if jack.simulated:
                jack.set_plugged(not jack.plugged)
                self.refresh()
                return True
            return False
        return self.qt_key(event.key()) if self.speaker.active else False

    def qt_key(self, key: int) -> bool:
        """A keyboard key (Qt.Key), mapped as in :data:`QT_KEYS`; True if used."""
        name = QT_KEYS.get(Qt.Key(key))
        return self.pad_key(name) if name else False

    @property
    def focused(self) -> QQuickItem | None:
        choices = buttons(self._scope or self.window.contentItem())
        return choices[self._focus] if 0 <= self._focus < len(choices) else None


def attach_voice(app: KioskApp, settings: VoiceSettings | None = None,
                 engine: SpeechEngine | None = None,
                 jack: HeadphoneJack | None = None) -> VoiceGuide | None:
    """Voice guidance for the kiosk's window; None when disabled or espeak-ng is missing
    (logged: the kiosk runs on without voice)."""
    if settings is None:
        try:
            settings = app.config.section(VoiceSettings)
        except (LookupError, AttributeError):
            settings = VoiceSettings()
    if not settings.enabled:
        return None
    try:
        engine = engine or EspeakEngine(settings)
    except EngineMissing:
        log.exception("voice guidance is off")
        return None
    if jack is None:
        try:
            jack = open_jack(settings.jack)
        except OSError:
            log.exception("voice: headphone jack %s cannot be opened; taken as unplugged",
                          settings.jack)
            jack = HeadphoneJack(simulated=False)
    speaker = Speaker(engine, settings, jack)
    return VoiceGuide(app.window, speaker, language=lambda: app.shell.language,
                      run=app.bridge.run_in_thread, parent=app,
                      pad=lambda: _pad_of(app))


def _pad_of(app: KioskApp) -> KeySource | None:
    pad = app.runtime.devices.get("pinpad")
    return cast(KeySource, pad) if hasattr(pad, "watch_keys") else None
