"""No anonymous access, and hostile input gets a clear refusal while others are served."""

from __future__ import annotations

import json
import time

import aiohttp
import pytest

from video_teller import protocol as p
from video_teller.hub.service import HubThread
from video_teller.hub.tokens import issue

from .conftest import KEY, Client, kiosk, kiosk_token, request, teller, teller_token


async def refused(hub: HubThread, token: str | None, *, raw: str | None = None,
                  path: str = "/ws") -> tuple[int | None, str]:
    c = await Client.connect(hub.url.replace("http", "ws") + path, None)
    if raw is not None:
        await c.send_raw(raw)
    elif token is not None:
        await c.send(p.Hello(token=token))
    msg = await c.ws.receive(timeout=5)
    await c.close()
    assert msg.type is aiohttp.WSMsgType.CLOSE, msg
    return c.ws.close_code, str(msg.extra)


@pytest.mark.parametrize(("make", "why"), [
    (lambda: kiosk_token("k1", key=b"another-key-entirely-0000"), "forged"),
    (lambda: issue(KEY, role="kiosk", sub="k1", ttl_s=1, now=time.time() - 10), "expired"),
    (lambda: "not-a-token", "malformed"),
    (lambda: "e30." + "A" * 43, "forged"),
    (lambda: "", "malformed"),
])
async def test_bad_tokens_are_closed_4401(hub: HubThread, make: object, why: str) -> None:
    code, reason = await refused(hub, make())  # type: ignore[operator]
    assert code == p.CLOSE_UNAUTHORIZED and reason.startswith(why)


async def test_tampered_payload_is_forged(hub: HubThread) -> None:
    token = kiosk_token("k1")
    payload, sig = token.split(".")
    import base64
    raw = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    raw["role"] = "teller"
    forged = base64.urlsafe_b64encode(json.dumps(raw).encode()).rstrip(b"=").decode()
    code, reason = await refused(hub, f"{forged}.{sig}")
    assert code == p.CLOSE_UNAUTHORIZED and reason.startswith("forged")


async def test_wrong_role_on_a_role_endpoint(hub: HubThread) -> None:
    code, reason = await refused(hub, teller_token("t1"), path="/kiosk")
    assert code == p.CLOSE_UNAUTHORIZED and reason.startswith("wrong_role")
    code, reason = await refused(hub, kiosk_token("k1"), path="/teller")
    assert code == p.CLOSE_UNAUTHORIZED and reason.startswith("wrong_role")
    ok = await Client.connect(hub.url.replace("http", "ws") + "/kiosk", kiosk_token("k1"))
    assert (await ok.expect(p.Welcome)).role is p.Role.KIOSK
    await ok.close()


async def test_first_message_must_be_hello_in_time(hub: HubThread) -> None:
    code, reason = await refused(hub, None, raw='{"type":"call.request","call_id":"x",'
                                               '"language":"en_US"}')
    assert code == p.CLOSE_UNAUTHORIZED and "hello" in reason
    code, reason = await refused(hub, None, raw="{{{")
    assert code == p.CLOSE_UNAUTHORIZED and "bad hello" in reason
    t0 = time.monotonic()
    code, reason = await refused(hub, None)  # says nothing
    assert code == p.CLOSE_UNAUTHORIZED and "within" in reason
    assert 0.4 < time.monotonic() - t0 < 3


async def test_token_expiring_during_a_connection_closes_it(hub: HubThread) -> None:
    c = await Client.connect(hub.ws_url, issue(KEY, role="kiosk", sub="k1", ttl_s=0.8))
    welcome = await c.expect(p.Welcome)
    assert 0 < welcome.token_expires_in <= 0.8
    assert await c.closed(timeout=3) == p.CLOSE_UNAUTHORIZED


