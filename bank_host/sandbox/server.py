"""The sandbox bank over HTTP (aiohttp), for ``kiosk bank sandbox serve``.

``POST /v1/<operation>`` (``lookup-customer``, ``open-account``, ``approve-issuance``,
``link-card``, ``set-pin``, ``report-card``, ``reverse``) with a JSON object of the
arguments, the kiosk in ``X-Kiosk-Id`` and the step's key in ``Idempotency-Key``;
``POST /v1/pin-working-key`` (``{"kiosk_id", "algorithm"}``, not keyed); ``GET /v1/health``;
``GET /v1/cards``. Answers: 200 with the result; 422 ``{"refused", "detail"}``; 409 for a
reused key; 400 ``{"refused": "bad_request", "error"}`` for anything malformed (bad JSON,
missing or unknown fields, a body over :data:`MAX_BODY`), with nothing stored.
"""

from __future__ import annotations

import asyncio
import json
import logging
import signal
from collections.abc import Callable
from functools import partial
from typing import Any

from aiohttp import web

from bank_host.api import BankRefused, Refusal, to_wire
from bank_host.sandbox.bank import SandboxBank

log = logging.getLogger(__name__)

MAX_BODY = 16 * 1024
FIELDS: dict[str, frozenset[str]] = {
    "lookup_customer": frozenset({"id_number", "name", "birth_date"}),
    "open_account": frozenset({"customer_id", "product"}),
    "approve_issuance": frozenset({"account_id", "product"}),
    "link_card": frozenset({"account_id", "card_uid"}),
    "set_pin": frozenset({"card_id", "pin_block", "format", "confirm_block"}),
    "report_card": frozenset({"card", "state"}),
    "reverse": frozenset({"step_request_id"}),
    "pin_working_key": frozenset({"kiosk_id", "algorithm"}),
}
OPTIONAL = frozenset({"algorithm", "confirm_block", "birth_date"})
BANK: web.AppKey[SandboxBank] = web.AppKey("bank", SandboxBank)


def _bad(error: str) -> web.Response:
    return web.json_response({"refused": Refusal.BAD_REQUEST.value, "error": error}, status=400)


def _refused(exc: BankRefused) -> web.Response:
    if exc.reason is Refusal.BAD_REQUEST:
        return _bad(exc.detail)
    status = 409 if exc.reason is Refusal.IDEMPOTENCY_CONFLICT else 422
    return web.json_response({"refused": exc.reason.value, "detail": exc.detail}, status=status)


async def _body(request: web.Request, op: str) -> dict[str, Any] | web.Response:
    if request.content_length is not None and request.content_length > MAX_BODY:
        return _bad(f"body larger than {MAX_BODY} bytes")
    try:
        raw = await request.read()  # bounded by client_max_size (chunked bodies too)
    except web.HTTPRequestEntityTooLarge:
        return _bad(f"body larger than {MAX_BODY} bytes")
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, ValueError) as exc:
        return _bad(f"body is not JSON: {exc}")
    if not isinstance(data, dict):
        return _bad("body must be a JSON object")
    unknown = sorted(set(data) - FIELDS[op])
    if unknown:
        return _bad(f"unknown field(s): {', '.join(unknown)}")
    missing = sorted(FIELDS[op] - set(data) - OPTIONAL)
    if missing:
        return _bad(f"missing field(s): {', '.join(missing)}")
    return data


async def _operation(request: web.Request) -> web.Response:
    op = request.match_info["op"].replace("-", "_")
    if op not in FIELDS:
        raise web.HTTPNotFound(text=json.dumps({"error": f"no operation {op!r}"}),
                               content_type="application/json")
    kiosk = request.headers.get("X-Kiosk-Id", "")
    key = request.headers.get("Idempotency-Key", "")
    body = await _body(request, op)
    if isinstance(body, web.Response):
        return body
    bank = request.app[BANK]
    call: Callable[[], Any]
    if op == "pin_working_key":
        if body["kiosk_id"] != kiosk:
            return _bad("kiosk_id differs from X-Kiosk-Id")
        call = partial(bank.pin_working_key, kiosk, body.get("algorithm", "AES"))
    else:
        if not key:
            return _bad("missing Idempotency-Key header")
        call = partial(bank.call, kiosk, op, body, key)
    try:
        result = await asyncio.get_running_loop().run_in_executor(None, call)
    except BankRefused as exc:
        return _refused(exc)
    return web.json_response(to_wire(result))


async def _health(request: web.Request) -> web.Response:
    return web.json_response({"ok": True})


async def _cards(request: web.Request) -> web.Response:
    bank = request.app[BANK]
    return web.json_response(await asyncio.get_running_loop().run_in_executor(None, bank.cards))


def make_app(bank: SandboxBank) -> web.Application:
    app = web.Application(client_max_size=MAX_BODY)
    app[BANK] = bank
    app.router.add_get("/v1/health", _health)
    app.router.add_get("/v1/cards", _cards)
    app.router.add_post("/v1/{op}", _operation)
    return app


async def serve(bank: SandboxBank, host: str, port: int, ready: Callable[[str], None]) -> None:
    """Serve until SIGINT/SIGTERM; ``ready(url)`` once the socket is bound."""
    runner = web.AppRunner(make_app(bank), access_log=None, shutdown_timeout=2.0)
    await runner.setup()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        server = site._server
        assert server is not None
        bound = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        ready(f"http://{host}:{bound}")
        await stop.wait()
    finally:
        await runner.cleanup()
