"""The issue's "done when", in a real browser: a customer in the card flow whose liveness
check was not completed calls a teller; the teller (Debian's Chromium, signed in to a real
hub) answers, sees the customer and the ID capture, approves the identity check — the
kiosk's card session goes on to the signature — and prints at the kiosk.

Everything is the kiosk's own code on simulators: the camera (the demo's customer, who
here ignores the challenge), the identity check in its worker process, the card session,
KioskTellerActions, TellerCall, the printer simulator."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from daytime import ZONE
from flows.prompt_follower import follow_prompts

from customer_flows.card_session import CardIssuanceSession
from customer_flows.teller_actions import CurrentFlow, KioskTellerActions
from devices.camera.driver import Camera
from devices.camera.driver import create as create_camera
from devices.camera.settings import CameraSettings
from devices.card_dispenser.driver import create as create_dispenser
from devices.card_dispenser.settings import CardDispenserSettings
from devices.printer.driver import ReceiptPrinter
from devices.printer.driver import create as create_printer
from devices.printer.settings import PrinterSettings
from identity.privacy import BiometricVault
from identity.settings import IdentitySettings
from kiosk_core.flows import FlowEngine, FlowStore
from kiosk_core.prompts import PromptBoard
from video_teller.api import CallPhase
from video_teller.hub.service import HubThread
from video_teller.kiosk.call import TellerCall
from video_teller.settings import HubSettings

from .conftest import open_console, sign_in, teller_token, token, until

pytestmark = [pytest.mark.browser, pytest.mark.slow]
KIOSK_ID = "K-CARD-1"


class NoBlinkFirst(random.Random):
    """A challenge other than a blink (the simulated person blinks on their own)."""

    def shuffle(self, x: Any) -> None:
        x.sort(key=lambda c: (c == "blink", c))


class NoCallbacks:
    def slots(self, language: str) -> list[str]:
        return []

    def book(self, **kw: Any) -> str:
        raise AssertionError("no callback in this test")


@pytest.fixture
def devices(tmp_path: Path) -> Iterator[dict[str, Any]]:
    camera = create_camera("camera", CameraSettings(url="sim://camera?scene=customer", fps=15))
    dispenser = create_dispenser("card_dispenser", CardDispenserSettings(
        url="sim://card-dispenser?take=0.2", ack_timeout_ms=200, reply_timeout_ms=1000,
        poll_interval_s=0.02))
    printer = create_printer("printer", PrinterSettings(url="sim://printer", status_poll_s=0,
                                                        timeout_s=5), data_dir=tmp_path)
    devs = {"camera": camera, "card_dispenser": dispenser, "printer": printer}
    try:
        for dev in devs.values():
            dev.start().result(timeout=30)
        yield devs
    finally:
        for dev in devs.values():
            dev.close()


@pytest.fixture
def pool() -> Iterator[ThreadPoolExecutor]:
    with ThreadPoolExecutor(4, thread_name_prefix="test-card") as ex:
        yield ex


@pytest.fixture
async def kiosk(tmp_path: Path, hub: HubThread, devices: dict[str, Any],
                pool: ThreadPoolExecutor) -> AsyncIterator[tuple[Any, ...]]:
    camera: Camera = devices["camera"]
    camera.scene.act = lambda action: None  # the customer does not follow the challenge
    board = PromptBoard()
    follow_prompts(board, camera)  # ... but holds up the ID card and looks at the camera
    store = FlowStore(tmp_path / "flows.sqlite")
    session = CardIssuanceSession(
        devices=devices, engine=FlowEngine(store, {}), submit=pool.submit, language="en_US",
        identity_settings=IdentitySettings(liveness_challenges=1, challenge_time_s=1.5,
                                           liveness_attempts=1),
        vault=BiometricVault(tmp_path / "bio", tmp_path / "secrets", 60),
        kiosk={"branch": "Demo Branch", "kiosk_id": KIOSK_ID, "timezone": ZONE},
        prompts=board, identity_options={"rng": NoBlinkFirst(4)})
    current = CurrentFlow()
    current.set("card_issuance", session)
    settings = HubSettings(url=hub.ws_url, ice_servers=[], ice_addresses=["127.0.0.1"],
                           consent_required=True, record=False, answer_timeout_s=60.0,
                           teller_hours="00:00-24:00")
    secrets = tmp_path / "kiosk-secrets"
    secrets.mkdir(mode=0o700)
    (secrets / settings.token_file).write_text(token("kiosk", KIOSK_ID) + "\n")
    journal: list[tuple[str, dict[str, Any]]] = []
    actions = KioskTellerActions(current=current, devices=devices, kiosk={
        "branch": "Demo Branch", "kiosk_id": KIOSK_ID, "timezone": ZONE})
    call = TellerCall(settings, kiosk_id=KIOSK_ID, camera=camera,
                      loop=asyncio.get_running_loop(),
                      journal=lambda k, d: journal.append((k, d)), actions=actions,
                      booker=NoCallbacks(), secrets_dir=secrets, data_dir=tmp_path,
                      timezone=ZONE)
    try:
        yield session, call, journal
    finally:
        await call.aclose()
        session.close()
        store.close()


async def test_teller_sees_the_id_capture_approves_and_prints(
        hub: HubThread, browser: Any, devices: dict[str, Any], kiosk: tuple[Any, ...]) -> None:
    session, call, journal = kiosk
    printer: ReceiptPrinter = devices["printer"]
    page = await open_console(browser, hub)
    await sign_in(page, teller_token())
    await page.wait_for_selector("#desk:not([hidden])")
    await page.click("[data-presence=available]")

    # The customer starts the card flow; the liveness challenge is not completed.
    session.accept()
    await until(lambda: session.state in ("identity_failed", "identity_passed"), 90,
                "the identity check's result")
    assert session.state == "identity_failed" and session.snapshot().reason == "fail_timeout"

    # "Call a teller" on that page: the call is routed as a card-flow call.
    call.request(language="en_US", screen="card_issuance", flow="card_issuance",
                 step="identity_failed", needs_help=True, in_kiosk_s=120)
    await until(lambda: call.view.phase == CallPhase.CONSENT, what="consent")
    call.consent(True)
    await until(lambda: call.view.phase == CallPhase.WAITING, what="waiting")
    await page.wait_for_selector("#queue li[data-call] button")
    await page.click("#queue li[data-call] button")
    await until(lambda: call.view.phase == CallPhase.IN_CALL, 15, "in call at the kiosk")

    # The teller sees the customer (frames decoded) and the ID capture with the result.
    await page.wait_for_function("window.consoleState.framesDecoded >= 15", timeout=15000)
    await page.wait_for_selector("#id-image:not([hidden])", timeout=10000)
    src = await page.get_attribute("#id-image", "src") or ""
    assert src.startswith("data:image/jpeg;base64,") and len(src) > 5000
    assert await page.text_content("#ctx-state") == "identity_failed"
    assert "not completed" in (await page.text_content("#ctx-liveness") or "")
    approve = "[data-action='identity.approve']"
    await page.wait_for_selector(f"{approve}:not([disabled])", timeout=5000)

    # Approve: the card session goes on to the signature.
    await page.click(approve)
    await until(lambda: session.state == "identity_passed", 10, "identity approved")
    approved = [d for k, d in journal if k == "teller.action" and d["action"] ==
                "identity.approve"]
    assert approved and approved[0]["ok"] and approved[0]["teller_id"] == "T-ALICE"
    await page.wait_for_function(
        "document.querySelector('#ctx-state').textContent === 'identity_passed'",
        timeout=10000)

    # And print at the kiosk.
    await page.fill("#print-title", "Card application")
    await page.fill("#print-text", "Identity confirmed by the video teller")
    await page.click("#print")
    await page.wait_for_function(
        "(() => { const r = document.querySelector('#results li[data-name=print]');"
        " return r && r.dataset.status !== 'pending'; })()", timeout=20000)
    assert await page.get_attribute("#results li[data-name=print]", "data-status") == "ok"
    pages = printer.simulator.wait_for_pages(1, timeout=5)
    printed = "\n".join(pages[-1].page.texts)
    assert "Identity confirmed by the video teller" in printed and "T-ALICE" in printed

    # The customer carries on alone: the teller hands back at the signature step.
    await page.select_option("#handback-step", "signature")
    await page.click("#handback")
    await until(lambda: call.view.phase in (CallPhase.IDLE, CallPhase.TELLER_ENDED), 10,
                "the call ends on hand-back")
    assert session.state == "signature"
    assert page.js_errors == []
