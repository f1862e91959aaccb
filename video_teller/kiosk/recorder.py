"""The call recorded as evidence, encrypted at rest: no byte of the picture or the voices
is ever on disk in the clear.

**What is recorded.** One Matroska file per call with up to four tracks: the customer's
camera (what the teller saw, through the call's MediaRelay), the teller's video, the
teller's voice and the customer's microphone. Video is VP8 (libvpx, real-time settings, at
the call's size and frame rate), audio Opus. Time stamps are the kiosk's clock on arrival
(milliseconds since the recording began), so tracks line up across the call's rebuilt
peer connections; aiortc's own time stamps restart at 0 on every track and every rebuild.
The muxer writes to a non-seekable sink, so Matroska is written in its live form
(clusters of about a second, no index at the end) and every prefix of it plays.

**How it is stored.** ``<recordings_dir>/<UTC start>_<call id>.sbrec``: a 16-byte header
(magic, 8-byte random nonce prefix), then chunks ``[u32 length][u8 final][AES-256-GCM
ciphertext+tag]``; the nonce is the prefix and the chunk's counter, the AAD the header,
counter and final flag, so chunks cannot be reordered, dropped or truncated unnoticed.
The key is ``recordings.key`` in ``secrets_dir`` (32 bytes, 0600; created once, never
replaced — the same rules as the print jobs' key). While recording the file is named
``….sbrec.part``; it is renamed when the last chunk (final = 1) is written and fsynced,
then ``teller.recording`` is journalled with the call id, the stored file's SHA-256, its
size and its length in seconds.

**What survives a power cut.** Everything up to the last sealed chunk. The muxer hands
over a cluster when it closes (about every second; an idle video track is fed black
frames every 0.5 s so FFmpeg's interleaver never holds the others back), and a chunk is
sealed, written and fsynced at least every second (or every 256 KiB): a cut loses the
last ~2–3 s of the call. The ``.part`` file decrypts chunk by chunk to a playable
Matroska prefix of what the complete file would have been (a chunk cut mid-write is
dropped, it cannot be authenticated), and
:func:`open_recording` reports it as not complete (no final chunk). Its
``teller.recording`` entry is missing (the call never ended); :func:`purge_recordings`
at the next start journals such a file as ``teller.recording.interrupted`` with its hash
and renames it, and purges it like any other once its retention has passed.
"""

from __future__ import annotations

import contextlib
import fractions
import hashlib
import logging
import os
import queue
import secrets
import stat
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import av
import numpy as np
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

log = logging.getLogger(__name__)

Journal = Callable[[str, dict[str, Any]], object]

MAGIC = b"SBREC\x00\x01\x00"
HEADER_BYTES = len(MAGIC) + 8
CHUNK_BYTES = 256 * 1024
SEAL_EVERY_S = 1.0
FILL_S = 0.5
SUFFIX = ".sbrec"
PART = ".part"
KEY_FILE = "recordings.key"
KEY_BYTES = 32
_LEN = struct.Struct(">IB")


class RecordingError(Exception):
    """A recording (or its key) cannot be read; the message names the file."""


# -- the key ------------------------------------------------------------------------


