"""PIN-pad navigation over a small page of KioskButtons, and the topmost-guidance rule."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QUrl
from PySide6.QtQml import QQmlComponent
from PySide6.QtQuick import QQuickItem

from kiosk_ui.app import QML_DIR
from kiosk_ui.voice import VoiceGuide, find_guidance
from voice.jack import HeadphoneJack
from voice.settings import VoiceSettings
from voice.speaker import Speaker

PAGE = b"""import QtQuick
import "."
Item {
    width: 540; height: 960
    property string guidance: "Choose a service."
    property int pressed: 0
    property bool wentBack: false
    Column {
        KioskButton { objectName: "card"; text: "Debit card"; onClicked: parent.parent.pressed = 1 }
        KioskButton { objectName: "checkin"; text: "Check in"
                      onClicked: parent.parent.pressed = 2 }
        KioskButton { objectName: "back"; text: "Back"; onClicked: parent.parent.wentBack = true }
    }
    Item {
        objectName: "overlay"; anchors.fill: parent; visible: false; z: 5
        property string guidance: "We are calling a teller."
        KioskButton { text: "Cancel the call" }
    }
}
"""


_keep: list[Any] = []


class Recorder:
    def __init__(self) -> None:
        self.said: list[str] = []

    def start(self, text: str, language: str) -> Any:
        self.said.append(text)
        return None

    def to_wav(self, *a: Any) -> Any:
        raise NotImplementedError

    def phonemes(self, *a: Any) -> str:
        raise NotImplementedError


class Window:
    def __init__(self, root: QQuickItem) -> None:
        self.root = root

    def contentItem(self) -> QQuickItem:
        return self.root


def _page(qtbot: Any, engine: Any) -> QQuickItem:
    comp = QQmlComponent(engine)
    comp.setData(PAGE, QUrl.fromLocalFile(str(QML_DIR / "voice_test_page.qml")))
    item = comp.create()
    assert isinstance(item, QQuickItem), comp.errorString()
    from PySide6.QtQml import QQmlEngine

    QQmlEngine.setObjectOwnership(item, QQmlEngine.ObjectOwnership.CppOwnership)
    _keep.extend([comp, item])
    return item


def test_pad_keys_move_between_choices_and_speak_them(qtbot: Any) -> None:
    from PySide6.QtQml import QQmlEngine

    engine = QQmlEngine()
    page = _page(qtbot, engine)
    rec, jack = Recorder(), HeadphoneJack(plugged=True)
    guide = VoiceGuide(Window(page), Speaker(rec, VoiceSettings(), jack),
                       language=lambda: "en_US", poll_ms=10_000)
    guide.refresh()
    assert rec.said == ["Choose a service."]
    assert guide.pad_key("CLEAR") and rec.said[-1] == "Debit card"
    assert guide.pad_key("CLEAR") and rec.said[-1] == "Check in"
    assert guide.pad_key("BACKSPACE") and rec.said[-1] == "Debit card"
    assert guide.qt_key(Qt.Key.Key_Tab) and rec.said[-1] == "Check in"
    assert guide.qt_key(Qt.Key.Key_Up) and rec.said[-1] == "Debit card"
    assert guide.pad_key("ENTER") and page.property("pressed") == 1
    assert guide.pad_key("CANCEL") and page.property("wentBack")
    guide.pin_entry = True  # the keys are the PIN's
    assert not guide.pad_key("CLEAR")
    guide.pin_entry = False
    jack.set_plugged(False)  # no headset: the pad is the pad
    assert not guide.pad_key("CLEAR")


def test_the_topmost_guidance_wins(qtbot: Any) -> None:
    from PySide6.QtQml import QQmlEngine

    engine = QQmlEngine()
    page = _page(qtbot, engine)
    assert find_guidance(page)[0] == "Choose a service."
    overlay = next(c for c in page.childItems() if c.objectName() == "overlay")
    overlay.setVisible(True)
    text, item = find_guidance(page)
    assert text == "We are calling a teller." and item is overlay
    rec = Recorder()
    guide = VoiceGuide(Window(page), Speaker(rec, VoiceSettings(always=True)),
                       language=lambda: "en_US", poll_ms=10_000)
    guide.refresh()
    assert guide.pad_key("CLEAR") and rec.said[-1] == "Cancel the call"  # the overlay's only


def test_the_real_pin_pads_keys_navigate_while_a_headset_is_in(qtbot: Any) -> None:
    """The pad's function keys, over its serial line, move and press; unplugged, the pad
    goes back to plain (no entry running)."""
    from PySide6.QtQml import QQmlEngine

    from devices.pinpad.driver import create
    from devices.pinpad.protocol import EntryState
    from devices.pinpad.settings import PinPadSettings

    pad = create("pinpad", PinPadSettings(url="sim://pinpad?link=pty&key_delay=0.01"))
    pad.start().result(timeout=10)
    try:
        engine = QQmlEngine()
        page = _page(qtbot, engine)
        rec, jack = Recorder(), HeadphoneJack(plugged=True)
        guide = VoiceGuide(Window(page), Speaker(rec, VoiceSettings(), jack),
                           language=lambda: "en_US", poll_ms=50, pad=lambda: pad)
        qtbot.waitUntil(lambda: pad.simulator.state is EntryState.KEYS, timeout=5000)
        pad.simulator.press("C")
        qtbot.waitUntil(lambda: rec.said[-1:] == ["Debit card"], timeout=5000)
        pad.simulator.press("C")
        qtbot.waitUntil(lambda: rec.said[-1:] == ["Check in"], timeout=5000)
        pad.simulator.press("E")
        qtbot.waitUntil(lambda: page.property("pressed") == 2, timeout=5000)
        pad.simulator.press("X")
        qtbot.waitUntil(lambda: bool(page.property("wentBack")), timeout=5000)
        jack.set_plugged(False)
        qtbot.waitUntil(lambda: pad.simulator.state is EntryState.IDLE, timeout=5000)
        guide.deleteLater()
    finally:
        pad.close()
