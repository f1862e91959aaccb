"""Shared by the video-teller benches: a hub and a teller each in their own process, and
a kiosk's TellerCall (with the simulated camera) in this one — so what is measured here
is the kiosk alone."""

from __future__ import annotations

import asyncio
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from devices.camera.driver import Camera, create
from devices.camera.settings import CameraSettings
from video_teller.api import ActionOutcome, CallPhase
from video_teller.hub.tokens import issue, load_or_create_key
from video_teller.kiosk.call import TellerCall
from video_teller.settings import HubSettings

KIOSK_ID = "K-BENCH"


class Actions:
    def context(self) -> dict[str, Any]:
        return {"flow": None, "step": None, "state": "menu", "language": "en_US",
                "allowed": ["print"]}

    def perform(self, name: str, args: dict[str, Any], *, teller_id: str) -> ActionOutcome:
        return ActionOutcome(True)


class Booker:
    def slots(self, language: str) -> list[str]:
        return []

    def book(self, *, slot: str, language: str, kiosk_id: str, call_id: str,
             phone: str = "") -> str:
        return "CB"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()
    return (f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, "
            f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")


@contextmanager
def hub_process(tmp: Path) -> Iterator[tuple[str, bytes]]:
    """A hub (python -m video_teller.hub.service) on a free loopback port: (ws url, key)."""
    key_file = tmp / "hub.key"
    key = load_or_create_key(key_file)
    proc = subprocess.Popen(
        [sys.executable, "-m", "video_teller.hub.service", "--listen", "127.0.0.1:0",
         "--db", str(tmp / "hub.sqlite"), "--key-file", str(key_file), "--wrap-up", "0"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        if not line.startswith("call hub on http://"):
            raise RuntimeError(f"hub did not start: {line!r}")
        yield "ws://" + line.removeprefix("call hub on http://").rstrip("/") + "/ws", key
    finally:
        proc.terminate()
        proc.wait(10)


@contextmanager
def teller_process(url: str, key: bytes, *, fps: int = 15) -> Iterator[IO[str]]:
    """An auto-answering Python teller (video_teller.teller_peer) in its own process; its
    stdout gives one JSON line per event (``answer`` with its monotonic time…)."""
    token = issue(key, role="teller", sub="T-BENCH", ttl_s=3600, name="Bench Teller",
                  languages=["en_US", "zh_CN"], skills=["general", "card_issuance"])
    proc = subprocess.Popen(
        [sys.executable, "-m", "video_teller.teller_peer", "--url", url, "--token", token,
         "--answer", "--ice-address", "127.0.0.1", "--fps", str(fps)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        first = json.loads(proc.stdout.readline())
        assert first["event"] == "welcome", first
        yield proc.stdout
        if proc.poll() is not None:
            raise RuntimeError(f"teller process exited with {proc.returncode}")
    finally:
        proc.terminate()
        proc.wait(10)


@contextmanager
def camera(fps: int = 15) -> Iterator[Camera]:
    import demo

    demo.register_scenes()
    cam = create("camera", CameraSettings(url="sim://camera?scene=customer", fps=fps))
    cam.start().result(timeout=30)
    try:
        yield cam
    finally:
        cam.close()


def kiosk_call(tmp: Path, url: str, key: bytes, cam: Camera, **overrides: Any) -> TellerCall:
    settings = HubSettings(**{"url": url, "ice_servers": [], "ice_addresses": ["127.0.0.1"],
                              "consent_required": False, "record": False, **overrides})
    secrets = tmp / "secrets"
    secrets.mkdir(exist_ok=True, mode=0o700)
    (secrets / settings.token_file).write_text(
        issue(key, role="kiosk", sub=KIOSK_ID, ttl_s=3600))
    return TellerCall(settings, kiosk_id=KIOSK_ID, camera=cam,
                      loop=asyncio.get_running_loop(), journal=lambda k, d: None,
                      actions=Actions(), booker=Booker(), secrets_dir=secrets, data_dir=tmp,
                      timezone="UTC", now=lambda: _noon())


def _noon() -> Any:
    from datetime import UTC, datetime

    return datetime.now(UTC).replace(hour=12)  # teller hours are not what is measured


async def wait_phase(call: TellerCall, phase: CallPhase, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while call.view.phase != phase:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{phase} not reached (now {call.view.phase})")
        await asyncio.sleep(0.005)


def read_event(stream: IO[str], name: str, timeout: float = 15.0) -> dict[str, Any]:
    """The teller's next ``name`` event (blocking read: call it in a thread)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = stream.readline()
        if not line:
            raise RuntimeError("teller process ended")
        event: dict[str, Any] = json.loads(line)
        if event.get("event") == name:
            return event
    raise TimeoutError(name)
