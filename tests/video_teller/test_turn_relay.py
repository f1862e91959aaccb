"""Debian's coturn on loopback with the hub's time-limited REST credentials: two aiortc
peers forced onto the relay (``iceTransportPolicy="relay"``) connect and exchange a
data-channel message; the selected pair is a relay candidate. Also: coturn refuses a
credential signed with the wrong secret, and an expired one."""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import socket
import struct
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from ports import free_port

from video_teller.hub import turn

TURNSERVER = "/usr/bin/turnserver"
SECRET = b"test-static-auth-secret"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not (os.access(TURNSERVER, os.X_OK) or shutil.which("turnserver")),
                       reason="coturn is not installed (/usr/bin/turnserver): apt install coturn"),
]


def _stun_answers(port: int) -> bool:
    """A STUN Binding request (RFC 5389 header only): coturn is up when it answers."""
    tid = secrets.token_bytes(12)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(0.2)
        s.sendto(struct.pack("!HHI", 0x0001, 0, 0x2112A442) + tid, ("127.0.0.1", port))
        try:
            data, _ = s.recvfrom(2048)
        except OSError:
            return False
    return data[8:20] == tid


@pytest.fixture
def coturn(tmp_path: Path) -> Iterator[int]:
    port = free_port()
    conf = tmp_path / "turnserver.conf"
    conf.write_text("\n".join([
        "listening-ip=127.0.0.1", "relay-ip=127.0.0.1", f"listening-port={port}",
        "min-port=49152", "max-port=65000",
        "use-auth-secret", f"static-auth-secret={SECRET.decode()}", "realm=smartbranch.test",
        "no-tls", "no-dtls", "no-cli", "fingerprint", "allow-loopback-peers",
        "no-multicast-peers", f"pidfile={tmp_path / 'turnserver.pid'}", "",
    ]))
    log = (tmp_path / "turnserver.log").open("w")
    proc = subprocess.Popen([TURNSERVER, "-c", str(conf), "--log-file=stdout"],
                            stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 10
        while not _stun_answers(port):
            if proc.poll() is not None or time.monotonic() > deadline:
                log.flush()
                text = (tmp_path / "turnserver.log").read_text()[-2000:]
                pytest.fail(f"turnserver did not start:\n{text}")
            time.sleep(0.1)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture
def loopback_ice(monkeypatch: pytest.MonkeyPatch) -> None:
    import aioice.ice

    # aioice never offers loopback host addresses; everything here stays on 127.0.0.1.
    monkeypatch.setattr(aioice.ice, "get_host_addresses", lambda use_ipv4, use_ipv6: ["127.0.0.1"])


async def _relay_call(port: int, secret: bytes, ttl: float, now: float | None = None,
                      timeout: float = 10.0) -> tuple[str, str, str]:
    """Connect two peers over the relay; returns (local type, remote type, echoed text)."""
    from aiortc import RTCConfiguration, RTCIceServer, RTCPeerConnection
    from aiortc.rtcconfiguration import RTCIceTransportPolicy

    def config(user: str) -> RTCConfiguration:
        [server] = turn.ice_servers([f"turn:127.0.0.1:{port}"], secret, user, ttl, now)
        return RTCConfiguration(
            iceServers=[RTCIceServer(urls=server.urls[0], username=server.username,
                                     credential=server.credential)],
            iceTransportPolicy=RTCIceTransportPolicy.RELAY)

    kiosk = RTCPeerConnection(config("kiosk.k1"))
    teller = RTCPeerConnection(config("teller.t1"))
    got: asyncio.Future[str] = asyncio.get_running_loop().create_future()
    try:
        channel = kiosk.createDataChannel("control")

        @teller.on("datachannel")
        def on_channel(ch: object) -> None:
            @ch.on("message")  # type: ignore[attr-defined]
            def on_message(message: str) -> None:
                ch.send(f"echo {message}")  # type: ignore[attr-defined]

        @channel.on("message")
        def on_echo(message: str) -> None:
            if not got.done():
                got.set_result(message)

        opened = asyncio.Event()
        channel.on("open", opened.set)
        await kiosk.setLocalDescription(await kiosk.createOffer())
        await teller.setRemoteDescription(kiosk.localDescription)
        await teller.setLocalDescription(await teller.createAnswer())
        await kiosk.setRemoteDescription(teller.localDescription)
        await asyncio.wait_for(opened.wait(), timeout)
        channel.send("hello over the relay")
        echoed = await asyncio.wait_for(got, timeout)
        ice = kiosk.sctp.transport.transport  # type: ignore[union-attr]
        pair = ice._connection._nominated[1]
        return pair.local_candidate.type, pair.remote_candidate.type, echoed
    finally:
        await kiosk.close()
        await teller.close()


async def test_two_peers_connect_through_coturn_relay(coturn: int, loopback_ice: None) -> None:
    local, remote, echoed = await _relay_call(coturn, SECRET, ttl=600)
    assert local == "relay" and remote == "relay"
    assert echoed == "echo hello over the relay"


async def test_coturn_refuses_wrong_secret_and_expired_credentials(
        coturn: int, loopback_ice: None) -> None:
    # aioice asks for the allocation while gathering: a refused credential leaves no relay
    # candidate (and with relay-only policy, nothing to connect with).
    from aioice import Connection, TransportPolicy

    async def relay_candidates(secret: bytes, now: float | None) -> int:
        user, password = turn.credentials(secret, "k1", 60, now)
        conn = Connection(ice_controlling=True, turn_server=("127.0.0.1", coturn),
                          turn_username=user, turn_password=password, turn_transport="udp",
                          transport_policy=TransportPolicy.RELAY)
        try:
            await asyncio.wait_for(conn.gather_candidates(), 10)
            return sum(1 for c in conn.local_candidates if c.type == "relay")
        finally:
            await conn.close()

    assert await relay_candidates(SECRET, None) == 1
    assert await relay_candidates(b"not-the-secret", None) == 0
    assert await relay_candidates(SECRET, time.time() - 3600) == 0
