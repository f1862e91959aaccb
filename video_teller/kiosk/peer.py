"""Building the kiosk's (and the test teller's) RTCPeerConnection from settings.

- ICE servers: kiosk.toml's list plus those the hub hands out; never aiortc's default
  (Google's public STUN) — an empty list is passed as an empty list.
- Local addresses: aioice looks up ``aioice.ice.get_host_addresses`` when it gathers and
  drops loopback. We install one filter for the process; which addresses it returns is a
  context variable set around ``setLocalDescription`` (gathering runs in that task and its
  children), so two peer connections in one process may use different lists.
- Codec preference: the configured video codec first (VP8 is the light one on a kiosk CPU).
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import aioice.ice
from aiortc import RTCConfiguration, RTCIceServer, RTCPeerConnection, RTCRtpTransceiver
from aiortc.rtcrtpsender import RTCRtpSender

from video_teller.protocol import IceServer

_allowed: contextvars.ContextVar[tuple[str, ...] | None] = contextvars.ContextVar(
    "ice_addresses", default=None)
_original = aioice.ice.get_host_addresses


def _filtered_host_addresses(use_ipv4: bool, use_ipv6: bool) -> list[str]:
    allowed = _allowed.get()
    if allowed is None:
        return _original(use_ipv4=use_ipv4, use_ipv6=use_ipv6)
    return [a for a in allowed if (":" in a and use_ipv6) or (":" not in a and use_ipv4)]


def install_address_filter() -> None:
    """Idempotent: route aioice's host-address lookup through :func:`ice_addresses`."""
    if aioice.ice.get_host_addresses is not _filtered_host_addresses:
        aioice.ice.get_host_addresses = _filtered_host_addresses


@contextmanager
def ice_addresses(addresses: Iterable[str]) -> Iterator[None]:
    """Within this block, ICE gathers host candidates on ``addresses`` only (loopback
    included); an empty list means every address aioice would use by itself."""
    install_address_filter()
    wanted = tuple(addresses)
    token = _allowed.set(wanted or None)
    try:
        yield
    finally:
        _allowed.reset(token)


def ice_servers(configured: Iterable[str], handed: Iterable[IceServer] = ()) -> list[RTCIceServer]:
    out = [RTCIceServer(urls=url) for url in configured]
    out += [RTCIceServer(urls=list(s.urls), username=s.username, credential=s.credential)
            for s in handed]
    return out


def new_peer_connection(configured: Iterable[str],
                        handed: Iterable[IceServer] = ()) -> RTCPeerConnection:
    # An explicit list, even empty: None would make aiortc use stun.l.google.com.
    return RTCPeerConnection(RTCConfiguration(iceServers=ice_servers(configured, handed)))


def prefer_video_codec(transceiver: RTCRtpTransceiver, codec: str) -> None:
    """Put ``codec`` (VP8 / H264) first; the others stay as fallbacks (plus rtx)."""
    caps = RTCRtpSender.getCapabilities("video")
    wanted = f"video/{codec.upper()}"
    first = [c for c in caps.codecs if c.mimeType.upper() == wanted.upper()]
    rest = [c for c in caps.codecs if c not in first]
    transceiver.setCodecPreferences(first + rest)
