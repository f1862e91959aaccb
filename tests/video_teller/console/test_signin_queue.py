"""The teller console against a real hub: sign-in with forged, expired, wrong-role and
valid tokens; the live queue, presence and answering, with protocol-speaking kiosks."""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path
from typing import Any

import pytest

from video_teller import protocol
from video_teller.hub.service import HubThread

from .conftest import open_console, sign_in, teller_token, token, until
from .sim_kiosk import SimKiosk

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def forged(tok: str) -> str:
    """The same token with its payload changed (a longer lifetime): the signature no
    longer matches."""
    part, sig = tok.split(".")
    payload = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    payload["exp"] += 10 * 365 * 86400
    raw = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode() + "." + sig


async def signin_error(page: Any) -> str:
    await page.wait_for_selector("#signin-error:not([hidden])")
    text: str = await page.text_content("#signin-error")
    await page.wait_for_function("document.getElementById('signin').disabled === false")
    return text


async def test_sign_in_refuses_bad_tokens_and_keeps_a_good_one_for_the_tab(
        hub: HubThread, browser: Any) -> None:
    page = await open_console(browser, hub)
    await page.click("#signin")
    assert "Paste your teller token" in await signin_error(page)

    await sign_in(page, forged(teller_token()))
    assert "not valid" in await signin_error(page)
    await sign_in(page, teller_token()[:-4])  # cut short when pasted
    assert await signin_error(page) in ("This is not a whole token: check that you pasted "
                                        "all of it.", "This token is not valid (it was not "
                                        "issued by this hub, or it was altered).")
    await sign_in(page, teller_token(ttl_s=60, now=time.time() - 3600))
    assert "expired" in await signin_error(page)
    await sign_in(page, token("kiosk", "K-1"))
    assert "not a teller token" in await signin_error(page)
    assert await page.evaluate("sessionStorage.length") == 0
    assert await page.is_visible("#signin-view") and not await page.is_visible("#desk")

    # Chinese, then the good token
    await page.click("#lang")
    await sign_in(page, forged(teller_token()))
    assert "令牌无效" in await signin_error(page)
    await page.click("#lang")

    good = teller_token()
    await sign_in(page, good)
    await page.wait_for_selector("#desk:not([hidden])")
    await page.wait_for_function(
        "document.getElementById('teller-name').textContent === 'Alice Wong'")
    assert await page.evaluate("sessionStorage.getItem('smartbranch.teller.token')") == good
    assert await until(lambda: hub.run(lambda h: "T-ALICE" in h.tellers), what="signed in")

    # a reload keeps the sign-in (sessionStorage), signing out forgets it
    await page.reload()
    await page.wait_for_selector("#desk:not([hidden])")
    await page.click("#signout")
    await page.wait_for_selector("#signin-view:not([hidden])")
    assert await page.evaluate("sessionStorage.length") == 0
    assert await until(lambda: hub.run(lambda h: "T-ALICE" not in h.tellers),
                       what="signed out at the hub")

    # a token that expires while signed in: the console says so and asks for a new one
    await sign_in(page, teller_token(ttl_s=2))
    await page.wait_for_selector("#desk:not([hidden])")
    assert "expired" in await signin_error(page)
    assert page.js_errors == []


