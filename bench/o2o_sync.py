"""O2O sync: initial sync speed, webhook-to-kiosk latency, check-in look-up latency.

Baselines (the issue's): a naive row-at-a-time ``Table.upsert`` with sqlite-utils on the same
data — measured both as people usually write it (each upsert its own commit, on a sample,
because 100,000 of those take half an hour) and inside one transaction (all rows).

    .venv/bin/python -m bench.o2o_sync
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import random
import socket
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import sqlite_utils

from o2o_sync.aio import ServerThread
from o2o_sync.channel.app import make_app
from o2o_sync.channel.service import ChannelService
from o2o_sync.channel.traffic import fake_name, fake_phone
from o2o_sync.lookup import CheckInDesk
from o2o_sync.services import SERVICES
from o2o_sync.store import BranchStore
from o2o_sync.sync import ChannelClient
from o2o_sync.timeutil import parse_utc, to_utc_text, utcnow
from o2o_sync.webhook import PATH, make_webhook_app
from o2o_sync.wire import Item, parse_item

N = 100_000
PAGE = 5000
NAIVE_SAMPLE = 500
WEBHOOKS = 300
LOOKUPS = 5000
ZONE = "Asia/Shanghai"
TOKEN = "bench-branch-token"
SECRET = "bench-webhook-secret"


def seed_channel(svc: ChannelService, n: int) -> None:
    rng = random.Random(7)
    base = (utcnow() - timedelta(days=1)).replace(second=0, microsecond=0)
    services = list(SERVICES)
    rows = [
        (
            "DEMO",
            services[i % len(services)],
            to_utc_text(base + timedelta(minutes=i)),
            ZONE,
            fake_name(rng),
            fake_phone(rng),
        )
        for i in range(n)
    ]
    svc.bulk_book(rows)


def naive_row(it: Item) -> dict[str, Any]:
    return {
        "id": it.id,
        "remote_status": it.status,
        "remote_version": it.version,
        "service": it.service,
        "customer_name": it.name,
        "phone": it.phone,
        "phone_digits": "".join(c for c in it.phone or "" if c.isdigit()),
        "booking_code": it.booking_code,
        "qr_token": it.qr_token,
        "start_utc": it.start_utc,
        "zone": it.zone,
        "duration_min": it.duration_min,
        "local_status": it.status,
    }


def bench_naive(items: list[Item], tmp: Path) -> tuple[float, float]:
    db = sqlite_utils.Database(tmp / "naive-autocommit.sqlite")
    t0 = time.perf_counter()
    for it in items[:NAIVE_SAMPLE]:
        db["appointments"].upsert(naive_row(it), pk="id")  # type: ignore[union-attr]
    autocommit = NAIVE_SAMPLE / (time.perf_counter() - t0)
    db.close()
    db = sqlite_utils.Database(tmp / "naive-one-tx.sqlite")
    t0 = time.perf_counter()
    with db.atomic():
        for it in items:
            db["appointments"].upsert(naive_row(it), pk="id")  # type: ignore[union-attr]
    one_tx = len(items) / (time.perf_counter() - t0)
    db.close()
    return autocommit, one_tx


def bench_store_apply(items: list[Item], tmp: Path) -> float:
    store = BranchStore(tmp / "apply.sqlite", ZONE, durable=False, key=KEY)
    t0 = time.perf_counter()
    for i in range(0, len(items), PAGE):
        store.apply_page(items[i : i + PAGE], f"cursor-{i}")
    rate = len(items) / (time.perf_counter() - t0)
    store.close()
    return rate


def _serve_channel(db: str, port: int) -> None:
    """The channel in its own process, as in production (it is the bank's server)."""
    from aiohttp import web

    svc = ChannelService(db, api_token=TOKEN)
    web.run_app(make_app(svc), host="127.0.0.1", port=port, print=None, access_log=None)


def start_channel_process(db: Path) -> tuple[Any, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = multiprocessing.get_context("spawn").Process(
        target=_serve_channel, args=(str(db), port), daemon=True
    )
    proc.start()
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    return proc, f"http://127.0.0.1:{port}"


async def bench_http_sync(url: str, store: BranchStore) -> tuple[float, float, int]:
    """(rows per wall-clock second, rows per CPU second of the branch process, pages)."""
    client = ChannelClient(store, url, "DEMO", TOKEN, page_size=PAGE, timeout_s=60)
    t0, c0 = time.perf_counter(), time.process_time()
    stats = await client.pull()
    dt, cpu = time.perf_counter() - t0, time.process_time() - c0
    await client.close()
    return stats.items / dt, stats.items / cpu, stats.pages


def bench_lookups(store: BranchStore) -> tuple[list[float], list[float]]:
    desk = CheckInDesk(store)
    rows = store._q("SELECT qr_token, phone, booking_code, start_utc FROM appointments")
    sample = random.Random(3).sample(list(rows), LOOKUPS)
    qr, phone = [], []
    for r in sample:
        now = parse_utc(r["start_utc"]) - timedelta(minutes=5)  # inside its check-in window
        t0 = time.perf_counter()
        desk.find_by_qr("O2O:" + r["qr_token"], now=now)
        qr.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        desk.find_by_phone(r["phone"], r["booking_code"], now=now)
        phone.append(time.perf_counter() - t0)
    return qr, phone


def bench_webhook(tmp: Path) -> list[float]:
    """Booked on the channel → signed webhook → stored → found by the kiosk's QR look-up."""
    hook_store = BranchStore(tmp / "hook.sqlite", ZONE, durable=False, key=KEY)
    kiosk = BranchStore(tmp / "hook.sqlite", ZONE, key=KEY)
    desk = CheckInDesk(kiosk)
    receiver = ServerThread(
        lambda: make_webhook_app(hook_store, SECRET), name="o2o-bench-hook"
    ).start()
    svc = ChannelService(tmp / "hook-channel.sqlite", api_token=TOKEN)
    channel = ServerThread(
        lambda: make_app(svc, webhook_urls=[receiver.url + PATH], webhook_secret=SECRET),
        name="o2o-bench-ch",
    ).start()
    lat = []
    try:
        base = utcnow() + timedelta(minutes=5)
        for i in range(WEBHOOKS):
            t0 = time.perf_counter()
            appt = svc.book(
                "DEMO",
                "loan",
                to_utc_text(base + timedelta(seconds=i)),
                ZONE,
                "Bench",
                "+86 138 0000 0000",
            )
            token = appt["qr_token"]
            while not kiosk.by_qr(token):
                time.sleep(0.0005)
            desk.find_by_qr(token)
            lat.append(time.perf_counter() - t0)
            time.sleep(0.01)
    finally:
        channel.stop()
        receiver.stop()
        svc.close()
        hook_store.close()
        kiosk.close()
    return lat


#: The branch DB's key (o2o_sync/dbkey.py): the bench measures the encrypted store.
KEY = os.urandom(32)


def pct(xs: list[float], p: float) -> float:
    return sorted(xs)[min(len(xs) - 1, int(p * len(xs)))]


def main() -> int:
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        svc = ChannelService(tmp / "channel.sqlite", api_token=TOKEN)
        seed_channel(svc, N)
        page = svc.changes("DEMO", None, N)
        items = [parse_item(x) for x in json.loads(json.dumps(page["items"]))]
        autocommit, one_tx = bench_naive(items, tmp)
        apply_rate = bench_store_apply(items, tmp)
        proc, url = start_channel_process(tmp / "channel.sqlite")
        # As the sync runs it: encrypted at rest (SQLCipher), as every branch DB is.
        store = BranchStore(tmp / "branch.sqlite", ZONE, durable=False, key=KEY)
        try:
            http_rate, cpu_rate, pages = asyncio.run(bench_http_sync(url, store))
        finally:
            proc.terminate()
            proc.join()
        qr, phone = bench_lookups(store)
        store.close()
        svc.close()
        hook = bench_webhook(tmp)

    ms = 1e3
    print(f"{'measure':<62} {'value':>14}")
    print(
        f"{'initial sync over HTTP, ' + str(N) + ' rows, ' + str(pages) + ' pages':<62} "
        f"{http_rate:>9,.0f} rows/s"
    )
    label = "  same, per CPU second of the branch process"
    print(f"{label:<62} {cpu_rate:>9,.0f} rows/s")
    print(f"{'  store only (apply_page, 5,000-row pages)':<62} {apply_rate:>9,.0f} rows/s")
    print(
        f"{'naive sqlite-utils upsert, one commit per row (' + str(NAIVE_SAMPLE) + ' sample)':<62} "
        f"{autocommit:>9,.0f} rows/s"
    )
    label = "naive sqlite-utils upsert, row at a time in one transaction"
    print(f"{label:<62} {one_tx:>9,.0f} rows/s")
    print(f"{'ratio HTTP sync / naive per-row commit':<62} {http_rate / autocommit:>13,.0f}x")
    print(f"{'ratio HTTP sync / naive in one transaction':<62} {http_rate / one_tx:>13.1f}x")
    print(f"{'ratio store only / naive in one transaction':<62} {apply_rate / one_tx:>13.1f}x")
    print(
        f"{'webhook → visible to kiosk look-up, p50 (' + str(WEBHOOKS) + ' bookings)':<62} "
        f"{statistics.median(hook) * ms:>11.2f} ms"
    )
    print(f"{'webhook → visible to kiosk look-up, p95':<62} {pct(hook, 0.95) * ms:>11.2f} ms")
    print(f"{'QR look-up over 100,000 rows, p50':<62} {statistics.median(qr) * ms:>11.3f} ms")
    print(f"{'QR look-up over 100,000 rows, p99':<62} {pct(qr, 0.99) * ms:>11.3f} ms")
    label = "phone + code look-up over 100,000 rows, p50"
    print(f"{label:<62} {statistics.median(phone) * ms:>11.3f} ms")
    print(f"{'phone + code look-up over 100,000 rows, p99':<62} {pct(phone, 0.99) * ms:>11.3f} ms")
    ok = (
        http_rate >= 50_000
        and pct(hook, 0.95) <= 0.2
        and pct(qr, 0.99) <= 0.001
        and pct(phone, 0.99) <= 0.001
    )
    print(
        "targets (≥ 50,000 rows/s wall clock; p95 ≤ 200 ms; p99 ≤ 1 ms):",
        "met" if ok else "NOT met",
    )
    print(f"machine load while running: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
