"""A kiosk for the console's tests: speaks the hub protocol over a real WebSocket and, when
asked, the kiosk's side of the call over aiortc — it offers, creates the "control" data
channel, sends the customer's context, answers pings and actions (video_teller/channel.py).

Used where the kiosk's own call (video_teller.kiosk) is not the thing under test: the
console's queue and presence tests, and the browser's half of the end-to-end test.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import fractions
import io
import time
from collections.abc import Callable
from typing import Any

import aiohttp
import numpy as np
from aiortc import RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import AudioStreamTrack, MediaStreamError, VideoStreamTrack
from aiortc.sdp import candidate_from_sdp
from av import VideoFrame

from video_teller import channel, protocol
from video_teller.kiosk.peer import ice_addresses, new_peer_connection

ActionHandler = Callable[[str, dict[str, Any]], dict[str, Any]]


class MovingVideo(VideoStreamTrack):
    """A small synthetic picture with a moving bar (so the browser decodes real frames), or
    a photo (RGB, at least width × height) drifting slowly, as a customer in front of the
    kiosk's camera would."""

    def __init__(self, width: int = 320, height: int = 240, fps: int = 15,
                 picture: np.ndarray | None = None) -> None:
        super().__init__()
        self._w, self._h, self._fps = width, height, fps
        self._picture = picture
        self._n = 0
        self._t0: float | None = None

    async def recv(self) -> VideoFrame:
        if self._t0 is None:
            self._t0 = time.monotonic()
        due = self._t0 + self._n / self._fps
        await asyncio.sleep(max(0.0, due - time.monotonic()))
        if self._picture is not None:
            ph, pw = self._picture.shape[:2]
            dx = int((pw - self._w) / 2 * (1 + 0.5 * np.sin(self._n / 20)))
            dy = int((ph - self._h) / 2)
            img = np.ascontiguousarray(self._picture[dy : dy + self._h, dx : dx + self._w])
        else:
            img = np.full((self._h, self._w, 3), (30, 60, 90), np.uint8)
            x = (self._n * 8) % self._w
            img[:, x : x + 16] = (240, 200, 40)
        frame = VideoFrame.from_ndarray(img, format="rgb24")
        frame.pts = int(self._n * 90_000 / self._fps)
        frame.time_base = fractions.Fraction(1, 90_000)
        self._n += 1
        return frame


