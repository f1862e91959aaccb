"""The sandbox over real loopback HTTP (aiohttp on a thread) through HttpBankHost, and the
client's failure mapping: time-outs, refused connections, 5xx, hostile bodies."""

from __future__ import annotations

import http.client
import json
import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from aiohttp import web
from bank_pinblocks import format0, format4
from conftest import KIOSK, clear_pwk
from ports import free_port

from bank_host.api import BankHost, BankRefused, BankUnavailable, Refusal
from bank_host.http_client import HttpBankHost
from bank_host.sandbox.bank import SandboxBank
from bank_host.sandbox.server import MAX_BODY, make_app
from bank_host.settings import BankHostSettings
from o2o_sync.aio import ServerThread

ZHANG = ("110101199003078515", "Zhang San")


@pytest.fixture
def server(bank: SandboxBank) -> Iterator[ServerThread]:
    srv = ServerThread(lambda: make_app(bank), name="bank-sandbox-test").start()
    yield srv
    srv.stop()


@pytest.fixture
def client(server: ServerThread) -> HttpBankHost:
    return HttpBankHost(server.url, KIOSK, timeout_s=5.0)


def _raw(server: ServerThread, path: str, body: bytes, headers: dict[str, str] | None = None
         ) -> tuple[int, Any]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    try:
        conn.request("POST", path, body, {"X-Kiosk-Id": KIOSK, "Idempotency-Key": "raw-1",
                                          "Content-Type": "application/json", **(headers or {})})
        resp = conn.getresponse()
        return resp.status, json.loads(resp.read() or b"null")
    finally:
        conn.close()


def test_the_client_is_a_bank_host(client: HttpBankHost) -> None:
    assert isinstance(client, BankHost)
    s = BankHostSettings(url="http://127.0.0.1:9/", timeout_s=2)
    assert HttpBankHost.from_settings(s, KIOSK).base_url == "http://127.0.0.1:9"


def test_a_whole_issuance_over_http(bank: SandboxBank, client: HttpBankHost) -> None:
    c = client.lookup_customer(*ZHANG, "h-lookup")
    acc = client.open_account(c.customer_id, "debit", "h-open")
    assert client.open_account(c.customer_id, "debit", "h-open") == acc  # retried: one account
    client.approve_issuance(acc.account_id, "debit", "h-approve")
    link = client.link_card(acc.account_id, "04A1B2C3D4E5F7", "h-link")
    assert link.pan == "6222020000000023"
    assert client.link_card(acc.account_id, "04A1B2C3D4E5F7", "h-link") == link
    for alg, fmt, build in (("AES", "iso4", format4), ("TDES", "iso0", format0)):
        wk = client.pin_working_key(KIOSK, alg)
        assert wk.algorithm == alg and len(wk.kcv) == 3 and isinstance(wk.wrapped, bytes)
        block = build("2468", link.pan, clear_pwk(bank, KIOSK, alg))
        assert client.set_pin(link.card_id, block, fmt, f"h-pin-{fmt}").card_id == link.card_id
    assert client.report_card(link.card_id, "delivered", "h-report").state == "delivered"
    assert client.reverse("h-never-sent", "h-rev").undone is False
    cards = {c["card_id"]: c for c in bank.cards()}
    assert cards[link.card_id]["state"] == "delivered" and cards[link.card_id]["pin_set"]


def test_refusals_come_back_typed(client: HttpBankHost) -> None:
    with pytest.raises(BankRefused) as e:
        client.lookup_customer("310104198512124321", "WANG FANG", "r1")
    assert e.value.reason is Refusal.ID_EXPIRED and "2020-06-30" in e.value.detail
    c = client.lookup_customer(*ZHANG, "r2")
    client.open_account(c.customer_id, "debit", "r3")
    with pytest.raises(BankRefused) as e:
        client.open_account(c.customer_id, "savings", "r3")
    assert e.value.reason is Refusal.IDEMPOTENCY_CONFLICT
    with pytest.raises(BankRefused) as e:
        client.set_pin("CRD0000000001", b"\x01" * 16, "iso4", "r4")
    assert e.value.reason is Refusal.CARD_NOT_ACTIVE
    with pytest.raises(BankRefused) as e:
        client.pin_working_key("KIOSK-DEMO-01")  # not this kiosk's key
    assert e.value.reason is Refusal.BAD_REQUEST


