"""The demo's appointments, with no network: the reference channel service and the branch
sync run on the core loop, and today's bookings are seeded around the current time.

Only for a *demo configuration*: every configured device is simulated (``sim://``) and the
channel URL is on loopback. ``kiosk run`` calls :func:`start_if_demo`; a channel service or
a sync already running on those ports (``kiosk o2o channel-server`` / ``kiosk o2o sync``) is
used instead of starting our own. What was seeded is written to
``<data_dir>/demo-appointments.txt`` (booking codes and phones to type at the kiosk).
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

log = logging.getLogger(__name__)

#: Today's demo bookings: (minutes from now, service, name, phone). Those within the
#: check-in window (15 min before to 30 min after) can be checked in; the others show the
#: "too early" and "another day" answers.
DEMO_BOOKINGS: tuple[tuple[int, str, str, str], ...] = (
    (5, "loan", "王小明", "+86 138 0013 8000"),
    (10, "account", "Mary Johnson", "+86 139 1234 5678"),
    (-10, "wealth", "李华", "+86 137 2222 3333"),
    (15, "card", "陈静", "+86 136 5555 1234"),
    (150, "forex", "Peter Smith", "+86 135 8888 4321"),
    (24 * 60, "loan", "赵敏", "+86 133 9999 0000"),
)


def is_demo(cfg: Any) -> bool:
    devices = cfg.devices.configured()
    host = urlsplit(cfg.sync.channel_url).hostname or ""
    return (bool(devices) and all(s.url.startswith("sim://") for s in devices.values())
            and cfg.sync.enabled and host in ("127.0.0.1", "localhost"))


def _port_free(host: str, port: int) -> bool:
    with socket.socket() as s:
        # As the servers bind (SO_REUSEADDR): a port left in TIME_WAIT by our last run is free.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def _slot(now: datetime, minutes: int, zone: str) -> datetime:
    local = now.astimezone(ZoneInfo(zone)) + timedelta(minutes=minutes)
    return local.replace(minute=local.minute - local.minute % 5, second=0, microsecond=0)


#: A demo started again within this time shows the same appointments; after it, the first
#: ones would be past their check-in window, so a fresh set is booked.
RESEED_AFTER = timedelta(minutes=20)


def seed_today(svc: Any, branch: str, zone: str, out: Path,
               now: datetime | None = None) -> list[dict[str, Any]]:
    """Book the demo's appointments around ``now`` on the channel: a few to check in now,
    one too early, one tomorrow. A restart soon after keeps the same set."""
    from o2o_sync.channel.service import ChannelError

    now = now or datetime.now(ZoneInfo(zone))
    today = now.astimezone(ZoneInfo(zone)).date().isoformat()
    state = out.with_suffix(".json")
    if state.exists():
        saved = json.loads(state.read_text("utf-8"))
        seeded = datetime.fromisoformat(saved.get("seeded", "1970-01-01T00:00:00+00:00"))
        if saved.get("day") == today and timedelta(0) <= now - seeded < RESEED_AFTER:
            return list(saved["bookings"])
    booked: list[dict[str, Any]] = []
    for minutes, service, name, phone in DEMO_BOOKINGS:
        start = _slot(now, minutes, zone)
        try:
            item = svc.book(branch, service, start, zone, name, phone)
        except ChannelError as exc:  # slot taken by an earlier demo today: skip it
            log.info("demo booking at %s skipped: %s", start, exc)
            continue
        booked.append({"id": item["id"], "service": service, "name": name, "phone": phone,
                       "local_time": start.strftime("%Y-%m-%d %H:%M"),
                       "code": item["booking_code"], "qr": f"O2O:{item['qr_token']}"})
    state.write_text(json.dumps({"day": today, "seeded": now.isoformat(), "bookings": booked},
                                ensure_ascii=False), "utf-8")
    lines = [f"Demo appointments for {today} ({zone}); type phone + code at the kiosk:", ""]
    lines += [f"{b['local_time']}  {b['service']:<8} {b['name']:<14} {b['phone']:<18} "
              f"code {b['code']}   QR {b['qr']}" for b in booked]
    out.write_text("\n".join(lines) + "\n", "utf-8")
    return booked


_demo_qr: dict[str, str] = {}


def demo_qr_text() -> str:
    """The QR the simulated customer shows in the demo ("" when no demo is running)."""
    return _demo_qr.get("text", "")


async def run_demo_o2o(cfg: Any, stop: asyncio.Event) -> None:
    """Channel service + branch sync on this loop until ``stop`` (or cancellation)."""
    from aiohttp import web

    from kiosk_core.netaddr import parse_host_port
    from o2o_sync.channel.app import make_app
    from o2o_sync.channel.service import ChannelService
    from o2o_sync.runner import run_branch_sync

    s = cfg.sync
    parts = urlsplit(s.channel_url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    runner: web.AppRunner | None = None
    svc: ChannelService | None = None
    if _port_free(host, port):
        svc = ChannelService(cfg.data_dir / "demo-channel.sqlite",
                             api_token=s.api_token.get_secret_value())
        booked = await asyncio.to_thread(seed_today, svc, s.branch_id, cfg.kiosk.timezone,
                                         cfg.data_dir / "demo-appointments.txt")
        if booked:  # the first booking is 5 minutes from now: inside the check-in window
            _demo_qr["text"] = booked[0]["qr"]
        app = make_app(svc, webhook_urls=[f"http://{s.webhook_listen}/o2o/webhook"],
                       webhook_secret=s.webhook_secret.get_secret_value())
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        await web.TCPSite(runner, host, port).start()
        log.warning("demo: channel service on %s with %d booking(s) today (see %s)",
                    s.channel_url, len(booked), cfg.data_dir / "demo-appointments.txt")
    else:
        log.warning("demo: a channel service already listens on %s: using it", s.channel_url)
    try:
        whost, wport = parse_host_port(s.webhook_listen)
        if _port_free(whost, wport):
            # Pull every few seconds in the demo: the link is on this machine.
            demo_cfg = cfg.model_copy(update={"sync": s.model_copy(
                update={"interval_s": min(s.interval_s, 5.0)})})
            await run_branch_sync(demo_cfg, stop=stop)
        else:
            log.warning("demo: a branch sync already runs (webhooks on %s)", s.webhook_listen)
            await stop.wait()
    finally:
        if runner is not None:
            await runner.cleanup()
        if svc is not None:
            svc.close()
        _demo_qr.clear()


def start_if_demo(runtime: Any) -> bool:
    """From ``kiosk run``: start the demo's O2O services on the core loop if this is a demo."""
    cfg = runtime.config
    if not is_demo(cfg) or not runtime.loop.running:
        return False

    async def main() -> None:
        stop = asyncio.Event()
        try:
            await run_demo_o2o(cfg, stop)
        except asyncio.CancelledError:  # the core loop stops with the kiosk
            raise
        except Exception:
            log.exception("demo: O2O services stopped")

    runtime.loop.submit(main())
    return True


def show_phone(camera: Any, text: str) -> Callable[[], None] | None:
    """Demo only: the simulated customer holds up their phone with ``text`` as a QR code
    (see :func:`demo.customer.show_phone`)."""
    from demo.customer import show_phone as show

    return show(camera, text)
