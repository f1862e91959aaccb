"""The staff console: sign-in, CSRF, actions — in headless Chromium, and over raw HTTP."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from yarl import URL

from o2o_sync.aio import ServerThread
from o2o_sync.console.app import make_console_app
from o2o_sync.console.auth import hash_password, verify_password
from o2o_sync.console.health import KioskHealth, KioskLink, local_kiosk
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


HEALTH = {  # what technician/monitoring.py's /healthz answers (docs/monitoring.md)
    "status": "degraded", "in_service": True, "kiosk": "KIOSK-DEMO-01", "branch": "Demo Branch",
    "at": "2026-12-02T07:30:00+00:00", "down": [], "degraded": ["printer"],
    "devices": {
        "printer": {"state": "userError", "required": False, "media": "notPresent",
                    "supplies": {"paper": "out"}, "detail": "paper out: load a new roll"},
        "card_reader": {"state": "ok", "required": True, "detail": ""},
    },
    "links": {"bank": {"up": True, "detail": ""}, "hub": {"up": False, "detail": "timeout"}},
}


def monitoring_app(token: str) -> web.Application:
    """A kiosk's monitoring endpoint: /healthz behind its bearer token."""
    async def healthz(request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {token}":
            return web.Response(status=401)
        return web.json_response(HEALTH)

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    return app


@pytest.fixture
def kiosks(tmp_path: Path) -> Iterator[list[KioskLink]]:
    token = tmp_path / "monitoring.token"
    token.write_text("s3cret-token-for-the-test\n")
    wrong = tmp_path / "wrong.token"
    wrong.write_text("not-the-token\n")
    mon = ServerThread(lambda: monitoring_app("s3cret-token-for-the-test"),
                       name="kiosk-mon").start()
    with socket.socket() as sock:  # a port nobody listens on: a kiosk switched off
        sock.bind(("127.0.0.1", 0))
        dead = sock.getsockname()[1]
    yield [KioskLink("Kiosk 1", mon.url, token),
           KioskLink("Kiosk 2", f"http://127.0.0.1:{dead}", token),
           KioskLink("Kiosk 3", mon.url, wrong)]
    mon.stop()


@pytest.fixture
def console(store: BranchStore, kiosks: list[KioskLink]) -> Iterator[ServerThread]:
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
        lambda: make_console_app(store, branch_name="Demo Branch", poll_s=0.05, kiosks=kiosks,
                                 health_interval_s=0.2,
                                 branch_names={"zh_CN": "演示支行", "en_US": "Demo Branch"}),
        name="o2o-console",
    ).start()
    yield srv
    srv.stop()


async def test_kiosk_health_from_each_kiosks_monitoring_endpoint(
        kiosks: list[KioskLink]) -> None:
    health = KioskHealth(kiosks, timeout_s=2)
    assert [k["status"] for k in health.snapshot()] == ["unknown"] * 3
    async with aiohttp.ClientSession() as session:
        assert await health.poll_once(session)
        assert not await health.poll_once(session)  # nothing moved: no broadcast
    one, two, three = health.snapshot()
    assert one["status"] == "degraded" and one["kiosk_id"] == "KIOSK-DEMO-01"
    assert one["degraded"] == ["printer"] and one["last_seen"] is not None
    assert {"name": "printer", "state": "userError", "required": False, "media": "notPresent",
            "supplies": {"paper": "out"}, "detail": "paper out: load a new roll"} \
        in one["devices"]
    assert {"name": "hub", "up": False, "detail": "timeout"} in one["links"]
    assert two["status"] == "unreachable" and two["last_seen"] is None
    assert three["status"] == "refused" and three["devices"] == []
    assert "s3cret" not in repr(health.snapshot())


def test_the_kiosk_of_the_same_kiosk_toml() -> None:
    from kiosk_app.config import load_config
    from o2o_sync.console.health import kiosks_for_config

    cfg = load_config(REPO / "kiosk.toml")
    (k,) = kiosks_for_config(cfg)
    assert k.name == cfg.kiosk.id and k.url.startswith("http://127.0.0.1:")
    assert k.token_file == cfg.path("secrets_dir") / "monitoring.token"


def test_local_kiosk_from_its_monitoring_settings(tmp_path: Path) -> None:
    assert local_kiosk("K", "", tmp_path / "t") is None
    k = local_kiosk("K", "0.0.0.0:9108", tmp_path / "t")
    assert k is not None and k.url == "http://127.0.0.1:9108"
    k6 = local_kiosk("K", "[::1]:9108", tmp_path / "t")
    assert k6 is not None and k6.url == "http://[::1]:9108"


def test_password_hashing() -> None:
    h = hash_password("correct horse")
    assert h.startswith("$argon2id$") and "correct" not in h  # issue 15: no longer scrypt
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
                # a no-show asks first: "Keep it" changes nothing, "Yes" marks it
                page.locator("tr[data-id=a4] [data-action=no-show]").click()
                expect(page.locator("#confirm")).to_be_visible()
                expect(page.locator("#confirm-title")).to_have_text(
                    "Mark Noah Thomas as a no-show?")
                page.click("#confirm-no")
                expect(page.locator("#confirm")).to_be_hidden()
                expect(page.locator("tr[data-id=a4] [data-status]")).to_have_attribute(
                    "data-status", "booked"
                )
                page.locator("tr[data-id=a4] [data-action=no-show]").click()
                page.click("#confirm-yes")
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
                # each kiosk's device health, from its monitoring endpoint
                k1 = page.locator("[data-kiosk='Kiosk 1']")
                expect(k1).to_have_attribute("data-health", "degraded")
                expect(k1.locator("[data-device=printer]")).to_contain_text("paper out")
                expect(k1.locator("[data-link=hub]")).to_contain_text("video teller")
                expect(page.locator("[data-kiosk='Kiosk 2']")).to_have_attribute(
                    "data-health", "unreachable")
                expect(page.locator("[data-kiosk='Kiosk 3'] .health")).to_have_text(
                    "Token refused")
                shots = REPO / "docs" / "screens" if os.environ.get("SMARTBRANCH_SCREENSHOTS") \
                    else tmp_path  # refresh docs/screens on demand
                page.screenshot(path=str(shots / "staff-console-en_US.png"))
                # Chinese: the switch, kept for the next visit
                page.click("#lang")
                expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
                expect(page.locator("#call-next")).to_have_text("叫下一位")
                expect(page.locator("#branch")).to_have_text("演示支行")  # its Chinese name
                expect(k1.locator(".health")).to_have_text("部分功能受限")
                # the reason in Chinese too, from the standard status (not the driver's words)
                expect(k1.locator("[data-device=printer]")).to_have_text(
                    "打印机：不可用（缺纸，需要人工处理）")
                expect(row.locator("[data-status]")).to_have_text("已叫号")
                page.locator("#called [data-action=ticket-no-show]").first.click()
                expect(page.locator("#confirm-title")).to_have_text(
                    "确定将排队号 A001 标记为未到？")
                page.screenshot(path=str(shots / "staff-console-zh_CN.png"))
                page.click("#confirm-no")
                page.reload()
                expect(page.locator("#call-next")).to_have_text("叫下一位")
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
