"""One customer's identity check, run in the identity worker process.

:class:`RemoteSession` takes the same arguments as :class:`identity.session.IdentitySession`
and is driven the same way (``feed(frame, t)`` → :class:`SessionEvent`, ``close()``), so
:class:`identity.runner.SessionRunner` runs either. The state machine and every model run
in the worker (:mod:`identity.worker`); this object holds the session's id, the facts
the flow reads afterwards (``mrz``, ``name_confirmed``, ``name_agrees``) and its vault,
to wipe the biometric data itself if the worker died with it.

``feed_async`` returns a Future at once; ``feed`` waits for it on the caller's thread,
which never holds the GIL meanwhile. A worker that dies or hangs ends the check with a
failed event whose ``reason`` is :attr:`Failure.IDENTITY_UNAVAILABLE`; the worker restarts
for the next customer.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

from identity.events import SessionEvent
from identity.privacy import BiometricVault
from identity.settings import IdentitySettings
from identity.worker import RGB, IdentityWorker, WorkerCrashed, WorkerError, default_worker
from kiosk_core.failures import Failure

if TYPE_CHECKING:
    from devices.mrz import MRZ

log = logging.getLogger(__name__)


class RemoteSession:
    def __init__(self, settings: IdentitySettings | None = None, *,
                 vault: BiometricVault | None = None, session_id: str | None = None,
                 on_challenge: Callable[[str], object] | None = None,
                 worker: IdentityWorker | None = None, **options: Any) -> None:
        self.settings = settings or IdentitySettings()
        self.vault = vault
        self.id = session_id or secrets.token_hex(8)
        self.on_challenge = on_challenge
        self.options = options
        self.worker = worker or default_worker()
        self.mrz: MRZ | None = None
        self.name_agrees: bool | None = None
        self.name_confirmed = False
        self.phase = "id_capture"
        self.final: SessionEvent | None = None
        self._generation: int | None = None  # the worker generation holding the session
        self._lock = threading.Lock()
        self.closed = False

    # -- frames ------------------------------------------------------------------------

    def feed_async(self, frame: RGB, t: float) -> Future[SessionEvent]:
        """Send one frame; the Future gives its event (a failed, final event if the worker
        is lost). Challenges the check asks for are passed to ``on_challenge`` first."""
        out: Future[SessionEvent] = Future()
        if self.final is not None:
            out.set_result(self.final)
            return out
        try:
            self._open()
            sent = self.worker.submit("feed", self.id, t, frame=frame)
        except WorkerCrashed as exc:
            out.set_result(self._lost(exc))
            return out
        sent.add_done_callback(lambda f: self._settle(f, out))
        return out

    def feed(self, frame: RGB, t: float) -> SessionEvent:
        fut = self.feed_async(frame, t)
        try:
            return fut.result(self.worker.request_timeout_s)
        except TimeoutError:
            log.error("identity session %s: no answer from the worker; restarting it", self.id)
            self.worker.kill()
            return fut.result(self.worker.request_timeout_s)

    def _open(self) -> None:
        with self._lock:
            if self.closed:
                raise WorkerCrashed("the session is closed")
            if self._generation == self.worker.generation and self.worker.alive():
                return
            if self._generation is not None:
                # The worker that held this session is gone (and its state with it).
                raise WorkerCrashed("the identity worker restarted during the check")
            spec = None
            if self.vault is not None:
                spec = (str(self.vault.root), str(self.vault.secrets_dir),
                        float(self.vault.retention_s))
            self.worker.submit("open", self.id, self.settings, spec, self.options)
            self._generation = self.worker.generation

    def _settle(self, sent: Future[Any], out: Future[SessionEvent]) -> None:
        try:
            event, asked, facts = sent.result()
        except (WorkerCrashed, WorkerError) as exc:
            out.set_result(self._lost(exc))
            return
        except BaseException as exc:
            out.set_exception(exc)
            return
        self.mrz = facts.get("mrz")
        self.name_agrees = facts.get("name_agrees")
        self.name_confirmed = bool(facts.get("name_confirmed"))
        self.phase = event.phase
        for challenge in asked:
            if self.on_challenge is not None:
                try:
                    self.on_challenge(challenge)
                except Exception:
                    log.exception("identity challenge listener failed")
        if event.done:
            self.final = event
        out.set_result(event)

    def _lost(self, exc: BaseException) -> SessionEvent:
        """The check cannot go on: a final, failed event the flow shows (typed reason)."""
        log.error("identity session %s: %s", self.id, exc)
        reason = Failure.IDENTITY_UNAVAILABLE.value
        self.phase = "result"
        self.final = SessionEvent("result", reason, 1.0, done=True, passed=False,
                                  reason=reason, details={"error": str(exc)})
        return self.final

    # -- end ---------------------------------------------------------------------------

    def close(self) -> None:
        """End the check and wipe its biometric data (waits for the worker to do it; the
        flows call this on a worker thread)."""
        with self._lock:
            if self.closed:
                return
            self.closed = True
            generation = self._generation
        wiped = False
        if (generation is not None and generation == self.worker.generation
                and self.worker.alive()):
            try:
                # False: the worker never had the session (it restarted in between).
                wiped = self.worker.call("close", self.id, timeout=30) is True
            except (WorkerCrashed, WorkerError) as exc:
                log.warning("identity session %s: worker could not close it (%s)", self.id, exc)
        if not wiped and self.vault is not None:
            self.vault.wipe(self.id)  # whatever the lost worker had stored
