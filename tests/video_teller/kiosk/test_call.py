"""A kiosk's call through a real hub to a Python aiortc teller, on 127.0.0.1."""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from devices.camera.driver import Camera
from video_teller.api import CallPhase
from video_teller.channel import ActionName
from video_teller.protocol import EndReason
from video_teller.teller_peer import TellerPeer

from .conftest import Kiosk, until


async def _connect(kiosk: Kiosk, teller: TellerPeer) -> None:
    kiosk.call.request(language="en_US", screen="menu")
    await until(lambda: kiosk.call.view.phase == CallPhase.CONSENT, what="consent")
    kiosk.call.consent(True)
    await until(lambda: kiosk.call.view.phase == CallPhase.WAITING
                and kiosk.call.view.position == 1, what="queued")
    await teller.answer()
    await until(lambda: kiosk.call.view.phase == CallPhase.IN_CALL, 15, "in call")


@pytest.mark.slow
async def test_loopback_call_counts_frames_both_ways(
        make_kiosk: Callable[..., Kiosk],
        make_teller: Callable[..., Awaitable[TellerPeer]]) -> None:
    kiosk = make_kiosk()
    teller = await make_teller()
    await _connect(kiosk, teller)
    await until(lambda: teller.video_frames >= 10 and teller.audio_frames >= 20, 10, "kiosk media")
    await until(lambda: kiosk.call.remote_video.seq >= 10, 10, "teller video at the kiosk")
    _seq, image = kiosk.call.remote_video.latest() or (0, None)
    assert image is not None and image.shape == (480, 640, 3)
    own = kiosk.call.local_video.latest()
    assert own is not None and own[1].shape == (480, 640, 3)
    await teller.end()
    await until(lambda: kiosk.call.view.phase == CallPhase.TELLER_ENDED, 5, "teller ended")
    assert kiosk.phases[:5] == [CallPhase.CONSENT, CallPhase.WAITING, CallPhase.CONNECTING,
                                CallPhase.IN_CALL, CallPhase.TELLER_ENDED]
    assert kiosk.call.local_video.latest() is None  # camera no longer live


@pytest.mark.slow
async def test_actions_round_trip_journalled_and_refused_with_reason(
        make_kiosk: Callable[..., Kiosk],
        make_teller: Callable[..., Awaitable[TellerPeer]]) -> None:
    kiosk = make_kiosk()
    teller = await make_teller("T-7")
    await _connect(kiosk, teller)
    await until(lambda: teller.contexts, 5, "context on connect")
    assert teller.contexts[0].state == "menu" and "print" in teller.contexts[0].allowed

    result = await teller.action(ActionName.PRINT, {"kind": "receipt", "title": "Receipt",
                                                    "text": "x" * 500})
    assert result.ok and result.data == {"pages": 1}
    assert kiosk.actions.done == [("print", {"kind": "receipt", "title": "Receipt",
                                             "text": "x" * 500}, "T-7")]
    await until(lambda: kiosk.call.view.notice == "print", 2)  # the screen words it

    assert (await teller.action(ActionName.HANDBACK, {"step": "sign"})).ok
    await until(lambda: kiosk.call.view.notice == "Back to signing the terms.", 2)

    refused = await teller.action(ActionName.IDENTITY_APPROVE)
    assert not refused.ok and refused.reason == "not_allowed_now"
    assert "No identity check" in refused.message

    # The flow moves on: the teller hears of it without asking.
    kiosk.actions.state = "identity_borderline"
    await until(lambda: teller.contexts[-1].state == "identity_borderline", 3, "context change")
    assert (await teller.action(ActionName.IDENTITY_APPROVE)).ok

    # An ID capture that fits goes to the teller; one too big for the channel is left out.
    kiosk.actions.id_image = "data:image/jpeg;base64," + "A" * 1000
    await until(lambda: teller.contexts[-1].id_image == kiosk.actions.id_image, 3)
    kiosk.actions.id_image = "data:image/jpeg;base64," + "A" * 70_000
    kiosk.actions.state = "identity_approved_big"
    await until(lambda: teller.contexts[-1].state == "identity_approved_big", 3)
    assert teller.contexts[-1].id_image is None
    kiosk.actions.state, kiosk.actions.id_image = "identity_approved", None

    teller.send_raw('{"type": "action", "id": "z9", "name": "cash.dispense", "args": {}}')
    await until(lambda: len(kiosk.records("teller.action")) == 5, 3)
    actions = kiosk.records("teller.action")
    assert [(a["action"], a["ok"], a["teller_id"]) for a in actions] == [
        ("print", True, "T-7"), ("handback", True, "T-7"), ("identity.approve", False, "T-7"),
        ("identity.approve", True, "T-7"), ("cash.dispense", False, "T-7")]
    assert actions[0]["args"]["text"].endswith("…") and len(actions[0]["args"]["text"]) < 200
    assert actions[4]["reason"] == "unknown"

    await teller.action(ActionName.DOCUMENT_SIGN, {"title": "Terms", "text": "I agree",
                                                   "language": "en_US"})
    await until(lambda: kiosk.call.view.document is not None, 2)
    kiosk.call.document_signed({"strokes": [[[0, 0, 0], [500, 0, 40]]], "pad": [1000, 700]})
    await until(lambda: teller.events, 3, "document.signed event")
    assert teller.events[0].name == "document.signed"
    assert teller.events[0].data["document_sha256"] == "ab" * 32
    assert "strokes" not in teller.events[0].data  # the signature stays on the kiosk
    assert kiosk.actions.done[-1][0] == "document.complete"
    assert kiosk.call.view.document is None


