"""What a remote video teller may do on this kiosk (video_teller.api.TellerActions).

The call session (video_teller.kiosk.call) receives an action over the data channel,
journals it with the teller's id and hands it here; this module knows the flows and
refuses what the customer's current state does not allow, saying why in plain words.
Runs on a worker thread (printing and signing wait on devices and disk), never the GUI's.

Which flow the customer is in is told by the screens through :class:`CurrentFlow`
(``runtime.services["current_flow"]``): the card session while its page is open, else none
(the menu). Personal data (the ID frame, names) is read from the session's memory only.
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
import threading
from collections.abc import Callable, Mapping
from typing import Any

from customer_flows.card_session import BUSY, MIN_INK, CardIssuanceSession, ink
from kiosk_core.clock import local_now
from video_teller.api import ActionOutcome
from video_teller.channel import ActionName

#: A failed face match this close above the threshold is "borderline": a teller who sees
#: the customer and the ID on video may approve it. Further off, no one may. The kiosk's
#: band is ``[identity] teller_band``; this is its default.
BORDERLINE_MARGIN = 0.08
#: Liveness results a teller may overrule by seeing the customer live (not a spoof).
_TELLER_CAN_SEE = {"fail_timeout", "fail_wrong_action"}
#: The ID frame sent to the console: small enough for one data-channel message.
ID_IMAGE_WIDTH = 480
MAX_TITLE = 60
MAX_TEXT = 8000
MAX_PRINT_TEXT = 1000
PRINT_TIMEOUT_S = 30.0
_DOC_ID = re.compile(r"^[0-9a-f]{16}$")

NOT_NOW = "not_allowed_now"
#: Card-session states with a failed identity check a teller may decide on.
_DECIDABLE = ("identity_failed", "identity_borderline")


class CurrentFlow:
    """The flow session on screen, set and cleared by its page (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._name: str | None = None
        self._session: Any = None

    def set(self, name: str, session: Any) -> None:
        with self._lock:
            self._name, self._session = name, session

    def clear(self, session: Any) -> None:
        with self._lock:
            if self._session is session:
                self._name, self._session = None, None

    def get(self) -> tuple[str | None, Any]:
        with self._lock:
            return self._name, self._session


def current_flow(runtime: Any) -> CurrentFlow:
    """The runtime's one CurrentFlow (made on first use)."""
    found = runtime.services.get("current_flow")
    if not isinstance(found, CurrentFlow):
        found = runtime.services["current_flow"] = CurrentFlow()
    return found


def borderline(result: Mapping[str, Any], band: float = BORDERLINE_MARGIN) -> bool:
    """May a teller approve this failed identity check? Only when the ID itself read
    correctly and the face is close: a near miss of the match, or a liveness challenge not
    completed (the teller sees the person live) with a face that matched."""
    if result.get("passed") or not result.get("mrz_valid"):
        return False
    distance, threshold = result.get("distance"), result.get("threshold")
    if not isinstance(distance, int | float) or not isinstance(threshold, int | float):
        return False
    reason = result.get("reason")
    if reason == "fail_no_match":
        return distance <= threshold + band
    return reason in _TELLER_CAN_SEE and distance <= threshold


def jpeg_data_url(rgb: Any, width: int = ID_IMAGE_WIDTH) -> str:
    from PIL import Image

    img = Image.fromarray(rgb)
    if img.width > width:
        img = img.resize((width, round(img.height * width / img.width)))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=70)
    return "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