async def test_hostile_messages_get_errors_and_others_are_served(hub: HubThread) -> None:
    bystander = await kiosk(hub, "bystander")
    await request(bystander, "good")
    k = await kiosk(hub, "k1")
    bad = [
        "not json", "[]", '{"type":"no.such"}', '{"type":"call.request"}',
        '{"type":"call.request","call_id":"x","language":"en_US","skill":"magic"}',
        '{"type":"call.request","call_id":"x","language":"en_US","extra":1}',
        '{"type":"presence.set","state":"available"}',  # a teller's message
        '{"type":"call.request","call_id":"../../etc","language":"en_US"}',
        '{"type":"call.request","call_id":"x","language":"<script>"}',
        '{"type":"call.request","call_id":"x","language":"en_US","in_kiosk_s":-5}',
        '{"type":"call.end","call_id":"good","reason":"customer"}',  # someone else's call
        '{"type":"rtc.offer","call_id":"nope","sdp":"x"}',
        p.encode(p.Hello(token=kiosk_token("k1"))),
    ]
    codes = []
    for text in bad:
        await k.send_raw(text)
        codes.append((await k.expect(p.Error)).code)
    assert codes == ["bad_message"] * 6 + ["not_allowed", "bad_value", "bad_value",
                                           "bad_value", "not_your_call", "not_your_call",
                                           "already_signed_in"]
    # Still usable after all that.
    assert (await request(k, "mine")).position == 2
    await k.send_raw("x" * (p.MAX_MESSAGE_BYTES + 10))
    assert await k.closed() == p.CLOSE_PROTOCOL
    b = await Client.connect(hub.ws_url, kiosk_token("k2"))
    await b.expect(p.Welcome)
    await b.ws.send_bytes(b"\x00\x01")
    assert await b.closed() == p.CLOSE_PROTOCOL
    flood = await kiosk(hub, "k3")
    for _ in range(25):
        await flood.send_raw("{}")
    assert await flood.closed() == p.CLOSE_PROTOCOL
    # The bystander was never disturbed and the hub still answers.
    assert (await request(bystander, "good")).position >= 1
    async with aiohttp.ClientSession() as s, s.get(hub.url + "/healthz") as r:
        health = await r.json()
    assert health["ok"] and health["waiting"] >= 1
    await bystander.close()


async def test_same_identity_twice_replaces_the_old_connection(hub: HubThread) -> None:
    first = await teller(hub, "t1")
    second = await teller(hub, "t1")
    assert await first.closed() == p.CLOSE_REPLACED
    k = await kiosk(hub, "k1")
    assert (await request(k, "c1")).tellers_online == 1
    await second.send(p.AnswerCall())
    assert (await second.expect(p.Assigned)).call_id == "c1"
    for c in (k, second):
        await c.close()


async def test_healthz_and_console(hub: HubThread) -> None:
    async with aiohttp.ClientSession() as s:
        async with s.get(hub.url + "/healthz") as r:
            assert r.status == 200
            body = await r.json()
            assert body["ok"] is True and body["waiting"] == 0
        async with s.get(hub.url + "/console", allow_redirects=False) as r:
            assert r.status == 302 and r.headers["Location"] == "/console/"
        async with s.get(hub.url + "/console/") as r:
            assert r.status == 200 and "html" in r.headers["Content-Type"]
            csp = r.headers["Content-Security-Policy"]
            assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
            assert r.headers["X-Frame-Options"] == "DENY"
        async with s.get(hub.url + "/console/../server.py") as r:
            assert r.status in (403, 404)


async def test_resume_of_a_bad_or_unknown_call_is_refused(hub: HubThread) -> None:
    c = await Client.connect(hub.ws_url, kiosk_token("k1"), resume_call="../../x" * 100)
    await c.expect(p.Welcome)
    assert (await c.expect(p.Error)).code == "bad_value"
    await c.close()
    c = await Client.connect(hub.ws_url, kiosk_token("k1"), resume_call="never-was")
    await c.expect(p.Welcome)
    err = await c.expect(p.Error)
    assert err.code == "unknown_call" and err.call_id == "never-was"
    assert (await request(c, "c1")).position == 1  # and the kiosk can still call
    await c.close()
