"""Health and metrics over HTTP, for a bank's monitoring to scrape a fleet of kiosks.

``[monitoring] listen`` (``""``: off) serves, on the kiosk's core loop (aiohttp):

- ``GET /healthz`` — JSON: ``status`` (``ok`` / ``degraded`` / ``down``), every device's
  state and last error, the sync, hub and bank links, the functions and the technician's
  overrides. HTTP 200 while the kiosk is in service (``ok`` or ``degraded``), 503 when it
  is not (``down``), so a plain HTTP check alerts on the status code alone.
- ``GET /metrics`` — the Prometheus text format 0.0.4, built by ``prometheus-client`` from
  a registry of our own (never the global one) with one collector that reads the
  technician's report and the counters at scrape time (docs/monitoring.md names every
  metric).
- ``GET /livez`` — ``ok``: the process answers. No token, and it says nothing about the
  kiosk, so a process supervisor or load balancer can use it without the secret.

Both ``/healthz`` and ``/metrics`` want ``Authorization: Bearer <token>``: the token is
``secrets_dir/<token_file>``, made (random, mode 0600) at the first start when missing and
read again when the file changes (a rotated token works without a restart). A missing or
wrong token gets 401, compared in constant time.

Nothing here does device I/O: :meth:`Technician.report` reads the statuses the devices
already published. The report and the rendering run on a small thread pool of their own,
so neither a slow report nor the core loop's other work (calls, links) holds up the other.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import os
import secrets
import stat
import threading
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk_core.netaddr import HostPort, parse_host_port
from kiosk_core.status import DeviceState, SupplyState
from technician.api import KioskReport, Technician
from technician.counters import WAIT_OUTCOMES, TransactionCounters
from technician.settings import MonitoringSettings

if TYPE_CHECKING:  # aiohttp and prometheus_client are imported when the server starts
    from aiohttp import web
    from prometheus_client.metrics_core import Metric
    from prometheus_client.registry import CollectorRegistry

    Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

log = logging.getLogger(__name__)

#: Prometheus text exposition format 0.0.4.
METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
TOKEN_BYTES = 32
_MAX_TOKEN = 256  # anything longer is not ours: not even compared
_USABLE = frozenset({DeviceState.ONLINE, DeviceState.BUSY})
HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


# -- the token ------------------------------------------------------------------------------


def load_or_create_token(path: Path) -> str:
    """The bearer token in ``path``; a new random one (mode 0600) if the file is missing."""
    try:
        text = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        token = secrets.token_urlsafe(TOKEN_BYTES)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # made meanwhile by another process: use theirs
            return load_or_create_token(path)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(token + "\n")
        log.info("monitoring: new scrape token in %s", path)
        return token
    if len(text) < 16 or len(text) > _MAX_TOKEN or any(c.isspace() for c in text):
        raise ValueError(f"{path}: a monitoring token is 16 to {_MAX_TOKEN} characters "
                         "without spaces (delete the file for a new one)")
    if os.stat(path).st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        log.warning("monitoring: %s is readable by others (chmod 600 it)", path)
    return text


class TokenFile:
    """The token, read again when its file changes (mtime or size)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._token = load_or_create_token(path)
        self._seen = self._stamp()
        self._lock = threading.Lock()

    def _stamp(self) -> tuple[int, int]:
        try:
            st = os.stat(self.path)
        except OSError:
            return (0, 0)
        return (st.st_mtime_ns, st.st_size)

    def current(self) -> str:
        stamp = self._stamp()
        if stamp != self._seen:
            with self._lock:
                try:
                    self._token = load_or_create_token(self.path)
                except (OSError, ValueError) as exc:  # keep the old one rather than none
                    log.error("monitoring: token file unreadable, old token kept: %s", exc)
                self._seen = stamp
        return self._token

    def matches(self, header: str | None) -> bool:
        if not header or len(header) > _MAX_TOKEN + 16:
            return False
        scheme, _, given = header.partition(" ")
        if scheme.lower() != "bearer":
            return False
        # "replace": a header of non-UTF-8 bytes arrives surrogate-escaped; .encode() of it
        # raised UnicodeEncodeError (a 500) instead of a plain "no"
        return hmac.compare_digest(given.strip().encode("utf-8", "replace"),
                                   self.current().encode())


# -- what /healthz says ---------------------------------------------------------------------


def overall_status(report: KioskReport) -> str:
    """``down``: not in service; ``degraded``: in service with something missing (a
    device, a link, a function or an override); ``ok``: all there."""
    if not report.in_service:
        return "down"
    if (report.degraded or report.overrides
            or any(_state(d.state) not in _USABLE for d in report.devices)
            or any(not link.up for link in report.links)
            or any(not f.available or f.degraded for f in report.functions)):
        return "degraded"
    return "ok"


