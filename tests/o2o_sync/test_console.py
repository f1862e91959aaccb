"""The staff console: sign-in, CSRF, actions — in headless Chromium, and over raw HTTP."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import aiohttp
import pytest
from yarl import URL

from o2o_sync.aio import ServerThread
from o2o_sync.console.app import make_console_app
from o2o_sync.console.auth import hash_password, verify_password
from o2o_sync.store import BranchStore
from o2o_sync.timeutil import utcnow

from .conftest import ZONE, item

REPO = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def minutes_ago(n: int) -> datetime:
    """Within today's local day (ZONE: it is mid-morning there) and the check-in window."""
    return utcnow() - timedelta(minutes=n)


@pytest.fixture
def console(store: BranchStore) -> Iterator[ServerThread]:
    store.set_staff_password("alice", hash_password("correct horse"))
    store.apply_page(
        [
            item(
                "a1", start=minutes_ago(5), name="王小明", phone="+86 139 1234 5678", code="WANG01"
            ),
            item("a2", start=minutes_ago(10), name="Emma Clarke", code="EMMA01"),
            item("a3", start=minutes_ago(15), name="李华", code="LIHUA1"),
            item("a4", start=minutes_ago(20), name="Noah Thomas", code="NOAH01"),
        ],
        "c1",
    )
    srv = ServerThread(
        lambda: make_console_app(store, branch_name="Demo Branch", poll_s=0.05), name="o2o-console"
    ).start()
    yield srv
    srv.stop()


def test_password_hashing() -> None:
    h = hash_password("correct horse")
    assert h.startswith("scrypt$") and "correct" not in h
    assert verify_password("correct horse", h)
    assert not verify_password("wrong horse", h)
    assert not verify_password("x", None) and not verify_password("x", "md5$abc")
    with pytest.raises(ValueError):
        hash_password("short")


async def test_api_needs_session_csrf_and_same_origin(console: ServerThread) -> None:
    url = console.url
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as s:
        async with s.get(url + "/api/state") as r:
            assert r.status == 401
        async with s.get(url + "/", allow_redirects=False) as r:
            assert r.status == 302 and r.headers["Location"] == "/login"
        async with s.post(
            url + "/login", data={"username": "alice", "password": "nope"}, allow_redirects=False
        ) as r:
            assert r.headers["Location"] == "/login?error=1"
        async with s.post(
            url + "/login",
            data={"username": "alice", "password": "correct horse"},
            allow_redirects=False,
        ) as r:
            assert r.status == 302
            cookie = r.cookies["sb_staff"]
            assert cookie["httponly"] and cookie["samesite"] == "Strict"
        async with s.get(url + "/api/state") as r:
            state = await r.json()
            assert r.headers["Content-Security-Policy"].startswith("default-src 'self'")
        assert {a["code"] for a in state["appointments"]} == {
            "WANG01",
            "EMMA01",
            "LIHUA1",
            "NOAH01",
        }
        async with s.post(url + "/api/check-in", json={"id": "a1"}) as r:
            assert r.status == 403  # no CSRF token
        async with s.post(
            url + "/api/check-in",
            json={"id": "a1"},
            headers={"X-CSRF-Token": state["csrf"], "Origin": "http://evil.example"},
        ) as r:
            assert r.status == 403  # cross-origin
        async with s.post(
            url + "/api/check-in", json={"id": "a1"}, headers={"X-CSRF-Token": state["csrf"]}
        ) as r:
            assert r.status == 200 and (await r.json())["ticket"] == "A001"
        async with s.post(
            url + "/api/check-in", json={"id": "a1"}, headers={"X-CSRF-Token": state["csrf"]}
        ) as r:
            assert r.status == 409 and (await r.json())["code"] == "used"
        async with s.post(
            url + "/api/walk-in",
            json={"service": "<script>"},
            headers={"X-CSRF-Token": state["csrf"]},
        ) as r:
            assert r.status == 400


async def test_lockout_after_repeated_failures(console: ServerThread) -> None:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as s:
        for _ in range(5):
            async with s.post(
                console.url + "/login",
                data={"username": "alice", "password": "x"},
                allow_redirects=False,
            ):
                pass
        async with s.post(
            console.url + "/login",
            data={"username": "alice", "password": "correct horse"},
            allow_redirects=False,
        ) as r:
            assert r.headers["Location"] == "/login?error=locked"


