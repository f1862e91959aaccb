"""The debit-card screens as a plain state machine (Qt-free): what the customer sees and
what each tap does. The view-model only shows :attr:`CardIssuanceSession.state` and
forwards taps; tests drive this class directly.

    intro ─consent→ identity ─pass→ identity_passed ─continue→ signature ─sign→
        dispensing → take_card → printing → done
    identity ─fail→ identity_failed ─retry (once)→ identity      (then only a teller)
    identity ─fail, borderline→ identity_borderline (the kiosk calls a video teller)
        ─teller approves→ identity_passed │ ─declines→ failed │ ─nobody→ identity_failed
    dispensing / take_card / printing ─problem→ failed (plain reason, teller)

Slow work never runs on the caller's thread: the identity check runs on the camera's
SessionRunner thread, device work is handed to ``submit`` (the UI passes the bridge's
core loop). Every change bumps :attr:`version` under a lock; the UI polls it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from customer_flows import card_issuance
from customer_flows.card_issuance import FLOW
from customer_flows.settings import CardIssuanceSettings, CardProduct
from devices.camera.condition import camera_failure
from devices.card_dispenser import errors as dispenser_errors
from esign.ink import MIN_INK, ink
from kiosk_core.clock import local_now
from kiosk_core.failures import Failure, FlowFailed, failure_of
from kiosk_core.flows import FlowEngine, StepFailed
from kiosk_core.prompts import IDLE, Prompt, PromptBoard
from kiosk_core.status import DeviceState, SupplyState
from receipts.printing import print_template

if TYPE_CHECKING:
    from customer_flows.borderline_teller import BorderlineCall
    from devices.camera.api import CameraApi
    from esign.service import EvidenceService
    from identity.runner import SessionRunner
    from kiosk_core.config import CoreConfig
    from kiosk_core.runtime import KioskRuntime
    from kiosk_core.status import StatusChanged

log = logging.getLogger(__name__)

#: States in which the customer waits on the machine (the UI keeps the session alive).
BUSY = frozenset({"identity", "identity_borderline", "preparing", "pin", "dispensing",
                  "take_card", "printing"})
#: The steps the customer is told about ("Step 2 of 6"), in order.
STEPS = ("id_card", "face", "sign", "pin", "card", "done")
#: Screens with a way back to the menu: nothing has been opened or moved yet. Waiting
#: screens (the machine is working), the PIN (its own Cancel) and finished screens have none.
BACK_STATES = frozenset({"intro", "identity", "identity_passed", "identity_failed",
                         "identity_borderline", "signature"})
#: Identity checks a customer may try: the first, and one retry.
IDENTITY_ATTEMPTS = 2
#: How long ID capture waits for a camera that is still opening.
CAMERA_WAIT_S = 30.0
#: How long a borderline check waits for a video teller to answer when the kiosk has no
#: [hub] answer_timeout_s to go by (video_teller.settings.HubSettings' default).
TELLER_WAIT_S = 120.0


@dataclass
class Snapshot:
    """Everything a screen shows, copied under the lock."""

    state: str
    version: int
    phase: str = ""  # identity phase: id_capture | face_match | liveness | result
    #: What the identity check asks (identity.prompts.PromptCode), the result ("pass" or
    #: its Failure) or a camera fault (Failure.CAMERA_*): a code, worded by the screen.
    prompt_code: str = ""
    progress: float = 0.0
    challenge: int = 0  # 1-based number of the liveness challenge on screen
    challenges: int = 0
    #: follow_dot: the dot the customer follows with their head, drawn over the camera
    #: view (x, y in 0..1 of it, y down).
    dot_shown: bool = False
    dot_x: float = 0.5
    dot_y: float = 0.5
    reason: str = ""  # failure code
    can_retry: bool = False
    #: The check was borderline but no video teller could be reached (the refusal says so).
    teller_unreachable: bool = False
    card_number: str = ""  # masked
    receipt_printed: bool = False
    #: What came out (devices.printer.outcomes): printed | printed_not_cut | partial |
    #: not_printed; the done screen says it in plain words.
    receipt_outcome: str = ""
    receipt_url: str = ""
    take_timeout_s: float = 0.0
    attempts: int = 0
    terms_text: str = ""  # the agreement exactly as signed (markdown), in the page's language
    pin_digits: int = 0  # digits typed on the pad so far (the screen shows as many dots)
    pin_confirm: bool = False  # the second entry (confirmation)
    pin_attempt: int = 1
    pin_retry_reason: str = ""  # why the customer types the PIN again (pin_mismatch…)
    customer_name: str = ""  # masked as on the receipt, from the bank's record
    product: str = ""  # the chosen product's id


#: Dispenser faults the screen explains in plain words (typed by the device layer).
_DISPENSER_FAILURES: tuple[tuple[type[BaseException], Failure], ...] = (
    (dispenser_errors.StackerEmpty, Failure.STACKER_EMPTY),
    (dispenser_errors.BinFull, Failure.BIN_FULL),
    (dispenser_errors.CardJam, Failure.JAM),
    (dispenser_errors.CardMovedManually, Failure.CARD_PULLED),
)


def step_of(snap: Snapshot) -> int:
    """The 1-based step of :data:`STEPS` the screen shows, 0 when none (intro, failed)."""
    state = snap.state
    if state == "identity":
        return 1 if snap.phase in ("", "id_capture") else 2
    if state in ("identity_failed", "identity_borderline"):
        return 1 if snap.reason == Failure.ID_TIMEOUT else 2
    named = {"identity_passed": "face", "signature": "sign", "preparing": "pin", "pin": "pin",
             "dispensing": "card", "take_card": "card", "printing": "card", "done": "done"}
    return STEPS.index(named[state]) + 1 if state in named else 0


def failure_code(exc: BaseException) -> Failure:
    """A device problem as one of the reasons the screen explains in plain words."""
    if isinstance(exc, StepFailed):
        exc = exc.cause
    if isinstance(exc, FlowFailed):
        return exc.failure
    for kind, failure in _DISPENSER_FAILURES:
        if isinstance(exc, kind):
            return failure
    return failure_of(exc, Failure.DEVICE)


def _resolve(thing: Any) -> Any:
    """A vault, or a factory for one (opening a vault reads its key: done on a worker)."""
    return thing() if callable(thing) else thing


class CardIssuanceSession:
    def __init__(
        self,
        *,
        devices: Mapping[str, Any],
        engine: FlowEngine,
        submit: Callable[[Callable[[], Any]], Any],
        language: str = "en_US",
        identity_settings: Any = None,
        vault: Any = None,
        evidence: Any = None,
        journal: Callable[[str, dict[str, Any]], Any] | None = None,
        kiosk: Mapping[str, str] | None = None,
        prompts: PromptBoard | None = None,
        identity_options: Mapping[str, Any] | None = None,
        take_timeout_s: float | None = None,
        products: Sequence[CardProduct] | None = None,
        teller_call: Any = None,
        teller_wait_s: float = TELLER_WAIT_S,
    ) -> None:
        self.devices = devices
        self.engine = engine
        self.submit = submit
        self.language = language
        self.identity_settings = identity_settings
        self.vault = vault
        #: esign.service.EvidenceService (or a factory for one): signs and keeps the record.
        self.evidence = evidence
        self._terms: dict[str, Any] = {}  # language -> esign.terms.TermsDocument
        #: What this kiosk offers ([card_issuance] products); the first is preselected.
        self.products: list[CardProduct] = list(products or CardIssuanceSettings().products)
        self._product = self.products[0]
        self.journal = journal or (lambda kind, data: None)
        self.kiosk = dict(kiosk or {})
        #: Where the session shows what it asks of the customer (the simulated customer
        #: of the demo and voice guidance follow it; nothing here knows which listens).
        self.prompts = prompts if prompts is not None else PromptBoard()
        self._prompt_key: tuple[str, str] = ("intro", "")
        self.identity_options = dict(identity_options or {})
        self.take_timeout_s = take_timeout_s
        #: How long one PIN entry may take (pin_step.ENTRY_TIMEOUT_S when None).
        self.pin_timeout_s: float | None = None
        self._lock = threading.Lock()
        self._snap = Snapshot("intro", 0, product=self._product.id)
        self._runner: Any = None
        self._identity_id = ""
        self._customer_name = ""
        #: What the bank and the receipt need of the customer, in memory only (never in the
        #: flow store): the ID number and name read from the MRZ, then the bank's record.
        self._personal: dict[str, Any] = {}
        self._signature: dict[str, Any] | None = None
        #: For a remote teller (customer_flows.teller_actions): the last identity result,
        #: the MRZ facts of a failed check (used only if the teller approves it) and the
        #: camera frame in which the ID was read — memory only, wiped on close.
        self._identity_result: dict[str, Any] = {}
        self._pending_personal: dict[str, Any] = {}
        self._id_frame: Any = None
        #: A borderline check goes to a video teller (customer_flows.borderline_teller):
        #: the call API (video_teller.api.TellerCallApi, or a factory returning it or None
        #: when the kiosk has no video teller) and how long to wait for an answer.
        self.teller_call = teller_call
        self.teller_wait_s = teller_wait_s
        self._teller: BorderlineCall | None = None
        self.flow_id = ""
        self.closed = False

    def _now(self) -> datetime:
        """The branch's wall clock (receipts and evidence show the time the screen shows)."""
        return local_now(self.kiosk.get("timezone") or "UTC")

    # -- state --------------------------------------------------------------------------

    def snapshot(self) -> Snapshot:
        with self._lock:
            return Snapshot(**self._snap.__dict__)

    @property
    def state(self) -> str:
        return self._snap.state

    @property
    def version(self) -> int:
        return self._snap.version

    def _set(self, _only_in: frozenset[str] | None = None, **changes: Any) -> bool:
        """Change the snapshot (``_only_in``: only while the state is one of these, checked
        under the same lock); False when nothing changed (closed, or another state)."""
        with self._lock:
            if self.closed or (_only_in is not None and self._snap.state not in _only_in):
                return False
            for k, v in changes.items():
                setattr(self._snap, k, v)
            self._snap.version += 1
            key = (self._snap.state, self._snap.phase if self._snap.state == "identity" else "")
            changed, self._prompt_key = key != self._prompt_key, key
        if changed:
            self._show_prompt(key)
        return True

    def _show_prompt(self, key: tuple[str, str]) -> None:
        """What the new screen asks of the customer."""
        state, phase = key
        if state == "identity":
            # "show_id_card" is shown once the camera is up (_launch_identity); liveness
            # challenges as the identity check asks them (_on_challenge).
            if phase not in ("id_capture", "liveness"):
                self.prompts.show(Prompt(FLOW, "look_at_camera"))
        elif state == "signature":
            self.prompts.show(Prompt(FLOW, "sign"))
        elif state == "take_card":
            self.prompts.show(Prompt(FLOW, "take_card"))
        elif self.prompts.current.flow == FLOW:
            self.prompts.show(IDLE)

    # -- taps ---------------------------------------------------------------------------

    def set_language(self, language: str) -> None:
        self.language = language
        self._show_terms()

    def _load_terms(self) -> None:  # on a worker: reads the documents from disk
        from esign.terms import LANGUAGES, terms_document

        try:
            terms = self._product.terms
            self._terms = {lang: terms_document(terms, lang) for lang in LANGUAGES}
        except Exception:
            log.exception("card terms could not be read")
            self._terms = {}
        self._show_terms()

    def _show_terms(self) -> None:
        doc = self._terms.get(self.language) or self._terms.get("en_US")
        self._set(terms_text=doc.text if doc is not None else "")

    def choose_product(self, product_id: str) -> bool:
        """The customer picked a product on the first page (before agreeing)."""
        chosen = next((p for p in self.products if p.id == product_id), None)
        if self.state != "intro" or chosen is None:
            return False
        self._product = chosen
        self._set(product=chosen.id)
        return True

    def accept(self) -> None:
        """The customer read what is needed and agreed: start the identity check."""
        if self.state != "intro":
            return
        # No card to give: say so now, not after three minutes of identity checks.
        problem = self._dispenser_problem()
        if problem:
            self._set(state="failed", reason=problem)
            return
        self.submit(self._load_terms)  # read while the identity check runs
        self._start_identity()

    def _dispenser_problem(self) -> str:
        """From the dispenser's last reported status (no I/O): why it cannot issue."""
        disp = self.devices.get("card_dispenser")
        if disp is None:
            return "device_missing"
        status = disp.status
        if not status.device.usable and status.device is not DeviceState.STARTING:
            return str(Failure.DEVICE)  # down: no ID check and signature for nothing
        supplies = status.supplies
        if supplies.get("stacker") is SupplyState.EMPTY:
            return "stacker_empty"
        if supplies.get("bin") is SupplyState.FULL:
            return "bin_full"
        return ""

    def retry_identity(self) -> None:
        if self.state == "identity_failed" and self._snap.can_retry:
            self._start_identity()

    def continue_to_signature(self) -> None:
        if self.state == "identity_passed":
            self._set(state="signature")

    def sign(self, strokes: list[list[tuple[float, float, float]]], width: float,
             height: float) -> bool:
        """The customer confirmed the signature: strokes of (x, y, ms since the first touch)
        on a pad ``width`` x ``height``. False (and nothing happens) when there is not enough
        ink to be a signature, or the agreement it would sign could not be shown."""
        if self.state != "signature" or ink(strokes) < MIN_INK:
            return False
        document = self._terms.get(self.language)
        if document is None or self._snap.terms_text != document.text:
            return False  # never sign a document other than the one on the screen
        self._signature = {"signed_at": self._now(), "strokes": strokes,
                           "pad": (width, height), "document": document}
        self._set(state="dispensing")
        self.submit(self._issue)
        return True

    # -- identity -----------------------------------------------------------------------

    def _start_identity(self) -> None:
        self._stop_teller()
        camera = self.devices.get("camera")
        self._identity_result, self._pending_personal, self._id_frame = {}, {}, None
        attempts = self._snap.attempts + 1
        if camera is None:
            self._set(state="failed", reason="no_camera", attempts=attempts)
            return
        self._set(state="identity", phase="id_capture", prompt_code="", progress=0.0,
                  challenge=0, challenges=0, reason="", teller_unreachable=False,
                  attempts=attempts)
        # Importing identity (OpenCV, dlib) and opening its vault is slow: not on this thread.
        self.submit(lambda: self._launch_identity(camera))

    def _launch_identity(self, camera: CameraApi) -> None:  # on a worker
        from identity.remote import RemoteSession
        from identity.runner import SessionRunner

        if not self._wait_for_camera(camera):
            return
        self._stop_runner()
        self.prompts.show(Prompt(FLOW, "show_id_card"))
        self.vault = _resolve(self.vault)
        # The models run in the identity worker process (dlib holds the GIL while it works).
        session = RemoteSession(self.identity_settings, vault=self.vault,
                               on_challenge=self._on_challenge, **self.identity_options)
        self._identity_id = session.id
        with self._lock:
            if self.closed:
                session.close()
                return
            self._runner = runner = SessionRunner(camera, session, self._on_identity)
            self._runner.start()
        self._watch_camera(camera, runner)

    def _wait_for_camera(self, camera: CameraApi) -> bool:  # on a worker
        """Wait until the camera can be used for the check, telling the customer why not
        meanwhile (unplugged, frozen, too dark: ``prompt_code``); False (and the failed
        screen with that reason) when it does not come within CAMERA_WAIT_S."""
        # The camera is optional and opens last (its scenes take seconds to build):
        # a customer who is quicker than that waits a moment, not an error.
        deadline = time.monotonic() + CAMERA_WAIT_S
        shown: Failure | None = None
        while True:
            status = camera.status
            problem = camera_failure(status)
            if problem is None and status.device.usable:
                if shown is not None:
                    self._set(prompt_code="")
                return True
            if self.closed or self.state != "identity":
                return False
            if problem is not None and problem != shown:
                shown = problem
                self._set(prompt_code=problem.value)
            if time.monotonic() > deadline:
                self._set(state="failed", reason=(problem or Failure.NO_CAMERA).value)
                return False
            time.sleep(0.1)

    def _watch_camera(self, camera: CameraApi, runner: SessionRunner) -> None:
        """While ``runner``'s check runs: a camera problem stops it (its data wiped) and a
        new check starts once the camera is usable again — the customer is not charged an
        attempt for the camera's fault."""
        subscribe = getattr(camera, "subscribe", None)
        if subscribe is None:
            return

        def on_status(event: StatusChanged) -> None:  # on the camera's thread
            if self.closed or self._runner is not runner:
                unsubscribe()
            elif camera_failure(event.current) is not None:
                unsubscribe()
                self.submit(lambda: self._camera_interrupted(camera, runner))

        unsubscribe = subscribe(on_status)
        if camera_failure(camera.status) is not None:  # went wrong before we listened
            unsubscribe()
            self.submit(lambda: self._camera_interrupted(camera, runner))

    def _camera_interrupted(self, camera: CameraApi, runner: SessionRunner) -> None:  # on a worker
        with self._lock:
            if self.closed or self._runner is not runner or self._snap.state != "identity":
                return
        problem = camera_failure(camera.status)
        self.journal("identity.interrupted", {
            "session": self._identity_id, "reason": problem.value if problem else "",
            "attempt": self._snap.attempts})
        self._stop_runner(runner)
        self._identity_result, self._pending_personal, self._id_frame = {}, {}, None
        self._set(phase="id_capture", progress=0.0, challenge=0, challenges=0,
                  prompt_code=problem.value if problem else "")
        self._launch_identity(camera)

    def _on_identity(self, ev: Any) -> None:  # on the identity runner's thread
        if not ev.done and ev.phase != "id_capture" and self._id_frame is None:
            # The ID was just read: keep that frame for a teller to see (memory only).
            camera = self.devices.get("camera")
            frame = camera.latest() if camera is not None else None
            self._id_frame = frame.image if frame is not None else None
        if not ev.done:
            self._set(phase=ev.phase, prompt_code=str(ev.prompt),
                      progress=ev.progress,
                      challenge=min(int(ev.details.get("index", 0)) + 1,
                                    int(ev.details.get("total", 0)))
                      if ev.phase == "liveness" else 0,
                      challenges=int(ev.details.get("total", 0)),
                      dot_shown="dot_x" in ev.details,
                      dot_x=float(ev.details.get("dot_x", 0.5)),
                      dot_y=float(ev.details.get("dot_y", 0.5)))
            return
        self.journal("identity.checked", {
            "session": self._identity_id, "passed": bool(ev.passed), "reason": ev.reason,
            "distance": ev.details.get("distance"), "threshold": ev.details.get("threshold"),
            "mrz_valid": ev.details.get("mrz_valid"), "name_agrees": ev.details.get("name_agrees"),
            "name_confirmed": bool(getattr(self._runner.session if self._runner else None,
                                           "name_confirmed", False)),
            "attempt": self._snap.attempts})
        session = self._runner.session if self._runner else None
        mrz = getattr(session, "mrz", None)
        self._identity_result = {
            "passed": bool(ev.passed), "reason": ev.reason,
            "distance": ev.details.get("distance"), "threshold": ev.details.get("threshold"),
            "mrz_valid": bool(getattr(mrz, "valid", False)),
            "name_confirmed": bool(getattr(session, "name_confirmed", False)),
            "liveness": _liveness_of(ev)}
        if not ev.passed and mrz is not None and getattr(mrz, "valid", False):
            self._pending_personal = {
                "id_number": mrz.document_number,
                "id_name": f"{mrz.surname} {mrz.given_names}".strip(),
                "birth_date": mrz_date(mrz.birth_date, past=True)}
        if ev.passed:
            # Check digits do not cover the name: print it only when the MRZ name reads exactly
            # as the name printed on the card (a wrong name on a receipt is worse than none).
            if mrz is not None and getattr(session, "name_confirmed", False):
                self._customer_name = f"{mrz.surname} {mrz.given_names}".strip()
            if mrz is not None:  # the bank compares the name with its own record
                self._personal.update(id_number=mrz.document_number,
                                      id_name=f"{mrz.surname} {mrz.given_names}".strip(),
                                      birth_date=mrz_date(mrz.birth_date,
                                                          past=True) if mrz.valid else "")
            self._set(state="identity_passed", phase="result", prompt_code=str(ev.prompt),
                      progress=1.0)
        else:
            self._identity_failed(str(ev.reason), str(ev.prompt))
        # Wipe the biometric data now: the check is over (off this thread, it joins it).
        runner = self._runner
        self.submit(lambda: self._stop_runner(runner))

    def _identity_failed(self, reason: str, prompt: str) -> None:
        """A failed check (its facts in ``_identity_result``): to a video teller when it is
        borderline and the kiosk has one (issue 16), else the refusal."""
        teller = self._borderline_call()
        if teller is not None:
            # Not a refusal: a member of staff checks the ID on video.
            self._set(state="identity_borderline", phase="result", reason=reason,
                      prompt_code=prompt, progress=1.0, can_retry=False)
            teller.start()
        else:
            self._set(state="identity_failed", phase="result", reason=reason,
                      prompt_code=prompt, progress=1.0,
                      can_retry=self._snap.attempts < IDENTITY_ATTEMPTS)

    def _borderline_call(self) -> BorderlineCall | None:
        """For a failed check within ``[identity] teller_band`` of the threshold (and never a
        spoof: customer_flows.teller_actions.borderline), the video-teller call to make;
        None when the check is not borderline or the kiosk has no video teller. Journalled
        either way, with the distance and threshold only."""
        from customer_flows.borderline_teller import BorderlineCall
        from customer_flows.teller_actions import borderline

        band = float(getattr(self.identity_settings, "teller_band", 0.0) or 0.0)
        result = self._identity_result
        if band <= 0 or not borderline(result, band):
            return None
        facts = {"session": self._identity_id, "reason": str(result.get("reason", "")),
                 "distance": result.get("distance"), "threshold": result.get("threshold"),
                 "band": band, "attempt": self._snap.attempts}
        try:
            api = _resolve(self.teller_call)
        except Exception:
            log.exception("borderline identity: no teller call service")
            api = None
        if api is None:
            self.journal("identity.teller_unreachable", {**facts, "why": "not_configured"})
            return None
        self.journal("identity.teller_routed", facts)
        call = BorderlineCall(api, language=self.language, flow=FLOW,
                              wait_s=self.teller_wait_s, on_unreachable=self._teller_unreachable)
        with self._lock:
            self._teller = call
        return call

    def _teller_unreachable(self, why: str) -> None:  # the call's or the timer's thread
        """Nobody could check the ID on video: the usual refusal, with its help (the
        customer's retry, if left, is kept; so are the MRZ facts for a teller later)."""
        if self._set(frozenset({"identity_borderline"}), state="identity_failed",
                     teller_unreachable=True, can_retry=self._snap.attempts < IDENTITY_ATTEMPTS):
            self.journal("identity.teller_unreachable", {
                "session": self._identity_id, "why": why, "attempt": self._snap.attempts})

    def _stop_teller(self, *, end_call: bool = False) -> None:
        with self._lock:
            teller, self._teller = self._teller, None
        if teller is not None:
            teller.stop(end_call=end_call)

    def _on_challenge(self, challenge: str) -> None:  # on the identity runner's thread
        self.prompts.show(Prompt(FLOW, "challenge", {"challenge": challenge}))

    def _stop_runner(self, which: Any = None) -> None:
        """Stop ``which`` runner (default: the current one) and wipe its session's data."""
        with self._lock:
            runner = which or self._runner
            if runner is self._runner:
                self._runner = None
        if runner is not None:
            runner.close()

    # -- the device part ----------------------------------------------------------------

    def _flow_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "language": self.language,
            "identity_session": self._identity_id, "product": self._product.id,
            "product_name": dict(self._product.name),
            "branch": self.kiosk.get("branch", ""), "kiosk_id": self.kiosk.get("kiosk_id", ""),
            "pin_format": self.kiosk.get("pin_format") or "iso4",
            "opened": self._now().isoformat(timespec="seconds"),
            "timezone": self.kiosk.get("timezone") or "UTC",
        }
        if self.take_timeout_s is not None:
            data["take_timeout_s"] = self.take_timeout_s
        if self.pin_timeout_s is not None:
            data["pin_timeout_s"] = self.pin_timeout_s
        if self._signature is not None:
            data["document_sha256"] = self._signature["document"].sha256
        return data

    def _issue(self) -> None:  # on a worker (the core loop's thread pool in the kiosk)
        engine = FlowEngine(self.engine.store, self.engine.definitions,
                            resources={**self.engine.resources, "progress": self._on_progress,
                                       # memory only: the flow store holds no name
                                       "personal": self._personal},
                            on_event=self.engine.on_event)
        try:
            self.flow_id = engine.start(card_issuance.FLOW, self._flow_data())
            # The signed record names this flow: kept before any card moves.
            try:
                self._keep_evidence()
            except Exception as exc:
                engine.store.mark(self.flow_id, step=-1, phase="done", status="failed",
                                  error=f"evidence not kept: {exc}")
                raise FlowFailed(Failure.EVIDENCE, str(exc)) from exc
            data = engine.run(self.flow_id)
        except Exception as exc:
            code = failure_code(exc)
            log.warning("card issuance failed: %s", exc)
            self._set(state="failed", reason=code)
            return
        from customer_flows.card_issuance import mask_name
        from receipts.masking import mask_card_number

        # Shown exactly as the receipt prints it (first 4, last 4).
        self._set(state="done", card_number=mask_card_number(str(data.get("card_number", ""))),
                  customer_name=mask_name(str(self._personal.get("customer_name", ""))),
                  receipt_printed=bool(data.get("receipt_printed")),
                  receipt_outcome=str(data.get("receipt_outcome") or (
                      "printed" if data.get("receipt_printed") else "not_printed")),
                  receipt_url=str(data.get("receipt_url", "")))

    def cancel_pin(self) -> None:
        """The customer tapped Cancel on the screen during PIN entry (the pad's own Cancel
        key does the same): the entry ends, the flow unwinds and the card is retained."""
        pad = self.devices.get("pinpad")
        if self.state == "pin" and pad is not None:
            pad.cancel_pin()

    def _on_progress(self, what: str, **info: Any) -> None:
        if what == "preparing":
            self._set(state="preparing")
        elif what == "pin":
            self._set(state="pin", pin_digits=int(info.get("digits", 0)),
                      pin_confirm=bool(info.get("confirm")),
                      pin_attempt=int(info.get("attempt", 1)),
                      pin_retry_reason=str(info.get("retry_reason", "")))
        if what == "dispensing":
            self._set(state="dispensing")
        elif what == "take_card":
            self._set(state="take_card", take_timeout_s=float(info.get("timeout_s", 0)))
        elif what == "printing":
            self._set(state="printing")

    def _keep_evidence(self) -> None:
        """Sign and keep the evidence record (strokes, image, the document's digest, time,
        kiosk, session and flow), then print the slip, which states only what the record
        holds. No evidence service: nothing is claimed, no slip."""
        sig = self._signature
        if sig is None or self.evidence is None:
            return
        document = sig["document"]
        self.evidence = _resolve(self.evidence)
        signed = self.evidence.sign_and_store(
            strokes=sig["strokes"], pad=sig["pad"], document=document,
            signed_at=sig["signed_at"], session_id=self._identity_id, flow_id=self.flow_id)
        record = signed.record
        self.journal("esign.signed", {
            "flow": self.flow_id, "document": f"{document.id}-{document.version}",
            "document_sha256": record.document_sha256, "key_id": record.key_id,
            "identity_session": self._identity_id})
        printer = self.devices.get("printer")
        if printer is None or not printer.can_print:
            return
        lang = self.language
        values = {
            "branch": self.kiosk.get("branch", "") or "-",
            "kiosk_id": self.kiosk.get("kiosk_id", "") or "-",
            "customer_name": card_issuance.mask_name(self._customer_name) or "-",
            "document_title": _title(document.text)[:60],
            "document_id": f"{document.id}-{document.version}",
            "signed_at": sig["signed_at"], "document_sha256": record.document_sha256,
            "record_id": self.flow_id, "key_id": record.key_id,
        }
        try:
            print_template(printer, "esign_evidence", lang, values).result(timeout=30)
        except Exception:  # the slip is a courtesy copy; the signed record is stored
            log.exception("evidence slip not printed")

    # -- end ----------------------------------------------------------------------------

    def close(self) -> None:
        """The customer left: stop the identity check (wiping its data). A device flow in
        progress carries on to its end on its worker (it is persisted).

        Returns at once: joining the identity thread (bounded by the runner's own join
        time-out) and wiping the vault (overwrite + fsync per file) run on ``submit``'s
        worker, never on the caller's (the GUI) thread."""
        with self._lock:
            if self.closed:
                return
            self.closed = True
            runner = self._runner
            self._personal.clear()
            self._pending_personal, self._id_frame = {}, None
        if self.prompts.current.flow == FLOW:
            self.prompts.show(IDLE)
        self._stop_runner(runner)
        self._stop_teller(end_call=True)  # nobody is there to be seen any more

    # -- a remote teller (customer_flows.teller_actions) ---------------------------------

    def identity_facts(self) -> tuple[dict[str, Any], Any]:
        """The last identity result and the frame the ID was read in (or None)."""
        with self._lock:
            return dict(self._identity_result), self._id_frame

    def teller_approve_identity(self) -> bool:
        """A teller saw the customer and the ID and approves a failed check — one the
        kiosk sent to them (identity_borderline) or the customer called them about (the
        caller has checked it is borderline and journals it): on to the signature."""
        with self._lock:
            if self.closed or self._snap.state not in ("identity_failed", "identity_borderline") \
                    or not self._pending_personal:
                return False
            self._personal.update(self._pending_personal)
        self._stop_teller()
        self._set(state="identity_passed", phase="result", reason="", prompt_code="",
                  teller_unreachable=False, progress=1.0)
        return True

    def teller_decline(self) -> bool:
        if self.state not in ("identity", "identity_failed", "identity_borderline",
                              "identity_passed", "signature"):
            return False
        self._stop_runner()
        self._stop_teller()
        with self._lock:
            self._personal.clear()
            self._pending_personal = {}
        self._set(state="failed", reason=str(Failure.TELLER_DECLINED))
        return True

    def teller_retry_id(self) -> bool:
        """Show the ID again: a new identity check, beyond the customer's own retry."""
        if self.state not in ("identity", "identity_failed", "identity_borderline",
                              "identity_passed"):
            return False
        self._stop_runner()
        self._start_identity()
        return True

    #: Where a teller may send the customer back to (before any card moves).
    HANDBACK_STEPS = ("intro", "identity", "signature")

    def handback_steps(self) -> list[str]:
        state = self.state
        if state in BUSY - {"identity", "identity_borderline"} or state == "done":
            return []
        steps = ["intro", "identity"]
        if self._personal and state in ("identity_passed", "signature"):
            steps.append("signature")
        return steps

    def teller_handback(self, step: str) -> bool:
        if step not in self.handback_steps():
            return False
        if step == "intro":
            self._stop_runner()
            self._stop_teller()
            self._set(state="intro", attempts=0, reason="", teller_unreachable=False)
        elif step == "identity":
            self._stop_runner()
            self._start_identity()
        else:
            self._set(state="signature")
        return True


