"""Fixtures: a real call hub on loopback serving the console, tokens, and Debian's
Chromium driven by Playwright (async API, so the test's loop also runs the Python kiosks)."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from video_teller.hub.server import HubConfig
from video_teller.hub.service import HubThread
from video_teller.hub.tokens import issue

KEY = b"console-tests-key-0123456789abcdef"
REPO = Path(__file__).resolve().parents[3]
SCREENS = REPO / "docs" / "screens"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
    "--allow-loopback-in-peer-connection",
    "--autoplay-policy=no-user-gesture-required",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TELLER = {"name": "Alice Wong", "languages": ["en_US", "zh_CN"],
          "skills": ["general", "card_issuance"]}


def token(role: str, sub: str, *, ttl_s: float = 3600, now: float | None = None,
          **kw: Any) -> str:
    return issue(KEY, role=role, sub=sub, ttl_s=ttl_s, now=now, **kw)


def teller_token(sub: str = "T-ALICE", **kw: Any) -> str:
    return token("teller", sub, **{**TELLER, **kw})


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[HubThread]:
    thread = HubThread(HubConfig(db=tmp_path / "hub.sqlite", key=KEY, kiosk_grace_s=20.0,
                                 wrap_up_s=30.0, snapshot_interval_s=0.02)).start()
    yield thread
    thread.stop()


@pytest.fixture
async def browser(tmp_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[Any]:
    """Chromium with fake camera and microphone and a fresh profile; always closed.
    The tests' own page.wait_for_function(...) strings are eval'd, which the console's
    Content-Security-Policy forbids: they bypass it, except tests marked ``csp``."""
    from playwright.async_api import async_playwright

    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed")
    async with async_playwright() as p:
        context = await p.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"), executable_path=CHROMIUM, headless=True,
            args=CHROMIUM_ARGS, viewport={"width": 1366, "height": 900},
            permissions=["camera", "microphone"],
            bypass_csp=request.node.get_closest_marker("csp") is None)
        try:
            yield context
        finally:
            await context.close()


async def open_console(context: Any, hub: HubThread) -> Any:
    page = context.pages[0] if context.pages else await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
    await page.goto(hub.url + "/console/")
    return page


async def sign_in(page: Any, tok: str) -> None:
    await page.fill("#token", tok)
    await page.click("#signin")


async def until(pred: Callable[[], Any], timeout: float = 10.0, what: str = "") -> Any:
    """Poll ``pred`` (which must not block) while the loop runs the Python kiosks."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = pred()
        if value:
            return value
        await asyncio.sleep(0.05)
    raise AssertionError(f"not within {timeout:g} s: {what or pred}")
