# mypy: disable-error-code="index"
"""Done when: booked online → at the branch → checked in at the kiosk → live on the staff
console → on the channel exactly once, also when the link was down in between."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from ports import free_port
from pydantic import SecretStr

from o2o_sync.aio import ServerThread
from o2o_sync.console.app import make_console_app
from o2o_sync.console.auth import hash_password
from o2o_sync.lookup import CheckInDesk, LookupRefused
from o2o_sync.runner import run_branch_sync
from o2o_sync.store import BranchStore
from o2o_sync.timeutil import to_utc_text, utcnow

from .conftest import SECRET, TOKEN, ZONE, Channel
from .test_console import CHROMIUM_ARGS


class BranchSyncThread:
    def __init__(self, cfg: Any) -> None:
        self.cfg = cfg
        self.loop = asyncio.new_event_loop()
        self.stop_event = asyncio.Event()
        self.thread = threading.Thread(target=self._run, name="o2o-sync", daemon=True)

    def _run(self) -> None:
        self.loop.run_until_complete(
            run_branch_sync(self.cfg, stop=self.stop_event, backoff_base_s=0.2, upload_every_s=0.2)
        )

    def start(self) -> BranchSyncThread:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.stop_event.set)
        self.thread.join(timeout=10)
        assert not self.thread.is_alive()
        self.loop.close()


def wait_for(what: str, fn: Callable[[], Any], timeout: float = 20.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = fn()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def branch(
    kiosk_config: Any, channel_factory: Callable[..., Channel]
) -> Iterator[tuple[Any, Channel]]:
    hook_port = free_port()
    cfg = kiosk_config.model_copy(
        update={
            "sync": kiosk_config.sync.model_copy(
                update={
                    "webhook_listen": f"127.0.0.1:{hook_port}",
                    "webhook_secret": SecretStr(SECRET),  # model_copy does not validate
                    "api_token": SecretStr(TOKEN),
                    "interval_s": 0.5,
                    "request_timeout_s": 1.0,
                }
            )
        }
    )
    ch = channel_factory([f"http://127.0.0.1:{hook_port}/o2o/webhook"])
    cfg = cfg.model_copy(update={"sync": cfg.sync.model_copy(update={"channel_url": ch.url})})
    runner = BranchSyncThread(cfg).start()
    yield cfg, ch
    runner.stop()


@pytest.mark.browser
def test_done_when(branch: tuple[Any, Channel], tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    cfg, ch = branch
    desk = CheckInDesk.from_config(cfg)
    console_store = BranchStore.from_config(cfg)
    console_store.set_staff_password("desk", hash_password("branch staff 1"))
    console = ServerThread(
        lambda: make_console_app(console_store, branch_name="Demo Branch", poll_s=0.05),
        name="o2o-console",
    ).start()
    try:
        # 1. booked on the channel service (over its HTTP API, as the bank's app would)
        async def book() -> dict[str, Any]:
            start = to_utc_text((utcnow() + timedelta(minutes=5)).replace(second=0, microsecond=0))
            async with (
                aiohttp.ClientSession() as s,
                s.post(
                    ch.url + "/v1/admin/appointments",
                    headers={"Authorization": f"Bearer {TOKEN}"},
                    json={
                        "branch": "DEMO",
                        "service": "loan",
                        "start": start,
                        "zone": ZONE,
                        "customer": {"name": "陈静", "phone": "+86 158 8888 6666"},
                    },
                ) as r,
            ):
                assert r.status == 200
                return await r.json()

        appt = asyncio.run(book())

        # 2. it reaches the branch (webhook, or the next pull)
        def found() -> Any:
            try:
                return desk.find_by_qr("O2O:" + appt["qr_token"])
            except LookupRefused:
                return None

        found_appt = wait_for("the booking at the branch", found)
        assert found_appt.name == "陈静"

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            try:
                page = browser.new_page()
                page.goto(console.url + "/login")
                page.fill("#username", "desk")
                page.fill("#password", "branch staff 1")
                page.click("#signin")
                row = page.locator(f"tr[data-id={appt['id']}]")
                expect(row.locator("[data-status]")).to_have_attribute("data-status", "booked")

                # 3. the link goes down; the customer checks in at the kiosk anyway
                ch.faults.down = True
                ticket = desk.check_in(found_appt.id)
                assert ticket.number == "A001"

                # 4. the staff console shows it live
                expect(row.locator("[data-status]")).to_have_attribute("data-status", "checked_in")
                expect(row.locator(".ticket")).to_have_text("A001")
            finally:
                browser.close()

        wait_for(
            "failed upload attempts",
            lambda: desk.store._q(
                "SELECT attempts FROM outbox WHERE kind='check_in' AND attempts >= 2"
            ),
        )
        assert ch.svc.branch_events() == []

        # 5. the link comes back: the check-in reaches the channel exactly once
        ch.faults.down = False
        wait_for("the upload", lambda: desk.store.outbox_depth() == 0)
        wait_for("the echo", lambda: ch.svc.get(appt["id"])["status"] == "checked_in")
        time.sleep(0.5)  # a few more upload/pull rounds: nothing may be sent again
        events = ch.svc.branch_events(appt["id"])
        assert [e["kind"] for e in events] == ["check_in"]
        assert desk.store.appointment(appt["id"])["local_status"] == "checked_in"
    finally:
        console.stop()
        console_store.close()
        desk.close()