class KioskTellerActions:
    def __init__(
        self, *, current: CurrentFlow, devices: Mapping[str, Any], kiosk: Mapping[str, str],
        evidence: Callable[[], Any] | None = None, language: str = "en_US",
        teller_band: float = BORDERLINE_MARGIN,
    ) -> None:
        self.current = current
        self.teller_band = teller_band  # [identity] teller_band
        self.devices = devices
        self.kiosk = dict(kiosk)
        self._evidence_factory = evidence
        self._evidence: Any = None
        self.language = language
        self._documents: dict[str, Any] = {}  # doc id -> esign.terms.TermsDocument
        self._lock = threading.Lock()

    # -- context ------------------------------------------------------------------------

    def _card(self) -> CardIssuanceSession | None:
        _, session = self.current.get()
        if isinstance(session, CardIssuanceSession) and not session.closed:
            return session
        return None

    def context(self) -> dict[str, Any]:
        name, _ = self.current.get()
        card = self._card()
        out: dict[str, Any] = {"flow": name, "step": None, "state": "menu",
                               "language": self.language, "allowed": self._allowed(card),
                               "handback_steps": []}
        if card is None:
            return out
        snap = card.snapshot()
        result, frame = card.identity_facts()
        out.update(step=snap.state, state=snap.state, language=card.language,
                   customer=snap.customer_name, handback_steps=card.handback_steps())
        if result:
            out.update(face_distance=result.get("distance"),
                       match_threshold=result.get("threshold"),
                       liveness=result.get("liveness")
                       or ("borderline" if borderline(result, self.teller_band) else None))
        if frame is not None:
            out["id_image"] = jpeg_data_url(frame)
        return out

    def _allowed(self, card: CardIssuanceSession | None) -> list[str]:
        allowed: list[str] = []
        state = card.state if card is not None else "menu"
        if card is not None:
            result, _ = card.identity_facts()
            # identity_borderline: the kiosk itself sent this check to a teller.
            if state in _DECIDABLE and borderline(result, self.teller_band):
                allowed.append(ActionName.IDENTITY_APPROVE)
            if state in (*_DECIDABLE, "identity", "identity_passed", "signature"):
                allowed.append(ActionName.IDENTITY_DECLINE)
            if state in (*_DECIDABLE, "identity", "identity_passed"):
                allowed.append(ActionName.IDENTITY_RETRY_ID)
            if card.handback_steps():
                allowed.append(ActionName.HANDBACK)
        if state not in BUSY:  # never in the middle of the card flow's own device work
            allowed += [ActionName.DOCUMENT_SIGN]
            printer = self.devices.get("printer")
            if printer is not None and getattr(printer, "can_print", False):
                allowed.append(ActionName.PRINT)
        return allowed

    # -- actions ------------------------------------------------------------------------

    def perform(self, name: str, args: dict[str, Any], *, teller_id: str) -> ActionOutcome:
        if name == "document.complete":  # the customer signed a pushed document
            return self._complete(args, teller_id)
        card = self._card()
        if name not in self._allowed(card):
            state = card.state if card is not None else "menu"
            return ActionOutcome(False, NOT_NOW, f"not possible now (the customer is at: "
                                                 f"{state})")
        if name == ActionName.IDENTITY_APPROVE and card is not None:
            ok = card.teller_approve_identity()
            return ActionOutcome(ok, "" if ok else NOT_NOW,
                                 "identity approved" if ok else "the check is no longer open")
        if name == ActionName.IDENTITY_DECLINE and card is not None:
            ok = card.teller_decline()
            return ActionOutcome(ok, "" if ok else NOT_NOW, "identity declined" if ok else "")
        if name == ActionName.IDENTITY_RETRY_ID and card is not None:
            ok = card.teller_retry_id()
            return ActionOutcome(ok, "" if ok else NOT_NOW,
                                 "the customer is asked to show the ID again" if ok else "")
        if name == ActionName.HANDBACK and card is not None:
            step = str(args.get("step", ""))
            ok = card.teller_handback(step)
            return ActionOutcome(ok, "" if ok else "bad_step",
                                 f"back to self-service at {step}" if ok
                                 else f"cannot hand back at {step!r}; "
                                      f"possible: {', '.join(card.handback_steps())}",
                                 {"step": step, "end_call": ok})
        if name == ActionName.PRINT:
            return self._print(args, teller_id)
        if name == ActionName.DOCUMENT_SIGN:
            return self._push_document(args)
        return ActionOutcome(False, "unknown", f"unknown action {name!r}")

    def _text_arg(self, args: Mapping[str, Any], key: str, limit: int) -> str:
        value = args.get(key, "")
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"{key}: required text")
        if len(value) > limit:
            raise ValueError(f"{key}: longer than {limit} characters")
        return value.strip()

    def _print(self, args: Mapping[str, Any], teller_id: str) -> ActionOutcome:
        from receipts.printing import print_template

        try:
            title = self._text_arg(args, "title", MAX_TITLE)
            body = self._text_arg(args, "text", MAX_PRINT_TEXT)
        except ValueError as exc:
            return ActionOutcome(False, "bad_args", str(exc))
        printer = self.devices.get("printer")
        if printer is None:
            return ActionOutcome(False, "device_missing", "this kiosk has no printer")
        language = args.get("language") or self.language
        if language not in ("zh_CN", "en_US"):
            language = self.language
        values = {"branch": self.kiosk.get("branch") or "-",
                  "kiosk_id": self.kiosk.get("kiosk_id") or "-", "title": title,
                  "body": body, "teller_id": teller_id[:32],
                  "printed_at": local_now(self.kiosk.get("timezone") or "UTC")}
        try:
            outcome = print_template(printer, "teller_document", language, values).result(
                timeout=PRINT_TIMEOUT_S)
        except Exception as exc:
            return ActionOutcome(False, "printer", f"not printed: {exc}")
        info = {"job_id": outcome.job_id, "outcome": str(outcome.result),
                "reason": str(outcome.reason)}
        if not outcome.printed:
            what = "stopped part-way" if outcome.result == "partial" else "not printed"
            return ActionOutcome(False, "printer", f"{what}: {outcome.error or 'printer'}", info)
        if not outcome.cut:  # the teller tells the customer to tear it off
            return ActionOutcome(True, "", "printed, not cut (cutter jammed): tear it off", info)
        return ActionOutcome(True, "", "printed", info)

    def _push_document(self, args: Mapping[str, Any]) -> ActionOutcome:
        from esign.terms import TermsDocument

        try:
            title = self._text_arg(args, "title", MAX_TITLE)
            text = self._text_arg(args, "text", MAX_TEXT)
        except ValueError as exc:
            return ActionOutcome(False, "bad_args", str(exc))
        language = str(args.get("language") or self.language)
        body = f"# {title}\n\n{text}\n"
        data = body.encode("utf-8")
        sha = hashlib.sha256(data).hexdigest()
        doc = TermsDocument(id="teller-document", version=sha[:12], language=language,
                            text=body, sha256=sha, data=data)
        doc_id = sha[:16]
        with self._lock:
            self._documents[doc_id] = doc
        return ActionOutcome(True, "", "shown to the customer",
                             {"doc_id": doc_id, "sha256": sha, "title": title, "text": body,
                              "language": language})

    def _complete(self, args: Mapping[str, Any], teller_id: str) -> ActionOutcome:
        """Sign and keep the evidence for a pushed document the customer signed."""
        doc_id = str(args.get("doc_id", ""))
        with self._lock:
            doc = self._documents.get(doc_id) if _DOC_ID.match(doc_id) else None
        if doc is None:
            return ActionOutcome(False, "unknown", "no such document was shown")
        strokes = args.get("strokes")
        pad = args.get("pad")
        if not isinstance(strokes, list) or not isinstance(pad, list | tuple) or len(pad) != 2:
            return ActionOutcome(False, "bad_args", "strokes and pad [width, height] required")
        if ink(strokes) < MIN_INK:
            return ActionOutcome(False, "bad_args", "not enough ink to be a signature")
        if self._evidence_factory is None:
            return ActionOutcome(False, "evidence", "no evidence service on this kiosk")
        if self._evidence is None:
            self._evidence = self._evidence_factory()
        call_id = str(args.get("call_id") or "call")
        flow_id = re.sub(r"[^A-Za-z0-9._-]", "-", f"teller-{doc_id}-{call_id}")[:128]
        try:
            signed = self._evidence.sign_and_store(
                strokes=strokes, pad=(float(pad[0]), float(pad[1])), document=doc,
                signed_at=local_now(self.kiosk.get("timezone") or "UTC"),
                session_id=call_id, flow_id=flow_id)
        except Exception as exc:
            return ActionOutcome(False, "evidence", f"signature not kept: {exc}")
        with self._lock:
            self._documents.pop(doc_id, None)
        record = signed.record
        return ActionOutcome(True, "", "signed", {
            "doc_id": doc_id, "document_sha256": record.document_sha256,
            "record_id": flow_id, "key_id": record.key_id, "teller_id": teller_id})