@pytest.mark.slow
async def test_mute_sends_silence_and_end_by_customer(
        make_kiosk: Callable[..., Kiosk],
        make_teller: Callable[..., Awaitable[TellerPeer]]) -> None:
    kiosk = make_kiosk(consent_required=False)
    teller = await make_teller()
    kiosk.call.request(language="en_US", screen="menu")
    await until(lambda: kiosk.call.view.position == 1, what="queued without consent")
    await teller.answer()
    await until(lambda: kiosk.call.view.phase == CallPhase.IN_CALL, 15, "in call")
    await until(lambda: teller.audio_peak > 500, 5, "the tone heard")
    kiosk.call.set_muted(True)
    await until(lambda: kiosk.call.view.muted and teller.audio_peak < 50, 5, "silence")
    kiosk.call.set_muted(False)
    await until(lambda: teller.audio_peak > 500, 5, "the tone again")
    kiosk.call.end()
    await until(lambda: kiosk.call.view.phase == CallPhase.IDLE, 5)
    await until(lambda: teller.ended, 5, "the teller told")
    assert teller.ended[0].reason == EndReason.CUSTOMER


async def test_missing_audio_devices_do_not_stop_the_call(
        make_kiosk: Callable[..., Kiosk],
        make_teller: Callable[..., Awaitable[TellerPeer]]) -> None:
    kiosk = make_kiosk(audio_in="alsa://no-such-mic", audio_out="alsa://no-such-speaker",
                       consent_required=False)
    teller = await make_teller()
    kiosk.call.request(language="en_US", screen="menu")
    await until(lambda: kiosk.call.view.position == 1, 5)
    await teller.answer()
    await until(lambda: kiosk.call.view.phase == CallPhase.IN_CALL, 15)
    await until(lambda: teller.audio_frames > 10 and teller.video_frames > 3, 5)
    assert teller.audio_peak == 0  # silence instead of a microphone
    assert kiosk.records("teller.microphone.failed")[0]["url"] == "alsa://no-such-mic"
    kiosk.call.end()
    await until(lambda: kiosk.call.view.phase == CallPhase.IDLE, 5)
    assert not any(t.name == "teller-audio-out" for t in threading.enumerate())


@pytest.mark.slow
async def test_an_action_whose_args_the_journal_refuses_is_still_journalled(
        make_kiosk: Callable[..., Kiosk],
        make_teller: Callable[..., Awaitable[TellerPeer]]) -> None:
    kiosk = make_kiosk()
    teller = await make_teller()
    await _connect(kiosk, teller)
    result = await teller.action(ActionName.PRINT, {"kind": "document", "image": "data:…"})
    assert result.ok
    entry = kiosk.records("teller.action")[0]
    assert entry["action"] == "print" and entry["ok"] and "args" not in entry
    assert "image" in entry["refused"]


@pytest.mark.slow
async def test_a_second_call_after_the_first(
        make_kiosk: Callable[..., Kiosk],
        make_teller: Callable[..., Awaitable[TellerPeer]]) -> None:
    kiosk = make_kiosk()
    teller = await make_teller()
    for n in (1, 2):
        await _connect(kiosk, teller)
        await until(lambda: kiosk.call.remote_video.first_frame_at is not None, 5)
        assert teller.attempt == 0  # attempts count one call's connections
        await teller.end()
        await until(lambda: kiosk.call.view.phase == CallPhase.TELLER_ENDED, 5)
        kiosk.call.dismiss()
        await until(lambda: kiosk.call.view.phase == CallPhase.IDLE, 5)
        assert len(kiosk.records("teller.connected")) == n
    ids = {r["call_id"] for r in kiosk.records("teller.connected")}
    assert len(ids) == 2


async def test_the_customer_is_told_when_the_camera_fails(make_kiosk: Any,
                                                          camera: Camera) -> None:
    kiosk = make_kiosk()
    assert kiosk.call.view.camera_problem == ""
    camera.inject_fault("dark")
    await until(lambda: kiosk.call.view.camera_problem == "camera_dark", 5, "dark told")
    camera.clear_fault("dark")
    await until(lambda: kiosk.call.view.camera_problem == "", 5, "dark cleared")
    assert [d["problem"] for d in kiosk.records("teller.camera")] == ["camera_dark", "ok"]