@pytest.mark.browser
def test_console_in_chromium_live_updates(
    console: ServerThread, store: BranchStore, tmp_path: Path
) -> None:
    from playwright.sync_api import expect, sync_playwright

    kiosk = BranchStore(store.path, ZONE)  # the kiosk: another connection on the same file
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": 1280, "height": 720})
                page.goto(console.url + "/")
                page.fill("#username", "alice")
                page.fill("#password", "wrong password")
                page.click("#signin")
                expect(page.locator("#error")).to_have_text("Wrong user name or password.")
                page.fill("#username", "alice")
                page.fill("#password", "correct horse")
                page.click("#signin")
                expect(page.locator("#live")).to_have_class("live on")
                expect(page.locator("#rows tr")).to_have_count(4)
                # the kiosk checks a customer in: the console shows it without a reload
                kiosk.check_in("a1")
                row = page.locator("tr[data-id=a1]")
                expect(row.locator("[data-status]")).to_have_attribute("data-status", "checked_in")
                expect(row.locator(".ticket")).to_have_text("A001")
                # an online cancellation after that check-in is flagged to staff
                from o2o_sync.wire import parse_item

                kiosk.apply_page(
                    [parse_item({"id": "a1", "version": 2, "status": "cancelled"})], "c2"
                )
                expect(row.locator(".flag")).to_contain_text("cancelled online after check-in")
                # check in by hand, walk-in, call next, no-show
                page.locator("tr[data-id=a2] [data-action=check-in]").click()
                expect(page.locator("#message")).to_contain_text(
                    "Emma Clarke checked in: ticket A002"
                )
                page.locator("tr[data-id=a4] [data-action=no-show]").click()
                expect(page.locator("tr[data-id=a4] [data-status]")).to_have_attribute(
                    "data-status", "no_show"
                )
                page.select_option("#walkin-service", "card")
                page.click("#walk-in")
                expect(page.locator("#message")).to_contain_text("Walk-in ticket W001")
                page.click("#call-next")
                expect(page.locator("#message")).to_contain_text("Ticket A001 called to counter 1")
                expect(row.locator("[data-status]")).to_have_attribute("data-status", "called")
                expect(page.locator("#waiting li")).to_have_count(2)
                # search by phone digits, then by code
                page.fill("#search", "5678")
                expect(page.locator("#rows tr")).to_have_count(1)
                page.fill("#search", "lihua")
                expect(page.locator("#rows tr[data-id=a3]")).to_have_count(1)
                page.fill("#search", "")
                expect(page.locator("#rows tr")).to_have_count(4)
                page.screenshot(path=str(tmp_path / "staff-console.png"))
                if os.environ.get("SMARTBRANCH_SCREENSHOTS"):  # refresh docs/screens on demand
                    page.screenshot(path=str(REPO / "docs" / "screens" / "staff-console.png"))
            finally:
                browser.close()
    finally:
        kiosk.close()
    assert store.outbox_depth() == 4  # two check-ins, a no-show, a walk-in


async def test_sign_in_survives_a_console_restart_and_sign_out_ends_it(
    console: ServerThread, store: BranchStore
) -> None:
    import hashlib
    import time

    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as s:
        async with s.post(
            console.url + "/login",
            data={"username": "alice", "password": "correct horse"},
            allow_redirects=False,
        ) as r:
            token = r.cookies["sb_staff"].value
        async with s.get(console.url + "/api/state") as r:
            csrf = (await r.json())["csrf"]
        # Only a hash of the token is on disk: a copy of the database signs nobody in.
        rows = store._q("SELECT token_sha256, username FROM staff_sessions")
        assert [tuple(r) for r in rows] == [(hashlib.sha256(token.encode()).hexdigest(), "alice")]
        files = [store.path, Path(f"{store.path}-wal")]
        on_disk = b"".join(f.read_bytes() for f in files if f.exists())
        assert token.encode() not in on_disk

        # The console restarts (an update, a power cut): a new process, a new connection.
        console.stop()
        restarted_store = BranchStore(store.path, ZONE)
        again = ServerThread(
            lambda: make_console_app(restarted_store, branch_name="Demo Branch", poll_s=0.05),
            name="o2o-console-2",
        ).start()
        try:
            url = again.url
            s.cookie_jar.update_cookies({"sb_staff": token}, response_url=URL(url))
            async with s.get(url + "/api/state") as r:
                assert r.status == 200 and (await r.json())["csrf"] == csrf
            async with s.post(url + "/logout", headers={"X-CSRF-Token": csrf}) as r:
                assert r.status == 200
            assert restarted_store._q("SELECT count(*) FROM staff_sessions")[0][0] == 0
            s.cookie_jar.update_cookies({"sb_staff": token}, response_url=URL(url))
            async with s.get(url + "/api/state") as r:
                assert r.status == 401  # signed out everywhere, not just in this process

            # An expired sign-in on disk is refused and removed.
            stale = "t" * 43
            restarted_store.put_staff_session(
                hashlib.sha256(stale.encode()).hexdigest(), "alice", "c", time.time() - 1
            )
            s.cookie_jar.update_cookies({"sb_staff": stale}, response_url=URL(url))
            async with s.get(url + "/api/state") as r:
                assert r.status == 401
            assert restarted_store._q("SELECT count(*) FROM staff_sessions")[0][0] == 0
        finally:
            again.stop()
            restarted_store.close()
