"""Nothing outlives a call: threads, asyncio tasks, camera subscriptions, tracks."""

from __future__ import annotations

import asyncio
import gc
import threading
from collections.abc import Awaitable, Callable

import pytest
from aiortc import RTCPeerConnection

from devices.camera.driver import Camera
from video_teller.api import CallPhase
from video_teller.teller_peer import TellerPeer

from .conftest import Kiosk, until
from .test_call import _connect


def _threads() -> set[str]:
    # The loop's default executor (aiortc encodes there; so do asyncio.to_thread calls) is
    # a pool that lives with the loop, not with a call.
    return {t.name for t in threading.enumerate() if not t.name.startswith("asyncio_")}


@pytest.mark.slow
async def test_nothing_left_after_a_recorded_call(
        make_kiosk: Callable[..., Kiosk], make_teller: Callable[..., Awaitable[TellerPeer]],
        camera: Camera) -> None:
    teller = await make_teller()
    await asyncio.sleep(0.2)
    threads_before = _threads()
    tasks_before = {t for t in asyncio.all_tasks() if t is not asyncio.current_task()}
    kiosk = make_kiosk(record=True)
    await _connect(kiosk, teller)
    await until(lambda: kiosk.call.remote_video.seq > 5 and teller.video_frames > 5, 10)
    assert camera._listeners._items  # the call's mailbox
    assert any(t.name.startswith("teller-recorder") for t in threading.enumerate())
    track = kiosk.call._camera_track
    pcs = [kiosk.call._leg.pc] if kiosk.call._leg else []
    await teller.end()
    await until(lambda: kiosk.call.view.phase == CallPhase.TELLER_ENDED, 5)
    await until(lambda: kiosk.records("teller.recording"), 10, "recording closed")

    async def leftovers() -> set[asyncio.Task[object]]:
        now = {t for t in asyncio.all_tasks() if t is not asyncio.current_task()}
        return {t for t in now - tasks_before if not t.done()} - teller._tasks

    for _ in range(50):
        if not await leftovers():
            break
        await asyncio.sleep(0.05)
    assert not await leftovers(), await leftovers()
    assert _threads() == threads_before
    assert camera._listeners._items == []  # the camera subscription given back
    assert track is not None and track.readyState == "ended" and not track.subscribed
    assert all(pc.connectionState == "closed" for pc in pcs)
    assert kiosk.call.remote_video.latest() is None
    gc.collect()
    live = [o for o in gc.get_objects() if isinstance(o, RTCPeerConnection)
            and o.connectionState != "closed"]
    assert not live  # the teller hung up too


async def test_nothing_left_when_the_customer_gives_up_waiting(
        make_kiosk: Callable[..., Kiosk], make_teller: Callable[..., Awaitable[TellerPeer]],
        camera: Camera) -> None:
    await make_teller(available=False)
    tasks_before = {t for t in asyncio.all_tasks() if t is not asyncio.current_task()}
    kiosk = make_kiosk(consent_required=False)
    kiosk.call.request(language="en_US", screen="menu")
    await until(lambda: kiosk.call.view.position == 1, 5)
    kiosk.call.end()
    await until(lambda: kiosk.call.view.phase == CallPhase.IDLE, 5)
    for _ in range(40):
        left = {t for t in asyncio.all_tasks() - tasks_before
                if t is not asyncio.current_task() and not t.done()}
        if not left:
            break
        await asyncio.sleep(0.05)
    assert not left, left
    assert camera._listeners._items == []
    assert kiosk.records("teller.end")[0]["phase"] == "waiting"
