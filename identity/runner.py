"""Run an IdentitySession against a live camera on its own thread.

The UI (or the CLI) gives a camera and a callback; frames are taken through the camera's
latest-frame mailbox, so while a frame is being matched (~100 ms) newer ones replace each
other and the session always works on the freshest view. Events are delivered on this
runner's thread: a Qt view-model must marshal them to the UI thread (kiosk_ui.bridge does).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from devices.camera.driver import Camera
from identity.session import IdentitySession, SessionEvent

log = logging.getLogger(__name__)


class SessionRunner:
    def __init__(self, camera: Camera, session: IdentitySession,
                 on_event: Callable[[SessionEvent], None]) -> None:
        self.camera, self.session, self.on_event = camera, session, on_event
        self._stop = threading.Event()
        self.result: SessionEvent | None = None
        self.done = threading.Event()
        self.frames_used = 0
        self._thread = threading.Thread(target=self._run, name="identity-session", daemon=True)

    def start(self) -> SessionRunner:
        self._thread.start()
        return self

    def _run(self) -> None:
        box, unsubscribe = self.camera.mailbox()
        try:
            while not self._stop.is_set():
                frame = box.get(timeout=0.5)
                if frame is None:
                    continue
                self.frames_used += 1
                event = self.session.feed(frame.image, frame.timestamp)
                try:
                    self.on_event(event)
                except Exception:
                    log.exception("identity event listener failed")
                if event.done:
                    self.result = event
                    break
        except Exception:
            log.exception("identity session %s crashed", self.session.id)
        finally:
            unsubscribe()
            self.done.set()

    def wait(self, timeout: float | None = None) -> SessionEvent | None:
        self.done.wait(timeout)
        return self.result

    def close(self) -> None:
        """Stop, and wipe the session's biometric data."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        self.session.close()
