"""The call hub's aiohttp application: WebSocket signalling, the console's files, health.

One :class:`Hub` per process, on one event loop: the queue (:mod:`.routing`) is only touched
from that loop, every call event is written to the store (:mod:`.store`) before the parties
are told, and each connection has its own outbox task so a slow client never holds up the
others (a client that lets :attr:`HubConfig.outbox_limit` messages pile up is dropped).

Changes are pushed, coalesced: waiting kiosks get ``queue.position`` at the end of the loop
iteration that moved them (only those whose numbers changed), tellers ``queue.snapshot`` at
most every :attr:`HubConfig.snapshot_interval_s`.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import WSCloseCode, WSMsgType, web

from video_teller import protocol as p
from video_teller.hub import turn
from video_teller.hub.routing import Call, Queue, RoutingError, Teller
from video_teller.hub.store import HubStore
from video_teller.hub.tokens import (
    ID_PATTERN,
    Claims,
    TokenError,
    check_id,
    check_language,
    verify,
)

log = logging.getLogger(__name__)

CONSOLE_DIR = Path(__file__).parent / "console"
CONSOLE_CSP = ("default-src 'self'; img-src 'self' data:; media-src 'self' blob:; "
               "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
               "form-action 'self'")
MAX_REASON_CHARS = 200
MAX_NAME_CHARS = 64
MAX_IN_KIOSK_S = 24 * 3600.0


@dataclass(frozen=True)
class HubConfig:
    db: Path
    key: bytes  # signs and checks tokens
    turn_urls: tuple[str, ...] = ()
    turn_secret: bytes | None = None
    turn_ttl_s: float = 3600.0
    kiosk_grace_s: float = 30.0
    wrap_up_s: float = 30.0
    hello_timeout_s: float = 5.0
    snapshot_interval_s: float = 0.1
    snapshot_max_calls: int = 100
    max_errors: int = 20  # bad messages on one connection before it is closed (4400)
    outbox_limit: int = 2000
    heartbeat_s: float = 15.0
    console_dir: Path = CONSOLE_DIR
    #: WebSockets open at once, and of them still before their hello: past either, a new
    #: one is answered 429 before the upgrade (a flood of sockets must not starve the hub).
    max_connections: int = 4096
    max_unauthenticated: int = 256


class Conn:
    """One signed-in WebSocket: its identity and its outbox."""

    def __init__(self, ws: web.WebSocketResponse, claims: Claims, limit: int) -> None:
        self.ws = ws
        self.claims = claims
        self.role = claims.role
        self.id = claims.sub
        self.errors = 0
        self.closed = False
        #: Set by a handler that wants this connection closed once the message is done.
        self.pending_close: tuple[int, str] | None = None
        self._limit = limit
        self._outbox: asyncio.Queue[str | None] = asyncio.Queue()
        self._writer = asyncio.get_running_loop().create_task(self._write())
        self.expiry: asyncio.TimerHandle | None = None

    def send(self, message: p.Base) -> None:
        self.send_text(p.encode(message))

    def send_text(self, text: str) -> None:
        if self.closed:
            return
        if self._outbox.qsize() >= self._limit:
            log.warning("%s %s reads too slowly: dropped", self.role.value, self.id)
            self.close_soon(WSCloseCode.POLICY_VIOLATION, "too slow: messages piled up")
            return
        self._outbox.put_nowait(text)

    async def _write(self) -> None:
        while True:
            text = await self._outbox.get()
            if text is None:
                return
            try:
                await self.ws.send_str(text)
            except (ConnectionError, RuntimeError):
                return  # the reader side sees the close and cleans up

    async def flush(self, timeout: float = 1.0) -> None:
        """Let queued messages go out (before a close that follows them)."""
        self._outbox.put_nowait(None)
        with contextlib.suppress(TimeoutError, asyncio.CancelledError):
            await asyncio.wait_for(asyncio.shield(self._writer), timeout)

    async def close(self, code: int, message: str) -> None:
        if not self.closed:
            self.closed = True
            await self.flush()
        if self.expiry is not None:
            self.expiry.cancel()
        self._writer.cancel()
        await self.ws.close(code=code, message=message.encode()[:120])

    def close_soon(self, code: int, message: str) -> None:
        asyncio.get_running_loop().create_task(self.close(code, message))

    def stop(self) -> None:
        self.closed = True
        if self.expiry is not None:
            self.expiry.cancel()
        self._writer.cancel()


@dataclass
class Stats:
    """What the bench and /healthz read: durations in seconds, most recent last."""

    decisions: deque[float] = field(default_factory=lambda: deque(maxlen=20000))  # the pick
    answers: deque[float] = field(default_factory=lambda: deque(maxlen=20000))  # whole answer
    position_flushes: deque[float] = field(default_factory=lambda: deque(maxlen=20000))
    positions_sent: int = 0
    snapshots_sent: int = 0


class Hub:
    def __init__(self, config: HubConfig, *, clock: Callable[[], float] = time.time) -> None:
        self.cfg = config
        self.clock = clock
        self.store = HubStore(config.db)
        self.queue = Queue()
        self.kiosks: dict[str, Conn] = {}
        self.tellers: dict[str, Conn] = {}
        self.stats = Stats()
        self.started_at = clock()
        self._lost: dict[str, asyncio.TimerHandle] = {}  # call_id → kiosk_lost deadline
        self._wrap: dict[str, asyncio.TimerHandle] = {}  # teller_id → end of wrap-up
        self._sent: dict[str, tuple[int, float, int, int]] = {}  # last position per call
        self._positions_due = False
        self._snapshot_due: asyncio.TimerHandle | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping = False
        self._open_sockets = 0
        self._before_hello = 0
        self._handlers: dict[type[p.Base], Callable[[Conn, Any], None]] = {
            p.CallRequest: self._on_call_request, p.End: self._on_end,
            p.Offer: self._on_relay, p.Answer: self._on_relay, p.Candidate: self._on_relay,
            p.SetPresence: self._on_presence, p.AnswerCall: self._on_answer,
            p.Transfer: self._on_transfer,
        }

    # -- life ---------------------------------------------------------------------------

    async def start(self) -> None:
        """Rebuild the queue from the store; kiosks have kiosk_grace_s to come back."""
        self._loop = asyncio.get_running_loop()
        now = self.clock()
        self.queue.handle_times.extend(self.store.recent_handle_times(50))
        for call in self.store.open_calls():
            if call.teller_id is not None or call.state is not p.CallState.WAITING:
                teller = call.teller_id
                call.teller_id = None
                call.answered_at = call.connected_at = None
                call.head_at = call.head_at or now
                self.store.record(call, "call.requeued", "hub",
                                  {"reason": "hub_restart", "teller_id": teller}, at=now)
            call.kiosk_online = False
            try:
                self.queue.enqueue(call)
            except RoutingError as exc:  # two open calls of one kiosk: keep the first
                self.store.record_end(call, p.EndReason.KIOSK_LOST.value, "hub", at=now,
                                      data={"detail": str(exc)})
                continue
            self._expect_kiosk(call)
        log.info("call hub: %d waiting call(s) reloaded", self.queue.waiting_count)

    async def stop(self) -> None:
        """Close every connection (the queue stays in the store for the next start).
        Called before the runner's cleanup, which would cut the sockets without a code."""
        if self._stopping:
            return
        self._stopping = True
        conns = [*self.kiosks.values(), *self.tellers.values()]
        await asyncio.gather(*(c.close(WSCloseCode.GOING_AWAY, "hub shutting down")
                               for c in conns), return_exceptions=True)
        for handle in [*self._lost.values(), *self._wrap.values()]:
            handle.cancel()
        if self._snapshot_due is not None:
            self._snapshot_due.cancel()
        self.store.close()

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        assert self._loop is not None, "Hub.start() first"
        return self._loop

    # -- HTTP ---------------------------------------------------------------------------

    def app(self) -> web.Application:
        from kiosk_core import http_logging

        http_logging.install()
        app = web.Application(middlewares=[_headers], client_max_size=1024)  # no bodies
        app.router.add_get("/ws", self._ws_any)
        app.router.add_get("/kiosk", self._ws_kiosk)
        app.router.add_get("/teller", self._ws_teller)
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/console", self._to_console)
        app.router.add_get("/console/", self._console_index)
        if self.cfg.console_dir.is_dir():
            app.router.add_static("/console/", self.cfg.console_dir)
        app.on_startup.append(lambda _app: self.start())
        app.on_shutdown.append(lambda _app: self.stop())
        return app

    async def _to_console(self, request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound("/console/")

    async def _console_index(self, request: web.Request) -> web.StreamResponse:
        index = self.cfg.console_dir / "index.html"
        if not index.is_file():
            raise web.HTTPNotFound(text="the teller console is not installed")
        return web.FileResponse(index)

    async def _healthz(self, request: web.Request) -> web.StreamResponse:
        q = self.queue
        in_call = sum(1 for c in q.calls.values() if c.teller_id is not None)
        return web.json_response({
            "ok": True, "uptime_s": round(self.clock() - self.started_at, 1),
            "waiting": q.waiting_count, "in_call": in_call,
            "kiosks_connected": len(self.kiosks), "tellers_connected": len(self.tellers),
            "tellers": {pr.value: sum(1 for t in q.tellers.values() if t.presence is pr)
                        for pr in p.Presence},
            "mean_handle_s": round(q.mean_handle_s, 1),
            "routing_p99_ms": round(_p99(self.stats.decisions) * 1000, 3),
            "answer_p99_ms": round(_p99(self.stats.answers) * 1000, 3),
            "answer_p50_ms": round(_pct(self.stats.answers, 0.5) * 1000, 3),
            "routing_decisions": len(self.stats.decisions),
            "positions_p99_ms": round(_p99(self.stats.position_flushes) * 1000, 3),
            "positions_sent": self.stats.positions_sent,
            "snapshots_sent": self.stats.snapshots_sent,
        })

    # -- WebSocket: sign-in, reading, disconnect ----------------------------------------

    async def _ws_any(self, request: web.Request) -> web.StreamResponse:
        return await self._serve_ws(request, None)

    async def _ws_kiosk(self, request: web.Request) -> web.StreamResponse:
        return await self._serve_ws(request, p.Role.KIOSK)

    async def _ws_teller(self, request: web.Request) -> web.StreamResponse:
        return await self._serve_ws(request, p.Role.TELLER)

    async def _serve_ws(self, request: web.Request, role: p.Role | None) -> web.StreamResponse:
        if (self._open_sockets >= self.cfg.max_connections
                or self._before_hello >= self.cfg.max_unauthenticated):
            log.warning("refused a WebSocket from %s: %d open, %d before hello",
                        request.remote, self._open_sockets, self._before_hello)
            return web.json_response({"error": "too many connections: try again"}, status=429,
                                     headers={"Retry-After": "5"})
        ws = web.WebSocketResponse(heartbeat=self.cfg.heartbeat_s,
                                   max_msg_size=2 * p.MAX_MESSAGE_BYTES)
        self._open_sockets += 1
        try:
            return await self._serve_open_ws(request, ws, role)
        finally:
            self._open_sockets -= 1

    async def _serve_open_ws(self, request: web.Request, ws: web.WebSocketResponse,
                             role: p.Role | None) -> web.StreamResponse:
        self._before_hello += 1
        try:
            await ws.prepare(request)
            conn = await self._sign_in(ws, role)
        finally:
            self._before_hello -= 1
        if conn is None:
            return ws
        try:
            async for msg in ws:
                if msg.type is WSMsgType.TEXT:
                    self._on_text(conn, msg.data)
                elif msg.type is WSMsgType.BINARY:
                    conn.pending_close = (p.CLOSE_PROTOCOL, "binary messages are not allowed")
                else:
                    break
                if conn.pending_close is not None:
                    await conn.close(*conn.pending_close)
                    break
        finally:
            self._disconnected(conn)
        return ws

    async def _sign_in(self, ws: web.WebSocketResponse, role: p.Role | None) -> Conn | None:
        async def refuse(why: str) -> None:
            log.info("sign-in refused: %s", why)
            await ws.close(code=p.CLOSE_UNAUTHORIZED, message=why.encode()[:120])

        try:
            msg = await asyncio.wait_for(ws.receive(), self.cfg.hello_timeout_s)
        except TimeoutError:
            await refuse(f"hello expected within {self.cfg.hello_timeout_s:g} s")
            return None
        if msg.type is not WSMsgType.TEXT:
            if msg.type not in (WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.CLOSED):
                await refuse("first message must be hello")
            return None
        try:
            hello = p.decode(msg.data)
        except p.ProtocolError as exc:
            await refuse(f"bad hello: {exc}")
            return None
        if not isinstance(hello, p.Hello):
            await refuse("first message must be hello")
            return None
        try:
            claims = verify(self.cfg.key, hello.token, role=role)
        except TokenError as exc:
            await refuse(f"{exc.code}: {exc}")
            return None
        conn = Conn(ws, claims, self.cfg.outbox_limit)
        table = self.kiosks if conn.role is p.Role.KIOSK else self.tellers
        old = table.get(conn.id)
        table[conn.id] = conn
        if old is not None:
            old.close_soon(p.CLOSE_REPLACED, "signed in on another connection")
        conn.expiry = self.loop.call_later(
            claims.expires_in(self.clock()),
            lambda: conn.close_soon(p.CLOSE_UNAUTHORIZED, "token expired"))
        conn.send(p.Welcome(role=conn.role, id=conn.id, ice_servers=self._ice(conn.id),
                            token_expires_in=round(claims.expires_in(self.clock()), 1)))
        log.info("%s %s signed in", conn.role.value, conn.id)
        if conn.role is p.Role.TELLER:
            self._teller_signed_in(conn)
        elif hello.resume_call is not None:
            self._resume(conn, hello.resume_call)
        return conn

    def _on_text(self, conn: Conn, data: str) -> None:
        if len(data) > p.MAX_MESSAGE_BYTES:
            conn.pending_close = (p.CLOSE_PROTOCOL, f"message over {p.MAX_MESSAGE_BYTES} bytes")
            return
        try:
            msg = p.decode(data)
        except p.ProtocolError as exc:
            self._refuse(conn, "bad_message", str(exc))
            return
        allowed = p.FROM_KIOSK if conn.role is p.Role.KIOSK else p.FROM_TELLER
        if type(msg) not in allowed:
            self._refuse(conn, "not_allowed",
                         f"a {conn.role.value} may not send {_tag(msg)}")
            return
        if isinstance(msg, p.Hello):
            self._refuse(conn, "already_signed_in", "hello only once per connection")
            return
        try:
            self._handlers[type(msg)](conn, msg)
        except RoutingError as exc:
            self._refuse(conn, exc.code, str(exc), getattr(msg, "call_id", None))
        except ValueError as exc:
            self._refuse(conn, "bad_value", str(exc), getattr(msg, "call_id", None))
        except Exception:  # a bug must cost one message, not the connection or the hub
            log.exception("handling %s from %s %s", _tag(msg), conn.role.value, conn.id)
            self._refuse(conn, "internal", "the hub failed on this message",
                         getattr(msg, "call_id", None))

    def _refuse(self, conn: Conn, code: str, message: str, call_id: str | None = None) -> None:
        conn.errors += 1
        conn.send(p.Error(code=code, message=message[:300], call_id=call_id))
        if conn.errors > self.cfg.max_errors:
            conn.pending_close = (
                p.CLOSE_PROTOCOL, f"more than {self.cfg.max_errors} refused messages")

    def _disconnected(self, conn: Conn) -> None:
        conn.stop()
        table = self.kiosks if conn.role is p.Role.KIOSK else self.tellers
        if table.get(conn.id) is not conn:
            return  # replaced by a newer connection: nothing is lost
        del table[conn.id]
        if self._stopping:
            return  # the store keeps the calls as they were; the next start settles them
        now = self.clock()
        log.info("%s %s disconnected", conn.role.value, conn.id)
        if conn.role is p.Role.TELLER:
            self._teller_lost(conn.id, now)
            return
        call = self.queue.call_of_kiosk(conn.id)
        if call is not None:
            call.kiosk_online = False
            self.store.record(call, "kiosk.lost", conn.id, {"state": call.state.value}, at=now)
            self._expect_kiosk(call)
            self._changed()

    # -- kiosks -------------------------------------------------------------------------

    def _on_call_request(self, conn: Conn, msg: p.CallRequest) -> None:
        check_id(msg.call_id, "call_id")
        check_language(msg.language)
        if len(msg.reason) > MAX_REASON_CHARS:
            raise ValueError(f"reason: at most {MAX_REASON_CHARS} characters")
        for name, value in (("flow", msg.flow), ("step", msg.step)):
            if value is not None and len(value) > MAX_NAME_CHARS:
                raise ValueError(f"{name}: at most {MAX_NAME_CHARS} characters")
        if not (math.isfinite(msg.in_kiosk_s) and 0 <= msg.in_kiosk_s <= MAX_IN_KIOSK_S):
            raise ValueError(f"in_kiosk_s: 0 to {MAX_IN_KIOSK_S:g}")
        known = self.queue.calls.get(msg.call_id)
        if known is not None:
            if known.kiosk_id != conn.id:
                raise RoutingError("call_id_taken", f"call {msg.call_id} is another kiosk's")
            self._resume(conn, msg.call_id)  # same call again: it keeps its place
            return
        ended = self.store.ended(msg.call_id)
        if ended is not None:
            raise RoutingError("call_ended", f"call {msg.call_id} ended ({ended.reason})")
        now = self.clock()
        call = self.queue.enqueue(Call(
            call_id=msg.call_id, kiosk_id=conn.id, language=msg.language, skill=msg.skill,
            needs_help=msg.needs_help, flow=msg.flow, step=msg.step, in_kiosk_s=msg.in_kiosk_s,
            reason=msg.reason, enqueued_at=now))
        self.store.record(call, "call.requested", conn.id, {
            "language": call.language, "skill": call.skill.value,
            "needs_help": call.needs_help, "flow": call.flow, "priority_bonus_s": call.bonus_s,
        }, at=now)
        self._changed()

    def _resume(self, conn: Conn, call_id: str) -> None:
        if not ID_PATTERN.fullmatch(call_id):
            self._refuse(conn, "bad_value", "resume_call: not a call id")
            return
        call = self.queue.calls.get(call_id)
        if call is None or call.kiosk_id != conn.id:
            ended = self.store.ended(call_id)
            if ended is not None and ended.kiosk_id == conn.id:
                conn.send(p.Ended(call_id=call_id, reason=p.EndReason(ended.reason),
                                  by=ended.by))
            else:
                self._refuse(conn, "unknown_call", f"no call {call_id} of this kiosk", call_id)
            return
        handle = self._lost.pop(call_id, None)
        if handle is not None:
            handle.cancel()
        was_online = call.kiosk_online
        call.kiosk_online = True
        self._sent.pop(call_id, None)  # this connection has not been told yet
        if not was_online:
            self.store.record(call, "kiosk.returned", conn.id, {"state": call.state.value})
        if call.teller_id is not None:
            teller = self.queue.tellers.get(call.teller_id)
            conn.send(p.Connected(call_id=call_id, teller_id=call.teller_id,
                                  teller_name=teller.name if teller else "",
                                  ice_servers=self._ice(conn.id)))
        self._changed()

    def _expect_kiosk(self, call: Call) -> None:
        old = self._lost.pop(call.call_id, None)
        if old is not None:
            old.cancel()
        self._lost[call.call_id] = self.loop.call_later(
            self.cfg.kiosk_grace_s, self._kiosk_lost, call.call_id)

    def _kiosk_lost(self, call_id: str) -> None:
        self._lost.pop(call_id, None)
        call = self.queue.calls.get(call_id)
        if call is None or call.kiosk_online:
            return
        teller_id = call.teller_id
        self._end(call, p.EndReason.KIOSK_LOST, "hub")
        if teller_id is not None and teller_id in self.tellers:
            self.tellers[teller_id].send(
                p.Ended(call_id=call_id, reason=p.EndReason.KIOSK_LOST, by="hub"))

    def _on_end(self, conn: Conn, msg: p.End) -> None:
        call = self._own_call(conn, msg.call_id)
        if conn.role is p.Role.KIOSK:
            # kiosk_lost: the kiosk gave up rebuilding the media after a blip (the audit and
            # the teller's console say the line was lost, not that the customer left).
            if msg.reason not in (p.EndReason.CUSTOMER, p.EndReason.NO_TELLER,
                                  p.EndReason.KIOSK_LOST):
                raise RoutingError("bad_reason",
                                   "a kiosk ends with customer, no_teller or kiosk_lost")
            teller_id = call.teller_id
            self._end(call, msg.reason, conn.id)
            if teller_id is not None and teller_id in self.tellers:
                self.tellers[teller_id].send(
                    p.Ended(call_id=call.call_id, reason=msg.reason, by=conn.id))
            return
        if msg.reason is not p.EndReason.TELLER:
            raise RoutingError("bad_reason", "a teller ends with reason teller")
        self._end(call, msg.reason, conn.id)
        kiosk = self.kiosks.get(call.kiosk_id)
        if kiosk is not None:
            kiosk.send(p.Ended(call_id=call.call_id, reason=msg.reason, by=conn.id))

    def _own_call(self, conn: Conn, call_id: str) -> Call:
        call = self.queue.calls.get(call_id)
        mine = call is not None and (
            call.kiosk_id == conn.id if conn.role is p.Role.KIOSK else call.teller_id == conn.id)
        if call is None or not mine:
            raise RoutingError("not_your_call", f"call {call_id} is not yours")
        return call

    # -- signalling relay ---------------------------------------------------------------

    def _on_relay(self, conn: Conn, msg: p.Offer | p.Answer | p.Candidate) -> None:
        call = self._own_call(conn, msg.call_id)
        if call.teller_id is None:
            raise RoutingError("not_in_call", f"call {msg.call_id} has no teller yet")
        if conn.role is p.Role.KIOSK:
            peer = self.tellers.get(call.teller_id)
        else:
            peer = self.kiosks.get(call.kiosk_id) if call.kiosk_online else None
        if peer is None:
            raise RoutingError("peer_away", "the other side is reconnecting")
        if isinstance(msg, p.Answer) and self.queue.mark_connected(call.call_id, self.clock()):
            self.store.record(call, "call.connected", conn.id, {"attempt": msg.attempt})
        peer.send(msg)

    # -- tellers ------------------------------------------------------------------------

    def _teller_signed_in(self, conn: Conn) -> None:
        c = conn.claims
        teller = self.queue.sign_in(Teller(
            teller_id=conn.id, name=c.name or conn.id, languages=c.languages, skills=c.skills,
            since=self.clock()))
        self.store.record(None, "teller.signed_in", conn.id, {"presence": teller.presence.value})
        if teller.call_id is not None:  # back on a new connection mid-call
            self._send_assigned(conn, self.queue.calls[teller.call_id])
        self._changed(snapshot_now=True)

    def _teller_lost(self, teller_id: str, now: float) -> None:
        wrap = self._wrap.pop(teller_id, None)
        if wrap is not None:
            wrap.cancel()
        lost, unpinned = self.queue.sign_out(teller_id, now)
        self.store.record(None, "teller.signed_out", teller_id, at=now)
        if lost is not None:
            requeued = lost.call
            data = {"reason": "teller_lost", "teller_id": teller_id}
            if lost.handle_s is not None:
                self.store.record_handle(requeued, teller_id, lost.handle_s, "call.requeued",
                                         "hub", data, at=now)
            else:
                self.store.record(requeued, "call.requeued", "hub", data, at=now)
            kiosk = self.kiosks.get(requeued.kiosk_id)
            if kiosk is not None and requeued.kiosk_online:
                self._sent.pop(requeued.call_id, None)
                kiosk.send(p.Requeued(call_id=requeued.call_id, reason="teller_lost",
                                      skill=requeued.skill))
        for call in unpinned:
            self.store.record(call, "call.unpinned", "hub", {"teller_id": teller_id}, at=now)
        self._changed()

    def _on_presence(self, conn: Conn, msg: p.SetPresence) -> None:
        now = self.clock()
        teller = self.queue.set_presence(conn.id, msg.state, now)
        wrap = self._wrap.pop(conn.id, None)
        if wrap is not None:
            wrap.cancel()
        if teller.presence is p.Presence.WRAP_UP:
            self._start_wrap_up(conn.id)
        self.store.record(None, "teller.presence", conn.id, {"presence": msg.state.value}, at=now)
        self._changed(snapshot_now=True)

    def _on_answer(self, conn: Conn, msg: p.AnswerCall) -> None:
        now = self.clock()
        t0 = time.perf_counter()
        call = self.queue.answer(conn.id, msg.call_id, now)
        self.stats.decisions.append(time.perf_counter() - t0)
        wrap = self._wrap.pop(conn.id, None)
        if wrap is not None:
            wrap.cancel()
        self._sent.pop(call.call_id, None)
        self.store.record(call, "call.answered", conn.id,
                          {"waited_s": round(now - call.enqueued_at, 3)}, at=now)
        teller = self.queue.tellers[conn.id]
        self._send_assigned(conn, call)
        kiosk = self.kiosks.get(call.kiosk_id)
        if kiosk is not None:
            kiosk.send(p.Connected(call_id=call.call_id, teller_id=conn.id,
                                   teller_name=teller.name, ice_servers=self._ice(kiosk.id)))
        self._changed()
        self.stats.answers.append(time.perf_counter() - t0)

    def _send_assigned(self, conn: Conn, call: Call) -> None:
        conn.send(p.Assigned(
            call_id=call.call_id, kiosk_id=call.kiosk_id, language=call.language,
            skill=call.skill, flow=call.flow, step=call.step, reason=call.reason,
            waited_s=round(max(0.0, (call.answered_at or self.clock()) - call.enqueued_at), 1),
            ice_servers=self._ice(conn.id)))

    def _on_transfer(self, conn: Conn, msg: p.Transfer) -> None:
        now = self.clock()
        if msg.to_teller is not None:
            check_id(msg.to_teller, "to_teller")
        ended = self.queue.transfer(msg.call_id, conn.id, now, to_teller=msg.to_teller,
                                    to_skill=msg.to_skill)
        call = ended.call
        data = {"from": conn.id, "to_teller": msg.to_teller,
                "to_skill": msg.to_skill.value if msg.to_skill else None}
        if ended.handle_s is not None:
            self.store.record_handle(call, conn.id, ended.handle_s, "call.transferred",
                                     conn.id, data, at=now)
        else:
            self.store.record(call, "call.transferred", conn.id, data, at=now)
        self._start_wrap_up(conn.id)
        kiosk = self.kiosks.get(call.kiosk_id)
        if kiosk is not None and call.kiosk_online:
            self._sent.pop(call.call_id, None)
            kiosk.send(p.Requeued(call_id=call.call_id, reason="transfer", skill=call.skill))
        self._changed()

    def _start_wrap_up(self, teller_id: str) -> None:
        old = self._wrap.pop(teller_id, None)
        if old is not None:
            old.cancel()
        self._wrap[teller_id] = self.loop.call_later(
            self.cfg.wrap_up_s, self._wrap_up_over, teller_id)

    def _wrap_up_over(self, teller_id: str) -> None:
        self._wrap.pop(teller_id, None)
        if self.queue.finish_wrap_up(teller_id, self.clock()):
            self.store.record(None, "teller.presence", teller_id,
                              {"presence": p.Presence.AVAILABLE.value, "after": "wrap_up"})
            self._changed(snapshot_now=True)

    # -- ending -------------------------------------------------------------------------

    def _end(self, call: Call, reason: p.EndReason, by: str) -> None:
        now = self.clock()
        teller_id = call.teller_id
        ended = self.queue.end(call.call_id, now)
        handle = (teller_id, ended.handle_s) if teller_id and ended.handle_s is not None else None
        self.store.record_end(call, reason.value, by, at=now, handle=handle)
        lost = self._lost.pop(call.call_id, None)
        if lost is not None:
            lost.cancel()
        self._sent.pop(call.call_id, None)
        if teller_id is not None:
            self._start_wrap_up(teller_id)
        self._changed()

    # -- pushing changes ----------------------------------------------------------------

    def _changed(self, *, snapshot_now: bool = False) -> None:
        if not self._positions_due:
            self._positions_due = True
            self.loop.call_soon(self._push_positions)
        if self._snapshot_due is None:
            delay = 0.0 if snapshot_now else self.cfg.snapshot_interval_s
            self._snapshot_due = self.loop.call_later(delay, self._push_snapshots)

    def _push_positions(self) -> None:
        self._positions_due = False
        t0 = time.perf_counter()
        calls = self.queue.calls
        for call_id, pos in self.queue.positions().items():
            call = calls[call_id]
            if not call.kiosk_online:
                continue
            conn = self.kiosks.get(call.kiosk_id)
            if conn is None:
                continue
            key = (pos.position, pos.estimated_wait_s, pos.tellers_available, pos.tellers_online)
            if self._sent.get(call_id) == key:
                continue
            self._sent[call_id] = key
            conn.send(p.QueuePosition(call_id, *key))
            self.stats.positions_sent += 1
        self.stats.position_flushes.append(time.perf_counter() - t0)

    def _push_snapshots(self) -> None:
        self._snapshot_due = None
        if not self.tellers:
            return
        now = self.clock()
        q = self.queue
        head = list(itertools.islice(q.waiting(), self.cfg.snapshot_max_calls))
        rows = [(c, round(now - c.enqueued_at, 1), round(c.priority(now), 1)) for c in head]
        views = [p.TellerView(teller_id=t.teller_id, name=t.name, presence=t.presence,
                              languages=list(t.languages), skills=list(t.skills))
                 for t in q.tellers.values()]
        for teller_id, conn in self.tellers.items():
            teller = q.tellers.get(teller_id)
            if teller is None:
                continue
            calls = [p.QueuedCall(
                call_id=c.call_id, kiosk_id=c.kiosk_id, language=c.language, skill=c.skill,
                waiting_s=waited, priority=prio, needs_help=c.needs_help, flow=c.flow,
                reason=c.reason, eligible=c.kiosk_online and teller.eligible(c))
                for c, waited, prio in rows]
            conn.send(p.QueueSnapshot(calls=calls, tellers=views, presence=teller.presence,
                                      total_calls=q.waiting_count))
            self.stats.snapshots_sent += 1

    def _ice(self, party: str) -> list[p.IceServer]:
        return turn.ice_servers(self.cfg.turn_urls, self.cfg.turn_secret, party,
                                self.cfg.turn_ttl_s, self.clock())


@web.middleware
async def _headers(request: web.Request, handler: Any) -> web.StreamResponse:
    try:
        response: web.StreamResponse = await handler(request)
    except OSError:  # the static files: a name too long for the file system (ENAMETOOLONG)
        response = web.Response(status=404, text="not found")
    if response.prepared:  # a WebSocket: its headers went out long ago
        return response
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Cache-Control", "no-store")
    if request.path.startswith("/console"):
        # The console shows what kiosks send (names, an ID image): nothing may load or run
        # from anywhere but the hub, and the page may not be framed.
        response.headers.setdefault("Content-Security-Policy", CONSOLE_CSP)
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
    return response


def _tag(msg: p.Base) -> str:
    return str(type(msg).__struct_config__.tag)


def _pct(values: deque[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def _p99(values: deque[float]) -> float:
    return _pct(values, 0.99)
