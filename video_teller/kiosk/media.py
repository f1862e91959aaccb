"""The call's media on the kiosk: camera out, microphone out, the teller's video and audio in.

- :class:`CameraTrack`: the camera device's frames (its one-slot mailbox, so the camera is
  opened once by the kiosk and shared with identity) as the outgoing video, paced to
  ``video_fps`` and sized ``video_width``×``video_height``. A MediaRelay per call shares it
  between the peer connection and the recorder; the relay keeps reading its source after
  every subscriber stopped (aiortc #934), so the call stops this track itself.
- :func:`open_audio_in`: ``sim://tone`` / ``sim://silence`` / ``alsa://NAME``, behind a
  :class:`MutableAudio` wrapper (mute sends silence; the track stays negotiated).
- :class:`LatestVideo`: the teller's newest frame for the UI. Frames are stored as they
  arrive and converted to RGB only when the UI asks, on the UI's thread, never on the loop.
- :class:`AlsaOut`: the teller's voice to a speaker through PyAV's alsa output, on its own
  thread with a short queue (a stalled device drops audio instead of growing a queue).
"""

from __future__ import annotations

import asyncio
import fractions
import logging
import math
import queue
import threading
import time
from collections.abc import Callable
from typing import Any

import av
import numpy as np
from aiortc.contrib.media import MediaPlayer
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

from devices.camera.api import CameraApi
from video_teller.api import RGB

log = logging.getLogger(__name__)

VIDEO_CLOCK = 90_000
AUDIO_RATE = 48_000
AUDIO_PTIME = 0.020
AUDIO_SAMPLES = int(AUDIO_RATE * AUDIO_PTIME)


class CameraTrack(MediaStreamTrack):
    """Outgoing video from the camera device. The mailbox is taken on the first recv and
    given back on stop(); when the camera is slower than ``fps`` its newest frame is sent
    again (black until the first one, so the call starts even with a slow camera)."""

    kind = "video"

    def __init__(self, camera: CameraApi, *, width: int, height: int, fps: int) -> None:
        super().__init__()
        self._camera = camera
        self._size = (width, height)
        self._period = 1.0 / fps
        self._unsubscribe: Callable[[], None] | None = None
        self._box: Any = None
        self._start: float | None = None
        self._next = 0.0
        self._last_image: RGB = np.zeros((height, width, 3), np.uint8)  # until the first
        self.frames_sent = 0

    @property
    def subscribed(self) -> bool:
        return self._unsubscribe is not None

    async def recv(self) -> av.VideoFrame:
        if self.readyState != "live":
            raise MediaStreamError
        if self._box is None:
            self._box, self._unsubscribe = self._camera.mailbox()
        now = time.monotonic()
        if self._start is None:
            self._start = self._next = now
        elif self._next > now:
            await asyncio.sleep(self._next - now)
        # Pace by a schedule, not by "sleep one period", so slow encodes do not drift.
        self._next = max(self._next + self._period, time.monotonic() - self._period)
        if self.readyState != "live":  # stopped while sleeping
            raise MediaStreamError
        frame = self._box.get(timeout=0)  # a newer frame, or None: never waits on the loop
        if frame is not None:
            self._last_image = frame.image
        # A new VideoFrame every time, even when repeating the image: the relay hands one
        # object to every consumer and the encoders read pts on executor threads.
        out = self._to_video_frame(self._last_image)
        pts = int((time.monotonic() - self._start) * VIDEO_CLOCK)
        out.pts = pts
        out.time_base = fractions.Fraction(1, VIDEO_CLOCK)
        self.frames_sent += 1
        return out

    def _to_video_frame(self, image: RGB) -> av.VideoFrame:
        frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(image), format="rgb24")
        w, h = self._size
        # One conversion here (to the encoder's format and size) instead of in each consumer.
        return frame.reformat(width=w, height=h, format="yuv420p")

    def stop(self) -> None:
        super().stop()
        unsubscribe, self._unsubscribe = self._unsubscribe, None
        self._box = None
        if unsubscribe is not None:
            unsubscribe()