def health(report: KioskReport) -> dict[str, Any]:
    return {
        "status": overall_status(report),
        "in_service": report.in_service,
        "kiosk": report.kiosk_id,
        "branch": report.branch,
        "at": report.at,
        "down": list(report.down),
        "degraded": list(report.degraded),
        "devices": {d.kind: {
            "state": d.state, "required": d.required, "url": d.url, "media": d.media,
            "supplies": dict(d.supplies), "detail": d.detail, "firmware": d.firmware,
            "last_error": d.last_error, "last_error_code": d.last_error_code,
            "last_error_at": d.last_error_at} for d in report.devices},
        "links": {link.name: {"up": link.up, "detail": link.detail} for link in report.links},
        "functions": {f.function: {"available": f.available, "reasons": list(f.reasons),
                                   "degraded": list(f.degraded)} for f in report.functions},
        "overrides": [{"function": o.function, "who": o.who, "reason": o.reason, "at": o.at}
                      for o in report.overrides],
    }


def _state(value: str) -> DeviceState | None:
    try:
        return DeviceState(value)
    except ValueError:
        return None


# -- what /metrics says ---------------------------------------------------------------------


class KioskCollector:
    """A prometheus-client collector: every scrape reads the report and the counters."""

    def __init__(self, technician: Technician, counters: TransactionCounters) -> None:
        self.technician = technician
        self.counters = counters

    def describe(self) -> list[Metric]:
        return []  # the families depend on the kiosk: not described ahead of a scrape

    def collect(self) -> Iterator[Metric]:
        from prometheus_client.core import (
            CounterMetricFamily,
            GaugeMetricFamily,
            HistogramMetricFamily,
        )

        up = GaugeMetricFamily("smartbranch_up", "1 when the kiosk's report could be read")
        try:
            report = self.technician.report()
        except Exception:
            log.exception("monitoring: report failed")
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        info = GaugeMetricFamily("smartbranch_kiosk_info", "the kiosk's id and branch",
                                 labels=["kiosk", "branch"])
        info.add_metric([report.kiosk_id, report.branch], 1)
        yield info
        yield GaugeMetricFamily("smartbranch_in_service",
                                "1 when at least one function is offered to customers",
                                value=1 if report.in_service else 0)

        dev_up = GaugeMetricFamily("smartbranch_device_up", "1 when the device is usable",
                                   labels=["device"])
        dev_state = GaugeMetricFamily(
            "smartbranch_device_state", "1 for the device's XFS4IoT state now, 0 for others",
            labels=["device", "state"])
        supply = GaugeMetricFamily(
            "smartbranch_supply_level", "1 for the supply's level now, 0 for the others",
            labels=["device", "supply", "level"])
        for d in report.devices:
            now = _state(d.state)
            dev_up.add_metric([d.kind], 1 if now in _USABLE else 0)
            for s in DeviceState:
                dev_state.add_metric([d.kind, s.value], 1 if s.value == d.state else 0)
            if now is None:  # a state this release does not know: shown as it is
                dev_state.add_metric([d.kind, d.state], 1)
            for name, level in sorted(d.supplies.items()):
                for lv in SupplyState:
                    supply.add_metric([d.kind, name, lv.value], 1 if lv.value == level else 0)
        yield dev_up
        yield dev_state
        yield supply

        links = GaugeMetricFamily("smartbranch_link_up", "1 when the link is up",
                                  labels=["link"])
        for link in report.links:
            links.add_metric([link.name], 1 if link.up else 0)
        yield links
        funcs = GaugeMetricFamily("smartbranch_function_available",
                                  "1 when the customer function is offered",
                                  labels=["function"])
        for f in report.functions:
            funcs.add_metric([f.function], 1 if f.available else 0)
        yield funcs
        overrides = GaugeMetricFamily(
            "smartbranch_out_of_service", "1 for each function (\"*\": the whole kiosk) a "
            "technician or the operations centre took out", labels=["function"])
        for o in report.overrides:
            overrides.add_metric([o.function], 1)
        yield overrides

        yield from self._cards(report)
        yield from self._counts(report, CounterMetricFamily, GaugeMetricFamily,
                                HistogramMetricFamily)

    def _cards(self, report: KioskReport) -> Iterator[Metric]:
        """From the dispenser's counts in the report (its driver's memory: no device I/O,
        so a scrape never waits behind a card being dispensed)."""
        from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

        dispenser = next((d for d in report.devices if d.kind == "card_dispenser"), None)
        cards = dispenser.extra.get("counts") if dispenser is not None else None
        if not isinstance(cards, dict):
            return
        stacker = cards.get("stacker_remaining")
        if isinstance(stacker, int):  # None: never loaded through the kiosk, not known
            yield GaugeMetricFamily("smartbranch_cards_in_stacker",
                                    "cards left in the dispenser's stacker (our count)",
                                    value=stacker)
        retained = cards.get("retained")
        if isinstance(retained, int):
            yield GaugeMetricFamily("smartbranch_cards_in_bin",
                                    "cards in the dispenser's retain bin", value=retained)
        moved = CounterMetricFamily("smartbranch_cards", "cards through the dispenser",
                                    labels=["event"])
        for event in ("dispensed", "presented", "taken", "retracted", "captured"):
            if isinstance(cards.get(event), int):
                moved.add_metric([event], cards[event])
        yield moved

    def _counts(self, report: KioskReport, counter: Any, gauge: Any,
                histogram: Any) -> Iterator[Metric]:
        from prometheus_client.utils import floatToGoString

        snap = self.counters.snapshot()
        tx = counter("smartbranch_transactions",
                     "customer transactions by kind and outcome (started, completed, …)",
                     labels=["kind", "outcome"])
        for kind, outcomes in sorted(snap.transactions.items()):
            for outcome, n in sorted(outcomes.items()):
                tx.add_metric([kind, outcome], n)
        yield tx
        failures = counter("smartbranch_transaction_failures",
                           "unwound transactions by kind and failure reason",
                           labels=["kind", "reason"])
        for kind, reasons in sorted(snap.failures.items()):
            for reason, n in sorted(reasons.items()):
                failures.add_metric([kind, reason], n)
        yield failures
        faults = counter("smartbranch_device_faults",
                         "times the device went into a not-usable state", labels=["device"])
        for device in sorted({d.kind for d in report.devices} | set(snap.faults)):
            faults.add_metric([device], snap.faults.get(device, 0))
        yield faults
        paper = snap.paper
        yield counter("smartbranch_receipts_printed", "receipts and tickets printed",
                      value=paper["receipts_printed"])
        yield gauge("smartbranch_receipts_since_paper_replaced",
                    "receipts and tickets printed on the current roll",
                    value=paper["receipts_since_replaced"])
        if paper["replaced_at"]:
            from datetime import datetime

            yield gauge("smartbranch_paper_replaced_timestamp_seconds",
                        "when a technician last replaced the paper roll (Unix time)",
                        value=datetime.fromisoformat(paper["replaced_at"]).timestamp())
        waits = histogram("smartbranch_teller_queue_wait_seconds",
                          "customers' waits in the teller queue, by how they ended",
                          labels=["outcome"])
        for outcome in WAIT_OUTCOMES:
            h = snap.teller_waits[outcome]
            waits.add_metric([outcome], [(floatToGoString(b), n) for b, n in h.cumulative()],
                             sum_value=h.sum)
        yield waits