def load_or_create_key(path: Path) -> bytes:
    """The recordings' key, created 0600 (in a 0700 folder) on first use. A key others
    may read, or a damaged one, is refused — replacing it would lose every recording."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(secrets.token_bytes(KEY_BYTES))
                fh.flush()
                os.fsync(fh.fileno())
            with contextlib.suppress(FileExistsError):  # another process won: use theirs
                os.link(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
        _fsync_dir(path.parent)
        st = os.stat(path)
    if not stat.S_ISREG(st.st_mode) or st.st_mode & 0o077:
        raise RecordingError(f"recordings key {path} must be a regular owner-only file "
                             f"(mode {stat.S_IMODE(st.st_mode):04o}): chmod 600 {path}")
    key = path.read_bytes()
    if len(key) != KEY_BYTES:
        raise RecordingError(f"recordings key {path} is damaged ({len(key)} bytes): restore "
                             "it from backup — recordings cannot be read without it")
    return key


def _fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# -- the encrypted file ---------------------------------------------------------------


def _nonce(prefix: bytes, counter: int) -> bytes:
    return prefix + counter.to_bytes(4, "big")


def _aad(header: bytes, counter: int, final: int) -> bytes:
    return header + counter.to_bytes(4, "big") + bytes([final])


class EncryptedWriter:
    """A write-only, non-seekable file object that seals what it is given into
    AES-256-GCM chunks (see the module docstring); hashes what it stores."""

    def __init__(self, path: Path, key: bytes) -> None:
        self.path = path
        self._aes = AESGCM(key)
        self._prefix = secrets.token_bytes(8)
        self._header = MAGIC + self._prefix
        self._fh = open(path, "xb")  # noqa: SIM115 - closed in close()
        self._hash = hashlib.sha256()
        self._buf = bytearray()
        self._counter = 0
        self._sealed_at = time.monotonic()
        self.bytes = 0
        self._store(self._header)

    def write(self, data: bytes | bytearray | memoryview) -> int:
        self._buf += data
        if len(self._buf) >= CHUNK_BYTES:
            self._seal(final=0)
        return len(data)

    def seal_if_due(self) -> None:
        if self._buf and time.monotonic() - self._sealed_at >= SEAL_EVERY_S:
            self._seal(final=0)

    def close(self) -> str:
        """Seal the final chunk, fsync, close; returns the stored file's SHA-256 (hex)."""
        if not self._fh.closed:
            self._seal(final=1)
            self._fh.close()
        return self._hash.hexdigest()

    def abort(self) -> None:
        if not self._fh.closed:
            self._fh.close()

    def _seal(self, final: int) -> None:
        plain, self._buf = bytes(self._buf), bytearray()
        ct = self._aes.encrypt(_nonce(self._prefix, self._counter), plain,
                               _aad(self._header, self._counter, final))
        self._store(_LEN.pack(len(ct), final) + ct)
        self._counter += 1
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self._sealed_at = time.monotonic()

    def _store(self, data: bytes) -> None:
        self._fh.write(data)
        self._hash.update(data)
        self.bytes += len(data)


@dataclass(frozen=True)
class Opened:
    data: bytes  # the Matroska file
    complete: bool  # False: the recording was cut short (power cut, crash)


def open_recording(path: Path, key: bytes) -> Opened:
    raw = path.read_bytes()
    header = raw[:HEADER_BYTES]
    if len(header) < HEADER_BYTES or not header.startswith(MAGIC):
        raise RecordingError(f"{path}: not a smartbranch recording")
    aes, prefix = AESGCM(key), header[len(MAGIC):]
    out, pos, counter, final = bytearray(), HEADER_BYTES, 0, 0
    while pos + _LEN.size <= len(raw) and not final:
        length, final = _LEN.unpack_from(raw, pos)
        body = raw[pos + _LEN.size: pos + _LEN.size + length]
        if len(body) < length:
            break  # a chunk cut by the power cut: everything before it is good
        try:
            out += aes.decrypt(_nonce(prefix, counter), body, _aad(header, counter, final))
        except Exception:
            raise RecordingError(f"{path}: chunk {counter} fails authentication "
                                 "(altered, or the wrong key)") from None
        pos += _LEN.size + length
        counter += 1
    return Opened(bytes(out), complete=bool(final) and pos == len(raw))


# -- the recorder ---------------------------------------------------------------------


@dataclass(frozen=True)
class Recording:
    path: Path
    sha256: str
    bytes: int
    seconds: float


_VIDEO = {"customer": 0, "teller": 1}
_AUDIO = {"teller_audio": "stereo", "customer_audio": "mono"}


