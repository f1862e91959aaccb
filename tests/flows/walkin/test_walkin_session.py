"""The walk-in ticket without a screen: the real branch store, the printer simulator (and
its faults), a real flow store; the store → staff console path over HTTP."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from customer_flows import checkin, walkin
from customer_flows.walkin import WalkinService, WalkinSession
from kiosk_core.failures import Failure
from kiosk_core.flows import FlowEngine, FlowStore
from kiosk_core.prompts import IDLE, PromptBoard
from o2o_sync.aio import ServerThread
from o2o_sync.console.app import make_console_app
from o2o_sync.console.auth import hash_password
from receipts.queue_page import links_for

ZONE = "Asia/Shanghai"


def until(pred: Callable[[], Any], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not pred():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.02)


@pytest.fixture
def pool() -> Iterator[ThreadPoolExecutor]:
    with ThreadPoolExecutor(2) as ex:
        yield ex


@pytest.fixture
def service(checkin_config: Any, opened: Any, closing: Any, desks: None,
            tmp_path: Path) -> Callable[..., tuple[WalkinService, list[tuple[str, Any]]]]:
    def make(faults: str = "") -> tuple[WalkinService, list[tuple[str, Any]]]:
        settings = checkin_config.devices.printer
        if faults:
            settings = settings.model_copy(update={
                "url": f"sim://printer?out={tmp_path / 'pages'}&faults={faults}"})
        printer = opened("printer", settings)
        printer.bind_storage(tmp_path / "data")
        records: list[tuple[str, Any]] = []
        store = checkin.desk_for(checkin_config).store
        engine = FlowEngine(
            closing(FlowStore(tmp_path / "flows.sqlite")), {walkin.FLOW: walkin.definition()},
            resources={"devices": {"printer": printer}, "branch_store": store,
                       "queue_links": links_for(checkin_config),
                       "journal": lambda kind, data: records.append((kind, dict(data)))})
        return WalkinService(engine, branch="Demo Branch", zone=ZONE, printer=printer), records

    return make


def test_a_number_is_taken_printed_and_journalled_first(service: Any, pool: Any) -> None:
    svc, records = service()
    board = PromptBoard()
    changes: list[str] = []
    session = WalkinSession(service=lambda: svc, submit=pool.submit, prompts=board,
                            on_change=lambda: changes.append(session.step))
    assert session.step == "choose" and board.current.step == "choose_service"
    assert session.services == ("account", "loan", "wealth", "card", "forex")
    assert not session.choose("pizza", "en_US")  # not a branch service
    assert session.choose("loan", "en_US")
    assert board.current == IDLE
    until(lambda: session.step == "ticket")
    result = session.state.result
    assert result is not None and result.ticket_number.startswith("W")
    assert result.printed and result.print_outcome == "printed" and result.service == "loan"
    # Nobody waiting yet: this customer is next.
    assert (result.ahead, result.estimated_wait_min) == (0, 0)
    [(kind, data)] = records
    assert kind == "walkin.ticket"
    assert data == {"flow": result.flow_id, "ticket": result.ticket_number,
                    "service": "loan", "job": result.job_id}
    assert svc.printer.simulator.wait_for_pages(1)
    # The second walk-in has the first ahead of it.
    second = svc.take_number("forex", "zh_CN")
    assert second.ahead == 1 and second.estimated_wait_min > 0
    assert second.ticket_number != result.ticket_number


def test_printer_out_the_number_and_its_qr_code_on_screen(service: Any, pool: Any,
                                                         checkin_config: Any) -> None:
    svc, records = service("cover-open")
    session = WalkinSession(service=lambda: svc, submit=pool.submit, prompts=PromptBoard())
    session.choose("account", "zh_CN")
    until(lambda: session.step == "ticket")
    result = session.state.result
    assert result is not None and not result.printed
    assert result.print_outcome == "not_printed"
    # The on-screen QR is the ticket's live queue page (the same link the paper would carry).
    ref = links_for(checkin_config).verify(result.ticket_url.rsplit("/q/", 1)[1])
    assert ref is not None and ref.lang == "zh_CN"
    assert checkin.desk_for(checkin_config).store.ticket(ref.ticket_id)["number"] \
        == result.ticket_number
    assert [k for k, _ in records] == ["walkin.ticket"]  # written before the printer failed


def test_a_failing_store_is_an_error_with_a_way_back(pool: Any) -> None:
    class Broken:
        def take_number(self, service: str, language: str) -> Any:
            raise OSError("database is locked")

    t = [0.0]
    session = WalkinSession(service=lambda: Broken(), submit=pool.submit,  # type: ignore[arg-type, return-value]
                            prompts=PromptBoard(), clock=lambda: t[0], choose_limit_s=10)
    session.choose("loan", "en_US")
    until(lambda: session.step == "error")
    assert session.state.error == Failure.FAILED
    session.retry()
    assert session.step == "choose" and not session.timed_out()
    t[0] = 11.0
    assert session.timed_out()


def test_the_issue_step_redone_after_a_power_cut_keeps_the_number(checkin_config: Any,
                                                                   desks: None) -> None:
    store = checkin.desk_for(checkin_config).store
    first = store.issue_walk_in("card", key="flow-1")
    again = store.issue_walk_in("card", key="flow-1")
    other = store.issue_walk_in("card", key="flow-2")
    assert again.number == first.number and again.id == first.id
    assert other.number != first.number
    assert len([t for t in store.tickets_today() if t["number"] == first.number]) == 1


async def test_the_staff_console_lists_the_walk_in(service: Any, checkin_config: Any) -> None:
    svc, _ = service()
    result = svc.take_number("wealth", "en_US")
    store = checkin.desk_for(checkin_config).store
    store.set_staff_password("alice", hash_password("correct horse"))
    srv = ServerThread(lambda: make_console_app(store, branch_name="Demo Branch", poll_s=0.05),
                       name="o2o-console").start()
    try:
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as s:
            async with s.post(srv.url + "/login", allow_redirects=False,
                              data={"username": "alice", "password": "correct horse"}) as r:
                assert r.status == 302
            async with s.get(srv.url + "/api/state") as r:
                state = await r.json()
    finally:
        srv.stop()
    [row] = [t for t in state["tickets"] if t["number"] == result.ticket_number]
    assert row["service"] == "wealth" and row["status"] == "waiting"
    assert row["appointment_id"] is None
    # … and the channel hears of it (the outbox event, keyed by the kiosk's flow).
    [event] = [o for o in store.outbox_due(limit=100) if o["kind"] == "walk_in"]
    assert event["idempotency_key"] == result.flow_id
