"""The call's recording: encrypted at rest, hash in the journal, playable once decrypted,
survives a cut as a playable prefix, purged after its retention."""

from __future__ import annotations

import fractions
import hashlib
import io
import os
import stat
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest

from video_teller.api import CallPhase
from video_teller.kiosk import recorder
from video_teller.kiosk.recorder import (
    CallRecorder,
    EncryptedWriter,
    RecordingError,
    load_or_create_key,
    open_recording,
    purge_recordings,
)
from video_teller.teller_peer import TellerPeer

from .conftest import Kiosk, until
from .test_call import _connect


def _decoded(data: bytes) -> dict[str, int]:
    counts: dict[str, int] = {}
    with av.open(io.BytesIO(data)) as container:
        for i, stream in enumerate(container.streams):
            counts[f"{i}:{stream.type}"] = 0
        for packet in container.demux():
            for _ in packet.decode():
                key = f"{packet.stream.index}:{packet.stream.type}"
                counts[key] += 1
    return counts


@pytest.mark.slow
async def test_call_recording_decrypts_to_a_playable_file_matching_the_journal(
        make_kiosk: Callable[..., Kiosk], make_teller: Callable[..., Awaitable[TellerPeer]],
        tmp_path: Path) -> None:
    kiosk = make_kiosk(record=True)
    teller = await make_teller()
    await _connect(kiosk, teller)
    assert kiosk.call.view.recording
    await until(lambda: kiosk.call.remote_video.seq >= 20, 10, "teller video")
    await teller.end()
    await until(lambda: kiosk.records("teller.recording"), 10, "recording journalled")
    entry = kiosk.records("teller.recording")[0]
    path = tmp_path / "recordings" / entry["file"]
    raw = path.read_bytes()
    assert hashlib.sha256(raw).hexdigest() == entry["sha256"]
    assert entry["bytes"] == len(raw) and entry["seconds"] > 1
    assert entry["call_id"] == kiosk.records("teller.request")[0]["call_id"]
    assert b"webm" not in raw and b"matroska" not in raw  # nothing in the clear
    key_file = kiosk.secrets / "recordings.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    opened = open_recording(path, key_file.read_bytes())
    assert opened.complete
    counts = _decoded(opened.data)
    assert counts["0:video"] >= 15 and counts["1:video"] >= 15  # customer, teller
    assert counts["2:audio"] > 20 and counts["3:audio"] > 20
    assert not list((tmp_path / "recordings").glob("*.part"))


def _frames(rec: CallRecorder, n: int) -> None:
    rng = np.random.default_rng(1)
    for _ in range(n):
        img = rng.integers(0, 255, (240, 320, 3), np.uint8)  # noise: real bytes per frame
        rec.put("customer", av.VideoFrame.from_ndarray(img, format="rgb24"))
        time.sleep(0.04)


@pytest.mark.slow
def test_a_cut_recording_keeps_a_playable_prefix_and_is_settled(tmp_path: Path) -> None:
    key = load_or_create_key(tmp_path / "secrets" / "recordings.key")
    journal: list[tuple[str, dict[str, Any]]] = []
    rec = CallRecorder(tmp_path / "rec", key, "C-1", width=320, height=240, fps=25,
                       journal=lambda k, d: journal.append((k, d)))
    _frames(rec, 90)  # ~3.6 s: sealed chunks on disk while recording
    part = next((tmp_path / "rec").glob("*.sbrec.part"))
    cut = tmp_path / "cut.sbrec.part"
    cut.write_bytes(part.read_bytes()[:-3])  # the power went mid-write
    done = rec.stop()
    assert journal[0][0] == "teller.recording" and done is not None
    opened = open_recording(cut, key)
    assert not opened.complete and opened.data
    assert _decoded(opened.data)["0:video"] >= 1  # plays
    whole = open_recording(done.path, key)
    assert whole.complete and whole.data.startswith(opened.data)  # a true prefix

    # The next start journals it as interrupted and keeps it (retention applies later).
    journal.clear()
    assert purge_recordings(tmp_path, 90, lambda k, d: journal.append((k, d))) == []
    assert [k for k, _ in journal] == ["teller.recording.interrupted"]
    assert (tmp_path / "cut.sbrec").exists()


