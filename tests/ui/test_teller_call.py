"""The call screens over a TellerCallApi: phases → screens, taps → the call, views from the
core loop's thread, the video item, and the honest fallback with no call attached.

The call here is kiosk_ui.screens.ScriptedCall, a stand-in for the Protocol (the real
TellerCall is tested in tests/video_teller/)."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import date, datetime
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor
from PySide6.QtQuick import QQuickItem, QQuickWindow
from PySide6.QtTest import QTest

from kiosk_ui.screens import SLOTS, TELLER_SHOTS, ScriptedCall, pushed_document, show_shot
from kiosk_ui.teller import (
    MIN_INK,
    clean_strokes,
    day_text,
    group_hash,
    ink,
    slot_entry,
    wait_minutes,
)
from kiosk_ui.video_view import FrameFeed, VideoView, frame_image
from video_teller.api import CallPhase, CallView, NoTellerReason

from .conftest import find, items, make_config, tap, texts
from .test_look import _active, _owner

SCREEN_OF = {
    CallPhase.CONSENT: "callScreen_consent",
    CallPhase.WAITING: "callScreen_waiting",
    CallPhase.CONNECTING: "callScreen_connecting",
    CallPhase.IN_CALL: "callScreen_in_call",
    CallPhase.RECONNECTING: "callScreen_reconnecting",
    CallPhase.TELLER_ENDED: "callScreen_teller_ended",
    CallPhase.NO_TELLER: "callScreen_no_teller",
    CallPhase.CALLBACK_BOOKED: "callScreen_callback_booked",
    CallPhase.UNAVAILABLE: "callScreen_unavailable",
}


def shown(qtbot: Any, app: Any, name: str) -> None:
    """Wait for the item called ``name``, then for its layout (positioners settle a frame
    later: a finger aims at where the button is drawn)."""
    qtbot.waitUntil(lambda: find(app, name) is not None)
    qtbot.wait(60)


def calling(qtbot: Any, make_app: Any, **kwargs: Any) -> tuple[Any, ScriptedCall]:
    """An app with a scripted call attached, the customer having tapped "Call a teller"."""
    app = make_app(start_runtime=False, **kwargs)
    api = ScriptedCall()
    app.shell.teller.attach_call(api)
    tap(qtbot, app, "callTellerButton")
    shown(qtbot, app, "callScreen_consent")
    return app, api


def names(api: ScriptedCall) -> list[str]:
    return [name for name, _ in api.calls]


# -- pure helpers ---------------------------------------------------------------------------


def test_wait_is_shown_in_whole_minutes_rounded_up() -> None:
    assert [wait_minutes(s) for s in (0, -3, 1, 59, 60, 61, 170)] == [0, 0, 1, 1, 1, 2, 3]


def test_callback_slots_as_the_screen_shows_them() -> None:
    today = date(2026, 11, 23)
    assert slot_entry("2026-11-23T14:30", today, "en_US") == {
        "slot": "2026-11-23T14:30", "time": "14:30", "dayOffset": 0,
        "dateText": "Monday 23 November"}
    entry = slot_entry("2026-11-25T10:00", today, "zh_CN")
    assert entry is not None and entry["dateText"] == "11月25日 星期三"
    assert slot_entry("tomorrow at ten", today, "en_US") is None
    assert day_text(datetime(2026, 12, 2, 9), "en_US") == "Wednesday 2 December"


# -- phases and screens ---------------------------------------------------------------------


def test_each_phase_shows_its_screen(qtbot: Any, make_app: Any) -> None:
    app, api = calling(qtbot, make_app)
    assert names(api) == ["request"]
    assert api.calls[0][1] == {"language": "zh_CN", "screen": "attract", "flow": None}
    for phase, screen in SCREEN_OF.items():
        api.show(CallView(phase=phase, teller_name="Wang Fang", callback_slots=SLOTS,
                          callback_booked=SLOTS[3], no_teller=NoTellerReason.TIMEOUT))
        qtbot.waitUntil(lambda s=screen: find(app, s) is not None)
        others = [s for s in SCREEN_OF.values() if s != screen and find(app, s) is not None]
        assert others == [], phase
        assert find(app, "tellerNotLinked") is None  # a call is attached: no counter note
    assert app.shell.overlay == "call-teller"


def test_waiting_screen_shows_place_and_minutes(qtbot: Any, make_app: Any) -> None:
    app, api = calling(qtbot, make_app)
    api.show(CallView(phase=CallPhase.WAITING, position=3, estimated_wait_s=250))
    qtbot.waitUntil(lambda: "您排在第 3 位" in texts(app))
    assert "约 5 分钟" in texts(app)
    api.show(CallView(phase=CallPhase.WAITING, position=1, estimated_wait_s=0))
    qtbot.waitUntil(lambda: "不到 1 分钟" in texts(app))


def test_no_teller_says_why(qtbot: Any, make_app: Any) -> None:
    app, api = calling(qtbot, make_app)
    for reason, words in [(NoTellerReason.CLOSED, "现在不是柜员的工作时间"),
                          (NoTellerReason.NOBODY_ONLINE, "现在没有柜员在岗"),
                          (NoTellerReason.TIMEOUT, "现在柜员都在忙")]:
        api.show(CallView(phase=CallPhase.NO_TELLER, no_teller=reason))
        qtbot.waitUntil(lambda w=words: w in texts(app))
    # No times to offer: only the way back (and the counter).
    assert find(app, "slot_0") is None and find(app, "callbackNext") is None
    assert "请到柜台办理，或稍后再试。" in texts(app)


# -- taps reach the call --------------------------------------------------------------------


def test_consent_waiting_and_stop_waiting(qtbot: Any, make_app: Any) -> None:
    app, api = calling(qtbot, make_app)
    tap(qtbot, app, "consentYes")
    shown(qtbot, app, "callScreen_waiting")
    tap(qtbot, app, "stopWaiting")
    # The call went back to idle: the call screens close, the customer is where they were.
    qtbot.waitUntil(lambda: find(app, "callTellerOverlay") is None)
    assert names(api) == ["request", "consent", "end"]
    assert api.calls[1][1] == {"accepted": True}
    assert app.shell.teller.state == "idle" and app.shell.screen == "attract"


def test_declining_consent_closes_the_call(qtbot: Any, make_app: Any) -> None:
    app, api = calling(qtbot, make_app)
    tap(qtbot, app, "consentNo")
    qtbot.waitUntil(lambda: find(app, "callTellerOverlay") is None)
    assert api.calls[-1] == ("consent", {"accepted": False})


def test_in_call_mute_and_end(qtbot: Any, make_app: Any) -> None:
    app, api = calling(qtbot, make_app)
    api.show(CallView(phase=CallPhase.IN_CALL, teller_name="Wang Fang", recording=True))
    shown(qtbot, app, "callScreen_in_call")
    assert find(app, "recordingIndicator") is not None
    assert "Wang Fang" in texts(app)
    tap(qtbot, app, "muteButton")
    qtbot.waitUntil(lambda: "麦克风已关闭，柜员听不到您说话。" in texts(app))
    assert api.calls[-1] == ("set_muted", {"muted": True})
    tap(qtbot, app, "muteButton")
    qtbot.waitUntil(lambda: api.calls[-1] == ("set_muted", {"muted": False}))
    api.show(replace(api.view, recording=False, notice="请把身份证放到摄像头前。"))
    qtbot.waitUntil(lambda: "请把身份证放到摄像头前。" in texts(app))
    assert find(app, "recordingIndicator") is None
    tap(qtbot, app, "endCallButton")
    qtbot.waitUntil(lambda: find(app, "callTellerOverlay") is None)
    assert names(api)[-1] == "end"


def test_in_call_the_customer_is_told_when_the_teller_cannot_see_them(
        qtbot: Any, make_app: Any) -> None:
    app, api = calling(qtbot, make_app)
    api.show(CallView(phase=CallPhase.IN_CALL, teller_name="Wang Fang"))
    shown(qtbot, app, "callScreen_in_call")
    assert find(app, "cameraProblem") is None or not find(app, "cameraProblem").isVisible()
    for problem, words in [("camera_dark", "画面太暗，柜员看不清您。请站到光亮处。"),
                           ("camera_frozen", "摄像头画面停住了"),
                           ("camera_unplugged", "摄像头无法使用")]:
        api.show(replace(api.view, camera_problem=problem))
        qtbot.waitUntil(lambda w=words: any(w in t for t in texts(app)))
    # An action's notice means the customer's words, not the action's name.
    api.show(replace(api.view, camera_problem="", notice="print"))
    qtbot.waitUntil(lambda: any("柜员正在为您打印文件" in t for t in texts(app)))
    assert "print" not in texts(app)


def test_booking_a_callback(qtbot: Any, make_app: Any) -> None:
    app, api = calling(qtbot, make_app, wall_clock=lambda: datetime(2026, 11, 23, 9, 30))
    api.show(CallView(phase=CallPhase.NO_TELLER, no_teller=NoTellerReason.TIMEOUT,
                      callback_slots=SLOTS))
    shown(qtbot, app, "slot_3")
    tap(qtbot, app, "callbackNext")  # nothing chosen yet: nothing happens
    assert find(app, "phoneKey_1") is None
    tap(qtbot, app, "slot_3")
    tap(qtbot, app, "callbackNext")
    shown(qtbot, app, "phoneKey_1")
    assert "我们会在明天 09:30 给您打电话。" in texts(app)
    for key in "1380013800":
        tap(qtbot, app, f"phoneKey_{key}")
    tap(qtbot, app, "bookCallback")  # ten digits: not a mobile number yet
    assert "book_callback" not in names(api)
    for key in ("9", "del", "0"):
        tap(qtbot, app, f"phoneKey_{key}")
    assert "138 0013 8000" in texts(app)
    tap(qtbot, app, "bookCallback")
    shown(qtbot, app, "callScreen_callback_booked")
    assert api.calls[-1] == ("book_callback", {"slot": SLOTS[3], "phone": "13800138000"})
    assert "09:30" in texts(app) and "明天" in texts(app)
    tap(qtbot, app, "bookedDone")
    qtbot.waitUntil(lambda: find(app, "callTellerOverlay") is None)
    assert names(api)[-1] == "dismiss"


def test_a_slot_not_offered_is_not_booked(qtbot: Any, make_app: Any) -> None:
    app, api = calling(qtbot, make_app)
    api.show(CallView(phase=CallPhase.NO_TELLER, callback_slots=SLOTS[:1]))
    shown(qtbot, app, "callScreen_no_teller")
    app.shell.teller.bookCallback("2030-01-01T03:00", "13800138000")
    assert "book_callback" not in names(api)


@pytest.mark.parametrize(("phase", "call"), [(CallPhase.WAITING, "end"),
                                             (CallPhase.IN_CALL, "end"),
                                             (CallPhase.TELLER_ENDED, "dismiss"),
                                             (CallPhase.UNAVAILABLE, "dismiss")])
def test_back_to_self_service_from_each_screen(qtbot: Any, make_app: Any, phase: CallPhase,
                                               call: str) -> None:
    app, api = calling(qtbot, make_app)
    api.show(CallView(phase=phase))
    shown(qtbot, app, SCREEN_OF[phase])
    button = {CallPhase.WAITING: "stopWaiting", CallPhase.IN_CALL: "endCallButton",
              CallPhase.TELLER_ENDED: "endedBack", CallPhase.UNAVAILABLE: "unavailableBack"}
    tap(qtbot, app, button[phase])
    qtbot.waitUntil(lambda: find(app, "callTellerOverlay") is None)
    assert names(api)[-1] == call


def test_the_session_ending_ends_the_call(qtbot: Any, make_app: Any,
                                          kiosk_config: Any) -> None:
    """With a teller (or waiting for one) the kiosk does not clear the screen; on a closing
    screen nobody answering "Need more time?" ends the session, and the call with it."""
    cfg = make_config(kiosk_config, inactivity_s=0.6, more_time_prompt_s=0.6)
    app, api = calling(qtbot, make_app, config=cfg)
    api.show(CallView(phase=CallPhase.IN_CALL))
    shown(qtbot, app, "callScreen_in_call")
    qtbot.wait(1800)  # three times the inactivity limit
    assert app.shell.overlay == "call-teller" and app.shell.screen == "attract"
    api.show(CallView(phase=CallPhase.TELLER_ENDED))
    qtbot.waitUntil(lambda: find(app, "timeoutPrompt") is not None, timeout=3000)
    qtbot.waitUntil(lambda: app.shell.overlay == "", timeout=3000)
    assert names(api)[-1] == "dismiss"


# -- threads --------------------------------------------------------------------------------


def test_views_from_another_thread_arrive_on_the_gui_thread(qtbot: Any, make_app: Any) -> None:
    app, api = calling(qtbot, make_app)
    desk = app.shell.teller
    seen: list[tuple[threading.Thread, str]] = []
    desk.changed.connect(lambda: seen.append((threading.current_thread(), desk.phase)))
    worker = threading.Thread(target=api.show, name="core-loop",
                              args=(CallView(phase=CallPhase.WAITING, position=4),))
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: desk.position == 4)
    assert seen and all(t is threading.main_thread() for t, _ in seen)
    assert find(app, "callScreen_waiting") is not None


def test_a_former_calls_views_are_ignored(qtbot: Any, make_app: Any) -> None:
    app, old = calling(qtbot, make_app)
    desk = app.shell.teller
    new = ScriptedCall(CallView(phase=CallPhase.WAITING, position=1))
    old.show(CallView(phase=CallPhase.IN_CALL))  # queued, not yet delivered...
    desk.attach_call(new)  # ...when another call is attached
    qtbot.wait(50)
    assert desk.phase == "waiting" and desk.position == 1
    old.show(CallView(phase=CallPhase.TELLER_ENDED))  # unsubscribed: nothing comes
    qtbot.wait(50)
    assert desk.phase == "waiting"


def test_a_failing_request_sends_the_customer_to_the_counter(qtbot: Any,
                                                             make_app: Any) -> None:
    class Broken(ScriptedCall):
        def request(self, **_: Any) -> None:
            raise ConnectionError("hub settings unreadable")

    app = make_app(start_runtime=False)
    api = Broken()
    app.shell.teller.attach_call(api)
    tap(qtbot, app, "callTellerButton")
    shown(qtbot, app, "callScreen_unavailable")
    tap(qtbot, app, "unavailableBack")
    qtbot.waitUntil(lambda: find(app, "callTellerOverlay") is None)  # dismissed, and closed


def test_close_stops_listening(qtbot: Any, make_app: Any) -> None:
    app, api = calling(qtbot, make_app)
    app.shell.teller.close()
    assert api._listeners == []


# -- video ----------------------------------------------------------------------------------


class CountingSource:
    def __init__(self, colour: tuple[int, int, int]) -> None:
        self.frame = np.zeros((120, 160, 3), np.uint8)
        self.frame[...] = colour
        self.seq = 1
        self.polls = 0

    def latest(self) -> tuple[int, Any] | None:
        self.polls += 1
        return self.seq, self.frame


def _pixel(window: QQuickWindow, item: QQuickItem) -> QColor:
    """The colour on the glass at the middle of ``item`` (scene = window coordinates)."""
    centre = item.mapToScene(QPointF(item.width() / 2, item.height() / 2))
    return window.grabWindow().pixelColor(int(centre.x()), int(centre.y()))


def test_video_shows_frames_and_polls_only_while_visible(qtbot: Any, make_app: Any) -> None:
    app, api = calling(qtbot, make_app)
    api.remote_video = source = CountingSource((200, 30, 30))
    app.shell.teller.attach_call(api)
    api.show(CallView(phase=CallPhase.IN_CALL))
    shown(qtbot, app, "remoteVideo")
    remote = find(app, "remoteVideo")
    assert isinstance(remote, VideoView) and remote.active
    qtbot.waitUntil(lambda: remote.framesShown == 1)
    qtbot.wait(150)
    assert source.polls > 2 and remote.framesShown == 1  # same seq: not taken again
    colour = _pixel(app.window, remote)
    assert (colour.red(), colour.green(), colour.blue()) == (200, 30, 30)
    # A new frame is shown.
    source.frame = np.full((120, 160, 3), (20, 40, 220), np.uint8)
    source.seq = 2
    qtbot.waitUntil(lambda: remote.framesShown == 2)
    qtbot.waitUntil(lambda: _pixel(app.window, remote).blue() == 220)
    # Hidden: no more polling.
    remote.setVisible(False)
    assert not remote.active
    before = source.polls
    qtbot.wait(200)
    assert source.polls == before
    remote.setVisible(True)
    qtbot.waitUntil(lambda: source.polls > before)
    # The call screen goes away: the item with it (nothing polls the call any more).
    api.show(CallView(phase=CallPhase.WAITING))
    qtbot.waitUntil(lambda: find(app, "remoteVideo") is None)
    before = source.polls
    qtbot.wait(200)
    assert source.polls == before


def test_self_view_is_mirrored_and_placeholder_until_first_frame(qtbot: Any,
                                                                 make_app: Any) -> None:
    app, api = calling(qtbot, make_app)
    api.teller_video.frame = None  # no teller picture yet
    api.show(CallView(phase=CallPhase.IN_CALL))
    shown(qtbot, app, "localVideo")
    local, remote = find(app, "localVideo"), find(app, "remoteVideo")
    assert local is not None and remote is not None
    assert local.property("mirror") is True and remote.property("mirror") is False
    qtbot.waitUntil(lambda: local.property("hasFrame"))
    assert not remote.property("hasFrame")
    assert "柜员的画面马上就到…" in texts(app)
    api.teller_video.next(api.customer_video.frame)
    qtbot.waitUntil(lambda: remote.property("hasFrame"))
    qtbot.waitUntil(lambda: "柜员的画面马上就到…" not in texts(app))


def test_frame_image_wraps_the_array_without_copying() -> None:
    rgb = np.zeros((4, 6, 3), np.uint8)
    made = frame_image(rgb)
    assert made is not None
    image, arr = made
    assert arr is rgb and (image.width(), image.height()) == (6, 4)
    rgb[1, 2] = (9, 8, 7)
    pixel = image.pixelColor(2, 1)
    assert (pixel.red(), pixel.green(), pixel.blue()) == (9, 8, 7)
    strided = np.zeros((4, 12, 3), np.uint8)[:, ::2]
    made = frame_image(strided)
    assert made is not None and made[1].flags.c_contiguous
    assert frame_image(np.zeros((4, 6), np.uint8)) is None
    assert frame_image(np.zeros((4, 6, 3), np.float32)) is None
    assert frame_image(np.zeros((0, 6, 3), np.uint8)) is None


def test_a_broken_source_does_not_break_the_view(qtbot: Any) -> None:
    class Broken:
        def latest(self) -> Any:
            raise OSError("decoder gone")

    view = VideoView()
    view.setProperty("feed", FrameFeed(Broken()))
    view.poll()  # logged, nothing raised
    assert not view.property("hasFrame")
    with pytest.raises(TypeError):
        view._set_feed(object())  # type: ignore[arg-type]


def test_video_is_not_polled_without_a_window(qtbot: Any) -> None:
    source = CountingSource((1, 2, 3))
    view = VideoView()
    view.setProperty("feed", FrameFeed(source))
    qtbot.wait(100)
    assert not view.property("active") and source.polls == 0


# -- no call attached -----------------------------------------------------------------------


def test_without_a_call_the_counter_is_suggested(qtbot: Any, make_app: Any) -> None:
    app = make_app(start_runtime=False)
    desk = app.shell.teller
    assert not desk.linked and desk.screen == "not_connected"
    tap(qtbot, app, "callTellerButton")
    shown(qtbot, app, "tellerNotLinked")
    assert desk.state == "requesting"
    # Attaching and detaching a call brings the honest note back.
    api = ScriptedCall()
    desk.attach_call(api)
    qtbot.waitUntil(lambda: find(app, "tellerNotLinked") is None)
    desk.attach_call(None)
    shown(qtbot, app, "tellerNotLinked")
    tap(qtbot, app, "cancelTellerButton")
    qtbot.waitUntil(lambda: find(app, "callTellerOverlay") is None)
    assert api.calls == []  # a detached call is never asked anything


# -- look -----------------------------------------------------------------------------------


def test_call_screens_have_big_targets_and_nothing_outside_the_screen(qtbot: Any,
                                                                      make_app: Any) -> None:
    app = make_app(start_runtime=False)
    checked = 0
    for shot in TELLER_SHOTS:
        show_shot(app, shot, "en_US")
        qtbot.wait(30)
        for item in items(app):
            if item.metaObject().className() == "QQuickMouseArea" and _active(item):
                checked += 1
                assert min(item.width(), item.height()) >= 120, (shot.name, _owner(item))
            if item.metaObject().className().startswith("QQuickText") and _active(item) \
                    and item.property("text"):
                # Nothing cut off: every text lies on the 1080×1920 stage.
                top = item.mapToScene(QPointF(0, 0))
                bottom = item.mapToScene(QPointF(item.width(), item.height()))
                stage = app.window.contentItem().childItems()[0]
                lo, hi = stage.mapToScene(QPointF(0, 0)), stage.mapToScene(QPointF(1080, 1920))
                where = (shot.name, item.property("text"))
                assert lo.x() - 1 <= top.x() and bottom.x() <= hi.x() + 1, where
                assert lo.y() - 1 <= top.y() and bottom.y() <= hi.y() + 1, where
    assert checked >= 3 * len(TELLER_SHOTS)


# -- a document to sign ---------------------------------------------------------------------


def signing(qtbot: Any, make_app: Any, document: dict[str, Any] | None = None
            ) -> tuple[Any, ScriptedCall, dict[str, Any]]:
    """In a call, the teller has just pushed ``document`` (a real one by default)."""
    app, api = calling(qtbot, make_app)
    doc = document or pushed_document("zh_CN")
    api.show(CallView(phase=CallPhase.IN_CALL, teller_name="Wang Fang", document=doc))
    shown(qtbot, app, "callScreen_document")
    return app, api, doc


def drag(qtbot: Any, app: Any, pad: Any, points: list[tuple[float, float]]) -> None:
    """One stroke with a finger (the mouse): press, move through ``points`` (fractions of
    the pad), release."""
    w, h = pad.width(), pad.height()
    to = [pad.mapToScene(QPointF(x * w, y * h)).toPoint() for x, y in points]
    QTest.mousePress(app.window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     to[0])
    for p in to[1:]:
        QTest.mouseMove(app.window, p)
        qtbot.wait(5)
    QTest.mouseRelease(app.window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       to[-1])
    qtbot.wait(30)


SQUIGGLE = [(0.15 + 0.7 * i / 30, 0.5 + 0.3 * (-1) ** i) for i in range(31)]


def test_document_helpers_follow_the_card_flow() -> None:
    from customer_flows import card_session

    assert MIN_INK == card_session.MIN_INK
    strokes = [[[0.0, 0.0, 0.0], [30.0, 40.0, 12.0], [30.0, 100.0, 20.0]], [[5.0, 5.0, 30.0]]]
    assert ink(strokes) == card_session.ink(strokes) == 110.0
    assert group_hash("0123456789abcdef" * 4) == " ".join(["01234567", "89abcdef"] * 4)
    assert clean_strokes([[[1.26, 2.0, 3.4], (4, 5, 6, 99)], []]) == [
        [[1.3, 2.0, 3.0], [4.0, 5.0, 6.0]]]
    for bad in ("x", [["x"]], [[[1, 2]]], [[[1, 2, float("nan")]]], [[["a", 2, 3]]]):
        with pytest.raises((TypeError, ValueError)):
            clean_strokes(bad)


def test_document_screen_shows_title_text_and_grouped_hash(qtbot: Any, make_app: Any) -> None:
    app, api, doc = signing(qtbot, make_app)
    desk = app.shell.teller
    assert desk.screen == "document" and desk.hasDocument and desk.documentVerified
    title = find(app, "documentTitle")
    assert title is not None and title.property("text") == "联系地址变更确认书"
    body = find(app, "documentText")
    assert body is not None and body.property("text") == doc["text"]
    assert body.property("text").startswith("# 联系地址变更确认书\n")
    groups = [find(app, f"hashGroup_{i}") for i in range(8)]
    assert all(g is not None for g in groups) and find(app, "hashGroup_8") is None
    shown_code = [g.property("text") for g in groups if g is not None]
    assert all(len(g) == 8 for g in shown_code) and "".join(shown_code) == doc["sha256"]
    assert desk.documentHash == " ".join(shown_code)
    assert "文件核对码（柜员的屏幕上显示同样的号码）：" in texts(app)
    # The call goes on: the teller stays on screen, small.
    video = find(app, "documentTellerVideo")
    assert isinstance(video, VideoView) and video.active
    qtbot.waitUntil(lambda: video.property("hasFrame"))
    assert video.width() < 400
    assert names(api) == ["request"]


def test_confirm_is_disabled_without_enough_ink(qtbot: Any, make_app: Any) -> None:
    app, api, _ = signing(qtbot, make_app)
    sign = find(app, "documentSign")
    assert sign is not None and not sign.property("enabled")
    tap(qtbot, app, "documentSign")
    pad = find(app, "documentPad")
    drag(qtbot, app, pad, [(0.5, 0.5), (0.55, 0.5)])  # a short tick: not a signature
    assert 0 < pad.property("ink") < MIN_INK
    assert not sign.property("enabled")
    tap(qtbot, app, "documentSign")
    # Even asked directly, too little ink is refused.
    assert not app.shell.teller.signDocument(pad.property("strokes").toVariant(), pad.width(),
                                             pad.height())
    assert "document_signed" not in names(api)


def test_a_signature_on_the_pad_goes_to_the_call(qtbot: Any, make_app: Any) -> None:
    app, api, _ = signing(qtbot, make_app)
    pad = find(app, "documentPad")
    assert pad is not None
    drag(qtbot, app, pad, [(0.5, 0.5), (0.55, 0.5)])
    tap(qtbot, app, "documentClear")  # start again
    assert pad.property("strokes").toVariant() == [] and pad.property("ink") == 0
    drag(qtbot, app, pad, SQUIGGLE)
    drag(qtbot, app, pad, [(0.3, 0.8), (0.7, 0.8)])  # and a line under it
    qtbot.waitUntil(lambda: find(app, "documentSign").property("enabled"))
    tap(qtbot, app, "documentSign")
    qtbot.waitUntil(lambda: "document_signed" in names(api))
    (_, args), = [c for c in api.calls if c[0] == "document_signed"]
    evidence = args["evidence"]
    assert set(evidence) == {"strokes", "pad", "doc_id", "sha256"}
    assert evidence["pad"] == [pad.width(), pad.height()]
    strokes = evidence["strokes"]
    assert len(strokes) == 2 and len(strokes[0]) >= 20
    assert all(isinstance(p, list) and len(p) == 3 for s in strokes for p in s)
    assert all(0 <= x <= pad.width() and 0 <= y <= pad.height() for s in strokes
               for x, y, _ in s)
    times = [t for s in strokes for _, _, t in s]
    assert times[0] == 0 and times == sorted(times) and times[-1] > 0  # ms since first touch
    assert ink(strokes) >= MIN_INK
    # The call takes the document away: back to the call screen.
    shown(qtbot, app, "callScreen_in_call")
    assert find(app, "callScreen_document") is None and app.shell.teller.screen == "in_call"


def test_declining_tells_the_call(qtbot: Any, make_app: Any) -> None:
    app, api, _ = signing(qtbot, make_app, pushed_document("en_US"))
    assert "我不想签名" in texts(app)  # the screen's language; the document's own is English
    tap(qtbot, app, "documentDecline")
    qtbot.waitUntil(lambda: "document_signed" in names(api))
    assert api.calls[-1][0] == "document_signed"
    assert api.calls[-1][1]["evidence"]["declined"] is True
    shown(qtbot, app, "callScreen_in_call")


def test_one_answer_per_document(qtbot: Any, make_app: Any) -> None:
    class Slow(ScriptedCall):  # the call has not taken the document away yet
        def document_signed(self, evidence: dict[str, Any]) -> None:
            self._did("document_signed", evidence=evidence)

    app = make_app(start_runtime=False)
    api = Slow()
    desk = app.shell.teller
    desk.attach_call(api)
    tap(qtbot, app, "callTellerButton")
    doc = pushed_document("zh_CN")
    api.show(CallView(phase=CallPhase.IN_CALL, document=doc))
    shown(qtbot, app, "callScreen_document")
    tap(qtbot, app, "documentDecline")
    shown(qtbot, app, "documentSent")  # "your answer is on its way", no buttons
    assert find(app, "documentDecline") is None and find(app, "documentSign") is None
    desk.declineDocument()
    assert not desk.signDocument([[[0, 0, 0], [400, 0, 10]]], 952, 404)
    assert names(api).count("document_signed") == 1
    # The same document published again is still answered; a new one can be answered.
    api.show(replace(api.view, muted=True))
    qtbot.wait(50)
    assert desk.documentAnswered
    api.show(replace(api.view, document=pushed_document("zh_CN", title="第二份")))
    qtbot.waitUntil(lambda: desk.documentTitle == "第二份")
    assert not desk.documentAnswered
    assert desk.signDocument([[[0, 0, 0], [400, 0, 10]]], 952, 404)
    assert names(api).count("document_signed") == 2


def test_document_withdrawn_returns_to_the_call(qtbot: Any, make_app: Any) -> None:
    app, api, _ = signing(qtbot, make_app)
    api.show(replace(api.view, document=None))  # the teller took it back
    shown(qtbot, app, "callScreen_in_call")
    assert find(app, "callScreen_document") is None
    assert not app.shell.teller.hasDocument and app.shell.teller.documentHash == ""
    assert "document_signed" not in names(api)
    # A document while the call is being rebuilt waits for the call to be back.
    api.show(replace(api.view, phase=CallPhase.RECONNECTING, document=pushed_document("zh_CN")))
    shown(qtbot, app, "callScreen_reconnecting")
    app.shell.teller.declineDocument()
    assert "document_signed" not in names(api)
    api.show(replace(api.view, phase=CallPhase.IN_CALL))
    shown(qtbot, app, "callScreen_document")


@pytest.mark.parametrize("broken", [{"sha256": "0" * 64}, {"text": 42}, {"sha256": None}])
def test_a_document_that_does_not_match_its_code_cannot_be_signed(
        qtbot: Any, make_app: Any, broken: dict[str, Any]) -> None:
    app, api, _ = signing(qtbot, make_app, {**pushed_document("zh_CN"), **broken})
    desk = app.shell.teller
    shown(qtbot, app, "documentUnverified")
    assert not desk.documentVerified and find(app, "documentPad") is None
    assert find(app, "documentCode") is None and find(app, "documentSign") is None
    assert not desk.signDocument([[[0, 0, 0], [400, 0, 10]]], 952, 404)
    assert "document_signed" not in names(api)
    tap(qtbot, app, "documentDecline")  # saying no is always possible
    qtbot.waitUntil(lambda: api.calls[-1][0] == "document_signed"
                    and api.calls[-1][1]["evidence"].get("declined") is True)
