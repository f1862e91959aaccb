"""The reference channel service over HTTP (aiohttp), with signed webhooks and fault injection.

Routes (see o2o_sync/openapi.yaml):
  GET  /v1/branches/{branch}/changes?cursor=&limit=   change feed (Bearer token)
  POST /v1/branches/{branch}/events                   branch events (Idempotency-Key)
  /v1/admin/...                                        booking, rescheduling, cancelling, etc.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import re
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web

from kiosk_core import safejson
from o2o_sync import signing
from o2o_sync.channel.service import (
    BRANCH_ID,
    MAX_EVENT_BYTES,
    ChannelError,
    ChannelService,
)

log = logging.getLogger(__name__)

MAX_LIMIT = 5000
_KEY = re.compile(r"[A-Za-z0-9_-]{8,64}")  # always fullmatch: "$" lets "key\n" through
READ_TIMEOUT_S = 10.0  # a body trickled in slower than this is 408


@dataclass
class Faults:
    """What the link does wrong, for tests and demos (branch API only)."""

    down: bool = False  # connections closed without an answer
    fail_next: int = 0  # this many requests answered with ``fail_status``
    fail_status: int = 503
    delay_s: float = 0.0  # answer this late (client time-outs)
    cut_next_page: int = 0  # this many feed pages cut half-way through the body
    drop_ack_next: int = 0  # this many event uploads processed, then the answer lost
    webhook_duplicates: int = 0  # every webhook sent this many extra times
    requests: int = 0


def _error(exc: ChannelError) -> web.Response:
    return web.json_response({"error": exc.code, "message": str(exc)}, status=exc.status)


def _hang_up(request: web.Request) -> web.Response:
    if request.transport is not None:
        request.transport.close()
    return web.Response(status=503)  # never reaches the client


class WebhookSender:
    def __init__(self, urls: list[str], secret: str, faults: Faults) -> None:
        self.urls = urls
        self.secret = secret
        self.faults = faults
        self.queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.loop = asyncio.get_running_loop()
        self.delivered = 0
        self._task = asyncio.create_task(self._run())
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5))

    def enqueue(self, event: dict[str, Any]) -> None:  # any thread
        self.loop.call_soon_threadsafe(self.queue.put_nowait, event)

    async def _run(self) -> None:
        while True:
            event = await self.queue.get()
            body = json.dumps(event, separators=(",", ":")).encode()
            for url in self.urls:
                for _ in range(1 + self.faults.webhook_duplicates):
                    await self._deliver(url, body, event["id"])

    async def _deliver(self, url: str, body: bytes, eid: str) -> None:
        for attempt, pause in enumerate((0.2, 1.0, 5.0, 0.0)):
            try:
                headers = {
                    signing.HEADER: signing.sign(self.secret, body),
                    "Content-Type": "application/json",
                }
                async with self._session.post(url, data=body, headers=headers) as resp:
                    if resp.status < 300:
                        self.delivered += 1
                        return
                    if resp.status < 500:
                        log.warning("webhook %s refused by %s: HTTP %d", eid, url, resp.status)
                        return
                    log.warning(
                        "webhook %s to %s: HTTP %d (attempt %d)", eid, url, resp.status, attempt + 1
                    )
            except (TimeoutError, aiohttp.ClientError) as exc:
                log.warning(
                    "webhook %s to %s failed (attempt %d): %s",
                    eid,
                    url,
                    attempt + 1,
                    exc.__class__.__name__,
                )
            if pause:
                await asyncio.sleep(pause)

    async def close(self) -> None:
        self._task.cancel()
        await self._session.close()


SERVICE_KEY: web.AppKey[ChannelService] = web.AppKey("service", ChannelService)
FAULTS_KEY: web.AppKey[Faults] = web.AppKey("faults", Faults)
WEBHOOKS_KEY: web.AppKey[WebhookSender] = web.AppKey("webhooks", WebhookSender)


def make_app(
    service: ChannelService,
    *,
    webhook_urls: list[str] | None = None,
    webhook_secret: str = "demo-webhook-secret",
    faults: Faults | None = None,
) -> web.Application:
    faults = faults or Faults()
    app = web.Application(client_max_size=MAX_EVENT_BYTES)  # every body we take is small
    app[SERVICE_KEY] = service
    app[FAULTS_KEY] = faults
    routes = web.RouteTableDef()

    expected_auth = f"Bearer {service.api_token}".encode()

    def authorised(request: web.Request) -> None:
        given = request.headers.get("Authorization", "").encode("utf-8", "replace")
        if not hmac.compare_digest(given, expected_auth):
            raise ChannelError(401, "unauthorised", "missing or wrong bearer token")

    def branch_of(request: web.Request) -> str:
        branch = request.match_info["branch"]
        if not BRANCH_ID.fullmatch(branch):
            raise ChannelError(400, "bad_branch", "branch: 1..32 of [A-Za-z0-9._-]")
        return branch

    async def read_body(request: web.Request, limit: int) -> bytes:
        if request.content_length is not None and request.content_length > limit:
            raise ChannelError(413, "too_large", f"body over {limit} bytes")
        try:  # the app's client_max_size bounds bodies without a Content-Length too
            body = await asyncio.wait_for(request.read(), READ_TIMEOUT_S)
        except TimeoutError:
            raise ChannelError(408, "timeout", "body not received in time") from None
        except web.HTTPRequestEntityTooLarge:
            raise ChannelError(413, "too_large", f"body over {limit} bytes") from None
        if len(body) > limit:
            raise ChannelError(413, "too_large", f"body over {limit} bytes")
        return body

    @routes.get("/v1/branches/{branch}/changes")
    async def changes(request: web.Request) -> web.StreamResponse:
        try:
            authorised(request)
            branch = branch_of(request)
            text = request.query.get("limit", "500")
            if not (text.isascii() and text.isdigit()) or len(text) > 6:
                raise ChannelError(400, "bad_limit", "limit must be an integer")
            limit = int(text)
            if not 1 <= limit <= MAX_LIMIT:
                raise ChannelError(400, "bad_limit", f"limit must be 1..{MAX_LIMIT}")
            body = service.page_body(branch, request.query.get("cursor"), limit)
        except ChannelError as exc:
            return _error(exc)
        if faults.cut_next_page > 0:
            faults.cut_next_page -= 1
            resp = web.StreamResponse(headers={"Content-Type": "application/json"})
            resp.content_length = len(body)
            await resp.prepare(request)
            await resp.write(body[: len(body) // 2])
            assert request.transport is not None
            request.transport.close()
            return resp
        return web.Response(body=body, content_type="application/json")

    @routes.post("/v1/branches/{branch}/events")
    async def events(request: web.Request) -> web.StreamResponse:
        try:
            authorised(request)
            branch = branch_of(request)
            key = request.headers.get("Idempotency-Key", "")
            if not _KEY.fullmatch(key):
                raise ChannelError(
                    400,
                    "bad_idempotency_key",
                    "Idempotency-Key header of 8..64 [A-Za-z0-9_-] is required",
                )
            body = await read_body(request, MAX_EVENT_BYTES)
            status, response, replayed = service.record_branch_event(branch, key, body)
        except ChannelError as exc:
            return _error(exc)
        if faults.drop_ack_next > 0:
            faults.drop_ack_next -= 1
            return _hang_up(request)
        headers = {"Idempotent-Replayed": "true"} if replayed else {}
        return web.json_response(response, status=status, headers=headers)

    # -- admin: what the bank's app and website would do --------------------------------

    async def _json(request: web.Request) -> dict[str, Any]:
        try:
            data = safejson.loads(await read_body(request, MAX_EVENT_BYTES))
        except safejson.HostileJSON as exc:
            raise ChannelError(400, "bad_json", str(exc)) from None
        if not isinstance(data, dict):
            raise ChannelError(400, "bad_json", "expected an object")
        return data

    def admin(fn: Any) -> Any:
        async def wrapper(request: web.Request) -> web.Response:
            try:
                authorised(request)
                return web.json_response(await fn(request))
            except ChannelError as exc:
                return _error(exc)
            except (KeyError, TypeError, ValueError) as exc:
                return web.json_response({"error": "bad_request", "message": str(exc)}, status=400)

        return wrapper

    @admin
    async def book(request: web.Request) -> Any:
        d = await _json(request)
        return service.book(
            d["branch"],
            d["service"],
            d["start"],
            d["zone"],
            d["customer"]["name"],
            d["customer"]["phone"],
            int(d.get("duration_min", 15)),
        )

    @admin
    async def reschedule(request: web.Request) -> Any:
        d = await _json(request)
        return service.reschedule(request.match_info["id"], d["start"])

    @admin
    async def cancel(request: web.Request) -> Any:
        return service.cancel(request.match_info["id"])

    @admin
    async def get(request: web.Request) -> Any:
        return service.get(request.match_info["id"])

    @admin
    async def branch_events(request: web.Request) -> Any:
        return service.branch_events(request.query.get("appointment_id"))

    @admin
    async def compact(request: web.Request) -> Any:
        return {"purged": service.compact()}

    app.router.add_post("/v1/admin/appointments", book)
    app.router.add_get("/v1/admin/appointments/{id}", get)
    app.router.add_post("/v1/admin/appointments/{id}/reschedule", reschedule)
    app.router.add_post("/v1/admin/appointments/{id}/cancel", cancel)
    app.router.add_get("/v1/admin/branch-events", branch_events)
    app.router.add_post("/v1/admin/compact", compact)
    app.add_routes(routes)

    @web.middleware
    async def fault_mw(request: web.Request, handler: Any) -> web.StreamResponse:
        if request.path.startswith("/v1/branches/"):
            faults.requests += 1
            if faults.down:
                return _hang_up(request)
            if faults.delay_s:
                await asyncio.sleep(faults.delay_s)
            if faults.fail_next > 0:
                faults.fail_next -= 1
                return web.json_response(
                    {"error": "unavailable", "message": "injected fault"}, status=faults.fail_status
                )
        return await handler(request)

    app.middlewares.append(fault_mw)

    async def start_webhooks(app: web.Application) -> None:
        if webhook_urls:
            sender = WebhookSender(webhook_urls, webhook_secret, faults)
            app[WEBHOOKS_KEY] = sender
            service.listeners.append(sender.enqueue)

    async def stop_webhooks(app: web.Application) -> None:
        sender = app.get(WEBHOOKS_KEY)
        if sender is not None:
            service.listeners.remove(sender.enqueue)
            await sender.close()

    app.on_startup.append(start_webhooks)
    app.on_cleanup.append(stop_webhooks)
    return app
