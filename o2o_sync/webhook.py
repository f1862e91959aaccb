"""The branch's webhook receiver: verify, dedupe, apply — or refuse with a clear log line."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from aiohttp import web

from kiosk_core import safejson
from o2o_sync import signing
from o2o_sync.store import BranchStore
from o2o_sync.wire import WireError, parse_event

log = logging.getLogger(__name__)

PATH = "/o2o/webhook"
STATS_KEY: web.AppKey[dict[str, int]] = web.AppKey("stats", dict)


def make_webhook_app(
    store: BranchStore,
    secret: str,
    *,
    tolerance_s: int = 300,
    max_bytes: int = 65536,
    read_timeout_s: float = 10.0,
    on_applied: Callable[[str], None] | None = None,
) -> web.Application:
    app = web.Application(client_max_size=max_bytes)
    stats = {"applied": 0, "duplicate": 0, "refused": 0}
    app[STATS_KEY] = stats

    def refuse(status: int, reason: str, peer: str | None) -> web.Response:
        stats["refused"] += 1
        log.warning("webhook refused (HTTP %d) from %s: %s", status, peer, reason)
        return web.json_response({"error": reason}, status=status)

    async def receive(request: web.Request) -> web.Response:
        peer = request.remote
        if request.content_length is not None and request.content_length > max_bytes:
            return refuse(413, f"body of {request.content_length} bytes exceeds {max_bytes}", peer)
        try:
            # a sender trickling its body a byte at a time must not hold a worker for ever
            body = await asyncio.wait_for(request.read(), read_timeout_s)
        except web.HTTPRequestEntityTooLarge:
            return refuse(413, f"body exceeds {max_bytes} bytes", peer)
        except TimeoutError:
            return refuse(408, f"body not received within {read_timeout_s:g} s", peer)
        header = request.headers.get(signing.HEADER, "")
        try:
            signing.verify(secret, body, header, tolerance_s=tolerance_s)
        except signing.SignatureError as exc:
            # 400 for a missing/garbled header, 401 for a wrong or stale (replayed) one
            status = (
                401 if str(exc).startswith(("signature does not", "timestamp outside")) else 400
            )
            return refuse(status, str(exc), peer)
        try:
            event = parse_event(safejson.loads(body, max_bytes=max_bytes))
        except ValueError as exc:  # WireError, or safejson.HostileJSON (deep, surrogates, …)
            reason = str(exc) if isinstance(exc, WireError | safejson.HostileJSON) else (
                "body is not JSON")
            await asyncio.get_running_loop().run_in_executor(
                None, store.quarantine, "webhook", reason, body.decode("utf-8", "replace")
            )
            return refuse(400, reason, peer)
        fresh = await asyncio.get_running_loop().run_in_executor(None, store.apply_event, event)
        if not fresh:
            stats["duplicate"] += 1
            log.info("webhook %s already processed: ignored", event.id)
            return web.json_response({"ok": True, "duplicate": True})
        stats["applied"] += 1
        if on_applied is not None:
            on_applied(event.item.id)
        return web.json_response({"ok": True})

    app.router.add_post(PATH, receive)
    return app