def render_metrics(registry: CollectorRegistry) -> bytes:
    from prometheus_client import generate_latest

    return generate_latest(registry)


def make_registry(technician: Technician, counters: TransactionCounters) -> CollectorRegistry:
    from prometheus_client import CollectorRegistry

    registry = CollectorRegistry(auto_describe=False)
    registry.register(KioskCollector(technician, counters))
    return registry


# -- the app --------------------------------------------------------------------------------


def make_app(technician: Technician, counters: TransactionCounters, token: TokenFile,
             pool: ThreadPoolExecutor) -> web.Application:
    from aiohttp import web

    from kiosk_core import http_logging

    http_logging.install()
    registry = make_registry(technician, counters)
    app = web.Application(client_max_size=1024)  # GET only: no body is ever read

    def unauthorized() -> web.Response:
        return web.json_response({"error": "a valid 'Authorization: Bearer <token>' is "
                                           "required"}, status=401,
                                 headers={"WWW-Authenticate": 'Bearer realm="smartbranch"'})

    def authorized(request: web.Request) -> bool:
        return token.matches(request.headers.get("Authorization"))

    async def off_loop(fn: Callable[[], Any]) -> Any:
        return await asyncio.get_running_loop().run_in_executor(pool, fn)

    def health_body() -> tuple[int, bytes]:
        try:
            body = health(technician.report())
        except Exception as exc:
            log.exception("monitoring: report failed")
            body = {"status": "down", "in_service": False, "error": str(exc)[:300]}
        status = 503 if body["status"] == "down" else 200
        return status, json.dumps(body, ensure_ascii=False).encode()

    async def healthz(request: web.Request) -> web.Response:
        if not authorized(request):
            return unauthorized()
        status, body = await off_loop(health_body)
        return web.Response(body=body, status=status, content_type="application/json",
                            charset="utf-8")

    async def metrics(request: web.Request) -> web.Response:
        if not authorized(request):
            return unauthorized()
        body = await off_loop(lambda: render_metrics(registry))
        return web.Response(body=body, headers={"Content-Type": METRICS_CONTENT_TYPE})

    async def livez(request: web.Request) -> web.Response:
        return web.Response(text="ok\n")

    @web.middleware
    async def errors(request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            return await handler(request)
        except web.HTTPNotFound:
            return web.json_response({"error": "not found"}, status=404)
        except web.HTTPMethodNotAllowed:
            return web.json_response({"error": "only GET and HEAD"}, status=405,
                                     headers={"Allow": "GET, HEAD"})

    async def secure(request: web.Request, response: web.StreamResponse) -> None:
        response.headers.update(HEADERS)
        response.headers.popall("Server", None)

    app.middlewares.append(errors)
    app.on_response_prepare.append(secure)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
    app.router.add_get("/livez", livez)
    return app


class MonitoringServer:
    """The running server: ``url`` to reach it, ``stop()`` (also a runtime stop hook)."""

    def __init__(self, runtime: Any, technician: Technician, counters: TransactionCounters,
                 address: HostPort, token: TokenFile) -> None:
        self.runtime = runtime
        self.address = address
        self.token = token
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="monitoring")
        self._app = make_app(technician, counters, token, self._pool)
        self._stop: asyncio.Event | None = None
        self._task: Future[None] | None = None

    @property
    def url(self) -> str:
        return self.address.url("http")

    def start(self, timeout: float = 10.0) -> bool:
        """Listen (on the core loop); False, logged, if the address cannot be had."""
        listening: Future[None] = Future()
        self._task = self.runtime.loop.submit(self._serve(listening))
        try:
            listening.result(timeout)
        except OSError as exc:
            log.error("monitoring: cannot listen on %s: %s ([monitoring] listen)",
                      self.address, exc.strerror or exc)
            self._pool.shutdown(wait=False)
            return False
        except Exception as exc:
            log.error("monitoring: did not start on %s: %s", self.address, exc)
            self.stop()
            return False
        log.info("monitoring: health and metrics on %s (/healthz, /metrics)", self.url)
        return True

    async def _serve(self, listening: Future[None]) -> None:
        from aiohttp import web

        self._stop = asyncio.Event()
        # No access log: a scraper every 15 s would flood the kiosk's log.
        runner = web.AppRunner(self._app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        try:
            await web.TCPSite(runner, self.address.host, self.address.port).start()
        except BaseException as exc:
            await runner.cleanup()
            listening.set_exception(exc)
            return
        listening.set_result(None)
        try:
            await self._stop.wait()
        finally:
            await runner.cleanup()

    def stop(self, timeout: float = 5.0) -> None:
        stop, task = self._stop, self._task
        if stop is not None and task is not None and not task.done():
            self.runtime.loop.call_soon(stop.set)
            try:
                task.result(timeout)
            except Exception as exc:
                log.warning("monitoring: server stop: %s", exc)
        self._pool.shutdown(wait=False, cancel_futures=True)


def start_monitoring(runtime: Any, technician: Technician,
                     counters: TransactionCounters) -> bool:
    """From ``kiosk run``, once the runtime has started: serve health and metrics at
    ``[monitoring] listen`` on the core loop (``""``: off, returns False). The token is
    ``secrets_dir/[monitoring] token_file`` (made if missing). Stopped with the runtime
    (a stop hook). True when listening."""
    server = monitoring_server(runtime, technician, counters)
    return server is not None


def monitoring_server(runtime: Any, technician: Technician,
                      counters: TransactionCounters) -> MonitoringServer | None:
    """:func:`start_monitoring`, returning the running server (None when off or failed)."""
    cfg = runtime.config
    try:
        settings: MonitoringSettings = cfg.section(MonitoringSettings)
    except LookupError:  # a configuration without the technician's sections
        return None
    if not settings.listen:
        return None
    if not runtime.loop.running:
        log.error("monitoring: the core loop is not running (start the runtime first)")
        return None
    address = parse_host_port(settings.listen)
    path = settings.token_file
    if not path.is_absolute():
        path = cfg.path("secrets_dir") / path
    try:
        token = TokenFile(path)
    except (OSError, ValueError) as exc:
        log.error("monitoring: off, token unusable: %s", exc)
        return None
    server = MonitoringServer(runtime, technician, counters, address, token)
    if not server.start():
        return None
    runtime.stop_hooks.append(server.stop)
    return server