@pytest.mark.parametrize(("body", "headers", "error"), [
    (b"{not json", {}, "not JSON"),
    (b"\xff\xfe", {}, "not JSON"),
    (b"[1, 2]", {}, "JSON object"),
    (b'{"id_number": "110101199003078515"}', {}, "missing field(s): name"),
    (b'{"id_number": "1", "name": "x", "extra": 1}', {}, "unknown field(s): extra"),
    (b'{"id_number": 5, "name": "x"}', {}, "id_number"),
    (json.dumps({"id_number": "1", "name": "x" * (MAX_BODY + 10)}).encode(), {}, "larger"),
    (b'{"id_number": "1", "name": "x"}', {"Idempotency-Key": ""}, "Idempotency-Key"),
    (b'{"id_number": "1", "name": "x"}', {"X-Kiosk-Id": "no spaces allowed"}, "kiosk id"),
])
def test_hostile_bodies_get_400_and_store_nothing(bank: SandboxBank, server: ServerThread,
                                                  body: bytes, headers: dict[str, str],
                                                  error: str) -> None:
    before = bank.count("idempotency")
    status, data = _raw(server, "/v1/lookup-customer", body, headers)
    assert status == 400 and data["refused"] == "bad_request" and error in data["error"]
    assert bank.count("idempotency") == before


def test_an_oversized_chunked_body_is_refused(bank: SandboxBank, server: ServerThread) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    try:
        chunks = [b'{"id_number": "1", "name": "'] + [b"x" * 4096] * 8 + [b'"}']
        conn.request("POST", "/v1/lookup-customer", iter(chunks),
                     {"X-Kiosk-Id": KIOSK, "Idempotency-Key": "big"}, encode_chunked=True)
        resp = conn.getresponse()
        data = json.loads(resp.read())
    finally:
        conn.close()
    assert resp.status == 400 and "larger" in data["error"]
    assert bank.count("idempotency") == 0


def test_unknown_operation_is_404(server: ServerThread) -> None:
    assert _raw(server, "/v1/transfer-money", b"{}")[0] == 404


def test_connection_refused_is_unavailable() -> None:
    client = HttpBankHost(f"http://127.0.0.1:{free_port()}", KIOSK, timeout_s=2)
    with pytest.raises(BankUnavailable, match="unreachable"):
        client.lookup_customer(*ZHANG, "k")


def test_a_bank_that_never_answers_times_out() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        client = HttpBankHost(f"http://127.0.0.1:{port}", KIOSK, timeout_s=0.3)
        with pytest.raises(BankUnavailable, match="did not answer"):
            client.lookup_customer(*ZHANG, "k")


@pytest.mark.parametrize(("status", "body"), [(503, b'{"x": 1}'), (500, b"oops"),
                                              (200, b"<html>"), (200, b'{"customer_id": 1}'),
                                              (418, b'{"refused": "teapot"}')])
def test_5xx_and_garbage_answers_are_unavailable(status: int, body: bytes) -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(status=status, body=body, content_type="application/json")

    def app() -> web.Application:
        a = web.Application()
        a.router.add_post("/v1/{op}", handler)
        return a

    srv = ServerThread(app, name="bank-broken-test").start()
    try:
        with pytest.raises(BankUnavailable):
            HttpBankHost(srv.url, KIOSK, timeout_s=2).lookup_customer(*ZHANG, "k")
    finally:
        srv.stop()


def test_calls_from_many_threads(bank: SandboxBank, client: HttpBankHost) -> None:
    c = client.lookup_customer(*ZHANG, "t-lookup")
    results: list[Any] = []
    threads = [threading.Thread(target=lambda: results.append(
        client.open_account(c.customer_id, "debit", "t-open"))) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert len(results) == 6 and len(set(results)) == 1
