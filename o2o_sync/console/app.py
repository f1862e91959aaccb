"""The staff console: a small web app on 127.0.0.1 for branch staff.

Security: sign-in with argon2id-hashed passwords (o2o_sync.console.auth), rate-limited and
locked out per (name, client address) before any hash; an HttpOnly, SameSite=Strict session
cookie (``Secure`` behind HTTPS); every state-changing request needs the session's CSRF token
in ``X-CSRF-Token`` and, when the browser sends one, an ``Origin`` equal to ours — behind the
TLS proxy, ``public_origin`` (or the scheme a *trusted* proxy reports in X-Forwarded-Proto);
bodies of at most 16 KiB, JSON nested at most 32 levels; a strict Content-Security-Policy
(no inline script). Live updates: a WebSocket that says "changed" whenever the branch database is
committed by anyone (kiosk, sync, another console) — detected with ``PRAGMA data_version``.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import weakref
from collections.abc import Awaitable, Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from aiohttp import WSMsgType, web

from kiosk_core import safejson
from o2o_sync.console.auth import (
    Session,
    Sessions,
    hash_password,
    needs_rehash,
    verify_password,
)
from o2o_sync.console.health import KioskHealth, KioskLink
from o2o_sync.services import SERVICES
from o2o_sync.store import BranchStore, LookupRefused
from o2o_sync.timeutil import local_today

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
COOKIE = "sb_staff"
STORE_KEY: web.AppKey[BranchStore] = web.AppKey("store", BranchStore)
SESSIONS_KEY: web.AppKey[Sessions] = web.AppKey("sessions", Sessions)
WATCH_KEY: web.AppKey[asyncio.Task[None]] = web.AppKey("watch", asyncio.Task)
HEALTH_KEY: web.AppKey[asyncio.Task[None]] = web.AppKey("health", asyncio.Task)
_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; connect-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

MAX_BODY = 16 * 1024
READ_TIMEOUT_S = 10.0
#: Sign-ins in or waiting for a password hash; more at once are 429 (a flood of sign-ins
#: must not take the threads that signed-in staff's requests run on).
MAX_HASHING = 8
HASH_THREADS = 2


def _networks(proxies: Sequence[str]) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(p, strict=False) for p in proxies]


def make_console_app(
    store: BranchStore, *, branch_name: str = "Branch", poll_s: float = 0.1,
    kiosks: Sequence[KioskLink] = (), health_interval_s: float = 10.0,
    branch_names: Mapping[str, str] | None = None,
    public_origin: str = "", trusted_proxies: Sequence[str] = (),
) -> web.Application:
    """``kiosks``: the branch's kiosks whose device health the console shows (each one's
    monitoring endpoint, o2o_sync.console.health). ``branch_names``: the branch's name per
    language (``[kiosk] branch_names``; the console picks the one of its language).
    ``public_origin`` (``https://console.branch.example``): the origin browsers see behind
    the TLS proxy; ``trusted_proxies``: addresses (or networks) of that proxy, the only
    senders whose X-Forwarded-Proto / X-Forwarded-For are believed."""
    app = web.Application(client_max_size=MAX_BODY)
    proxies = _networks(trusted_proxies)
    public_origin = public_origin.rstrip("/")
    hash_pool = ThreadPoolExecutor(max_workers=HASH_THREADS, thread_name_prefix="staff-hash")
    hashing = [0]
    health = KioskHealth(kiosks, interval_s=health_interval_s)
    sessions = Sessions(store)
    app[STORE_KEY] = store
    app[SESSIONS_KEY] = sessions
    sockets: weakref.WeakSet[web.WebSocketResponse] = weakref.WeakSet()

    async def in_thread(fn: Callable[..., Any], *args: Any, **kw: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(None, lambda: fn(*args, **kw))

    def session_of(request: web.Request) -> Session | None:
        return sessions.get(request.cookies.get(COOKIE))

    def via_proxy(request: web.Request) -> bool:
        try:
            peer = ipaddress.ip_address(request.remote or "")
        except ValueError:
            return False
        return any(peer in net for net in proxies)

    def scheme_of(request: web.Request) -> str:
        if via_proxy(request):
            proto = request.headers.get("X-Forwarded-Proto", "").strip().lower()
            if proto in ("http", "https"):
                return proto
        return request.scheme

    def client_of(request: web.Request) -> str:
        if via_proxy(request):  # the address the proxy appended last is the one it saw
            hops = [h.strip() for h in request.headers.get("X-Forwarded-For", "").split(",")]
            if hops and hops[-1]:
                return hops[-1][:64]
        return request.remote or "?"

    def is_https(request: web.Request) -> bool:
        return scheme_of(request) == "https" or public_origin.startswith("https://")

    def same_origin(request: web.Request) -> bool:
        origin = request.headers.get("Origin")
        if origin is None:
            return True
        if public_origin:
            return origin == public_origin
        return origin == f"{scheme_of(request)}://{request.host}"

    @web.middleware
    async def headers_mw(request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            resp = await handler(request)
        except web.HTTPException as exc:
            exc.headers.update(_HEADERS)
            raise
        except OSError:  # static files: a name too long for the file system (ENAMETOOLONG)
            resp = web.Response(status=404, text="not found")
        if not resp.prepared:
            resp.headers.update(_HEADERS)
        return resp

    # -- pages ----------------------------------------------------------------------

    async def login_page(request: web.Request) -> web.StreamResponse:
        return web.FileResponse(STATIC / "login.html")

    async def login(request: web.Request) -> web.StreamResponse:
        if not same_origin(request):
            log.warning("staff console: cross-origin sign-in refused")
            raise web.HTTPForbidden(text="cross-origin request refused")
        try:
            form = await asyncio.wait_for(request.post(), READ_TIMEOUT_S)
        except TimeoutError:
            raise web.HTTPRequestTimeout(text="the form did not arrive in time") from None
        except (ValueError, UnicodeDecodeError, AssertionError):
            raise web.HTTPBadRequest(text="malformed sign-in form") from None
        user = str(form.get("username", ""))[:64]
        password = str(form.get("password", ""))[:256]
        if not user.isprintable() or not password.isprintable():
            raise web.HTTPFound("/login?error=1")  # no such account can exist
        client = client_of(request)
        if hashing[0] >= MAX_HASHING:
            log.warning("staff console: sign-in from %s refused, too many at once", client)
            raise web.HTTPTooManyRequests(text="too many sign-ins at once: try again",
                                          headers={"Retry-After": "1"})
        verdict = sessions.guard.admit(user, client)
        if verdict == "rate":
            log.warning("staff console: sign-in rate limit hit by %s", client)
            raise web.HTTPTooManyRequests(text="too many sign-ins: wait a few seconds",
                                          headers={"Retry-After": "2"})
        if verdict == "locked":
            log.warning("staff console: sign-in for %r from %s refused, locked out", user, client)
            raise web.HTTPFound("/login?error=locked")
        loop = asyncio.get_running_loop()
        hashing[0] += 1
        try:
            stored = await in_thread(store.staff_hash, user)
            ok = await loop.run_in_executor(hash_pool, verify_password, password, stored)
        finally:
            hashing[0] -= 1
        sessions.guard.settle(user, client, ok)
        if not ok:
            log.warning("staff console: failed sign-in for %r from %s", user, client)
            raise web.HTTPFound("/login?error=1")
        assert stored is not None
        if needs_rehash(stored):  # scrypt from before issue 15: argon2id from now on
            new_hash = await loop.run_in_executor(hash_pool, hash_password, password)
            if await in_thread(store.rehash_staff_password, user, stored, new_hash):
                log.info("staff console: password hash of %s upgraded to argon2id", user)
        token, _ = await in_thread(sessions.create, user)
        log.info("staff console: %s signed in", user)
        resp = web.HTTPFound("/")
        resp.set_cookie(
            COOKIE, token, httponly=True, samesite="Strict", path="/", secure=is_https(request)
        )
        raise resp

    async def logout(request: web.Request) -> web.StreamResponse:
        s = session_of(request)
        if s is not None and request.headers.get("X-CSRF-Token") == s.csrf and same_origin(request):
            await in_thread(sessions.drop, request.cookies.get(COOKIE))
        resp = web.json_response({"ok": True})
        resp.del_cookie(COOKIE, path="/")
        return resp

    async def index(request: web.Request) -> web.StreamResponse:
        if session_of(request) is None:
            raise web.HTTPFound("/login")
        return web.FileResponse(STATIC / "index.html")

    # -- API --------------------------------------------------------------------------

    def api(fn: Callable[[web.Request, Session], Awaitable[Any]], *, write: bool) -> Handler:
        async def handler(request: web.Request) -> web.StreamResponse:
            s = session_of(request)
            if s is None:
                return web.json_response({"error": "sign in first"}, status=401)
            if write and (
                request.headers.get("X-CSRF-Token") != s.csrf or not same_origin(request)
            ):
                log.warning(
                    "staff console: %s %s refused: bad CSRF token or origin",
                    request.method,
                    request.path,
                )
                return web.json_response({"error": "bad CSRF token or origin"}, status=403)
            try:
                result = await fn(request, s)
            except LookupRefused as exc:
                return web.json_response({"error": str(exc), "code": exc.code}, status=409)
            except safejson.HostileJSON as exc:
                status = 413 if exc.too_large else 400
                return web.json_response({"error": f"bad request: {exc}"}, status=status)
            except TimeoutError:
                return web.json_response({"error": "body not received in time"}, status=408)
            except (KeyError, TypeError, ValueError, OverflowError) as exc:
                return web.json_response({"error": f"bad request: {str(exc)[:200]}"}, status=400)
            if write:
                await broadcast()
            return web.json_response(result)

        return handler

    async def body(request: web.Request) -> dict[str, Any]:
        if request.content_length is not None and request.content_length > MAX_BODY:
            raise safejson.HostileJSON(f"body over {MAX_BODY} bytes", too_large=True)
        try:  # client_max_size (MAX_BODY) bounds bodies without a Content-Length too
            raw = await asyncio.wait_for(request.read(), READ_TIMEOUT_S)
        except web.HTTPRequestEntityTooLarge:
            raise safejson.HostileJSON(f"body over {MAX_BODY} bytes", too_large=True) from None
        data = safejson.loads(raw, max_bytes=MAX_BODY)
        if not isinstance(data, dict):
            raise ValueError("expected an object")
        return data

    async def state(request: web.Request, s: Session) -> Any:
        q = request.query.get("q", "")[:64]
        if not q.isprintable():  # control characters, or a surrogate-escaped byte
            raise ValueError("q: printable text only")
        appts = await in_thread(store.today, None, q)
        tickets = await in_thread(store.tickets_today)
        return {
            "branch": branch_name,
            "branch_names": dict(branch_names or {}),
            "zone": store.zone,
            "user": s.username,
            "csrf": s.csrf,
            "day": local_today(store.zone).isoformat(),
            "appointments": appts,
            "tickets": [
                {
                    k: t[k]
                    for k in (
                        "id",
                        "number",
                        "service",
                        "status",
                        "counter",
                        "appointment_id",
                        "name",
                    )
                }
                for t in tickets
            ],
            "services": SERVICES,
            "kiosks": health.snapshot(),
        }

    async def check_in(request: web.Request, s: Session) -> Any:
        d = await body(request)
        t = await in_thread(
            store.check_in, str(d["id"]), via=f"staff:{s.username}", enforce_window=False
        )
        return {"ticket": t.number, "ahead": t.ahead, "wait_min": t.estimated_wait_min}

    async def call_next(request: web.Request, s: Session) -> Any:
        d = await body(request)
        row = await in_thread(store.call_next, str(d.get("counter", "1"))[:8])
        return {"called": row and {"number": row["number"], "counter": row["counter"]}}

    async def no_show(request: web.Request, s: Session) -> Any:
        d = await body(request)
        if d.get("ticket_id") is not None:
            await in_thread(store.mark_no_show, ticket_id=int(d["ticket_id"]))
        else:
            await in_thread(store.mark_no_show, appointment_id=str(d["id"]))
        return {"ok": True}

    async def served(request: web.Request, s: Session) -> Any:
        d = await body(request)
        await in_thread(store.mark_served, int(d["ticket_id"]))
        return {"ok": True}

    async def walk_in(request: web.Request, s: Session) -> Any:
        d = await body(request)
        service = str(d["service"])
        if service not in SERVICES:
            raise ValueError(f"unknown service {service!r}")
        t = await in_thread(store.issue_walk_in, service)
        return {"ticket": t.number, "ahead": t.ahead, "wait_min": t.estimated_wait_min}

    # -- live updates ----------------------------------------------------------------

    async def live(request: web.Request) -> web.StreamResponse:
        if session_of(request) is None or not same_origin(request):
            return web.json_response({"error": "sign in first"}, status=401)
        ws = web.WebSocketResponse(heartbeat=20)
        await ws.prepare(request)
        sockets.add(ws)
        try:
            async for msg in ws:
                if msg.type == WSMsgType.ERROR:
                    break
        finally:
            sockets.discard(ws)
        return ws

    async def broadcast() -> None:
        for ws in list(sockets):
            if not ws.closed:
                try:
                    await ws.send_str('{"type":"changed"}')
                except ConnectionError:
                    pass

    async def watch(app: web.Application) -> None:
        # data_version moves when another connection (kiosk, sync, webhook) commits.
        last = await in_thread(store.data_version)
        while True:
            await asyncio.sleep(poll_s)
            try:
                now = await in_thread(store.data_version)
            except Exception:
                log.exception("staff console: cannot read the branch database")
                continue
            if now != last:
                last = now
                await broadcast()

    async def start_watch(app: web.Application) -> None:
        app[WATCH_KEY] = asyncio.create_task(watch(app))
        app[HEALTH_KEY] = asyncio.create_task(health.run(broadcast))

    async def stop_watch(app: web.Application) -> None:
        app[WATCH_KEY].cancel()
        app[HEALTH_KEY].cancel()
        for ws in list(sockets):
            await ws.close()
        hash_pool.shutdown(wait=False, cancel_futures=True)

    app.middlewares.append(headers_mw)
    app.router.add_get("/", index)
    app.router.add_get("/login", login_page)
    app.router.add_post("/login", login)
    app.router.add_post("/logout", logout)
    app.router.add_get("/api/state", api(state, write=False))
    app.router.add_post("/api/check-in", api(check_in, write=True))
    app.router.add_post("/api/call-next", api(call_next, write=True))
    app.router.add_post("/api/no-show", api(no_show, write=True))
    app.router.add_post("/api/served", api(served, write=True))
    app.router.add_post("/api/walk-in", api(walk_in, write=True))
    app.router.add_get("/api/live", live)
    app.router.add_static("/static/", STATIC)
    app.on_startup.append(start_watch)
    app.on_shutdown.append(stop_watch)
    return app
