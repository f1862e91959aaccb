"""End to end on 127.0.0.1: Debian's Chromium signs in to a real hub as a teller and answers
a call from the kiosk's own TellerCall (simulated camera and printer, the kiosk's real
teller actions); frames are counted on both sides and a print sent from the console comes
out of the printer simulator, its result shown in the console."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from daytime import ZONE

from customer_flows.teller_actions import CurrentFlow, KioskTellerActions
from devices.camera.driver import Camera
from devices.camera.driver import create as create_camera
from devices.camera.settings import CameraSettings
from devices.printer.driver import ReceiptPrinter
from devices.printer.driver import create as create_printer
from devices.printer.settings import PrinterSettings
from esign.service import EvidenceService
from video_teller.api import CallPhase
from video_teller.hub.service import HubThread
from video_teller.kiosk.call import TellerCall
from video_teller.settings import HubSettings

from .conftest import open_console, sign_in, teller_token, token, until

pytestmark = [pytest.mark.browser, pytest.mark.slow]
KIOSK_ID = "K-E2E-1"


class Booker:
    def slots(self, language: str) -> list[str]:
        return []

    def book(self, *, slot: str, language: str, kiosk_id: str, call_id: str,
             phone: str = "") -> str:
        raise AssertionError("no callback in this test")


@pytest.fixture
def camera() -> Iterator[Camera]:
    cam = create_camera("camera", CameraSettings(url="sim://camera?scene=customer", fps=15))
    cam.start().result(timeout=30)
    yield cam
    cam.close()


@pytest.fixture
def printer(tmp_path: Path) -> Iterator[ReceiptPrinter]:
    dev = create_printer("printer", PrinterSettings(url="sim://printer", status_poll_s=0,
                                                    timeout_s=5), data_dir=tmp_path)
    assert isinstance(dev, ReceiptPrinter)
    dev.start().result(timeout=10)
    yield dev
    dev.close()


@pytest.fixture
async def kiosk(tmp_path: Path, hub: HubThread, camera: Camera, printer: ReceiptPrinter
                ) -> AsyncIterator[tuple[TellerCall, list[tuple[str, dict[str, Any]]]]]:
    settings = HubSettings(url=hub.ws_url, ice_servers=[], ice_addresses=["127.0.0.1"],
                           consent_required=True, record=False, answer_timeout_s=60.0,
                           teller_hours="00:00-24:00")
    secrets = tmp_path / "kiosk-secrets"
    secrets.mkdir(mode=0o700)
    (secrets / settings.token_file).write_text(token("kiosk", KIOSK_ID) + "\n")
    journal: list[tuple[str, dict[str, Any]]] = []
    actions = KioskTellerActions(
        current=CurrentFlow(), devices={"printer": printer},
        kiosk={"branch": "Demo Branch", "kiosk_id": KIOSK_ID, "timezone": ZONE},
        evidence=lambda: EvidenceService(secrets_dir=secrets, evidence_dir=tmp_path / "evidence",
                                         kiosk_id=KIOSK_ID, branch="Demo Branch"))
    call = TellerCall(settings, kiosk_id=KIOSK_ID, camera=camera,
                      loop=asyncio.get_running_loop(),
                      journal=lambda k, d: journal.append((k, d)), actions=actions,
                      booker=Booker(), secrets_dir=secrets, data_dir=tmp_path, timezone=ZONE)
    yield call, journal
    await call.aclose()


async def test_teller_in_chromium_answers_a_kiosk_call_and_prints(
        tmp_path: Path, hub: HubThread, browser: Any, printer: ReceiptPrinter,
        kiosk: tuple[TellerCall, list[tuple[str, dict[str, Any]]]]) -> None:
    call, journal = kiosk
    page = await open_console(browser, hub)
    await sign_in(page, teller_token())
    await page.wait_for_selector("#desk:not([hidden])")
    await page.click("[data-presence=available]")
    await page.wait_for_selector("[data-presence=available][aria-checked=true]")

    # the customer taps "Call a teller" and agrees to the camera
    call.request(language="en_US", screen="menu")
    await until(lambda: call.view.phase == CallPhase.CONSENT, what="consent")
    call.consent(True)
    await until(lambda: call.view.phase == CallPhase.WAITING, what="waiting")
    await page.wait_for_selector("#queue li[data-call] button")

    # the teller answers; media flows both ways within a bounded time
    await page.click("#queue li[data-call] button")
    await until(lambda: call.view.phase == CallPhase.IN_CALL, 15, "in call at the kiosk")
    assert call.view.teller_name == "Alice Wong"
    await page.wait_for_function(
        "window.consoleState.framesReceived >= 30 && window.consoleState.framesDecoded >= 30",
        timeout=15000)
    await until(lambda: call.remote_video.seq >= 30, 15, "the teller's video at the kiosk")
    _, image = call.remote_video.latest() or (0, None)
    assert image is not None and image.shape[2] == 3
    state = await page.evaluate("window.consoleState")
    assert state["callState"] == "in_call" and state["channel"] == "open"
    assert state["audioPacketsReceived"] > 0  # the kiosk's microphone (a tone) is heard
    await page.wait_for_function("window.consoleState.pongsReceived >= 2", timeout=5000)
    assert not await page.is_visible("#unstable")

    # the kiosk's context: at the menu, printing allowed, identity actions not
    await page.wait_for_function("window.consoleState.context !== null", timeout=5000)
    assert await page.text_content("#ctx-state") == "menu"
    assert await page.is_enabled("#print")
    assert await page.is_disabled("[data-action='identity.approve']")
    assert "Not possible" in (await page.get_attribute("[data-action='identity.approve']",
                                                       "title") or "")

    # print at the kiosk from the console
    await page.fill("#print-title", "Your appointment")
    await page.fill("#print-text", "Branch counter 3, tomorrow 10:00")
    await page.click("#print")
    result = page.locator("#results li[data-name=print]").first
    await result.wait_for()
    await page.wait_for_function(
        "document.querySelector('#results li[data-name=print]').dataset.status !== 'pending'",
        timeout=20000)
    assert await result.get_attribute("data-status") == "ok", await result.text_content()
    assert "printed" in (await result.text_content() or "")
    pages = printer.simulator.wait_for_pages(1, timeout=5)
    printed = "\n".join(pages[-1].page.texts)
    assert "Your appointment" in printed and "Branch counter 3" in printed
    assert "T-ALICE" in printed
    done = [d for k, d in journal if k == "teller.action"]
    assert [(d["action"], d["ok"], d["teller_id"]) for d in done] == [("print", True, "T-ALICE")]

    # a document for e-signature: the console's hash and the kiosk's agree
    await page.fill("#doc-title", "Fee schedule")
    await page.fill("#doc-text", "Card replacement: 10.00\n换卡：10.00")
    await page.click("#doc-send")
    await page.wait_for_selector("#doc-hash-check:not([hidden])", timeout=10000)
    expected = hashlib.sha256("# Fee schedule\n\nCard replacement: 10.00\n换卡：10.00\n"
                              .encode()).hexdigest()
    grouped = " ".join(expected[i:i + 8] for i in range(0, 64, 8))  # as the kiosk shows it
    assert await page.text_content("#doc-hash-local") == grouped
    assert await page.text_content("#doc-hash-kiosk") == grouped
    assert await page.get_attribute("#doc-hash-check", "data-match") == "true"
    assert "SHA-256 match" in await page.text_content("#doc-hash-check")
    await until(lambda: call.view.document is not None, 5, "document on the kiosk's screen")
    # the customer signs it on the kiosk: a signed evidence record over that hash, and the
    # teller is told (with the hash), never sent the strokes
    shown = call.view.document
    assert shown is not None and shown["sha256"] == expected
    strokes = [[[100.0 + 10 * i, 300.0 + (40 if i % 2 else -40), 16.0 * i] for i in range(30)]]
    call.document_signed({"strokes": strokes, "pad": [1000, 700], "doc_id": shown["doc_id"],
                          "sha256": shown["sha256"]})
    await page.wait_for_function("window.consoleState.documentSigned != null", timeout=10000)
    signed = await page.evaluate("window.consoleState.documentSigned")
    assert signed["hash"] == expected
    records = list((tmp_path / "evidence").rglob("record.json"))
    assert len(records) == 1 and expected in records[0].read_text()
    assert call.view.document is None
    assert any(k == "teller.document.signed" and d["sha256"] == expected for k, d in journal)

    # the teller ends the call: the kiosk says so, the console is free again
    await page.click("#end")
    await until(lambda: call.view.phase == CallPhase.TELLER_ENDED, 10, "teller ended")
    await page.wait_for_function(
        "window.consoleState.callState === 'ended' && window.consoleState.pcState === 'none'")
    assert page.js_errors == []