class SimKiosk:
    def __init__(self, ws_url: str, token: str, *, call_id: str, language: str = "en_US",
                 skill: str = "general", needs_help: bool = False, flow: str | None = None,
                 step: str | None = None, reason: str = "", in_kiosk_s: float = 0.0,
                 context: dict[str, Any] | None = None,
                 on_action: ActionHandler | None = None,
                 picture: np.ndarray | None = None) -> None:
        self.ws_url = ws_url
        self.token = token
        self.request = protocol.CallRequest(
            call_id=call_id, language=language, skill=protocol.Skill(skill),
            needs_help=needs_help, flow=flow, step=step, in_kiosk_s=in_kiosk_s, reason=reason)
        self.context = context
        self.on_action = on_action
        self.picture = picture
        self.received: list[protocol.Base] = []
        self.positions: list[protocol.QueuePosition] = []
        self.connected: protocol.Connected | None = None
        self.ended: protocol.Ended | None = None
        self.actions: list[channel.Action] = []
        self.events: list[str] = []
        self.frames_received = 0
        self.pings_received = 0
        self.pongs_received = 0
        self.attempt = 0
        self.pc: RTCPeerConnection | None = None
        self.dc: Any = None
        self.answered = asyncio.Event()
        self.channel_open = asyncio.Event()
        self._session: aiohttp.ClientSession | None = None
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._tracks: list[Any] = []
        self.media = False
        self.pong = True  # False: stop answering pings (the console should say "unstable")

    @property
    def call_id(self) -> str:
        return self.request.call_id

    # -- hub ------------------------------------------------------------------------

    async def sign_in(self) -> protocol.Base:
        """Hello; the first answer (a welcome, or the error before a 4401 close)."""
        self._session = aiohttp.ClientSession()
        self._ws = await self._session.ws_connect(self.ws_url)
        await self._send(protocol.Hello(token=self.token))
        first = await self._ws.receive(timeout=5)
        if first.type != aiohttp.WSMsgType.TEXT:
            raise ConnectionError(f"hub closed: {first.type} {self._ws.close_code}")
        msg = protocol.decode(first.data)
        self.received.append(msg)
        self._spawn(self._read())
        return msg

    async def join(self, *, media: bool = False) -> None:
        """Sign in and queue; with ``media`` the kiosk offers when a teller answers."""
        self.media = media
        hello = await self.sign_in()
        assert isinstance(hello, protocol.Welcome), hello
        await self._send(self.request)

    async def _send(self, msg: protocol.Base) -> None:
        assert self._ws is not None
        await self._ws.send_str(protocol.encode(msg))

    async def _read(self) -> None:
        assert self._ws is not None
        async for raw in self._ws:
            if raw.type != aiohttp.WSMsgType.TEXT:
                break
            msg = protocol.decode(raw.data)
            self.received.append(msg)
            if isinstance(msg, protocol.QueuePosition):
                self.positions.append(msg)
            elif isinstance(msg, protocol.Connected):
                self.connected = msg
                if self.media:
                    await self.offer()
            elif isinstance(msg, protocol.Answer) and self.pc is not None:
                if msg.attempt == self.attempt:
                    await self.pc.setRemoteDescription(
                        RTCSessionDescription(sdp=msg.sdp, type="answer"))
                    self.answered.set()
            elif isinstance(msg, protocol.Candidate) and self.pc is not None:
                if msg.attempt == self.attempt:
                    await self._add_candidate(msg)
            elif isinstance(msg, protocol.Ended):
                self.ended = msg
                await self.close_peer()

    async def _add_candidate(self, msg: protocol.Candidate) -> None:
        assert self.pc is not None
        if msg.candidate is None:
            await self.pc.addIceCandidate(None)
            return
        text = msg.candidate.removeprefix("candidate:")
        cand = candidate_from_sdp(text)
        if cand.ip and cand.ip != "127.0.0.1":
            return  # everything stays on loopback
        cand.sdpMid = msg.sdp_mid
        cand.sdpMLineIndex = msg.sdp_mline_index
        with contextlib.suppress(ValueError):
            await self.pc.addIceCandidate(cand)

    async def end(self, reason: str = "customer") -> None:
        await self._send(protocol.End(call_id=self.call_id, reason=protocol.EndReason(reason)))

    # -- the call ---------------------------------------------------------------------

    async def offer(self) -> None:
        """(Re)build the peer connection and offer (``attempt`` + 1 after the first)."""
        if self.pc is not None:
            await self.close_peer()
            self.attempt += 1
        handed = self.connected.ice_servers if self.connected else []
        pc = new_peer_connection([], handed)
        self.pc = pc
        self.answered.clear()
        self.channel_open.clear()
        if self.picture is not None:
            video = MovingVideo(480, 360, picture=self.picture)
        else:
            video = MovingVideo()
        audio = AudioStreamTrack()
        self._tracks = [video, audio]
        pc.addTrack(video)
        pc.addTrack(audio)
        dc = pc.createDataChannel(channel.LABEL)
        self.dc = dc

        @dc.on("open")
        def _open() -> None:
            self.channel_open.set()
            self.send_context()
            self._spawn(self._pinger(dc))

        @dc.on("message")
        def _message(data: Any) -> None:
            self._on_channel(dc, data)

        @pc.on("track")
        def _track(track: Any) -> None:
            self._spawn(self._consume(track))

        with ice_addresses(["127.0.0.1"]):
            await pc.setLocalDescription(await pc.createOffer())
        await self._send(protocol.Offer(call_id=self.call_id, sdp=pc.localDescription.sdp,
                                        attempt=self.attempt))

    async def _consume(self, track: Any) -> None:
        while True:
            try:
                await track.recv()
            except MediaStreamError:
                return
            if track.kind == "video":
                self.frames_received += 1

    async def _pinger(self, dc: Any) -> None:
        seq = 0
        while self.dc is dc and dc.readyState == "open":
            seq += 1
            dc.send(channel.encode(channel.Ping(seq=seq, t=time.monotonic())))
            await asyncio.sleep(channel.PING_INTERVAL_S)

    def send_context(self, **changes: Any) -> None:
        if self.context is None:
            return
        self.context.update(changes)
        if self.dc is not None and self.dc.readyState == "open":
            self.dc.send(channel.encode(channel.Context(**self.context)))

    def send_event(self, name: str, data: dict[str, Any]) -> None:
        self.dc.send(channel.encode(channel.Event(name=name, data=data)))

    def _on_channel(self, dc: Any, data: Any) -> None:
        msg = channel.decode(data)
        if isinstance(msg, channel.Ping):
            self.pings_received += 1
            if self.pong:
                dc.send(channel.encode(channel.Pong(seq=msg.seq, t=msg.t)))
        elif isinstance(msg, channel.Pong):
            self.pongs_received += 1
        elif isinstance(msg, channel.Action):
            self.actions.append(msg)
            allowed = (self.context or {}).get("allowed", [])
            result: dict[str, Any]
            if msg.name not in allowed:
                result = {"ok": False, "reason": "not_allowed_now",
                          "message": f"{msg.name} is not possible now"}
            elif self.on_action is not None:
                result = self.on_action(msg.name, dict(msg.args))
            else:
                result = {"ok": True}
            dc.send(channel.encode(channel.ActionResult(id=msg.id, **result)))

    async def close_peer(self) -> None:
        for track in self._tracks:
            track.stop()
        self._tracks = []
        self.dc = None
        if self.pc is not None:
            pc, self.pc = self.pc, None
            await pc.close()

    def _spawn(self, coro: Any) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def close(self) -> None:
        await self.close_peer()
        if self._ws is not None:
            await self._ws.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._session is not None:
            await self._session.close()


def context(**over: Any) -> dict[str, Any]:
    """A customer in the card flow with a borderline identity check."""
    base: dict[str, Any] = {
        "flow": "card_issuance", "step": "identity", "state": "awaiting_teller",
        "language": "en_US", "customer": "COLLINS E*** M***", "id_image": None,
        "face_distance": 0.52, "match_threshold": 0.5, "liveness": "borderline",
        "allowed": ["identity.approve", "identity.decline", "identity.retry_id", "print",
                    "document.sign", "handback"],
        "handback_steps": ["id_capture", "face", "terms"],
    }
    base.update(over)
    return base


def id_image_data_url(width: int = 428) -> str:
    """The demo's ID card (demo/idcard.py) as the JPEG data URL a kiosk sends."""
    from PIL import Image

    from demo.scenes import card_image

    img = Image.fromarray(card_image())
    img = img.resize((width, round(img.height * width / img.width)))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=75)
    return "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def customer_picture() -> np.ndarray:
    """A person in front of the kiosk (the camera simulator's sample photo), 4:3."""
    from devices.camera import synth

    photo = synth.rig("astronaut").photo
    return np.ascontiguousarray(photo[64:448])  # 512 × 384