async def test_queue_presence_and_answer_next(hub: HubThread, browser: Any) -> None:
    kiosks = [
        SimKiosk(hub.ws_url, token("kiosk", "K-1"), call_id="c-general", language="en_US",
                 reason="Question about fees", in_kiosk_s=20),
        SimKiosk(hub.ws_url, token("kiosk", "K-2"), call_id="c-card", language="en_US",
                 skill="card_issuance", needs_help=True, flow="card_issuance",
                 step="identity", reason="Face match failed", in_kiosk_s=300),
        SimKiosk(hub.ws_url, token("kiosk", "K-3"), call_id="c-accounts", language="zh_CN",
                 skill="accounts", reason="开户咨询"),
        SimKiosk(hub.ws_url, token("kiosk", "K-4"), call_id="c-hostile", language="en_US",
                 reason='<img src=x onerror="window.pwned=1">'),
    ]
    try:
        for k in kiosks:
            await k.join()
        page = await open_console(browser, hub)
        await sign_in(page, teller_token())
        await page.wait_for_selector("#desk:not([hidden])")
        await page.wait_for_function("document.querySelectorAll('#queue li').length === 4")

        card = page.locator("[data-call=c-card]")
        badges = await card.locator(".badge").all_text_contents()
        assert badges == ["English", "Card issuance", "Needs help", "Card flow in progress"]
        assert "Face match failed" in await card.text_content()
        # an accounts call is not for a general + card teller: greyed, no answer button
        accounts = page.locator("[data-call=c-accounts]")
        assert await accounts.get_attribute("aria-disabled") == "true"
        assert await accounts.locator("button").count() == 0
        assert "Not for you" in await accounts.text_content()
        # a hostile reason is text, never markup
        assert await page.locator("[data-call=c-hostile] .reason").text_content() == \
            '<img src=x onerror="window.pwned=1">'
        assert await page.evaluate("window.pwned") is None
        # waiting time ticks between snapshots
        wait = card.locator(".wait")
        first = await wait.text_content()
        await page.wait_for_function(
            "(w) => document.querySelector('[data-call=c-card] .wait').textContent !== w",
            arg=first, timeout=3000)

        # presence: a new teller is away; the hub follows the buttons
        assert await page.get_attribute("[data-presence=away]", "aria-checked") == "true"

        def presence() -> str:
            return hub.run(lambda h: h.queue.tellers["T-ALICE"].presence.value)

        await page.click("[data-presence=available]")
        await until(lambda: presence() == "available", what="available at the hub")
        await page.wait_for_selector("[data-presence=available][aria-checked=true]")
        await page.click("[data-presence=wrap_up]")
        await until(lambda: presence() == "wrap_up")
        await page.click("[data-presence=available]")
        await until(lambda: presence() == "available")

        # Chinese labels for the same queue
        await page.click("#lang")
        assert await card.locator(".badge").all_text_contents() == [
            "English", "发卡", "需要协助", "正在办卡"]
        assert await page.text_content("#answer-next") == "接听下一位"
        await page.click("#lang")

        # "Answer next": the hub's routing picks the customer who needs help in a card flow
        await page.click("#answer-next")
        await until(lambda: kiosks[1].connected is not None, what="K-2 connected")
        assert kiosks[0].connected is None
        connected = kiosks[1].connected
        assert connected is not None and connected.teller_name == "Alice Wong"
        await page.wait_for_selector("#busy:not([hidden])")
        state = await page.evaluate("window.consoleState")
        assert state["call"]["call_id"] == "c-card" and state["callState"] == "connecting"
        assert await page.is_disabled("[data-presence=available]")
        assert await page.locator("[data-call=c-card]").count() == 0
        assert await page.is_disabled("[data-call=c-general] button")  # one call at a time

        # the customer gives up: the console says so; the teller is in wrap-up
        await kiosks[1].end("customer")
        await page.wait_for_function(
            "document.getElementById('call-status').dataset.state === 'ended'")
        assert "the customer ended it" in await page.text_content("#call-status")
        await page.wait_for_selector("[data-presence=wrap_up][aria-checked=true]")

        # answer a particular call from the list, with the keyboard only
        await page.focus("[data-presence=available]")
        await page.keyboard.press("Space")
        await page.wait_for_selector("[data-presence=available][aria-checked=true]")
        await page.wait_for_function(
            "!document.querySelector('[data-call=c-hostile] button').disabled")
        await page.focus("[data-call=c-hostile] button")
        await page.keyboard.press("Enter")
        await until(lambda: kiosks[3].connected is not None, what="K-4 connected")
        assert kiosks[0].connected is None

        # transfer it to the accounts desk: the hub puts it back in the queue for that skill
        await page.wait_for_selector("#transfer:not([disabled])")
        await page.select_option("#transfer-to", "skill:accounts")
        await page.click("#transfer")
        await until(lambda: any(isinstance(m, protocol.Requeued) and m.reason == "transfer"
                                for m in kiosks[3].received), what="K-4 requeued")
        await page.wait_for_function(
            "window.consoleState.callState === 'ended' && window.consoleState.call === null")
        assert "transferred" in await page.text_content("#call-status")
        hostile = page.locator("[data-call=c-hostile]")
        await hostile.wait_for()
        assert await hostile.get_attribute("aria-disabled") == "true"  # accounts now
        assert page.js_errors == []
    finally:
        for k in kiosks:
            await k.close()


async def test_console_signs_in_again_after_a_hub_restart(
        hub: HubThread, browser: Any, tmp_path: Path) -> None:
    kiosk = SimKiosk(hub.ws_url, token("kiosk", "K-1"), call_id="c-1", reason="Help")
    await kiosk.join()
    await kiosk.close()  # it keeps its place for kiosk_grace_s
    page = await open_console(browser, hub)
    await sign_in(page, teller_token())
    await page.wait_for_selector("[data-call=c-1]")
    listen = hub.bound
    assert listen is not None
    hub.stop()
    await page.wait_for_selector("#banner:not([hidden])")
    assert "Reconnecting" in await page.text_content("#banner")
    assert await page.is_visible("#desk")  # the teller's screen stays
    again = HubThread(hub.config, listen).start()
    try:
        await page.wait_for_function(
            "document.getElementById('banner').textContent.includes('Reconnected')",
            timeout=15000)
        assert await until(lambda: again.run(lambda h: "T-ALICE" in h.tellers))
        await page.wait_for_selector("[data-call=c-1]")  # the queue survived the restart
        assert page.js_errors == []
    finally:
        again.stop()


@pytest.mark.csp
async def test_the_console_works_under_its_content_security_policy(
        browser: Any, hub: HubThread) -> None:
    """The hub serves /console/ with a strict CSP (no inline or remote script, no eval):
    with it in force the page still signs in and shows the queue, and nothing is blocked."""
    page = await open_console(browser, hub)
    blocked: list[str] = []
    page.on("console", lambda msg: blocked.append(msg.text)
            if "Content Security Policy" in msg.text else None)
    kiosk = SimKiosk(hub.ws_url, token("kiosk", "K-CSP"), call_id="c-csp", reason="Card")
    try:
        await kiosk.join()
        await sign_in(page, teller_token())
        await page.wait_for_selector("#desk:not([hidden])", timeout=10_000)
        await page.wait_for_selector("[data-call=c-csp]", timeout=10_000)
    finally:
        await kiosk.close()
    assert blocked == [] and page.js_errors == []
