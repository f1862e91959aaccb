"""The printed queue ticket's "Scan to follow the queue" link: a real link server on loopback
over a real branch store, the ticket moved through the queue by the store's own calls."""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from devices.printer.jobkey import load_or_create_key
from devices.printer.jobs import JobStore
from o2o_sync.aio import ServerThread
from o2o_sync.store import BranchStore
from receipts.link_server import HEADERS, make_link_app
from receipts.links import queue_url
from receipts.queue_page import QueueLinks, links_for, queue_state

ZONE = "Asia/Shanghai"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[BranchStore]:
    s = BranchStore(tmp_path / "branch.db", ZONE)
    yield s
    s.close()


@pytest.fixture
def signer() -> QueueLinks:
    return QueueLinks(b"k" * 32)


@pytest.fixture
def srv(tmp_path: Path, store: BranchStore, signer: QueueLinks) -> Iterator[ServerThread]:
    jobs = JobStore(tmp_path / "jobs", key=load_or_create_key(tmp_path / "s" / "jobs.key"))
    s = ServerThread(lambda: make_link_app(jobs, zone=ZONE, tickets=lambda: store,
                                           queue_links=signer), name="queue").start()
    yield s
    s.stop()


def get(srv: ServerThread, path: str, headers: dict[str, str] | None = None
        ) -> tuple[int, Any, str]:
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=15)
    try:
        conn.request("GET", path, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.headers, resp.read().decode("utf-8")
    finally:
        conn.close()


def today() -> str:
    return datetime.now(ZoneInfo(ZONE)).date().isoformat()


def path_for(signer: QueueLinks, ticket_id: int, lang: str = "en_US", day: str = "") -> str:
    url = queue_url("https://receipts.example/r", signer.token(ticket_id, day or today(), lang))
    assert url.startswith("https://receipts.example/r/q/")
    return url.removeprefix("https://receipts.example")


def test_the_page_follows_the_ticket_through_the_queue(
        srv: ServerThread, store: BranchStore, signer: QueueLinks) -> None:
    first = store.issue_walk_in("cash")
    second = store.issue_walk_in("cash")
    mine = store.issue_walk_in("account")
    path = path_for(signer, mine.id)

    status, headers, page = get(srv, path)
    assert status == 200 and "2 people are ahead of you." in page
    assert mine.number in page and '<html lang="en">' in page
    assert '<meta http-equiv="refresh" content="15">' in page  # live, without a script
    assert headers["Content-Security-Policy"] == HEADERS["Content-Security-Policy"]
    assert "script-src" not in headers["Content-Security-Policy"] and "<script" not in page
    assert "Cache-Control" in headers and headers["Cache-Control"] == "no-store"

    store.call_next("2")  # first
    assert "1 person is ahead of you." in get(srv, path)[2]
    called = store.call_next("3")  # second
    assert called is not None and called["id"] == second.id
    assert "You&#x27;re next" in get(srv, path)[2]
    store.mark_served(first.id)

    store.call_next("4")
    page = get(srv, path)[2]
    assert "Please go to counter 4." in page

    store.mark_served(mine.id)
    page = get(srv, path)[2]
    assert "This ticket is finished" in page and "http-equiv" not in page  # nothing to wait for


def test_a_missed_ticket_says_take_a_new_one(store: BranchStore, signer: QueueLinks) -> None:
    t = store.issue_walk_in("cash")
    store.call_next("1")
    store.mark_no_show(ticket_id=t.id)
    ref = signer.verify(signer.token(t.id, today(), "zh_CN"))
    assert ref is not None and ref.lang == "zh_CN"
    state = queue_state(store, ref)
    assert state is not None and state.status == "missed"


def test_both_languages_and_the_switch(
        srv: ServerThread, store: BranchStore, signer: QueueLinks) -> None:
    store.issue_walk_in("cash")
    mine = store.issue_walk_in("cash")
    path = path_for(signer, mine.id, "zh_CN")
    status, _, page = get(srv, path)  # the ticket's language first
    assert status == 200 and '<html lang="zh-CN">' in page
    assert "您前面还有 1 位。" in page and "排队进度" in page
    assert 'href="?lang=en_US"' in page and ">English</a>" in page
    page = get(srv, f"{path}?lang=en_US")[2]  # the switch
    assert '<html lang="en">' in page and "1 person is ahead of you." in page
    assert 'href="?lang=zh_CN"' in page and ">中文</a>" in page
    page = get(srv, f"{path}?lang=xx")[2]  # nonsense: the ticket's language
    assert '<html lang="zh-CN">' in page


def test_forged_altered_and_unknown_tokens_get_one_clear_page(
        srv: ServerThread, store: BranchStore, signer: QueueLinks) -> None:
    mine = store.issue_walk_in("cash")
    good = path_for(signer, mine.id)
    token = good.rsplit("/", 1)[1]
    other = QueueLinks(b"x" * 32).token(mine.id, today(), "en_US")  # another kiosk's key
    tid, day, lang, sig = token.split("-", 3)
    forged = [
        f"/r/q/{other}",
        f"/r/q/{int(tid) + 1}-{day}-{lang}-{sig}",  # the next ticket, same signature
        f"/r/q/{tid}-{day}-z-{sig}",  # the language changed
        f"/r/q/{mine.number}",  # the ticket number is not a token
        "/r/q/" + "A" * 300,
        "/r/q/%00%ff",
        path_for(signer, 999999),  # signed, but no such ticket
    ]
    for path in forged:
        status, headers, page = get(srv, path)
        assert status == 404, path
        assert "Ticket not found" in page and "找不到此排队号" in page
        assert "Traceback" not in page and mine.number not in page
        assert headers["X-Frame-Options"] == "DENY"
    assert get(srv, good)[0] == 200


def test_a_ticket_of_an_earlier_day_is_finished(
        srv: ServerThread, store: BranchStore, signer: QueueLinks) -> None:
    yesterday = datetime.now(ZoneInfo(ZONE)) - timedelta(days=1)
    t = store.issue_walk_in("cash", now=yesterday)
    page = get(srv, path_for(signer, t.id, day=yesterday.date().isoformat()))[2]
    assert "This ticket is finished" in page


def test_without_the_branch_store_the_page_says_try_later(
        tmp_path: Path, signer: QueueLinks) -> None:
    jobs = JobStore(tmp_path / "jobs", key=load_or_create_key(tmp_path / "s" / "jobs.key"))
    s = ServerThread(lambda: make_link_app(jobs, zone=ZONE, queue_links=signer)).start()
    try:
        status, _, page = get(s, path_for(signer, 1))
        assert status == 503 and "try again later" in page
    finally:
        s.stop()


def test_the_kiosk_key_is_made_once_and_owner_only(tmp_path: Path) -> None:
    from types import SimpleNamespace

    cfg = SimpleNamespace(path=lambda name: tmp_path / "secrets")
    a, b = links_for(cfg), links_for(cfg)
    assert a.token(7, "2026-01-02", "en_US") == b.token(7, "2026-01-02", "en_US")
    key = tmp_path / "secrets" / "keys" / "queue-links" / "v1.key"  # the key store
    assert key.stat().st_mode & 0o077 == 0
    assert a.verify(a.token(7, "2026-01-02", "en_US")) is not None


def test_the_receipt_page_has_the_bank_bar_a_language_switch_and_a_title() -> None:
    from devices.printer.jobs import PrintJob
    from receipts.link_server import receipt_page

    job = PrintJob(id="20261202T090000-0123abcd", template="queue_ticket", lang="zh_CN",
                   title="排队取号凭条", created=0.0,
                   text="排队取号凭条\n智慧银行 示范支行\n" + "-" * 42 + "\n您的排队号\nW003",
                   qr_payloads=["https://receipts.example/r/q/3-20261202-z-abc"])
    until = datetime(2026, 12, 9, 9, 0)
    page = receipt_page(job, "tok", until)
    assert '<html lang="zh-CN">' in page and "smartbranch" in page and "<svg" in page
    assert 'href="?t=tok&amp;lang=en_US"' in page and ">English</a>" in page
    assert '<div class="rt">排队取号凭条</div>' in page  # the receipt's title, set as one
    assert 'href="https://receipts.example/r/q/3-20261202-z-abc">查看排队进度</a>' in page
    page = receipt_page(job, "tok", until, "en_US")
    assert '<html lang="en">' in page and "Take a screenshot" in page and ">中文</a>" in page
    assert "Follow the queue" in page