def _liveness_of(ev: Any) -> str | None:
    """The liveness outcome of a finished identity check, in the console's words."""
    if ev.passed:
        return "passed"
    if ev.reason in (Failure.TIMEOUT, Failure.WRONG_ACTION):
        return "not_completed"
    if ev.reason in (Failure.NOT_LIVE, Failure.PERSON_CHANGED):
        return "failed"
    return None


def session_for(runtime: KioskRuntime, *, language: str,
                submit: Callable[[Callable[[], Any]], Any],
                take_timeout_s: float | None = None,
                journal: Callable[[str, dict[str, Any]], Any] | None = None,
                ) -> CardIssuanceSession:
    """A session wired to a started runtime as the kiosk runs it: its devices, flow engine,
    journal writer, prompt board and vaults. The screen's view-model and the headless
    ``kiosk flows run card-issuance`` both build theirs here."""
    from identity.settings import IdentitySettings  # light: the config has it imported

    cfg = runtime.config
    identity = cfg.section(IdentitySettings)
    if runtime.flow_engine is None:
        raise RuntimeError("the kiosk runtime has not started")
    data_dir, secrets = cfg.data_dir, cfg.path("secrets_dir")
    retention = identity.retention_minutes * 60.0
    writer = runtime.journal_writer

    def to_writer(kind: str, data: dict[str, Any]) -> Any:
        return writer.append(kind, data) if writer is not None else None

    return CardIssuanceSession(
        devices=runtime.devices, engine=runtime.flow_engine, submit=submit,
        language=language, identity_settings=identity,
        # Opening a vault reads its key: done on a worker, when first needed.
        vault=lambda: _vault(data_dir / "identity", secrets, retention),
        # Signed agreements are bank records: signed by the kiosk's key, kept beyond it.
        evidence=lambda: evidence_service(cfg),
        journal=journal or to_writer,
        kiosk={"branch": cfg.kiosk.branch, "kiosk_id": cfg.kiosk.id,
               "timezone": cfg.kiosk.timezone, "pin_format": _pin_format(cfg)},
        prompts=runtime.prompts, take_timeout_s=take_timeout_s,
        products=cfg.section(CardIssuanceSettings).products,
        # A borderline check goes to a video teller, if the kiosk has one up by then.
        teller_call=lambda: runtime.services.get("teller_call"),
        teller_wait_s=_teller_wait_s(cfg),
    )


