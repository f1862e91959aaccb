"""A network blip: the UDP path dropped at the transport edge (aioice's datagram sends)
for a few seconds; the kiosk notices by its pings, rebuilds and the call goes on."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest
from aioice.ice import StunProtocol

from video_teller.api import CallPhase
from video_teller.teller_peer import TellerPeer

from .conftest import Kiosk, until
from .test_call import _connect


class Outage:
    """While ``down``, every ICE datagram (media, data channel, consent checks) is lost on
    the way out, for both peers: what a pulled cable or a Wi-Fi drop does."""

    def __init__(self) -> None:
        self.down = False
        self.dropped = 0


@pytest.fixture
def outage(monkeypatch: pytest.MonkeyPatch) -> Iterator[Outage]:
    state = Outage()
    send_data, send_stun = StunProtocol.send_data, StunProtocol.send_stun

    async def data(self: StunProtocol, payload: bytes, addr: tuple[str, int]) -> None:
        if state.down:
            state.dropped += 1
            return
        await send_data(self, payload, addr)

    def stun(self: StunProtocol, message: Any, addr: tuple[str, int]) -> None:
        if state.down:
            state.dropped += 1
            return
        send_stun(self, message, addr)

    monkeypatch.setattr(StunProtocol, "send_data", data)
    monkeypatch.setattr(StunProtocol, "send_stun", stun)
    yield state


@pytest.mark.slow
async def test_blip_reconnects_within_seconds(
        make_kiosk: Callable[..., Kiosk], make_teller: Callable[..., Awaitable[TellerPeer]],
        outage: Outage) -> None:
    kiosk = make_kiosk()
    teller = await make_teller()
    await _connect(kiosk, teller)
    await until(lambda: teller.video_frames > 5, 5)

    outage.down = True
    t0 = time.monotonic()
    await until(lambda: kiosk.call.view.phase == CallPhase.RECONNECTING, 6, "blip noticed")
    noticed = time.monotonic() - t0
    await asyncio.sleep(max(0.0, 4.0 - noticed))
    outage.down = False
    t1 = time.monotonic()
    await until(lambda: kiosk.call.view.phase == CallPhase.IN_CALL, 12, "back in call")
    back = time.monotonic() - t1
    assert outage.dropped > 0
    assert noticed < 6.0, noticed  # aiortc alone would say "failed" after ~30 s
    frames = teller.video_frames
    await until(lambda: teller.video_frames > frames + 5, 5, "media flows again")
    blip = kiosk.records("teller.blip")
    back_rec = kiosk.records("teller.reconnected")
    assert blip and back_rec and back_rec[-1]["attempt"] >= 1
    assert teller.offers >= 2 and teller.attempt == back_rec[-1]["attempt"]
    print(f"blip noticed after {noticed:.1f} s; in call {back:.1f} s after the path returned")


@pytest.mark.slow
async def test_gives_up_after_reconnect_s(
        make_kiosk: Callable[..., Kiosk], make_teller: Callable[..., Awaitable[TellerPeer]],
        outage: Outage) -> None:
    kiosk = make_kiosk(reconnect_s=3.0)
    teller = await make_teller()
    await _connect(kiosk, teller)
    outage.down = True  # and it stays down
    await until(lambda: kiosk.call.view.phase == CallPhase.RECONNECTING, 6)
    await until(lambda: kiosk.call.view.phase == CallPhase.UNAVAILABLE, 8, "gave up")
    assert kiosk.records("teller.call.lost")[0]["teller_id"] == "T-1"
    await until(lambda: teller.ended, 3, "the hub told the teller")
    assert kiosk.call._leg is None and kiosk.call._camera_track is None
