"""The peer connection's configuration: ICE servers, local addresses, codec order."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import aioice.ice
import pytest

from video_teller.kiosk import peer
from video_teller.protocol import IceServer
from video_teller.teller_peer import TellerPeer

from .conftest import Kiosk, until
from .test_call import _connect


def test_ice_servers_are_ours_and_the_hubs_never_googles() -> None:
    pc = peer.new_peer_connection([], [])
    try:
        assert pc._RTCPeerConnection__configuration.iceServers == []  # type: ignore[attr-defined]
    finally:
        asyncio.run(pc.close())
    servers = peer.ice_servers(["stun:10.0.0.1:3478"], [IceServer(
        urls=["turn:10.0.0.2:3478"], username="1700000000:K1", credential="c2VjcmV0")])
    assert [(s.urls, s.username, s.credential) for s in servers] == [
        ("stun:10.0.0.1:3478", None, None),
        (["turn:10.0.0.2:3478"], "1700000000:K1", "c2VjcmV0")]
    assert not any("google" in str(s.urls) for s in servers)


def test_ice_addresses_include_loopback_and_are_scoped() -> None:
    peer.install_address_filter()
    everything = aioice.ice.get_host_addresses(use_ipv4=True, use_ipv6=True)
    assert "127.0.0.1" not in everything  # aioice's own rule outside the block
    with peer.ice_addresses(["127.0.0.1", "::1"]):
        assert aioice.ice.get_host_addresses(use_ipv4=True, use_ipv6=False) == ["127.0.0.1"]
        assert aioice.ice.get_host_addresses(use_ipv4=True, use_ipv6=True) == [
            "127.0.0.1", "::1"]
    with peer.ice_addresses([]):  # empty: aioice decides
        assert aioice.ice.get_host_addresses(use_ipv4=True, use_ipv6=True) == everything


async def test_host_candidates_are_only_the_configured_addresses() -> None:
    pc = peer.new_peer_connection([])
    try:
        pc.createDataChannel("x")
        with peer.ice_addresses(["127.0.0.1"]):
            await pc.setLocalDescription(await pc.createOffer())
        cands = [line for line in pc.localDescription.sdp.splitlines()
                 if line.startswith("a=candidate:")]
        assert cands and all(" 127.0.0.1 " in c for c in cands)
    finally:
        await pc.close()


def _first_video_codec(sdp: str) -> str:
    lines = sdp.splitlines()
    m = next(x for x in lines if x.startswith("m=video"))
    pt = m.split()[3]
    rtpmap = next(x for x in lines if x.startswith(f"a=rtpmap:{pt} "))
    return rtpmap.split()[1].split("/")[0]


@pytest.mark.slow
@pytest.mark.parametrize("codec", ["VP8", "H264"])
async def test_configured_codec_is_negotiated(
        codec: str, make_kiosk: Callable[..., Kiosk],
        make_teller: Callable[..., Awaitable[TellerPeer]]) -> None:
    kiosk = make_kiosk(video_codec=codec)
    teller = await make_teller()
    await _connect(kiosk, teller)
    leg = kiosk.call._leg
    assert leg is not None
    assert _first_video_codec(leg.pc.remoteDescription.sdp) == codec
    await until(lambda: teller.video_frames > 3, 10, f"{codec} frames")


@pytest.mark.slow
async def test_video_is_sent_at_the_configured_size_and_rate(
        make_kiosk: Callable[..., Kiosk],
        make_teller: Callable[..., Awaitable[TellerPeer]]) -> None:
    kiosk = make_kiosk(video_width=320, video_height=240, video_fps=10)
    teller = await make_teller()
    await _connect(kiosk, teller)
    await until(lambda: teller.video_frames > 3, 5)
    assert teller.video_size == (320, 240)  # the camera gives 640x480
    n0, t0 = teller.video_frames, asyncio.get_running_loop().time()
    await asyncio.sleep(2.0)
    rate = (teller.video_frames - n0) / (asyncio.get_running_loop().time() - t0)
    assert 7 <= rate <= 11, rate