class _PacedAudio(MediaStreamTrack):
    """20 ms frames of 48 kHz mono s16, paced by the clock."""

    kind = "audio"

    def __init__(self) -> None:
        super().__init__()
        self._start: float | None = None
        self._samples = 0

    def samples(self, n: int, first: int) -> np.ndarray:
        return np.zeros(n, np.int16)

    async def recv(self) -> av.AudioFrame:
        if self.readyState != "live":
            raise MediaStreamError
        if self._start is None:
            self._start = time.monotonic()
        else:
            wait = self._start + self._samples / AUDIO_RATE - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
        data = self.samples(AUDIO_SAMPLES, self._samples)
        frame = av.AudioFrame.from_ndarray(data.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = AUDIO_RATE
        frame.pts = self._samples
        frame.time_base = fractions.Fraction(1, AUDIO_RATE)
        self._samples += AUDIO_SAMPLES
        return frame


class ToneTrack(_PacedAudio):
    """A soft 440 Hz tone with a 1 Hz beat: audibly 'a microphone', easy to spot in a
    recording."""

    def samples(self, n: int, first: int) -> np.ndarray:
        t = (np.arange(n) + first) / AUDIO_RATE
        envelope = 0.5 + 0.5 * np.sin(2 * math.pi * 1.0 * t)
        return (3000 * envelope * np.sin(2 * math.pi * 440.0 * t)).astype(np.int16)


class SilenceTrack(_PacedAudio):
    pass


class MutableAudio(MediaStreamTrack):
    """Wraps the microphone; while muted the frames are replaced by silence of the same
    shape (the peer keeps receiving a steady stream, so nothing renegotiates)."""

    kind = "audio"

    def __init__(self, source: MediaStreamTrack, on_stop: Callable[[], None] | None = None
                 ) -> None:
        super().__init__()
        self._source = source
        self._on_stop = on_stop
        self.muted = False

    async def recv(self) -> av.AudioFrame:
        if self.readyState != "live":
            raise MediaStreamError
        frame = await self._source.recv()
        assert isinstance(frame, av.AudioFrame)
        if not self.muted:
            return frame
        silent = av.AudioFrame(format=frame.format.name, layout=frame.layout.name,
                               samples=frame.samples)
        for plane in silent.planes:
            plane.update(bytes(plane.buffer_size))
        silent.sample_rate, silent.pts, silent.time_base = (
            frame.sample_rate, frame.pts, frame.time_base)
        return silent

    def stop(self) -> None:
        super().stop()
        self._source.stop()
        if self._on_stop is not None:
            self._on_stop()
            self._on_stop = None


def open_audio_in(url: str) -> MutableAudio:
    if url == "sim://tone":
        return MutableAudio(ToneTrack())
    if url == "sim://silence":
        return MutableAudio(SilenceTrack())
    if url.startswith("alsa://"):
        player = MediaPlayer(url[len("alsa://"):] or "default", format="alsa",
                             options={"channels": "1", "sample_rate": str(AUDIO_RATE)})
        if player.audio is None:
            raise ValueError(f"hub.audio_in: {url} has no audio")
        return MutableAudio(player.audio)
    raise ValueError(f"hub.audio_in: expected sim://tone, sim://silence or alsa://NAME, "
                     f"got {url!r}")


class LatestVideo:
    """A FrameSource of the newest received frame; RGB conversion happens in latest(),
    on the caller's thread, once per new frame."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._frame: av.VideoFrame | None = None
        self._seq = 0
        self._rgb: tuple[int, RGB] | None = None
        self.first_frame_at: float | None = None

    @property
    def seq(self) -> int:
        return self._seq

    def put(self, frame: av.VideoFrame) -> None:
        with self._lock:
            self._frame = frame
            self._seq += 1
            if self.first_frame_at is None:
                self.first_frame_at = time.monotonic()

    def clear(self) -> None:
        """The call (or this teller's leg) is over; ``seq`` keeps counting up."""
        with self._lock:
            self._frame, self._rgb = None, None
            self.first_frame_at = None

    def latest(self) -> tuple[int, RGB] | None:
        with self._lock:
            frame, seq, cached = self._frame, self._seq, self._rgb
        if frame is None:
            return None
        if cached is not None and cached[0] == seq:
            return cached
        image: RGB = np.asarray(frame.to_ndarray(format="rgb24"), dtype=np.uint8)
        image.setflags(write=False)
        out = (seq, image)
        with self._lock:
            if self._seq == seq:
                self._rgb = out
        return out


class CameraView:
    """The self-view: the camera's newest frame while ``live()`` says the call shows it.
    Each look keeps the camera streaming for a moment (it idles at a few frames a second
    while nothing uses it), so the self-view is live from the queue on and the camera
    idles again once the screen stops asking."""

    def __init__(self, camera: CameraApi, live: Callable[[], bool]) -> None:
        self._camera = camera
        self._live = live
        self._keep_streaming: Callable[[float], None] | None = getattr(
            camera, "keep_streaming", None)

    def latest(self) -> tuple[int, RGB] | None:
        if not self._live():
            return None
        if self._keep_streaming is not None:
            self._keep_streaming(1.0)
        frame = self._camera.latest()
        return None if frame is None else (frame.seq, frame.image)


class AlsaOut:
    """Plays received audio on an ALSA device (``alsa://NAME``) from its own thread."""

    def __init__(self, url: str) -> None:
        if not url.startswith("alsa://"):
            raise ValueError(f"hub.audio_out: expected alsa://NAME or empty, got {url!r}")
        self._device = url[len("alsa://"):] or "default"
        self._queue: queue.Queue[av.AudioFrame | None] = queue.Queue(maxsize=10)
        self.dropped = 0
        self._thread = threading.Thread(target=self._run, name="teller-audio-out", daemon=True)
        self._thread.start()

    def write(self, frame: av.AudioFrame) -> None:
        try:
            self._queue.put_nowait(frame)
        except queue.Full:
            self.dropped += 1

    def close(self) -> None:
        try:
            self._queue.put(None, timeout=1.0)
        except queue.Full:
            pass
        self._thread.join(timeout=2.0)

    def _run(self) -> None:
        try:
            container = av.open(self._device, "w", format="alsa")
        except Exception as exc:
            log.error("speaker alsa://%s cannot be opened: %s", self._device, exc)
            while self._queue.get() is not None:
                pass
            return
        try:
            stream = container.add_stream("pcm_s16le", rate=AUDIO_RATE, layout="stereo")
            while (frame := self._queue.get()) is not None:
                frame.pts = None
                for packet in stream.encode(frame):
                    container.mux(packet)
        except Exception:
            log.exception("speaker alsa://%s failed", self._device)
            while self._queue.get() is not None:
                pass
        finally:
            container.close()


async def consume(track: MediaStreamTrack, *sinks: Callable[[Any], None]) -> int:
    """Read ``track`` until it ends, handing each frame to ``sinks`` (so the receiver's
    queue never grows); returns the number of frames read."""
    n = 0
    while True:
        try:
            frame = await track.recv()
        except MediaStreamError:
            return n
        n += 1
        for sink in sinks:
            try:
                sink(frame)
            except Exception:
                log.exception("frame sink failed")
