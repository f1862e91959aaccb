"""The demo's video teller, wired as the kiosk runs it: the call hub as its own process,
the kiosk's and a teller's tokens, the TellerCall on the runtime with the real teller
actions — and a Python teller answering a call and printing on the simulated printer."""

from __future__ import annotations

import asyncio
import json
import stat
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ports import free_port

from devices.registry import create_device
from kiosk_app.config import load_config
from kiosk_app.teller_service import (
    DEMO_TELLER_TOKEN,
    start_teller,
    teller_start,
    wants_local_hub,
)
from kiosk_core.runtime import KioskRuntime
from video_teller.api import CallPhase
from video_teller.channel import ActionName
from video_teller.teller_peer import TellerPeer

from .test_bank_service import kiosk_toml

READY_S = 40.0


@pytest.fixture
def runtime(tmp_path: Path) -> Iterator[KioskRuntime]:
    hub_port = free_port()
    path = kiosk_toml(tmp_path, free_port(), **{
        'url = "ws://127.0.0.1:8765/ws"': f'url = "ws://127.0.0.1:{hub_port}/ws"',
        "record = true": "record = false"})
    rt = KioskRuntime(load_config(path), device_factory=create_device)
    rt.start(wait_devices=True)
    yield rt
    rt.stop()


def wait_phase(call: Any, *phases: CallPhase, timeout: float = 20.0) -> CallPhase:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if call.view.phase in phases:
            return call.view.phase
        time.sleep(0.05)
    raise AssertionError(f"call still {call.view.phase}, wanted {phases}")


@pytest.mark.slow
def test_demo_hub_process_tokens_and_a_call_that_prints(runtime: KioskRuntime) -> None:
    cfg: Any = runtime.config
    assert wants_local_hub(cfg)
    ready: list[Any] = []
    assert start_teller(runtime, ready.append)
    assert not start_teller(runtime)  # once per runtime
    start = teller_start(runtime)
    assert start is not None and start.done.wait(READY_S), "video teller not ready"
    assert start.reason == "" and ready == [runtime.services["teller_call"]]
    call = ready[0]
    # The hub is its own process, serving the console; tokens are secrets (0600).
    base = start.console_url.removesuffix("/console/")
    with urllib.request.urlopen(base + "/healthz", timeout=5) as r:
        assert json.loads(r.read())["ok"]
    with urllib.request.urlopen(start.console_url, timeout=5) as r:
        assert b"<html" in r.read().lower()
    secrets = cfg.path("secrets_dir")
    teller_token = (secrets / DEMO_TELLER_TOKEN).read_text().strip()
    for f in (secrets / DEMO_TELLER_TOKEN, secrets / cfg.hub.token_file):
        assert stat.S_IMODE(f.stat().st_mode) == 0o600

    async def teller_side() -> dict[str, Any]:
        teller = TellerPeer(cfg.hub.url, teller_token)
        await teller.start()
        await teller.set_presence()
        try:
            call.request(language="en_US", screen="menu")
            await asyncio.to_thread(wait_phase, call, CallPhase.CONSENT)
            call.consent(True)
            await asyncio.to_thread(wait_phase, call, CallPhase.WAITING)
            end = time.monotonic() + 10
            while not (teller.snapshot and teller.snapshot.calls) and time.monotonic() < end:
                await asyncio.sleep(0.05)  # the kiosk's request has reached the hub
            await teller.answer()
            await asyncio.wait_for(teller.channel_open.wait(), 20)
            await asyncio.to_thread(wait_phase, call, CallPhase.IN_CALL)
            result = await teller.action(ActionName.PRINT,
                                         {"title": "Statement", "text": "Balance 88.00 CNY"},
                                         timeout=30)
            refused = await teller.action(ActionName.IDENTITY_APPROVE)
            end = time.monotonic() + 10
            while (teller.video_frames < 20 or call.remote_video.latest() is None) \
                    and time.monotonic() < end:
                await asyncio.sleep(0.1)
            frames = teller.video_frames
            shown = call.remote_video.latest() is not None  # the teller's video, at the kiosk
            await teller.end()
            await asyncio.to_thread(wait_phase, call, CallPhase.TELLER_ENDED, CallPhase.IDLE)
            return {"result": result, "refused": refused, "frames": frames, "shown": shown}
        finally:
            await teller.close()

    out = asyncio.run(teller_side())
    assert out["result"].ok, out["result"]
    assert not out["refused"].ok and out["refused"].reason == "not_allowed_now"
    assert out["frames"] >= 20 and out["shown"]
    printer: Any = runtime.devices["printer"]
    page = "\n".join(printer.simulator.pages[-1].page.texts)
    assert "Balance 88.00 CNY" in page and "T-DEMO" in page
    # Every action is in the kiosk's journal with the teller's id.
    assert runtime.journal_writer is not None
    assert runtime.journal_writer.flush(timeout=10)
    assert runtime.journal is not None
    kinds = [(r.kind, r.data) for r in runtime.journal.records()]
    actions = [d for k, d in kinds if k.startswith("teller.action")]
    assert any(d.get("teller_id") == "T-DEMO" for d in actions), kinds[-20:]
    proc = start._hub.proc if start._hub is not None else None
    runtime.stop()
    assert proc is not None and proc.poll() is not None  # the hub process ended with the kiosk
