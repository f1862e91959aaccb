"""The branch's link to the channel: pull the change feed, push the outbox.

Pull: pages since the stored cursor, each page and its cursor stored in one transaction; a
410 starts a full resync. Push: outbox rows in order with their idempotency keys; network
errors, time-outs and 5xx are retried with exponential backoff (the row waits, later rows
wait behind it so the channel sees events in order); any other 4xx drops the row with a log
line (retrying cannot help). Either side failing never stops the kiosk: the day's
appointments are already local and check-ins wait in the outbox.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import re
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from o2o_sync.fastpage import PageError, decode_page
from o2o_sync.store import ApplyResult, BranchStore
from o2o_sync.wire import Item, WireError, parse_item

log = logging.getLogger(__name__)

MAX_PAGE_BYTES = 64 * 1024 * 1024
# The reference service ends a page with these two keys; other servers may not (no prefetch).
_TAIL = re.compile(
    rb'"next_cursor":\s*"([A-Za-z0-9_=-]{1,512})",\s*"has_more":\s*(true|false)\s*}\s*$'
)


def parse_page_slow(body: bytes) -> tuple[list[Item], str, bool, list[tuple[str, str]]]:
    """The same as fastpage.decode_page with the plain parser: the reference the fast path
    is tested against (and what a port without msgspec would use)."""
    try:
        page = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise PageError("page is not JSON (truncated?)") from None
    if (
        not isinstance(page, dict)
        or not isinstance(page.get("items"), list)
        or not isinstance(page.get("next_cursor"), str)
        or not page["next_cursor"]
        or not isinstance(page.get("has_more"), bool)
    ):
        raise PageError("page does not match the contract (items, next_cursor, has_more)")
    items: list[Item] = []
    rejected: list[tuple[str, str]] = []
    for i, raw in enumerate(page["items"]):
        try:
            items.append(parse_item(raw, f"items[{i}]"))
        except WireError as exc:
            rejected.append((str(exc), json.dumps(raw, ensure_ascii=False)))
    return items, page["next_cursor"], page["has_more"], rejected


class SyncError(Exception):
    """This pull did not complete; the cursor is where the last stored page left it."""


@dataclass
class PullStats:
    pages: int = 0
    items: int = 0
    applied: int = 0
    conflicts: int = 0
    rejected: int = 0
    resyncs: int = 0


@dataclass
class UploadStats:
    sent: int = 0
    retried: int = 0
    dropped: int = 0
    errors: list[str] = field(default_factory=list)


def backoff_s(attempts: int, base: float = 1.0, cap: float = 300.0) -> float:
    """Exponential with jitter (half to full), so branches do not retry in step."""
    return min(cap, base * 2**attempts) * random.uniform(0.5, 1.0)


class ChannelClient:
    def __init__(
        self,
        store: BranchStore,
        base_url: str,
        branch: str,
        token: str,
        *,
        page_size: int = 1000,
        timeout_s: float = 15.0,
        backoff_base_s: float = 1.0,
    ) -> None:
        self.store = store
        self.base = base_url.rstrip("/")
        self.branch = branch
        self.page_size = page_size
        self.backoff_base_s = backoff_base_s
        self._headers = {"Authorization": f"Bearer {token}"}
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)
        self._session: aiohttp.ClientSession | None = None
        self._lock = asyncio.Lock()

    @classmethod
    def from_config(cls, store: BranchStore, cfg: Any) -> ChannelClient:
        s = cfg.sync
        return cls(
            store,
            s.channel_url,
            s.branch_id,
            s.api_token.get_secret_value(),
            page_size=s.page_size,
            timeout_s=s.request_timeout_s,
        )

    def session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self._timeout, headers=self._headers)
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def _run(self, fn: Any, *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(None, fn, *args)

    # -- pull ---------------------------------------------------------------------

    async def _fetch(self, cursor: str | None) -> tuple[int, bytes]:
        params = {"limit": str(self.page_size)}
        if cursor:
            params["cursor"] = cursor
        url = f"{self.base}/v1/branches/{self.branch}/changes"
        async with self.session().get(url, params=params) as resp:
            if resp.content_length is not None and resp.content_length > MAX_PAGE_BYTES:
                raise SyncError(
                    f"page of {resp.content_length} bytes refused (max {MAX_PAGE_BYTES})"
                )
            chunks: list[bytes] = []
            size = 0
            try:
                async for chunk in resp.content.iter_chunked(1 << 16):
                    size += len(chunk)
                    if size > MAX_PAGE_BYTES:
                        raise SyncError(f"page larger than {MAX_PAGE_BYTES} bytes refused")
                    chunks.append(chunk)
            except aiohttp.ClientPayloadError as exc:
                raise SyncError(f"link cut mid-page ({size} bytes read): {exc}") from None
            body = b"".join(chunks)
            if resp.content_length is not None and len(body) < resp.content_length:
                raise SyncError("link cut mid-page")
            return resp.status, body

    def _parse_page(self, body: bytes) -> tuple[list[Item], str, bool, list[tuple[str, str]]]:
        try:
            items, nxt, more, rejected = decode_page(body)
        except PageError as exc:
            raise SyncError(str(exc)) from None
        for error, _ in rejected:
            # Quarantined with the page (nothing lost); the rest of the page applies.
            log.error("feed item refused and quarantined: %s", error)
        return items, nxt, more, rejected

    async def pull(self) -> PullStats:
        """Read the feed to its end. Raises SyncError (cursor kept) if the link fails."""
        async with self._lock:
            stats = PullStats()
            try:
                await self._pull(stats)
            except SyncError as exc:
                log.warning("sync stopped after %d page(s): %s", stats.pages, exc)
                await self._run(self.store.record_sync_error, str(exc))
                raise
            return stats

    async def _get(self, cursor: str | None) -> tuple[int, bytes]:
        try:
            return await self._fetch(cursor)
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise SyncError(f"channel unreachable: {exc.__class__.__name__}: {exc}") from None

    def _ingest(self, body: bytes) -> tuple[ApplyResult, str, bool]:
        items, nxt, more, rejected = self._parse_page(body)
        return self.store.apply_page(items, nxt, rejected), nxt, more

    async def _pull(self, stats: PullStats) -> None:
        cursor = await self._run(self.store.cursor)
        fetch = asyncio.ensure_future(self._get(cursor))
        try:
            while True:
                status, body = await fetch
                if status == 410:
                    if stats.resyncs:
                        raise SyncError("cursor expired again right after a resync")
                    stats.resyncs += 1
                    await self._run(self.store.begin_full_resync)
                    fetch = asyncio.ensure_future(self._get(None))
                    continue
                if status != 200:
                    raise SyncError(f"channel answered HTTP {status}: {body[:200]!r}")
                # Read the next page while this one is parsed and stored (its cursor is in
                # this page's body, so peek at it first). Stored order is unchanged: page N+1
                # is only applied after page N committed.
                peeked = self._peek(body)
                if peeked is not None:
                    fetch = asyncio.ensure_future(self._get(peeked))
                res, nxt, more = await self._run(self._ingest, body)
                if peeked != (nxt if more else None):
                    if peeked is not None:  # the peek was wrong: drop that request
                        fetch.cancel()
                        await asyncio.gather(fetch, return_exceptions=True)
                    if more:
                        fetch = asyncio.ensure_future(self._get(nxt))
                stats.pages += 1
                stats.items += res.received
                stats.applied += res.applied
                stats.conflicts += res.conflicts
                stats.rejected += res.rejected
                if not more:
                    break
        finally:
            if not fetch.done():
                fetch.cancel()
                await asyncio.gather(fetch, return_exceptions=True)
            elif not fetch.cancelled():
                fetch.exception()  # consumed: an unused prefetch error is not "never retrieved"
        if not (await self._run(self.store.sync_state))["full_sync_done"]:
            await self._run(self.store.finish_full_sync)

    @staticmethod
    def _peek(body: bytes) -> str | None:
        """The next cursor if the page's tail says there is more, without parsing it all; the
        full parse in _ingest decides (a wrong or missing peek only costs the overlap)."""
        m = _TAIL.search(body[-600:])
        if m is None or m.group(2) != b"true":
            return None
        return m.group(1).decode()

    # -- push ---------------------------------------------------------------------

    async def upload(self) -> UploadStats:
        """Send due outbox rows in order; stop at the first one that must be retried."""
        stats = UploadStats()
        url = f"{self.base}/v1/branches/{self.branch}/events"
        for row in await self._run(self.store.outbox_due):
            key = row["idempotency_key"]
            try:
                async with self.session().post(
                    url,
                    data=row["payload"].encode(),
                    headers={"Idempotency-Key": key, "Content-Type": "application/json"},
                ) as resp:
                    status = resp.status
                    text = (await resp.text())[:300]
            except (TimeoutError, aiohttp.ClientError) as exc:
                status, text = 0, f"{exc.__class__.__name__}: {exc}"
            if 200 <= status < 300:
                await self._run(self.store.outbox_sent, row["id"])
                stats.sent += 1
                log.info("outbox %s %s (%s) uploaded", row["kind"], key, row["appointment_id"])
                continue
            if status == 0 or status >= 500 or status in (408, 429):
                delay = backoff_s(row["attempts"], self.backoff_base_s)
                await self._run(
                    self.store.outbox_retry,
                    row["id"],
                    text if status == 0 else f"HTTP {status}: {text}",
                    delay,
                )
                stats.retried += 1
                log.warning(
                    "outbox %s %s: %s; retry in %.1f s",
                    row["kind"],
                    key,
                    text if status == 0 else f"HTTP {status}",
                    delay,
                )
                break  # keep order: later events wait behind this one
            await self._run(self.store.outbox_drop, row["id"], f"HTTP {status}: {text}")
            stats.dropped += 1
            stats.errors.append(f"{key}: HTTP {status}")
            log.error(
                "outbox %s %s dropped: channel refused it with HTTP %d: %s",
                row["kind"],
                key,
                status,
                text,
            )
        return stats


class SyncService:
    """Pull loop + upload loop + webhook receiver on one event loop (its own thread or not)."""

    def __init__(
        self, client: ChannelClient, interval_s: float = 30.0, upload_every_s: float = 1.0
    ) -> None:
        self.client = client
        self.interval_s = interval_s
        self.upload_every_s = upload_every_s
        self._wake = asyncio.Event()
        self._stop = asyncio.Event()
        self.last_error: str | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def kick(self) -> None:
        """Pull now (e.g. after a webhook hinted at changes); thread-safe."""
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._wake.set)

    async def run(self) -> None:
        self._loop = asyncio.get_running_loop()
        tasks = [asyncio.create_task(self._pull_loop()), asyncio.create_task(self._upload_loop())]
        try:
            await self._stop.wait()
        finally:
            # Also when the loop cancels us at shutdown: never leave the HTTP session open —
            # not even when cancelled again while the loops wind down (a stopping kiosk's
            # core loop cancels every task, then run_branch_sync cancels this one too).
            for t in tasks:
                t.cancel()
            try:
                await asyncio.gather(*tasks, return_exceptions=True)
            finally:
                await self.client.close()

    def stop(self) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)

    async def _pull_loop(self) -> None:
        failures = 0
        while True:
            try:
                stats = await self.client.pull()
                failures = 0
                self.last_error = None
                if stats.items:
                    log.info(
                        "sync: %d item(s) in %d page(s), %d applied",
                        stats.items,
                        stats.pages,
                        stats.applied,
                    )
                delay = self.interval_s
            except SyncError as exc:
                failures += 1
                self.last_error = str(exc)
                delay = min(self.interval_s, backoff_s(failures, 1.0, self.interval_s))
            except Exception:
                log.exception("sync: unexpected failure")
                failures += 1
                delay = self.interval_s
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), delay)
            except TimeoutError:
                pass

    async def _upload_loop(self) -> None:
        while True:
            try:
                await self.client.upload()
            except Exception:
                log.exception("upload: unexpected failure")
            await asyncio.sleep(self.upload_every_s)
