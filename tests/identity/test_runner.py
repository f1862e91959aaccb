from __future__ import annotations

import random
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from devices.camera.driver import create
from devices.camera.settings import CameraSettings
from identity.privacy import BiometricVault
from identity.runner import SessionRunner
from identity.session import IdentitySession, SessionEvent
from identity.settings import IdentitySettings


def test_session_on_the_live_simulated_camera(tmp_path: Path,
                                              closing: Callable[[Any], Any]) -> None:
    """The real device, in real time: frames through the latest-frame mailbox, events on
    the runner's thread, the simulated customer following the prompts."""
    cam = closing(create("camera", CameraSettings(url="sim://camera?scene=customer&id_s=2")))
    cam.start().result(timeout=30)
    vault = BiometricVault(tmp_path / "bio", tmp_path / "secrets", retention_s=60)
    session = IdentitySession(IdentitySettings(liveness_challenges=1), vault=vault,
                              rng=random.Random(5), on_challenge=cam.scene.act)
    events: list[SessionEvent] = []
    threads: set[str] = set()

    def on_event(ev: SessionEvent) -> None:
        events.append(ev)
        threads.add(threading.current_thread().name)

    runner = closing(SessionRunner(cam, session, on_event).start())
    result = runner.wait(timeout=60)
    assert result is not None and result.passed, (result, [e.prompt for e in events[-5:]])
    assert threads == {"identity-session"}
    # The session skipped frames while busy rather than falling behind the camera.
    assert runner.frames_used < cam.frames_read
    assert vault.items(session.id)
    runner.close()
    assert vault.items(session.id) == []
