"""One customer's identity check, driven frame by frame (Qt-free).

    session = IdentitySession(settings, vault=vault)
    for frame in camera:                       # on a worker thread, never the UI thread
        event = session.feed(frame.image, frame.timestamp)
        ui.show(event.prompt, event.phase, event.progress)  # the screen words the code
        if event.done: break
    session.close()                            # wipes the biometric data

Phases: ``id_capture`` → ``face_match`` → ``liveness`` → ``result``. Each event carries a
prompt code (:class:`identity.prompts.PromptCode`, or the :class:`Failure` a check ended
with); the screen says it in the customer's language (the Qt catalog), so no words live here.
"""

from __future__ import annotations

import logging
import random
import secrets
from difflib import SequenceMatcher
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from devices.mrz import MRZ
from identity import face_match, id_capture, liveness, mrz_ocr
from identity.events import PHASES, SessionEvent
from identity.privacy import BiometricVault
from identity.prompts import PromptCode
from identity.settings import IdentitySettings
from kiosk_core.failures import Failure

log = logging.getLogger(__name__)
RGB = npt.NDArray[np.uint8]

__all__ = ["PHASES", "IdentitySession", "SessionEvent"]


class IdentitySession:
    def __init__(self, settings: IdentitySettings | None = None, *,
                 vault: BiometricVault | None = None, session_id: str | None = None,
                 rng: random.Random | None = None, id_timeout_s: float = 45.0,
                 face_timeout_s: float = 20.0, no_match_frames: int = 3,
                 on_challenge: Any = None) -> None:
        self.settings = settings or IdentitySettings()
        self.vault = vault
        if vault is not None:
            vault.expire()  # sweep sessions left behind (crash, power cut) past retention
        self.id = session_id or secrets.token_hex(8)
        self.rng = rng or random.SystemRandom()
        self.id_timeout_s, self.face_timeout_s = id_timeout_s, face_timeout_s
        self.no_match_frames = no_match_frames
        self.on_challenge = on_challenge  # called with the challenge name when it is asked
        self.phase = "id_capture"
        self.t_phase: float | None = None
        self.template: face_match.Template | None = None
        self.matcher: face_match.FaceMatcher | None = None
        self.mrz: MRZ | None = None
        self.name_agrees: bool | None = None
        # Stricter: the MRZ name and the printed name read exactly alike (two independent
        # reads agree), so the MRZ name can be printed on a receipt.
        self.name_confirmed = False
        self.match: face_match.MatchResult | None = None
        self._misses = 0
        self._name_reads = 0  # frames read again because the MRZ and printed names differed
        self.live: liveness.LivenessMethod | None = None
        self.attempts = 0
        self._last_prompt = ""
        self.final: SessionEvent | None = None

    # -- events ------------------------------------------------------------------------------

    #: Frames read again while the MRZ name and the printed name disagree.
    NAME_READS = 6

    def _event(self, prompt: str, progress: float, **details: Any) -> SessionEvent:
        return SessionEvent(self.phase, prompt, progress, details=details)

    def _finish(self, passed: bool, reason: str, **details: Any) -> SessionEvent:
        self.phase = "result"
        code = PromptCode.PASSED if passed else reason
        ev = SessionEvent("result", code, 1.0, True, passed, "" if passed else reason, details)
        if self.match is not None:
            ev.details.update(self.match.as_dict())
        if self.mrz is not None:
            ev.details["mrz_valid"] = self.mrz.valid
            ev.details["name_agrees"] = self.name_agrees
        self.final = ev
        log.info("identity session %s: %s (%s)", self.id, "pass" if passed else "fail",
                 reason or "ok")
        return ev

    def _store(self, name: str, img: RGB) -> None:
        if self.vault is None:
            return
        ok, png = cv2.imencode(".png", cv2.cvtColor(img, cv2.COLOR_RGB2BGR))
        if ok:
            self.vault.put(self.id, name, png.tobytes())

    # -- the state machine -------------------------------------------------------------------

    def feed(self, frame: RGB, t: float) -> SessionEvent:
        if self.final is not None:
            return self.final
        if self.t_phase is None:
            self.t_phase = t
        if self.phase == "id_capture":
            return self._id_capture(frame, t)
        if self.phase == "face_match":
            return self._face_match(frame, t)
        return self._liveness(frame, t)

    def _next(self, phase: str, t: float) -> None:
        self.phase, self.t_phase = phase, t

    def _id_capture(self, frame: RGB, t: float) -> SessionEvent:
        assert self.t_phase is not None
        if t - self.t_phase > self.id_timeout_s:
            return self._finish(False, Failure.ID_TIMEOUT)
        cap = id_capture.assess(frame)
        if not cap.ok or cap.card is None:
            return self._event(cap.problems[0] if cap.problems else PromptCode.NO_CARD, 0.05,
                               **cap.metrics)
        try:
            self.template = face_match.encode_id_photo(cap.card)
        except face_match.NoFace:
            return self._event(PromptCode.CARD_NO_FACE, 0.1)
        read = mrz_ocr.read_mrz(cap.card)
        if read.mrz is not None and read.mrz.valid:
            from devices.mrz import names_agree
            from identity.card_layout import NAME_BOX

            printed = mrz_ocr.read_printed(cap.card, NAME_BOX).split(" ", 1)
            confirmed = agrees = False
            if len(printed) == 2:
                # The printed line is read without check digits: allow one misread glyph.
                want = f"{read.mrz.surname} {read.mrz.given_names}"
                confirmed = names_agree(read.mrz, printed[0], printed[1])
                agrees = confirmed or (
                    SequenceMatcher(None, want, " ".join(printed)).ratio() >= 0.9)
            if not confirmed and self._name_reads < self.NAME_READS:
                # The MRZ's check digits do not cover the name: one glyph misread there
                # (EILEEN as EILFEN) goes to the bank, which refuses the name. Read another
                # frame while the two reads disagree; after a few, go on as the fuzzy
                # comparison allows (the name is then not "confirmed").
                self._name_reads += 1
                return self._event(PromptCode.CARD_OK, 0.1)
            self.mrz, self.name_confirmed = read.mrz, confirmed
            if len(printed) == 2:
                self.name_agrees = agrees
        elif read.lines:
            # An MRZ that fails its check digits is a bad read (or a bad card): try again.
            return self._event(PromptCode.MRZ_INVALID, 0.1)
        self._store("id_card", cap.card)
        if self.vault is not None:
            self.vault.put(self.id, "id_template", self.template.encoding.tobytes())
        self.matcher = face_match.FaceMatcher(self.template, self.settings.match_threshold)
        self._next("face_match", t)
        return self._event(PromptCode.PUT_CARD_AWAY, 0.3,
                           mrz_valid=bool(self.mrz and self.mrz.valid))

    def _face_match(self, frame: RGB, t: float) -> SessionEvent:
        assert self.matcher is not None and self.t_phase is not None
        if t - self.t_phase > self.face_timeout_s:
            return self._finish(False, Failure.FACE_TIMEOUT)
        # The card (and its photo) must be gone: its photo is a face that matches itself.
        corners, _ = id_capture.find_card(frame)
        if corners is not None:
            return self._event(PromptCode.PUT_CARD_AWAY, 0.3)
        box = face_match.live_face(frame)
        if box is None:
            return self._event(PromptCode.NO_FACE, 0.3)
        result = self.matcher.compare(frame, box)
        if not result.match:
            self._misses += 1
            if self._misses >= self.no_match_frames:
                self.match = result
                return self._finish(False, Failure.NO_MATCH)
            return self._event(PromptCode.HOLD_STILL, 0.35, distance=result.distance)
        self.match = result
        self._store("live_face", frame)
        self._start_liveness()
        self._next("liveness", t)
        return self._event(PromptCode.HOLD_STILL, 0.5, **result.as_dict())

    def _start_liveness(self, exclude: tuple[str, ...] = ()) -> None:
        self.attempts += 1
        self.live = liveness.make_method(
            self.settings.liveness_method, count=self.settings.liveness_challenges, rng=self.rng,
            exclude=exclude,
            params=liveness.LivenessParams(time_limit_s=self.settings.challenge_time_s,
                                           same_person_threshold=self.settings.match_threshold))
        self._last_prompt = ""

    def _liveness(self, frame: RGB, t: float) -> SessionEvent:
        assert self.live is not None
        up = self.live.feed(frame, t)
        if (up.state == "failed" and up.reason == Failure.TIMEOUT
                and self.attempts < self.settings.liveness_attempts):
            # Someone who could not do one movement (thick glasses hide a blink from the
            # landmarks; a stiff neck) gets other movements. Only a timeout earns a retry:
            # a wrong movement, a swapped face or a screen does not.
            self._start_liveness(exclude=(up.challenge,))
            return self._event(PromptCode.TRY_OTHER, 0.5, failed_challenge=up.challenge)
        if up.state == "failed":
            return self._finish(False, up.reason, challenges=self._challenges(), **up.metrics)
        if up.state == "passed":
            # The person who did the challenge must be the one matched to the ID.
            assert self.matcher is not None
            base_enc = getattr(self.live, "base_enc", None)
            if base_enc is not None:
                d = float(np.linalg.norm(base_enc - self.matcher.template.encoding))
                if d > self.matcher.threshold:
                    return self._finish(False, Failure.PERSON_CHANGED, liveness_id_distance=d)
            return self._finish(True, "", challenges=self._challenges(), **up.metrics)
        if up.prompt != self._last_prompt:
            self._last_prompt = up.prompt
            if up.prompt.startswith("do_") and self.on_challenge is not None:
                # The challenge as the simulator's act() takes it (follow_dot: with its path).
                self.on_challenge(getattr(up, "action", "") or up.prompt[3:])
        progress = 0.5 + 0.5 * up.index / max(up.total, 1)
        # follow_dot: where the screen draws the dot now (0..1 of the camera view).
        dot = getattr(up, "dot", None)
        extra = {"dot_x": dot[0], "dot_y": dot[1]} if dot is not None else {}
        return self._event(up.prompt, progress, challenge=up.challenge, index=up.index,
                           total=up.total, **extra)

    def _challenges(self) -> list[str]:
        return list(getattr(self.live, "challenges", []))

    def close(self) -> None:
        """End the session: wipe everything stored for it."""
        if self.vault is not None:
            self.vault.wipe(self.id)
        self.template = self.matcher = None
        self.live = None