class CallRecorder:
    """Records one call on its own thread. :meth:`put` (from the event loop) never blocks:
    when the encoder falls behind, frames are dropped and counted."""

    QUEUE = 90

    def __init__(self, directory: Path, key: bytes, call_id: str, *, width: int,
                 height: int, fps: int, journal: Journal) -> None:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        self.call_id = call_id
        self.final_path = directory / f"{stamp}_{_safe(call_id)}{SUFFIX}"
        self._writer = EncryptedWriter(self.final_path.with_name(self.final_path.name + PART),
                                       key)
        self._size, self._fps, self._journal = (width, height), fps, journal
        self._queue: queue.Queue[tuple[str, Any, float] | None] = queue.Queue(self.QUEUE)
        self._start = time.monotonic()
        self._last_pts: dict[str, int] = {}
        self._black: av.VideoFrame | None = None
        self.dropped = 0
        self.frames: dict[str, int] = {}
        self.result: Recording | None = None
        self._thread = threading.Thread(target=self._run, name=f"teller-recorder-{call_id}",
                                        daemon=True)
        self._thread.start()

    def put(self, kind: str, frame: Any) -> None:
        try:
            self._queue.put_nowait((kind, frame, time.monotonic()))
        except queue.Full:
            self.dropped += 1

    def sink(self, kind: str) -> Callable[[Any], None]:
        return lambda frame: self.put(kind, frame)

    def stop(self) -> Recording | None:
        """Finish the file (blocking: call it off the event loop), journal it."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()
        return self.result

    def _run(self) -> None:
        container = None
        try:
            container = av.open(self._writer, "w", format="matroska",
                                # A stream with no packets (no teller while requeued) must
                                # not hold the others back for the default 10 s.
                                options={"cluster_time_limit": "1000", "flush_packets": "1",
                                         "max_interleave_delta": "500000"})
            streams = self._add_streams(container)
            while True:
                try:
                    item = self._queue.get(timeout=FILL_S)
                except queue.Empty:
                    item = ("", None, 0.0)
                if item is None:
                    break
                kind, frame, t = item
                if frame is not None:
                    self._encode(container, streams[kind], kind, frame, t)
                self._fill_idle(container, streams)
                self._writer.seal_if_due()
            for stream in streams.values():
                for packet in stream.encode(None):
                    container.mux(packet)
            container.close()
            container = None
            sha = self._writer.close()
            os.replace(self._writer.path, self.final_path)
            _fsync_dir(self.final_path.parent)
            seconds = round(time.monotonic() - self._start, 2)
            self.result = Recording(self.final_path, sha, self._writer.bytes, seconds)
            self._journal("teller.recording", {
                "call_id": self.call_id, "file": self.final_path.name, "sha256": sha,
                "bytes": self._writer.bytes, "seconds": seconds, "dropped": self.dropped})
        except Exception:
            log.exception("recording of call %s failed", self.call_id)
            with contextlib.suppress(Exception):
                if container is not None:
                    container.close()
            self._writer.abort()
            while self._queue.get() is not None:  # let stop() return
                pass

    def _add_streams(self, container: Any) -> dict[str, Any]:
        w, h = self._size
        streams: dict[str, Any] = {}
        for kind in _VIDEO:
            # The fastest real-time settings, one thread each: evidence needs a legible
            # picture, not a pretty one, and the kiosk's CPU is busy with the call
            # (libvpx's defaults cost ~6x the CPU here; bench/call_cpu.py).
            s = container.add_stream("libvpx", rate=self._fps, options={
                "deadline": "realtime", "cpu-used": "16", "lag-in-frames": "0",
                "threads": "1", "static-thresh": "100"})
            s.width, s.height, s.pix_fmt = w, h, "yuv420p"
            s.bit_rate = 400_000
            s.codec_context.time_base = fractions.Fraction(1, 1000)
            streams[kind] = s
        for kind, layout in _AUDIO.items():
            streams[kind] = container.add_stream("libopus", rate=48_000, layout=layout)
        return streams

    def _fill_idle(self, container: Any, streams: dict[str, Any]) -> None:
        """A black frame into a video track idle for FILL_S (no teller yet, or requeued):
        FFmpeg's interleaver holds every packet until each VP8 track has one queued, so
        an idle track would keep the whole call in memory — and off the disk — until the
        end. Black is also what the evidence should show for "no picture"."""
        now = time.monotonic()
        ms = int((now - self._start) * 1000)
        for kind in _VIDEO:
            last = self._last_pts.get(kind, -1)
            if ms - last >= FILL_S * 1000:
                if self._black is None:
                    w, h = self._size
                    self._black = av.VideoFrame.from_ndarray(
                        np.zeros((h, w, 3), np.uint8), format="rgb24")
                self._encode(container, streams[kind], kind, self._black, now, count=False)

    def _encode(self, container: Any, stream: Any, kind: str, frame: Any, t: float, *,
                count: bool = True) -> None:
        ms = int((t - self._start) * 1000)
        if kind in _VIDEO:
            last = self._last_pts.get(kind)
            # Bursts (the jitter buffer releases frames together) are kept; a source far
            # faster than the call's rate is thinned to it.
            if last is not None and (ms <= last or ms - last < 400 / self._fps):
                return
            w, h = self._size
            # The relay hands the sender's frame object to us too, and aiortc's encoders
            # read its pts on executor threads: time-stamp a copy, never the shared frame
            # (reformat returns the frame itself when it already has the size and format).
            source, frame = frame, frame.reformat(width=w, height=h, format="yuv420p")
            if frame is source:
                frame = _copy_video(source)
            frame.pts, frame.time_base = ms, fractions.Fraction(1, 1000)
            self._last_pts[kind] = ms
        else:
            frame = _copy_audio(frame)
            frame.pts = None  # the encoder counts samples (its FIFO re-cuts the frames)
        if count:
            self.frames[kind] = self.frames.get(kind, 0) + 1
        for packet in stream.encode(frame):
            container.mux(packet)


def _copy_video(frame: av.VideoFrame) -> av.VideoFrame:
    return av.VideoFrame.from_ndarray(frame.to_ndarray(), format=frame.format.name)


def _copy_audio(frame: av.AudioFrame) -> av.AudioFrame:
    out = av.AudioFrame.from_ndarray(frame.to_ndarray(), format=frame.format.name,
                                     layout=frame.layout.name)
    out.sample_rate = frame.sample_rate
    return out


def _safe(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in text)[:64]


# -- retention ------------------------------------------------------------------------


def purge_recordings(directory: Path, retention_days: int, journal: Journal, *,
                     now: float | None = None) -> list[Path]:
    """Delete recordings older than ``retention_days`` (by the time they were last
    written), journalling each (``teller.recording.purged``). Run at start and daily.
    A ``.part`` left by a power cut is first journalled as interrupted (its hash) and
    renamed, so it is kept and purged like the others."""
    if not directory.is_dir():
        return []
    now = time.time() if now is None else now
    limit = now - retention_days * 86_400
    purged: list[Path] = []
    for path in sorted(directory.iterdir()):
        if path.name.endswith(SUFFIX + PART):
            path = _settle_interrupted(path, journal)
        if not path.name.endswith(SUFFIX):
            continue
        st = path.stat()
        if st.st_mtime >= limit:
            continue
        sha = _sha256(path)
        path.unlink()
        purged.append(path)
        journal("teller.recording.purged", {
            "file": path.name, "sha256": sha, "bytes": st.st_size,
            "age_days": round((now - st.st_mtime) / 86_400, 1)})
    if purged:
        _fsync_dir(directory)
    return purged


async def keep_retention(directory: Path, retention_days: int, journal: Journal, *,
                         every_s: float = 86_400.0) -> None:
    """Purge at once, then every ``every_s`` (daily), until cancelled: the task the kiosk
    starts on its core loop (the file work runs on a worker thread)."""
    import asyncio

    while True:
        try:
            await asyncio.to_thread(purge_recordings, directory, retention_days, journal)
        except OSError:
            log.exception("purging recordings in %s", directory)
        await asyncio.sleep(every_s)


def _settle_interrupted(path: Path, journal: Journal) -> Path:
    final = path.with_name(path.name[: -len(PART)])
    journal("teller.recording.interrupted", {
        "file": final.name, "sha256": _sha256(path), "bytes": path.stat().st_size})
    st = path.stat()
    os.replace(path, final)
    os.utime(final, (st.st_atime, st.st_mtime))  # keeps its age for retention
    return final


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            h.update(block)
    return h.hexdigest()
