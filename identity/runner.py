"""Run an identity check against a live camera on its own thread.

The UI (or the CLI) gives a camera and a callback; frames are taken through the camera's
latest-frame mailbox, so while a frame is being matched (~100 ms) newer ones replace each
other and the session always works on the freshest view. Events are delivered on this
runner's thread: a Qt view-model must marshal them to the UI thread (kiosk_ui.bridge does).

The session is any :class:`CheckSession`: in the kiosk a :class:`identity.remote.RemoteSession`
(the models run in the identity worker process, so this thread only waits, without the
GIL); in tests and the CLI it may be an in-process :class:`identity.session.IdentitySession`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Protocol

import numpy as np
import numpy.typing as npt

from devices.camera.api import CameraApi
from identity.events import SessionEvent

log = logging.getLogger(__name__)


class CheckSession(Protocol):
    """One customer's identity check, fed frame by frame."""

    @property
    def id(self) -> str: ...

    def feed(self, frame: npt.NDArray[np.uint8], t: float) -> SessionEvent: ...

    def close(self) -> None: ...


class SessionRunner:
    def __init__(self, camera: CameraApi, session: CheckSession,
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
