"""The console's side of a call, driven by a protocol-speaking aiortc kiosk through a real
hub: the customer's context, actions and refusals, a hostile context, a kiosk that stops
answering pings and one that rebuilds its peer connection (a new offer, ``attempt`` + 1),
and the screenshots in docs/screens (refreshed with SMARTBRANCH_SCREENSHOTS=1)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from video_teller.hub.service import HubThread

from .conftest import SCREENS, open_console, sign_in, teller_token, token, until
from .sim_kiosk import SimKiosk, context, customer_picture, id_image_data_url

pytestmark = [pytest.mark.browser, pytest.mark.slow]


async def answered_call(page: Any, hub: HubThread, kiosk: SimKiosk) -> None:
    await kiosk.join(media=True)
    await sign_in(page, teller_token())
    await page.wait_for_selector("#desk:not([hidden])")
    await page.click("[data-presence=available]")
    await page.click(f"[data-call='{kiosk.call_id}'] button")
    await page.wait_for_function("window.consoleState.channel === 'open'", timeout=15000)
    await page.wait_for_function("window.consoleState.context !== null", timeout=5000)


def kiosk_actions(name: str, args: dict[str, Any]) -> dict[str, Any]:
    """What a kiosk answers (the real rules are customer_flows/teller_actions.py)."""
    if name == "print":
        return {"ok": True, "message": "printed", "data": {"job_id": "J-0007"}}
    if name == "identity.approve":
        return {"ok": True, "message": "identity approved"}
    if name == "document.sign":
        import hashlib

        body = f"# {args['title']}\n\n{args['text']}\n"
        return {"ok": True, "message": "shown to the customer",
                "data": {"sha256": hashlib.sha256(body.encode()).hexdigest()}}
    return {"ok": False, "reason": "bad_step", "message": f"cannot do {name} now"}


async def test_context_actions_refusals_and_screenshots(
        hub: HubThread, browser: Any, tmp_path: Path) -> None:
    kiosk = SimKiosk(hub.ws_url, token("kiosk", "K-0412"), call_id="c-card",
                     skill="card_issuance", flow="card_issuance", step="identity",
                     needs_help=True, in_kiosk_s=240,
                     reason="Face match borderline: please check the ID",
                     context=context(id_image=id_image_data_url()), on_action=kiosk_actions,
                     picture=customer_picture())
    waiting = SimKiosk(hub.ws_url, token("kiosk", "K-0415"), call_id="c-zh", language="zh_CN",
                       reason="想咨询信用卡额度", in_kiosk_s=50)
    other = SimKiosk(hub.ws_url, token("kiosk", "K-0420"), call_id="c-acc", language="en_US",
                     skill="accounts", reason="Open a savings account")
    try:
        await waiting.join()
        await other.join()
        page = await open_console(browser, hub)
        await answered_call(page, hub, kiosk)

        # the context panel: ID capture, face distance against the threshold, liveness
        assert await page.text_content("#ctx-customer") == "COLLINS E*** M***"
        assert await page.text_content("#ctx-flow") == "card_issuance"
        assert "0.520" in await page.text_content("#ctx-face")
        assert "no match" in await page.text_content("#ctx-face")
        assert await page.text_content("#ctx-liveness") == "borderline"
        assert await page.evaluate(
            "document.getElementById('id-image').naturalWidth") == 428
        assert await page.locator("#handback-step option").all_text_contents() == [
            "id_capture", "face", "terms"]

        # approve the borderline check; print; a refused hand-back shows the kiosk's reason
        await page.click("[data-action='identity.approve']")
        await page.wait_for_selector("#results li[data-name='identity.approve'][data-status=ok]")
        await page.fill("#print-title", "Card application")
        await page.fill("#print-text", "Reference CA-20261202-0412")
        await page.click("#print")
        await page.wait_for_selector("#results li[data-name=print][data-status=ok]")
        assert "printed" in await page.text_content("#results li[data-name=print]")
        await page.select_option("#handback-step", "face")
        await page.click("#handback")
        refused = page.locator("#results li[data-name=handback]")
        await refused.and_(page.locator("[data-status=refused]")).wait_for()
        assert "cannot do handback now" in await refused.text_content()
        assert "bad_step" in await refused.text_content()
        await page.fill("#doc-title", "Debit card terms")
        await page.fill("#doc-text", "I agree to the debit card terms.")
        await page.click("#doc-send")
        await page.wait_for_selector("#doc-hash-check:not([hidden])")
        assert await page.get_attribute("#doc-hash-check", "data-match") == "true"
        assert "SHA-256 match" in await page.text_content("#doc-hash-check")
        assert [(a.name, a.args.get("step")) for a in kiosk.actions] == [
            ("identity.approve", None), ("print", None), ("handback", "face"),
            ("document.sign", None)]

        # the kiosk moves on: only printing is possible now; the buttons follow
        kiosk.send_context(allowed=["print"], state="issuing_card", liveness="passed")
        await page.wait_for_function(
            "document.querySelector(\"[data-action='identity.approve']\").disabled")
        assert await page.is_enabled("#print")
        assert await page.is_disabled("#handback") and await page.is_disabled("#doc-send")
        await page.wait_for_function(
            "window.consoleState.framesReceived > 20 && window.consoleState.pongsReceived > 1")
        kiosk.send_context(allowed=["identity.approve", "identity.decline", "print",
                                    "document.sign", "handback"], state="identity_failed",
                           liveness="borderline")
        await page.wait_for_function(
            "!document.querySelector(\"[data-action='identity.approve']\").disabled")

        await page.set_viewport_size({"width": 1600, "height": 1000})  # a teller's desk
        await page.evaluate("document.activeElement.blur(); "
                            "document.querySelectorAll('.panel').forEach(p => p.scrollTop = 0)")
        await page.screenshot(path=str(tmp_path / "teller-console-en_US.png"))
        await page.click("#lang")
        assert await page.text_content("#ctx-liveness") == "临界"
        assert await page.text_content("#call-status") == "通话中"
        await page.evaluate("document.activeElement.blur(); "
                            "document.querySelectorAll('.panel').forEach(p => p.scrollTop = 0)")
        await page.screenshot(path=str(tmp_path / "teller-console-zh_CN.png"))
        if os.environ.get("SMARTBRANCH_SCREENSHOTS"):  # refresh docs/screens on demand
            for name in ("teller-console-en_US.png", "teller-console-zh_CN.png"):
                (SCREENS / name).write_bytes((tmp_path / name).read_bytes())
        await page.click("#lang")
        assert kiosk.frames_received > 10 and kiosk.pings_received > 1
        assert page.js_errors == []
    finally:
        for k in (kiosk, waiting, other):
            await k.close()


async def test_hostile_context_is_shown_as_text(hub: HubThread, browser: Any) -> None:
    kiosk = SimKiosk(hub.ws_url, token("kiosk", "K-666"), call_id="c-bad",
                     context=context(customer='<img src=x onerror="window.pwned=1">',
                                     step="<script>window.pwned=2</script>",
                                     id_image="javascript:window.pwned=3",
                                     allowed=["print", "cash.dispense"],
                                     handback_steps=['"><b>x</b>']))
    try:
        page = await open_console(browser, hub)
        await answered_call(page, hub, kiosk)
        assert await page.text_content("#ctx-customer") == '<img src=x onerror="window.pwned=1">'
        assert await page.text_content("#ctx-step") == "<script>window.pwned=2</script>"
        assert await page.get_attribute("#id-image", "src") is None
        assert await page.is_hidden("#id-image")
        assert await page.locator("#handback-step option").all_text_contents() == ['"><b>x</b>']
        assert await page.locator("#context b, #context script").count() == 0
        # an action the kiosk did not allow is not even sent
        assert await page.is_disabled("[data-action='identity.approve']")
        await page.evaluate("document.querySelector(\"[data-action='identity.approve']\")"
                            ".disabled = false")
        await page.click("[data-action='identity.approve']")
        await page.wait_for_timeout(300)
        assert kiosk.actions == []
        # a data-channel message that is not JSON, or too big, is ignored
        kiosk.dc.send("not json")
        kiosk.dc.send('{"type": "context", "customer": "' + "x" * 250_000 + '"}')
        kiosk.send_context(customer="AFTER")
        await page.wait_for_function(
            "document.getElementById('ctx-customer').textContent === 'AFTER'")
        assert await page.evaluate("window.pwned") is None
        assert page.js_errors == []
    finally:
        await kiosk.close()


async def test_unstable_link_then_rebuilt_peer_connection(hub: HubThread, browser: Any) -> None:
    kiosk = SimKiosk(hub.ws_url, token("kiosk", "K-9"), call_id="c-blip", context=context())
    try:
        page = await open_console(browser, hub)
        await answered_call(page, hub, kiosk)
        await page.wait_for_function("window.consoleState.framesReceived > 10")

        # the kiosk stops answering pings: the console says the link is unstable, in seconds
        kiosk.pong = False
        await page.wait_for_selector("#unstable:not([hidden])", timeout=8000)
        assert "Connection unstable" in await page.text_content("#unstable")
        kiosk.pong = True
        await page.wait_for_selector("#unstable", state="hidden", timeout=5000)

        # the kiosk rebuilds its peer connection (aiortc has no ICE restart): a new offer
        # with attempt 1 replaces the browser's connection, and media flows again
        before = kiosk.frames_received
        await kiosk.offer()
        await until(lambda: kiosk.answered.is_set(), 10, "answer to attempt 1")
        await page.wait_for_function(
            "window.consoleState.attempt === 1 && window.consoleState.offers === 2 && "
            "window.consoleState.channel === 'open' && window.consoleState.pcState === "
            "'connected'", timeout=15000)
        await until(lambda: kiosk.frames_received > before + 15, 15, "frames after rebuild")
        await page.wait_for_function("window.consoleState.framesDecoded > 15", timeout=10000)
        assert await page.text_content("#call-status") == "In call"
        # the customer ends the call
        await kiosk.end("customer")
        await page.wait_for_function("window.consoleState.callState === 'ended'")
        assert await page.evaluate("document.getElementById('remote-video').srcObject") is None
        assert page.js_errors == []
    finally:
        await kiosk.close()