def test_tampering_and_the_wrong_key_are_refused(tmp_path: Path) -> None:
    key = os.urandom(32)
    w = EncryptedWriter(tmp_path / "x.sbrec", key)
    w.write(b"a" * 1000)
    w.close()
    data = bytearray((tmp_path / "x.sbrec").read_bytes())
    with pytest.raises(RecordingError, match="authentication"):
        open_recording(tmp_path / "x.sbrec", os.urandom(32))
    data[40] ^= 1
    (tmp_path / "y.sbrec").write_bytes(bytes(data))
    with pytest.raises(RecordingError, match="chunk 0"):
        open_recording(tmp_path / "y.sbrec", key)
    (tmp_path / "z.sbrec").write_bytes(b"not a recording at all")
    with pytest.raises(RecordingError, match="not a smartbranch recording"):
        open_recording(tmp_path / "z.sbrec", key)


def test_key_file_readable_by_others_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "recordings.key"
    load_or_create_key(path)
    os.chmod(path, 0o644)
    with pytest.raises(RecordingError, match="chmod 600"):
        load_or_create_key(path)


def test_retention_purges_old_recordings_and_journals_each(tmp_path: Path) -> None:
    now = time.time()
    for name, age_days in (("old.sbrec", 91), ("new.sbrec", 89), ("notes.txt", 400)):
        p = tmp_path / name
        p.write_bytes(name.encode())
        os.utime(p, (now - age_days * 86_400, now - age_days * 86_400))
    journal: list[tuple[str, dict[str, Any]]] = []
    purged = purge_recordings(tmp_path, 90, lambda k, d: journal.append((k, d)), now=now)
    assert [p.name for p in purged] == ["old.sbrec"]
    assert not (tmp_path / "old.sbrec").exists() and (tmp_path / "new.sbrec").exists()
    assert (tmp_path / "notes.txt").exists()
    assert journal == [("teller.recording.purged", {
        "file": "old.sbrec", "sha256": hashlib.sha256(b"old.sbrec").hexdigest(),
        "bytes": 9, "age_days": 91.0})]
    assert recorder.purge_recordings(tmp_path / "missing", 90, journal.append) == []


async def test_recording_off_leaves_no_file(make_kiosk: Callable[..., Kiosk],
                                            make_teller: Callable[..., Awaitable[TellerPeer]],
                                            tmp_path: Path) -> None:
    kiosk = make_kiosk(record=False)
    teller = await make_teller()
    await _connect(kiosk, teller)
    assert not kiosk.call.view.recording
    await teller.end()
    await until(lambda: kiosk.call.view.phase == CallPhase.TELLER_ENDED, 5)
    assert not (tmp_path / "recordings").exists()


async def test_retention_task_purges_at_start(tmp_path: Path) -> None:
    import asyncio

    old = tmp_path / "old.sbrec"
    old.write_bytes(b"x")
    os.utime(old, (time.time() - 100 * 86_400,) * 2)
    journal: list[tuple[str, dict[str, Any]]] = []
    task = asyncio.create_task(recorder.keep_retention(
        tmp_path, 90, lambda k, d: journal.append((k, d)), every_s=3600))
    await until(lambda: journal, 3)
    task.cancel()
    assert journal[0][0] == "teller.recording.purged" and not old.exists()


def test_recording_never_changes_the_frames_it_shares_with_the_call(tmp_path: Path) -> None:
    # The relay hands one frame object to the peer connection and to the recorder, and
    # aiortc's encoders read its pts on other threads: a recorder that re-stamped the
    # shared frame broke the call's Opus (pts None) and VP8 (pts out of order) encoders.
    key = load_or_create_key(tmp_path / "secrets" / "recordings.key")
    rec = CallRecorder(tmp_path / "rec", key, "C-2", width=320, height=240, fps=25,
                       journal=lambda k, d: None)
    video, audio = [], []
    for i in range(10):
        frame = av.VideoFrame.from_ndarray(
            np.full((240, 320, 3), i * 20, np.uint8), format="rgb24").reformat(format="yuv420p")
        frame.pts, frame.time_base = 3000 * i, fractions.Fraction(1, 90_000)
        sound = av.AudioFrame.from_ndarray(np.zeros((1, 960), np.int16), format="s16",
                                           layout="mono")
        sound.sample_rate, sound.pts = 48_000, 960 * i
        sound.time_base = fractions.Fraction(1, 48_000)
        video.append(frame)
        audio.append(sound)
        rec.put("customer", frame)
        rec.put("customer_audio", sound)
        time.sleep(0.04)
    done = rec.stop()
    assert done is not None and rec.frames["customer"] >= 5
    assert [f.pts for f in video] == [3000 * i for i in range(10)]
    assert all(f.time_base == fractions.Fraction(1, 90_000) for f in video)
    assert [f.pts for f in audio] == [960 * i for i in range(10)]
