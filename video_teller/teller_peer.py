"""A teller in Python (aiortc) that speaks the hub protocol as a teller's browser does:
sign in, set presence, answer, answer the kiosk's offers (a new one replaces the peer
connection: that is how a blip is recovered), send synthetic video and a tone, count
the frames it receives, ping the kiosk and send data-channel actions.

Used by the kiosk's tests, the benches and the demo scripts. As a program it is an
auto-answering teller printing one JSON line per event (for benches that measure the
kiosk's process alone)::

    python -m video_teller.teller_peer --url ws://127.0.0.1:8765/ws --token TOKEN \
        --answer --ice-address 127.0.0.1
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import fractions
import itertools
import json
import logging
import sys
import time
from collections.abc import Iterable
from typing import Any

import av
import numpy as np
from aiortc import RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from aiortc.rtcdatachannel import RTCDataChannel

from video_teller import channel
from video_teller import protocol as p
from video_teller.kiosk import peer
from video_teller.kiosk.hub_client import HubClient
from video_teller.kiosk.media import VIDEO_CLOCK, ToneTrack, consume

log = logging.getLogger(__name__)


class PatternTrack(MediaStreamTrack):
    """Synthetic teller video: a moving gradient with a bar, made in YUV directly (cheap,
    and every frame differs so the encoder does real work)."""

    kind = "video"

    def __init__(self, width: int = 640, height: int = 480, fps: int = 15) -> None:
        super().__init__()
        self._w, self._h, self._period = width, height, 1.0 / fps
        self._y = np.tile(np.linspace(16, 235, width, dtype=np.uint8), (height, 1))
        self._y[height // 3: height // 2] = 235
        self._start: float | None = None
        self._n = 0

    async def recv(self) -> av.VideoFrame:
        if self.readyState != "live":
            raise MediaStreamError
        if self._start is None:
            self._start = time.monotonic()
        else:
            wait = self._start + self._n * self._period - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
        frame = av.VideoFrame(self._w, self._h, "yuv420p")
        shift = (self._n * 8) % self._w
        planes = (np.roll(self._y, shift, axis=1),
                  np.full((self._h // 2, self._w // 2), 128 + self._n % 64, np.uint8),
                  np.full((self._h // 2, self._w // 2), 128, np.uint8))
        for plane, data in zip(frame.planes, planes, strict=True):
            if plane.line_size == data.shape[1]:
                plane.update(data.tobytes())
            else:  # padded lines
                buf = np.zeros((data.shape[0], plane.line_size), np.uint8)
                buf[:, : data.shape[1]] = data
                plane.update(buf.tobytes())
        frame.pts = int((time.monotonic() - self._start) * VIDEO_CLOCK)
        frame.time_base = fractions.Fraction(1, VIDEO_CLOCK)
        self._n += 1
        return frame


class TellerPeer:
    def __init__(self, url: str, token: str, *, ice_addresses: Iterable[str] = ("127.0.0.1",),
                 ice_servers: Iterable[str] = (), width: int = 640, height: int = 480,
                 fps: int = 15, auto_answer: bool = False) -> None:
        self._ice_addresses = tuple(ice_addresses)
        self._ice_servers = tuple(ice_servers)
        self._size = (width, height, fps)
        self.auto_answer = auto_answer
        self.hub = HubClient(url, token, self._on_message)
        self.call_id: str | None = None
        self.kiosk_id = ""
        self.pc: RTCPeerConnection | None = None
        self.dc: RTCDataChannel | None = None
        self.attempt = -1
        self.offers = 0
        self.video_frames = 0
        self.audio_frames = 0
        self.audio_peak = 0  # loudest sample of the last audio frame (mute shows as 0)
        self.video_size: tuple[int, int] | None = None  # of the last frame received
        self.first_video_at: float | None = None
        self.answered_at: float | None = None
        self.contexts: list[channel.Context] = []
        self.events: list[channel.Event] = []
        self.ended: list[p.Ended] = []
        self.snapshot: p.QueueSnapshot | None = None
        self.channel_open = asyncio.Event()
        self.assigned = asyncio.Event()
        self._results: dict[str, asyncio.Future[channel.ActionResult]] = {}
        self._ids = itertools.count(1)
        self._tasks: set[asyncio.Task[Any]] = set()
        self._tracks: list[MediaStreamTrack] = []
        self._ice: list[p.IceServer] = []

    # -- the teller's buttons ---------------------------------------------------------

    async def start(self, timeout: float = 5.0) -> p.Welcome:
        self.hub.start()
        welcome = await self.hub.wait_welcome(timeout)
        if welcome is None:
            raise ConnectionError(f"hub {self.hub.url}: no welcome ({self.hub.fatal or 'timeout'})")
        self._ice = list(welcome.ice_servers)
        return welcome

    async def set_presence(self, state: p.Presence = p.Presence.AVAILABLE) -> None:
        await self.hub.send(p.SetPresence(state=state))

    async def answer(self, call_id: str | None = None) -> None:
        self.answered_at = time.monotonic()
        self.assigned.clear()
        await self.hub.send(p.AnswerCall(call_id=call_id))

    async def end(self) -> None:
        if self.call_id is not None:
            await self.hub.send(p.End(call_id=self.call_id, reason=p.EndReason.TELLER))
        await self._close_pc()
        self.call_id = None

    async def action(self, name: channel.ActionName, args: dict[str, Any] | None = None, *,
                     timeout: float = 10.0) -> channel.ActionResult:
        if self.dc is None or self.dc.readyState != "open":
            raise ConnectionError("no open data channel")
        aid = f"a{next(self._ids)}"
        fut: asyncio.Future[channel.ActionResult] = asyncio.get_running_loop().create_future()
        self._results[aid] = fut
        self.dc.send(channel.encode(channel.Action(id=aid, name=name, args=args or {})))
        try:
            return await asyncio.wait_for(fut, timeout)
        finally:
            self._results.pop(aid, None)

    def send_raw(self, text: str) -> None:
        """A hand-made data-channel message (tests of what the kiosk refuses)."""
        assert self.dc is not None
        self.dc.send(text)

    async def close(self) -> None:
        await self._close_pc()
        await self.hub.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    # -- the hub ----------------------------------------------------------------------

    async def _on_message(self, msg: p.Message) -> None:
        if isinstance(msg, p.Welcome):
            self._ice = list(msg.ice_servers)
        elif isinstance(msg, p.QueueSnapshot):
            self.snapshot = msg
            if self.auto_answer and self.call_id is None and any(
                    c.eligible for c in msg.calls):
                self.call_id = ""  # answering: not twice
                _emit({"event": "answer", "t": time.monotonic()})
                await self.answer()
        elif isinstance(msg, p.Assigned):
            self.call_id, self.kiosk_id = msg.call_id, msg.kiosk_id
            self.attempt = -1
            if msg.ice_servers:
                self._ice = list(msg.ice_servers)
            self.assigned.set()
        elif isinstance(msg, p.Offer) and msg.call_id == self.call_id:
            await self._on_offer(msg)
        elif isinstance(msg, p.Ended):
            self.ended.append(msg)
            if msg.call_id == self.call_id:
                await self._close_pc()
                self.call_id = None
        elif isinstance(msg, p.Error):
            log.warning("hub: %s %s", msg.code, msg.message)
            if self.call_id == "":  # our answer was refused (someone was quicker)
                self.call_id = None

    async def _on_offer(self, msg: p.Offer) -> None:
        if msg.attempt <= self.attempt and self.pc is not None:
            return  # stale
        await self._close_pc()  # aiortc has no ICE restart: a new offer, a new connection
        self.attempt = msg.attempt
        self.offers += 1
        pc = peer.new_peer_connection(self._ice_servers, self._ice)
        self.pc = pc
        w, h, fps = self._size
        video, audio = PatternTrack(w, h, fps), ToneTrack()
        self._tracks = [video, audio]

        @pc.on("track")
        def on_track(track: MediaStreamTrack) -> None:
            self._spawn(consume(track, self._count_video if track.kind == "video"
                                else self._count_audio))

        @pc.on("datachannel")
        def on_datachannel(dc: RTCDataChannel) -> None:
            if pc is self.pc:
                self._wire(dc)

        await pc.setRemoteDescription(RTCSessionDescription(msg.sdp, "offer"))
        pc.addTrack(video)  # into the offer's transceivers, sendrecv
        pc.addTrack(audio)
        answer = await pc.createAnswer()
        with peer.ice_addresses(self._ice_addresses):
            await pc.setLocalDescription(answer)
        if pc is not self.pc:
            return
        await self.hub.send(p.Answer(call_id=msg.call_id, sdp=pc.localDescription.sdp,
                                     attempt=msg.attempt))
        # As a browser does after its last trickled candidate: aioice needs it to fail.
        await self.hub.send(p.Candidate(call_id=msg.call_id, candidate=None, sdp_mid="0",
                                        sdp_mline_index=0, attempt=msg.attempt))

    def _wire(self, dc: RTCDataChannel) -> None:
        self.dc = dc

        @dc.on("open")
        def on_open() -> None:
            self.channel_open.set()

        @dc.on("message")
        def on_message(data: str | bytes) -> None:
            try:
                msg = channel.decode(data)
            except channel.ChannelError as exc:
                log.warning("kiosk sent a bad message: %s", exc)
                return
            if isinstance(msg, channel.Ping):
                dc.send(channel.encode(channel.Pong(seq=msg.seq, t=msg.t)))
            elif isinstance(msg, channel.Context):
                self.contexts.append(msg)
            elif isinstance(msg, channel.Event):
                self.events.append(msg)
            elif isinstance(msg, channel.ActionResult):
                fut = self._results.get(msg.id)
                if fut is not None and not fut.done():
                    fut.set_result(msg)

        if dc.readyState == "open":
            self.channel_open.set()

    def _count_video(self, frame: Any) -> None:
        self.video_frames += 1
        self.video_size = (frame.width, frame.height)
        if self.first_video_at is None:
            self.first_video_at = time.monotonic()

    def _count_audio(self, frame: Any) -> None:
        self.audio_frames += 1
        self.audio_peak = int(np.abs(frame.to_ndarray()).max())

    async def _close_pc(self) -> None:
        pc, self.pc, self.dc = self.pc, None, None
        self.channel_open.clear()
        if pc is not None:
            await pc.close()
        for track in self._tracks:
            track.stop()
        self._tracks = []

    def _spawn(self, coro: Any) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


def _emit(event: dict[str, Any]) -> None:
    print(json.dumps(event), flush=True)


async def _main(args: argparse.Namespace) -> None:
    teller = TellerPeer(args.url, args.token, ice_addresses=args.ice_address or (),
                        width=args.width, height=args.height, fps=args.fps,
                        auto_answer=args.answer)
    welcome = await teller.start()
    _emit({"event": "welcome", "id": welcome.id})
    await teller.set_presence(p.Presence.AVAILABLE)
    try:
        while True:
            await asyncio.sleep(1.0)
            _emit({"event": "stats", "t": time.monotonic(), "video": teller.video_frames,
                   "audio": teller.audio_frames, "call": teller.call_id,
                   "open": teller.channel_open.is_set()})
    finally:
        await teller.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", required=True)
    ap.add_argument("--token", required=True)
    ap.add_argument("--answer", action="store_true", help="answer every eligible call")
    ap.add_argument("--ice-address", action="append", help="local address ICE may use")
    ap.add_argument("--width", type=int, default=640)
    ap.add_argument("--height", type=int, default=480)
    ap.add_argument("--fps", type=int, default=15)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_main(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