def _teller_wait_s(cfg: CoreConfig) -> float:
    """How long a borderline check waits for a teller: the call's own [hub] answer time."""
    from video_teller.settings import HubSettings

    try:
        return float(cfg.section(HubSettings).answer_timeout_s)
    except LookupError:  # a configuration without a [hub] section: no video teller
        return TELLER_WAIT_S


def _vault(root: Path, secrets_dir: Path, retention_s: float) -> Any:
    from identity.privacy import BiometricVault  # cryptography: imported on a worker

    return BiometricVault(root, secrets_dir, retention_s)


def evidence_service(cfg: CoreConfig) -> EvidenceService:
    """The kiosk's signing service for evidence (built lazily, on a worker)."""
    from esign.service import EvidenceService  # cryptography, Pillow: on a worker

    return EvidenceService.from_config(cfg)


def _pin_format(cfg: CoreConfig) -> str:
    from bank_host.settings import BankHostSettings

    try:
        return str(cfg.section(BankHostSettings).pin_format)
    except LookupError:  # a configuration without a [bank] section
        return "iso4"


def mrz_date(yymmdd: str, *, past: bool) -> str:
    """An MRZ date as ISO. A birth date (``past``) is in the last hundred years."""
    if len(yymmdd) != 6 or not yymmdd.isdigit():
        return ""
    yy, mm, dd = int(yymmdd[0:2]), int(yymmdd[2:4]), int(yymmdd[4:6])
    year = 2000 + yy
    if past and year > datetime.now().year:
        year -= 100
    try:
        return date(year, mm, dd).isoformat()
    except ValueError:
        return ""


def _title(markdown: str) -> str:
    """The document's first heading: what the customer saw it called."""
    for line in markdown.splitlines():
        if line.startswith("#"):
            return line.lstrip("#").strip()
    return "-"
