"""Everything the branch runs for the link, on one asyncio loop: the pull and upload loops
and the webhook receiver. ``kiosk o2o sync`` runs it in the foreground."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiohttp import web

from kiosk_core.netaddr import parse_host_port
from o2o_sync.store import BranchStore
from o2o_sync.sync import ChannelClient, SyncService
from o2o_sync.webhook import make_webhook_app

log = logging.getLogger(__name__)


async def _purge_daily(store: BranchStore, retention_days: int) -> None:
    """The retention purge at start and then every 24 hours."""
    while True:
        try:
            await asyncio.get_running_loop().run_in_executor(
                None, store.purge_personal_data, retention_days
            )
        except Exception:
            log.exception("retention purge failed; will try again in 24 h")
        await asyncio.sleep(24 * 3600)


async def run_branch_sync(
    cfg: Any,
    *,
    stop: asyncio.Event | None = None,
    backoff_base_s: float = 1.0,
    upload_every_s: float = 1.0,
) -> None:
    s = cfg.sync
    store = BranchStore.from_config(cfg, durable=False)
    hook_store = BranchStore.from_config(
        cfg, durable=False
    )  # its own connection: receiver and loops overlap
    client = ChannelClient.from_config(store, cfg)
    client.backoff_base_s = backoff_base_s
    service = SyncService(client, interval_s=s.interval_s, upload_every_s=upload_every_s)
    app = make_webhook_app(
        hook_store,
        s.webhook_secret.get_secret_value(),
        tolerance_s=s.webhook_tolerance_s,
        max_bytes=s.webhook_max_bytes,
    )
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    addr = parse_host_port(s.webhook_listen)
    await web.TCPSite(runner, addr.host, addr.port).start()
    log.warning(
        "o2o sync: channel %s, webhooks on %s", s.channel_url, addr.url("http", "/o2o/webhook")
    )
    task = asyncio.create_task(service.run())
    purge = asyncio.create_task(_purge_daily(store, s.retention_days))
    try:
        if stop is None:
            await task
        else:
            await stop.wait()
            service.stop()
            await task
    finally:
        if not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        purge.cancel()
        await asyncio.gather(purge, return_exceptions=True)
        await runner.cleanup()
        store.close()
        hook_store.close()
