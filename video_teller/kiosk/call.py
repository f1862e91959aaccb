"""A video-teller call on the kiosk: :class:`TellerCall`, the TellerCallApi the UI drives.

Everything runs on the kiosk's core asyncio loop (kiosk_core/core_loop.py); the public
methods may be called from any thread and only schedule work there. One lock orders the
hub's messages, the customer's taps and the timers, so a tap on "end" can never
interleave with a half-built peer connection.

Phases: consent → waiting (the hub's queue.position) → connecting (a teller answered; the
kiosk offers) → in_call (the data channel is open) → teller_ended, or no_teller (nobody
answered in ``answer_timeout_s``, outside ``teller_hours``/``teller_days`` in the kiosk's
time zone, or nobody online) → callback_booked.

A network blip: aiortc has no ICE restart and reports ``failed`` ~30 s after a drop, so
the data channel is pinged every PING_INTERVAL_S and silence for BLIP_AFTER_S means the
path is gone: the customer sees RECONNECTING, the peer connection is closed and a new one
offered with ``attempt`` + 1 (the teller's side replaces its own on that offer), again
every few seconds until it connects or ``reconnect_s`` has passed.

Nothing outlives a call: the peer connection is closed, every relay proxy and the camera
track are stopped by us (MediaRelay keeps reading a source whose subscribers all left,
and senders that never started do not stop their tracks), the recorder's thread is
joined and the hub link closed.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
import time
import uuid
from collections.abc import Callable, Coroutine
from datetime import datetime
from pathlib import Path
from typing import Any

import msgspec
from aiortc import RTCPeerConnection, RTCSessionDescription
from aiortc.contrib.media import MediaRelay
from aiortc.mediastreams import MediaStreamTrack
from aiortc.rtcdatachannel import RTCDataChannel
from aiortc.sdp import candidate_from_sdp

from devices.camera.api import CameraApi
from devices.camera.condition import camera_failure
from kiosk_core.clock import local_now
from kiosk_core.listeners import Listeners
from kiosk_core.status import DeviceStatus, StatusChanged
from video_teller import channel
from video_teller import protocol as p
from video_teller.api import (
    CallbackBooker,
    CallListener,
    CallPhase,
    CallView,
    NoTellerReason,
    TellerActions,
)
from video_teller.kiosk import media, peer
from video_teller.kiosk.hub_client import HubAuthError, HubClient, read_token
from video_teller.kiosk.recorder import CallRecorder, load_or_create_key
from video_teller.settings import HubSettings

log = logging.getLogger(__name__)

Journal = Callable[[str, dict[str, Any]], object]

#: The hub must say welcome within this, or the customer is sent to the counter.
HUB_CONNECT_S = 8.0
#: "Nobody online" must last this long before a callback is offered: a moment on joining
#: (a teller's console reconnecting), longer once a teller had the call (they may be back).
NOBODY_GRACE_S = 2.0
NOBODY_GRACE_REQUEUED_S = 15.0
#: One peer-connection attempt gets this long before the next is offered.
ATTEMPT_S = 6.0
#: Phases in which the camera is live (self-view shown, frames sent or about to be).
LIVE = {CallPhase.WAITING, CallPhase.CONNECTING, CallPhase.IN_CALL, CallPhase.RECONNECTING}
ACTIVE = {CallPhase.CONSENT, *LIVE}
FINISHED = {CallPhase.IDLE, CallPhase.TELLER_ENDED, CallPhase.NO_TELLER,
            CallPhase.CALLBACK_BOOKED, CallPhase.UNAVAILABLE}


def teller_hours_open(settings: HubSettings, now: datetime) -> bool:
    """Is ``now`` (the kiosk's local time) within teller_days and teller_hours?"""
    return settings.tellers_on_duty(now)


@dataclasses.dataclass
class _Request:
    language: str
    screen: str
    flow: str | None
    step: str | None
    needs_help: bool
    in_kiosk_s: float


@dataclasses.dataclass
class _Leg:
    """One peer connection (``attempt``) and what belongs to it alone."""

    pc: RTCPeerConnection
    attempt: int
    started: float
    dc: RTCDataChannel | None = None
    proxies: list[MediaStreamTrack] = dataclasses.field(default_factory=list)
    tasks: set[asyncio.Task[Any]] = dataclasses.field(default_factory=set)
    open: bool = False


class TellerCall:
    """TellerCallApi on the core loop; see the module docstring."""

    #: The hub must say welcome within this, or the customer is sent to the counter.
    hub_connect_s = HUB_CONNECT_S

    def __init__(self, settings: HubSettings, *, kiosk_id: str, camera: CameraApi,
                 loop: asyncio.AbstractEventLoop, journal: Journal, actions: TellerActions,
                 booker: CallbackBooker, secrets_dir: Path, data_dir: Path, timezone: str,
                 now: Callable[[], datetime] | None = None) -> None:
        self.settings = settings
        self.kiosk_id = kiosk_id
        self._camera = camera
        self._loop = loop
        self._journal_fn = journal
        self._actions = actions
        self._booker = booker
        self._secrets_dir = secrets_dir
        rec = settings.recordings_dir
        self.recordings_dir = rec if rec.is_absolute() else data_dir / rec
        self._now = now or (lambda: local_now(timezone))
        self._view = CallView()
        self._listeners: Listeners[CallView] = Listeners("teller call")
        self._lock = asyncio.Lock()
        self.remote_video = media.LatestVideo()
        self.local_video = media.CameraView(camera, lambda: self._view.phase in LIVE)
        # The customer is told when the teller cannot see them (unplugged, frozen, dark).
        self._view = CallView(camera_problem=_camera_problem(camera.status))
        self._unsubscribe_camera = camera.subscribe(self._on_camera_status)
        self._request: _Request | None = None
        self._call_id: str | None = None
        self._teller_id = ""
        self._hub: HubClient | None = None
        self._ice: list[p.IceServer] = []
        self._leg: _Leg | None = None
        self._attempt = -1
        self._alive_at = 0.0
        self._blip_since: float | None = None
        self._context_sent: dict[str, Any] | None = None
        self._relay: MediaRelay | None = None
        self._camera_track: media.CameraTrack | None = None
        self._mic: media.MutableAudio | None = None
        self._media_proxies: list[MediaStreamTrack] = []
        self._media_tasks: set[asyncio.Task[Any]] = set()
        self._recorder: CallRecorder | None = None
        self._audio_out: media.AlsaOut | None = None
        self._timer: asyncio.Task[None] | None = None
        self._nobody: asyncio.Task[None] | None = None  # nobody online: the grace timer
        self._requeued = False
        self._watch: asyncio.Task[None] | None = None  # the hub's first welcome
        self._beat: asyncio.Task[None] | None = None  # pings, retries (see _heartbeat)
        self._tasks: set[asyncio.Task[Any]] = set()

    # -- TellerCallApi (any thread) -------------------------------------------------

    @property
    def view(self) -> CallView:
        return self._view

    def subscribe(self, listener: CallListener) -> Callable[[], None]:
        return self._listeners.subscribe(listener)

    def request(self, *, language: str, screen: str, flow: str | None = None,
                step: str | None = None, needs_help: bool = False,
                in_kiosk_s: float = 0.0) -> None:
        req = _Request(language, screen, flow, step, needs_help, in_kiosk_s)
        self._schedule(self._locked(self._on_request(req)))

    def consent(self, accepted: bool) -> None:
        self._schedule(self._locked(self._on_consent(accepted)))

    def set_muted(self, muted: bool) -> None:
        self._schedule(self._locked(self._on_mute(muted)))

    def end(self) -> None:
        self._schedule(self._locked(self._on_end()))

    def book_callback(self, slot: str, phone: str = "") -> None:
        self._schedule(self._locked(self._on_book(slot, phone)))

    def dismiss(self) -> None:
        self._schedule(self._locked(self._on_dismiss()))

    def document_signed(self, evidence: dict[str, Any]) -> None:
        self._schedule(self._locked(self._on_document_signed(evidence)))

    def close(self, timeout: float = 10.0) -> None:
        """End whatever is going on and release everything (blocks up to ``timeout``
        when called off the loop's thread)."""
        try:
            on_loop = asyncio.get_running_loop() is self._loop
        except RuntimeError:
            on_loop = False
        fut = asyncio.run_coroutine_threadsafe(self.aclose(), self._loop)
        if not on_loop:  # (on the loop itself, waiting would deadlock: it just runs)
            with contextlib.suppress(Exception):
                fut.result(timeout)

    def _on_camera_status(self, event: StatusChanged) -> None:  # on the camera's thread
        problem = _camera_problem(event.current)
        with contextlib.suppress(RuntimeError):  # the loop is closed: nobody to tell
            self._loop.call_soon_threadsafe(self._set_camera_problem, problem)

    def _set_camera_problem(self, problem: str) -> None:
        if problem != self._view.camera_problem:
            self._journal("teller.camera", {"problem": problem or "ok",
                                            "phase": str(self._view.phase)})
            self._set(camera_problem=problem)

    async def aclose(self) -> None:
        self._unsubscribe_camera()
        async with self._lock:
            if self._view.phase in ACTIVE:
                await self._send_hub(p.End(call_id=self._call_id or "",
                                           reason=p.EndReason.CUSTOMER))
            await self._teardown()
            self._set(phase=CallPhase.IDLE)
        for task in list(self._tasks):
            if task is not asyncio.current_task():
                task.cancel()
        await asyncio.gather(*[t for t in self._tasks if t is not asyncio.current_task()],
                             return_exceptions=True)

    # -- plumbing -------------------------------------------------------------------

    def _schedule(self, coro: Coroutine[Any, Any, None]) -> None:
        self._loop.call_soon_threadsafe(self._spawn, coro)

    def _spawn(self, coro: Coroutine[Any, Any, Any], group: set[asyncio.Task[Any]] | None = None
               ) -> asyncio.Task[Any]:
        task = self._loop.create_task(coro)
        for g in (self._tasks, group):
            if g is not None:
                g.add(task)
                task.add_done_callback(g.discard)
        task.add_done_callback(_log_failure)
        return task

    async def _locked(self, coro: Coroutine[Any, Any, None]) -> None:
        async with self._lock:
            await coro

    def _set(self, **changes: Any) -> None:
        if "phase" in changes and changes["phase"] != self._view.phase:
            changes.setdefault("since", time.monotonic())
        view = dataclasses.replace(self._view, **changes)
        if view != self._view:
            self._view = view
            self._listeners.emit(view)

    def _journal(self, kind: str, data: dict[str, Any]) -> None:
        record = {"call_id": self._call_id, **data}
        try:
            self._journal_fn(kind, record)
        except ValueError as exc:
            # The journal refuses secrets and images (kiosk_core.journal.scrub): a teller's
            # action must still leave a record, so keep its plain fields and say why.
            plain = {k: v for k, v in record.items()
                     if isinstance(v, str | int | float | bool) or v is None}
            try:
                self._journal_fn(kind, {**plain, "refused": str(exc)[:200]})
            except Exception:
                log.exception("journal %s failed", kind)
        except Exception:
            log.exception("journal %s failed", kind)

    # -- the customer ----------------------------------------------------------------

    async def _on_request(self, req: _Request) -> None:
        if self._view.phase not in FINISHED:
            return
        await self._teardown()
        self._request = req
        self._call_id = f"{self.kiosk_id}-{uuid.uuid4().hex[:12]}"
        self._attempt = -1  # attempts count this call's peer connections
        self._view = CallView(call_id=self._call_id, language=req.language)
        self._journal("teller.request", {"screen": req.screen, "language": req.language,
                                          "flow": req.flow, "step": req.step})
        if not teller_hours_open(self.settings, self._now()):
            await self._no_teller(NoTellerReason.CLOSED, contacted=False)
        elif self.settings.consent_required:
            self._set(phase=CallPhase.CONSENT)
        else:
            await self._join_queue()

    async def _on_consent(self, accepted: bool) -> None:
        if self._view.phase != CallPhase.CONSENT:
            return
        self._journal("teller.consent", {"accepted": accepted})
        if accepted:
            await self._join_queue()
        else:
            self._set(phase=CallPhase.IDLE)

    async def _on_mute(self, muted: bool) -> None:
        if self._mic is not None:
            self._mic.muted = muted
        self._set(muted=muted)

    async def _on_end(self) -> None:
        if self._view.phase not in ACTIVE:
            return
        if self._view.phase != CallPhase.CONSENT:
            await self._send_hub(p.End(call_id=self._call_id or "",
                                       reason=p.EndReason.CUSTOMER))
        self._journal("teller.end", {"by": "customer", "phase": str(self._view.phase)})
        await self._teardown()
        self._set(phase=CallPhase.IDLE)

    async def _on_dismiss(self) -> None:
        if self._view.phase in ACTIVE:
            return
        await self._teardown()
        self._set(phase=CallPhase.IDLE)

    async def _on_book(self, slot: str, phone: str) -> None:
        if self._view.phase != CallPhase.NO_TELLER or slot not in self._view.callback_slots:
            return
        language = self._view.language
        try:
            ref = await asyncio.to_thread(
                self._booker.book, slot=slot, language=language, kiosk_id=self.kiosk_id,
                call_id=self._call_id or "", phone=phone)
        except Exception as exc:
            log.exception("callback booking failed")
            self._journal("teller.callback.failed", {"slot": slot, "error": str(exc)})
            return  # still offered: the customer may try again or go back
        self._journal("teller.callback", {"slot": slot, "reference": ref})
        self._set(phase=CallPhase.CALLBACK_BOOKED, callback_booked=slot)

    async def _on_document_signed(self, evidence: dict[str, Any]) -> None:
        """The customer answered the pushed document: a signature becomes a signed evidence
        record (the flows' ``document.complete``: Ed25519 over the document's SHA-256, the
        strokes, time, kiosk, call), a refusal is told as it is. The teller gets an event
        with the record's hash either way; the strokes never leave the kiosk."""
        shown = self._view.document or {}
        doc_id = str(evidence.get("doc_id") or shown.get("doc_id") or "")
        if shown.get("doc_id") and doc_id != shown["doc_id"]:
            log.warning("document answer for %r, but %r is shown: ignored", doc_id,
                        shown.get("doc_id"))
            return
        base = {"teller_id": self._teller_id, "doc_id": doc_id,
                "sha256": str(shown.get("sha256") or evidence.get("sha256") or "")}
        if evidence.get("declined"):
            self._journal("teller.document.declined", base)
            self._send_channel(channel.Event(name="document.declined", data=base))
            self._set(document=None, notice="")
            return
        args = {"doc_id": doc_id, "strokes": evidence.get("strokes"),
                "pad": evidence.get("pad"), "call_id": self._call_id or ""}
        try:
            outcome = await asyncio.to_thread(self._actions.perform, "document.complete", args,
                                              teller_id=self._teller_id)
            ok, reason, message, data = outcome.ok, outcome.reason, outcome.message, outcome.data
        except Exception as exc:
            log.exception("signing the pushed document failed")
            ok, reason, message, data = False, "error", str(exc), {}
        self._journal("teller.document.signed" if ok else "teller.document.failed",
                      {**base, "ok": ok, "reason": reason, **{
                          k: v for k, v in data.items()
                          if k in ("document_sha256", "record_id", "key_id")}})
        self._send_channel(channel.Event(
            name="document.signed" if ok else "document.failed",
            data={**base, "ok": ok, "reason": reason, "message": message, **data}))
        self._set(document=None, notice="")

    # -- the queue -------------------------------------------------------------------

    async def _join_queue(self) -> None:
        self._set(phase=CallPhase.WAITING, position=0, estimated_wait_s=0.0)
        token_file = self._secrets_dir / self.settings.token_file
        try:
            read_token(token_file)  # now, so a missing token is said at once
        except HubAuthError as exc:
            log.error("%s", exc)
            self._journal("teller.unavailable", {"why": str(exc)})
            self._set(phase=CallPhase.UNAVAILABLE)
            return
        self._hub = HubClient(self.settings.url, lambda: read_token(token_file),
                              self._on_hub_message,
                              resume=lambda: self._call_id, on_link=self._on_link)
        self._hub.start()
        self._restart_answer_timer()
        self._watch = self._spawn(self._watch_hub(self._hub))

    async def _watch_hub(self, hub: HubClient) -> None:
        if await hub.wait_welcome(self.hub_connect_s) is None:
            async with self._lock:
                if hub is self._hub and hub.connects == 0:
                    self._journal("teller.unavailable", {"why": hub.fatal or "no answer",
                                                         "url": self.settings.url})
                    await self._teardown()
                    self._set(phase=CallPhase.UNAVAILABLE)

    def _on_link(self, up: bool, why: str) -> None:
        if not up and self._hub is not None and self._hub.fatal:
            self._spawn(self._locked(self._lost_hub(self._hub)))

    async def _lost_hub(self, hub: HubClient) -> None:
        if hub is self._hub and self._view.phase in ACTIVE:
            self._journal("teller.unavailable", {"why": hub.fatal or ""})
            await self._teardown()
            self._set(phase=CallPhase.UNAVAILABLE)

    def _call_request(self) -> p.CallRequest:
        req = self._request
        assert req is not None and self._call_id is not None
        skill = p.Skill.CARD_ISSUANCE if req.flow == "card_issuance" else p.Skill.GENERAL
        return p.CallRequest(call_id=self._call_id, language=req.language, skill=skill,
                             needs_help=req.needs_help, flow=req.flow, step=req.step,
                             in_kiosk_s=req.in_kiosk_s, reason=req.screen)

    def _restart_answer_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer = self._spawn(self._answer_timer(self._call_id))

    async def _answer_timer(self, call_id: str | None) -> None:
        await asyncio.sleep(self.settings.answer_timeout_s)
        async with self._lock:
            if call_id == self._call_id and self._view.phase == CallPhase.WAITING:
                self._timer = None  # this task: teardown must not cancel it mid-way
                await self._no_teller(NoTellerReason.TIMEOUT)

    async def _nobody_online(self, call_id: str | None, grace: float) -> None:
        await asyncio.sleep(grace)
        async with self._lock:
            if call_id == self._call_id and self._view.phase == CallPhase.WAITING:
                self._nobody = None
                await self._no_teller(NoTellerReason.NOBODY_ONLINE)

    async def _no_teller(self, reason: NoTellerReason, *, contacted: bool = True) -> None:
        if contacted:
            await self._send_hub(p.End(call_id=self._call_id or "",
                                       reason=p.EndReason.NO_TELLER))
        await self._teardown()
        language = self._view.language
        try:
            slots = tuple(await asyncio.to_thread(self._booker.slots, language))
        except Exception:
            log.exception("callback slots")
            slots = ()
        self._journal("teller.no_teller", {"reason": str(reason), "slots": len(slots)})
        self._set(phase=CallPhase.NO_TELLER, no_teller=reason, callback_slots=slots)

    # -- the hub's messages (in order, one at a time) -----------------------------------

    async def _on_hub_message(self, msg: p.Message) -> None:
        async with self._lock:
            await self._handle(msg)

    async def _handle(self, msg: p.Message) -> None:
        if isinstance(msg, p.Welcome):
            self._ice = list(msg.ice_servers)
            if self._view.phase == CallPhase.WAITING:
                await self._send_hub(self._call_request())  # again after a reconnect
            return
        if getattr(msg, "call_id", None) != self._call_id or self._view.phase not in ACTIVE:
            if isinstance(msg, p.Error):
                log.warning("hub: %s %s", msg.code, msg.message)
            return
        if isinstance(msg, p.QueuePosition):
            if self._view.phase == CallPhase.WAITING:
                self._set(position=msg.position, estimated_wait_s=msg.estimated_wait_s,
                          tellers_online=msg.tellers_online)
                if msg.tellers_online > 0 and self._nobody is not None:
                    self._nobody.cancel()
                    self._nobody = None
                elif msg.tellers_online == 0 and self._nobody is None:
                    grace = NOBODY_GRACE_REQUEUED_S if self._requeued else NOBODY_GRACE_S
                    self._nobody = self._spawn(self._nobody_online(self._call_id, grace))
        elif isinstance(msg, p.Connected):
            await self._on_connected(msg)
        elif isinstance(msg, p.Answer):
            leg = self._leg
            if leg is not None and msg.attempt == leg.attempt:
                await leg.pc.setRemoteDescription(RTCSessionDescription(msg.sdp, "answer"))
        elif isinstance(msg, p.Candidate):
            await self._on_candidate(msg)
        elif isinstance(msg, p.Requeued):
            self._journal("teller.requeued", {"reason": msg.reason, "teller_id": self._teller_id})
            self._requeued = True
            await self._close_leg()
            self.remote_video.clear()
            self._blip_since = None
            self._set(phase=CallPhase.WAITING, teller_name="", notice="")
            self._restart_answer_timer()
        elif isinstance(msg, p.Ended):
            if msg.reason == p.EndReason.TRANSFERRED:
                return  # a Requeued follows: the call goes on with another teller
            self._journal("teller.ended", {"reason": str(msg.reason), "by": msg.by,
                                           "teller_id": self._teller_id})
            await self._teardown()
            self._set(phase=CallPhase.TELLER_ENDED)
        elif isinstance(msg, p.Error):
            log.warning("hub refused: %s %s", msg.code, msg.message)
            self._journal("teller.hub_error", {"code": msg.code})

    async def _on_connected(self, msg: p.Connected) -> None:
        leg = self._leg
        if leg is not None and msg.teller_id == self._teller_id:
            # The hub says it again after our link came back (Hello.resume_call): keep an
            # open call; an offer that may have been lost meanwhile is sent once more.
            if not leg.open and leg.pc.localDescription is not None:
                await self._send_hub(p.Offer(call_id=self._call_id or "",
                                             sdp=leg.pc.localDescription.sdp,
                                             attempt=leg.attempt))
            return
        for attr in ("_timer", "_nobody"):
            task = getattr(self, attr)
            if task is not None:
                task.cancel()
                setattr(self, attr, None)
        self._teller_id = msg.teller_id
        if msg.ice_servers:
            self._ice = list(msg.ice_servers)
        self._journal("teller.answered", {"teller_id": msg.teller_id})
        self._set(phase=CallPhase.CONNECTING, teller_name=msg.teller_name,
                  recording=self.settings.record)
        self._start_media()
        await self._offer()

    async def _on_candidate(self, msg: p.Candidate) -> None:
        leg = self._leg
        if leg is None or msg.attempt != leg.attempt:
            return
        if msg.candidate is None:
            await leg.pc.addIceCandidate(None)
            return
        text = msg.candidate.removeprefix("candidate:")
        if not text:
            return
        try:
            cand = candidate_from_sdp(text)
        except (ValueError, IndexError):
            log.warning("bad candidate from the teller: %r", msg.candidate)
            return
        cand.sdpMid, cand.sdpMLineIndex = msg.sdp_mid, msg.sdp_mline_index
        if cand.sdpMid is None and cand.sdpMLineIndex is None:
            cand.sdpMLineIndex = 0
        await leg.pc.addIceCandidate(cand)

    async def _send_hub(self, msg: p.Base) -> bool:
        hub = self._hub
        return hub is not None and await hub.send(msg)

    # -- media ----------------------------------------------------------------------

    def _start_media(self) -> None:
        if self._relay is not None:
            return
        s = self.settings
        self._relay = MediaRelay()
        self._camera_track = media.CameraTrack(self._camera, width=s.video_width,
                                               height=s.video_height, fps=s.video_fps)
        try:
            self._mic = media.open_audio_in(s.audio_in)
        except Exception as exc:  # no microphone: the teller still sees and can type/act
            log.error("microphone %s: %s", s.audio_in, exc)
            self._journal("teller.microphone.failed", {"url": s.audio_in, "error": str(exc)})
            self._mic = media.MutableAudio(media.SilenceTrack())
        self._mic.muted = self._view.muted
        if s.audio_out:
            self._audio_out = media.AlsaOut(s.audio_out)
        if s.record and self._call_id is not None:
            try:
                key = load_or_create_key(self._secrets_dir / "recordings.key")
                self._recorder = CallRecorder(self.recordings_dir, key, self._call_id,
                                              width=s.video_width, height=s.video_height,
                                              fps=s.video_fps, journal=self._journal_fn)
            except Exception as exc:
                # Evidence matters, but a customer is never refused a teller for it.
                log.exception("recording cannot start")
                self._journal("teller.recording.failed", {"error": str(exc)})
                self._set(recording=False)
        if self._recorder is not None:
            for source, kind in ((self._camera_track, "customer"), (self._mic, "customer_audio")):
                proxy = self._relay.subscribe(source, buffered=False)
                self._media_proxies.append(proxy)
                self._spawn(media.consume(proxy, self._recorder.sink(kind)), self._media_tasks)

    async def _stop_media(self) -> None:
        for proxy in self._media_proxies:
            proxy.stop()
        self._media_proxies.clear()
        # The relay reads its sources until they end: stop them ourselves (aiortc #934).
        for track in (self._camera_track, self._mic):
            if track is not None:
                track.stop()
        self._camera_track = self._mic = None
        self._relay = None
        for task in list(self._media_tasks):
            task.cancel()
        await asyncio.gather(*self._media_tasks, return_exceptions=True)
        recorder, self._recorder = self._recorder, None
        if recorder is not None:
            await asyncio.to_thread(recorder.stop)
        out, self._audio_out = self._audio_out, None
        if out is not None:
            await asyncio.to_thread(out.close)

    # -- the peer connection ------------------------------------------------------------

    async def _offer(self) -> None:
        await self._close_leg()
        assert self._relay is not None and self._camera_track and self._mic
        self._attempt += 1
        pc = peer.new_peer_connection(self.settings.ice_servers, self._ice)
        leg = _Leg(pc=pc, attempt=self._attempt, started=time.monotonic())
        self._leg = leg
        leg.dc = pc.createDataChannel(channel.LABEL)  # before createOffer: in the SDP
        self._wire_channel(leg)
        video = self._relay.subscribe(self._camera_track, buffered=False)
        audio = self._relay.subscribe(self._mic, buffered=False)
        leg.proxies += [video, audio]
        peer.prefer_video_codec(pc.addTransceiver(video, direction="sendrecv"),
                                self.settings.video_codec)
        pc.addTransceiver(audio, direction="sendrecv")

        @pc.on("track")
        def on_track(track: MediaStreamTrack) -> None:
            self._spawn(self._consume_remote(track), leg.tasks)

        @pc.on("connectionstatechange")
        def on_state() -> None:
            if pc.connectionState == "failed" and self._leg is leg:
                self._spawn(self._locked(self._blip(leg, "ice failed")))

        offer = await pc.createOffer()
        with peer.ice_addresses(self.settings.ice_addresses):
            await pc.setLocalDescription(offer)  # gathers candidates (no trickle in aiortc)
        if self._leg is not leg:
            return
        await self._send_hub(p.Offer(call_id=self._call_id or "", sdp=pc.localDescription.sdp,
                                     attempt=leg.attempt))
        if self._beat is None or self._beat.done():
            self._beat = self._spawn(self._heartbeat())

    async def _consume_remote(self, track: MediaStreamTrack) -> None:
        rec = self._recorder
        sinks: list[Callable[[Any], None]] = []
        if track.kind == "video":
            sinks.append(self.remote_video.put)
            if rec is not None:
                sinks.append(rec.sink("teller"))
        else:
            if self._audio_out is not None:
                sinks.append(self._audio_out.write)
            if rec is not None:
                sinks.append(rec.sink("teller_audio"))
        await media.consume(track, *sinks)  # always read, so no receive queue grows

    def _wire_channel(self, leg: _Leg) -> None:
        dc = leg.dc
        assert dc is not None

        @dc.on("open")
        def on_open() -> None:
            self._spawn(self._locked(self._channel_open(leg)))

        @dc.on("message")
        def on_message(data: str | bytes) -> None:
            if self._leg is leg:
                self._alive_at = time.monotonic()
                self._on_channel_message(leg, data)

    async def _channel_open(self, leg: _Leg) -> None:
        if self._leg is not leg or self._view.phase not in (CallPhase.CONNECTING,
                                                            CallPhase.RECONNECTING):
            return
        leg.open = True
        self._alive_at = time.monotonic()
        if self._blip_since is not None:
            self._journal("teller.reconnected", {
                "attempt": leg.attempt, "after_s": round(time.monotonic() - self._blip_since, 2)})
        else:
            self._journal("teller.connected", {"teller_id": self._teller_id,
                                               "attempt": leg.attempt})
        self._blip_since = None
        self._set(phase=CallPhase.IN_CALL)
        self._context_sent = None
        self._spawn(self._send_context())

    async def _close_leg(self) -> None:
        leg, self._leg = self._leg, None
        if leg is None:
            return
        await leg.pc.close()
        # Senders that never started do not stop their tracks on close: stop them here.
        for proxy in leg.proxies:
            proxy.stop()
        for task in list(leg.tasks):
            task.cancel()
        await asyncio.gather(*leg.tasks, return_exceptions=True)

    async def _heartbeat(self) -> None:
        """Pings, blip detection, retries and context changes, every PING_INTERVAL_S."""
        seq = 0
        while True:
            await asyncio.sleep(channel.PING_INTERVAL_S)
            if self._view.phase == CallPhase.IN_CALL:
                await self._send_context()  # outside the lock: taps are not held up
            async with self._lock:
                phase, leg, now = self._view.phase, self._leg, time.monotonic()
                if phase not in LIVE:
                    if phase not in ACTIVE:
                        return
                    continue
                if phase == CallPhase.IN_CALL and leg is not None:
                    seq += 1
                    self._send_channel(channel.Ping(seq=seq, t=now))
                    if now - self._alive_at > channel.BLIP_AFTER_S:
                        await self._blip(leg, "no pong")
                elif phase in (CallPhase.CONNECTING, CallPhase.RECONNECTING) and leg:
                    since = self._blip_since if self._blip_since is not None else leg.started
                    if now - since > self.settings.reconnect_s:
                        await self._give_up()
                    elif now - leg.started > ATTEMPT_S:
                        self._blip_since = since
                        self._set(phase=CallPhase.RECONNECTING)
                        await self._offer()

    async def _blip(self, leg: _Leg, why: str) -> None:
        if self._leg is not leg or self._view.phase != CallPhase.IN_CALL:
            return
        self._blip_since = time.monotonic()
        self._journal("teller.blip", {"why": why, "attempt": leg.attempt})
        self._set(phase=CallPhase.RECONNECTING)
        await self._offer()

    async def _give_up(self) -> None:
        self._journal("teller.call.lost", {"teller_id": self._teller_id,
                                           "reconnect_s": self.settings.reconnect_s})
        await self._send_hub(p.End(call_id=self._call_id or "", reason=p.EndReason.KIOSK_LOST))
        await self._teardown()
        self._set(phase=CallPhase.UNAVAILABLE)

    # -- the data channel --------------------------------------------------------------

    def _send_channel(self, msg: channel.Base) -> bool:
        leg = self._leg
        if leg is None or leg.dc is None or leg.dc.readyState != "open":
            return False
        try:
            leg.dc.send(channel.encode(msg))
        except Exception as exc:  # too big for the peer, or closing under us
            log.warning("data channel send failed: %s", exc)
            return False
        return True

    async def _send_context(self) -> None:
        """Send the customer's context if it changed. Read on a worker thread: the flows
        build it (the ID capture as a JPEG data URL) and the loop must not wait for that."""
        if self._leg is None or not self._leg.open:
            return
        try:
            ctx = dict(await asyncio.to_thread(self._actions.context))
        except Exception:
            log.exception("teller context")
            return
        if ctx == self._context_sent:
            return
        try:
            msg = msgspec.convert(ctx, channel.Context)
            channel.encode(msg)
        except msgspec.ValidationError as exc:
            log.error("teller context does not fit channel.Context: %s", exc)
            self._context_sent = ctx  # said once, not every second
            return
        except channel.ChannelError as exc:
            # Too big for the data channel: the ID capture is what makes it so; the rest
            # of the context still matters to the teller.
            log.warning("teller context without the ID image: %s", exc)
            msg = msgspec.structs.replace(msg, id_image=None)
        if self._send_channel(msg):
            self._context_sent = ctx

    def _on_channel_message(self, leg: _Leg, data: str | bytes) -> None:
        try:
            msg = channel.decode(data)
        except channel.ChannelError as exc:
            self._refuse_malformed(data, str(exc))
            return
        if isinstance(msg, channel.Ping):
            self._send_channel(channel.Pong(seq=msg.seq, t=msg.t))
        elif isinstance(msg, channel.Action):
            self._spawn(self._perform(msg))

    def _refuse_malformed(self, data: str | bytes, why: str) -> None:
        try:
            raw = json.loads(data)
        except ValueError:
            raw = None
        if isinstance(raw, dict) and raw.get("type") == "action" and isinstance(raw.get("id"),
                                                                                 str):
            self._journal("teller.action", {"teller_id": self._teller_id, "id": raw["id"],
                                            "action": str(raw.get("name"))[:40], "ok": False,
                                            "reason": "unknown"})
            self._send_channel(channel.ActionResult(
                id=raw["id"], ok=False, reason="unknown", message=f"not understood: {why}"))
        else:
            log.warning("bad data-channel message: %s", why)

    async def _perform(self, action: channel.Action) -> None:
        teller = self._teller_id
        try:
            outcome = await asyncio.to_thread(self._actions.perform, str(action.name),
                                              dict(action.args), teller_id=teller)
            ok, reason, message, data = outcome.ok, outcome.reason, outcome.message, outcome.data
        except Exception as exc:
            log.exception("teller action %s failed", action.name)
            ok, reason, message, data = False, "error", str(exc), {}
        self._journal("teller.action", {
            "teller_id": teller, "id": action.id, "action": str(action.name),
            "args": _brief(action.args), "ok": ok, "reason": reason})
        self._send_channel(channel.ActionResult(id=action.id, ok=ok, reason=reason,
                                                message=message, data=data))
        if ok:
            changes: dict[str, Any] = {}
            if action.name == channel.ActionName.DOCUMENT_SIGN:
                changes["document"] = {**action.args, **data}
            # What the customer is told: the flow's own words if it gave some (it knows
            # the language), else the action's name, which the screen turns into its
            # translated sentence ("print" → "Your document is being printed").
            notice = data.get("notice") if isinstance(data.get("notice"), str) else ""
            changes["notice"] = notice or str(action.name)
            self._set(**changes)
            if data.get("end_call"):
                # Handed back to self-service at a step: the teller's part is done.
                self._journal("teller.handback", {"teller_id": teller,
                                                  "step": str(data.get("step", ""))})
                self._spawn(self._locked(self._on_end()))
                return
        await self._send_context()  # an action usually moves the flow

    # -- the end ---------------------------------------------------------------------

    async def _teardown(self) -> None:
        current = asyncio.current_task()
        self._requeued = False
        for attr in ("_timer", "_watch", "_beat", "_nobody"):
            task = getattr(self, attr)
            setattr(self, attr, None)
            if task is not None and task is not current:
                task.cancel()
        await self._close_leg()
        await self._stop_media()
        hub, self._hub = self._hub, None
        if hub is not None:
            await hub.close()
        self.remote_video.clear()
        self._blip_since = None
        self._context_sent = None
        self._set(document=None, recording=False)


def _camera_problem(status: DeviceStatus) -> str:
    failure = camera_failure(status)
    return str(failure) if failure is not None else ""


def _brief(args: dict[str, Any]) -> dict[str, Any]:
    """An action's arguments for the journal: long texts cut (the document is hashed by
    whoever signs it; the journal needs to say which one, not hold it)."""
    return {k: (v[:120] + "…" if isinstance(v, str) and len(v) > 120 else v)
            for k, v in args.items()}


def _log_failure(task: asyncio.Task[Any]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("teller call task failed", exc_info=task.exception())
