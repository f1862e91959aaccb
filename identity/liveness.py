"""Liveness: randomised challenge-response, judged against the person's own baseline.

Method ``geometric`` (default). Landmarks: MediaPipe's face mesh (:mod:`identity.face_mesh`,
Apache-2.0) read at the 68 iBUG positions; the same-person check uses dlib's CC0 encoder.
Other methods register under :data:`METHODS` (same ``feed`` protocol); the names a config
may use are :data:`identity.methods.METHOD_NAMES`, checked when the config loads.

* Baseline: the first frames with a face give the person's own open-eye EAR, mouth width
  and nose position (a fixed EAR threshold fails: open eyes range 0.13–0.50 across faces).
* turn left/right — with the mesh: the mean of the nose offset change and the nose's
  parallax (how far the nose tip leaves the homography that maps the outer face from the
  baseline, :func:`identity.face_mesh.nose_parallax`) reaches ``turn_score`` IOD the asked
  way, both in that direction. A flat photo, however tilted, keeps its points in one plane
  (synthetic set: ≤ 0.063; a turned head 0.08–0.23). With a 68-point landmarker: nose
  offset ≥ ``turn_yaw`` AND homography residual ≥ ``turn_residual``.
* smile — mouth width ≥ ``smile_ratio`` × baseline on ≥ 2 consecutive frames, face frontal.
* blink — EAR below ``blink_ratio`` × baseline on ≥ 2 consecutive frames, and **asked only
  where it is measurable for this face**: once a natural blink has been seen to dip the EAR
  that far. Behind thick rims the eyelid points hardly move; such a face is given another
  challenge instead (``substituted`` in the metrics), so every face can pass.
* An unasked turn or smile fails the check (a replayed video does the wrong thing) — but
  only when clear (a turn at 1.5× the thresholds on 2 frames, a smile on 4): failing a
  genuine person needs more evidence than passing a challenge. Mouth and nose ratios are
  median-filtered over 3 frames. Blinks are never held against anyone (people blink).
* Same person: the face is encoded at the baseline and at every completed challenge; a
  distance above the threshold fails (a swap mid-challenge).
* Passive: a high-band FFT peak score (screen moiré, halftone print) is recorded as
  supporting evidence; only an extreme score fails on its own, because real and attack
  scores overlap.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import cv2
import numpy as np
import numpy.typing as npt

from identity import faces
from identity.methods import METHODS, resolve

RGB = npt.NDArray[np.uint8]
CHALLENGES = ("blink", "turn_left", "turn_right", "smile")
Landmarker = Callable[[RGB, faces.Box], faces.Points]


def mesh_landmarks(frame: RGB, box: faces.Box) -> faces.Points:
    """The 68 iBUG positions read from the mesh, followed by the whole mesh (468 points) for
    the parallax test: rows 0–67 work with every helper in :mod:`identity.faces`."""
    from identity import face_mesh

    return face_mesh.landmarks_with_mesh(frame, box)


@dataclass(frozen=True)
class LivenessParams:
    baseline_frames: int = 5
    blink_ratio: float = 0.70
    blink_frames: int = 2
    turn_yaw: float = 0.12
    turn_residual: float = 0.045
    turn_score: float = 0.07
    smile_ratio: float = 1.10
    smile_frames: int = 2
    smile_max_yaw: float = 0.08
    neutral_yaw: float = 0.06
    neutral_frames: int = 3
    same_person_threshold: float = 0.5
    moire_fail: float = 60.0  # passive score that fails alone (synthetic set: live ~22)
    time_limit_s: float = 6.0
    baseline_timeout_s: float = 8.0
    face_lost_grace_s: float = 0.7
    same_person_every_s: float = 1.0  # re-encode a neutral face this often mid-challenge


@dataclass
class LivenessUpdate:
    """What the UI shows after a frame. ``prompt`` is a message code (identity.messages)."""

    state: str  # "baseline" | "challenge" | "passed" | "failed"
    prompt: str
    challenge: str = ""
    index: int = 0  # challenges completed
    total: int = 0
    reason: str = ""  # message code when failed
    face_box: faces.Box | None = None
    metrics: dict[str, float] = field(default_factory=dict)

    @property
    def done(self) -> bool:
        return self.state in ("passed", "failed")


class LivenessMethod(Protocol):
    name: str
    models: tuple[str, ...]

    def feed(self, frame: RGB, t: float) -> LivenessUpdate: ...


def moire_score(frame: RGB, box: faces.Box) -> float:
    """Peakiness of the high spatial frequencies inside the face: max / median magnitude in
    the outer band of the spectrum. Screens (pixel grid beating with the sensor) and halftone
    prints give sharp peaks there; skin gives a smooth fall-off."""
    g = cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY)
    crop = g[max(0, box.top):box.bottom, max(0, box.left):box.right]
    if crop.size < 400:
        return 0.0
    crop = cv2.resize(crop, (128, 128), interpolation=cv2.INTER_AREA).astype(np.float32)
    crop -= crop.mean()
    win = np.outer(np.hanning(128), np.hanning(128)).astype(np.float32)
    mag = np.abs(np.fft.fftshift(np.fft.fft2(crop * win)))
    yy, xx = np.mgrid[-64:64, -64:64]
    r = np.sqrt(xx**2 + yy**2) / 64.0
    band = mag[(r > 0.35) & (r < 0.95)]
    return float(band.max() / (np.median(band) + 1e-6))


Encoder = Callable[[RGB, faces.Box], npt.NDArray[np.float64]]


class GeometricChallenge:
    name: str = "geometric"
    models: tuple[str, ...] = (
        "dlib HOG detector (Boost)", "MediaPipe face mesh v1 (Apache-2.0)",
        "dlib_face_recognition_resnet_model_v1 (CC0)")

    def __init__(self, challenges: list[str] | None = None, *, count: int = 3,
                 params: LivenessParams | None = None, rng: random.Random | None = None,
                 encoder: Encoder | None = faces.encode, exclude: tuple[str, ...] = (),
                 landmarks: Landmarker = mesh_landmarks) -> None:
        self.p = params or LivenessParams()
        # SystemRandom: an attacker must not be able to predict the order.
        self.rng = rng or random.SystemRandom()
        self.drawn = challenges is None
        if challenges is None:
            pool = [c for c in CHALLENGES if c not in exclude]
            self.rng.shuffle(pool)
            challenges = pool[:count]
        bad = [c for c in challenges if c not in CHALLENGES]
        if bad or not challenges:
            raise ValueError(f"unknown challenge(s) {bad}; have {CHALLENGES}")
        self.challenges = list(challenges)
        self.exclude = exclude
        self.encoder = encoder
        self.landmarks = landmarks
        self.blink_measured = False  # a natural blink dipped the EAR below blink_ratio
        self.substituted = 0
        self._base: list[tuple[float, float, float, faces.Points]] = []
        self.base_ear = self.base_mwr = self.base_yaw = 0.0
        self.ref_pts: faces.Points | None = None
        self.base_enc: npt.NDArray[np.float64] | None = None
        self.index = 0
        self.t_start: float | None = None
        self.t_challenge = 0.0
        self.armed = False
        self._blink_run = self._smile_run = self._dip_run = 0
        self.moire: list[float] = []
        self.distances: list[float] = []
        self.frames = 0
        self.final: LivenessUpdate | None = None
        self._t_face = float("-inf")
        self._t_checked = 0.0
        self._neutral_run = 0
        self._hist: list[tuple[float, float]] = []
        self._turn_run = 0
        self._last_prompt = ""

    # -- helpers ---------------------------------------------------------------------------

    def _update(self, state: str, prompt: str, box: faces.Box | None = None,
                reason: str = "", /, **metrics: float) -> LivenessUpdate:
        self._last_prompt = prompt
        ch = self.challenges[self.index] if self.index < len(self.challenges) else ""
        up = LivenessUpdate(state, prompt, ch, self.index, len(self.challenges), reason, box,
                            dict(metrics))
        if up.done:
            up.metrics["moire_median"] = float(np.median(self.moire)) if self.moire else 0.0
            if self.distances:
                up.metrics["same_person_max_distance"] = max(self.distances)
            up.metrics["substituted"] = float(self.substituted)
            self.final = up
        return up

    def _fail(self, reason: str, box: faces.Box | None = None, /, **m: float) -> LivenessUpdate:
        return self._update("failed", reason, box, reason, **m)

    def _same_person(self, frame: RGB, box: faces.Box) -> bool:
        if self.encoder is None or self.base_enc is None:
            return True
        d = faces.distance(self.encoder(frame, box), self.base_enc)
        self.distances.append(d)
        return d <= self.p.same_person_threshold

    # -- the protocol ----------------------------------------------------------------------

    def feed(self, frame: RGB, t: float) -> LivenessUpdate:
        if self.final is not None:
            return self.final
        if self.t_start is None:
            self.t_start = t
        self.frames += 1
        from identity.face_match import live_face

        box = live_face(frame)
        if box is None:
            if self._base == [] and t - self.t_start > self.p.baseline_timeout_s:
                return self._fail("fail_face_timeout")
            if self._base and t - self.t_challenge > self.p.time_limit_s:
                return self._fail("fail_timeout")
            in_baseline = len(self._base) < self.p.baseline_frames
            # A face lost for a frame or two (mid-turn, motion) keeps the prompt steady:
            # a flickering prompt makes people start the movement again.
            recent = t - self._t_face < self.p.face_lost_grace_s
            prompt = self._last_prompt if recent and self._last_prompt else "no_face"
            return self._update("baseline" if in_baseline else "challenge", prompt)
        self._t_face = t
        pts = self.landmarks(frame, box)
        ear = faces.eye_aspect_ratio(pts)
        # Mouth and nose ratios jitter by ~5 % frame to frame (more behind glasses): a
        # running median of 3 keeps one noisy frame from starting or ending a movement.
        # EAR stays raw: a blink lasts only a few frames.
        self._hist.append((faces.mouth_width_ratio(pts), faces.yaw_ratio(pts)))
        del self._hist[:-3]
        mwr, yaw = (float(v) for v in np.median(np.array(self._hist), axis=0))
        if self.frames % 3 == 1:
            self.moire.append(moire_score(frame, box))
        m = {"ear": ear, "mouth": mwr, "yaw": yaw}

        if len(self._base) < self.p.baseline_frames:
            if t - self.t_start > self.p.baseline_timeout_s:
                return self._fail("fail_face_timeout", box)
            self._base.append((ear, mwr, yaw, pts))
            if len(self._base) < self.p.baseline_frames:
                return self._update("baseline", "hold_still", box, **m)
            arr = np.array([b[:3] for b in self._base])
            self.base_ear, self.base_mwr, self.base_yaw = (float(v) for v in np.median(arr, 0))
            self.ref_pts = self._base[-1][3]
            if self.encoder is not None:
                self.base_enc = self.encoder(frame, box)
            self.t_challenge = self._t_checked = t
            self.armed = True
            self._substitute_blink()
            return self._update("challenge", f"do_{self.challenges[0]}", box, **m)

        assert self.ref_pts is not None
        if self.moire and np.median(self.moire) > self.p.moire_fail and len(self.moire) >= 3:
            return self._fail("fail_not_live", box, **m)
        if t - self.t_challenge > self.p.time_limit_s:
            return self._fail("fail_timeout", box, **m)
        # Any blink (asked or natural) deep enough, seen on consecutive frames, shows this
        # face's blinks can be measured.
        self._dip_run = self._dip_run + 1 if ear < self.base_ear * self.p.blink_ratio else 0
        if self._dip_run >= self.p.blink_frames:
            self.blink_measured = True
        dyaw = yaw - self.base_yaw
        neutral = (abs(dyaw) < self.p.neutral_yaw and mwr < self.base_mwr * 1.05
                   and ear > self.base_ear * 0.85)
        # (not mid-blink nor mid-smile: those encodings drift even for the same person)
        if (abs(dyaw) < self.p.neutral_yaw and mwr < self.base_mwr * 1.05
                and ear > self.base_ear * self.p.blink_ratio
                and t - self._t_checked >= self.p.same_person_every_s):
            # A face swapped in mid-check (~60 ms of encoding, about once a second).
            self._t_checked = t
            if not self._same_person(frame, box):
                return self._fail("fail_person_changed", box, **m)
        if not self.armed:
            # After an action, wait for the neutral face; then check it is still the same
            # person (encodings of closed eyes or a turned head are not comparable).
            # Neutral for a few frames in a row: one noisy landmark frame in the middle of a
            # held smile must not start the next challenge while the person still smiles.
            self._neutral_run = self._neutral_run + 1 if neutral else 0
            if self._neutral_run < self.p.neutral_frames:
                return self._update("challenge", "well_done", box, **m)
            self._neutral_run = 0
            if not self._same_person(frame, box):
                return self._fail("fail_person_changed", box, **m)
            self.armed = True
            if self.index >= len(self.challenges):
                return self._update("passed", "well_done", box, **m)
            self.t_challenge = t
            self._substitute_blink()
            return self._update("challenge", self._prompt(), box, **m)

        turned, clear_turn = self._turn(pts, dyaw, m)
        self._blink_run = self._blink_run + 1 if ear < self.base_ear * self.p.blink_ratio else 0
        # Mouth width is measured in inter-ocular distances, which shrink as the head turns:
        # only a frontal face can show a smile.
        smiling = mwr >= self.base_mwr * self.p.smile_ratio and abs(dyaw) < self.p.smile_max_yaw
        self._smile_run = self._smile_run + 1 if smiling else 0
        done = {
            "blink": self._blink_run >= self.p.blink_frames,
            "smile": self._smile_run >= self.p.smile_frames,
            "turn_left": turned == "turn_left",
            "turn_right": turned == "turn_right",
        }
        want = self.challenges[self.index]
        # Failing a person for a wrong movement needs more evidence than passing a challenge.
        self._turn_run = self._turn_run + 1 if turned and clear_turn else 0
        sure = {"turn_left": self._turn_run >= 2, "turn_right": self._turn_run >= 2,
                "smile": self._smile_run >= self.p.smile_frames + 2}
        wrong = [c for c in sure if c != want and done[c] and sure[c]]
        if wrong and not done[want]:
            return self._fail("fail_wrong_action", box, **m)
        if not done[want]:
            return self._update("challenge", f"do_{want}", box, **m)
        self.index += 1
        self._blink_run = self._smile_run = self._turn_run = 0
        self.armed = False
        self.t_challenge = t
        return self._update("challenge", "well_done", box, **m)

    def _turn(self, pts: faces.Points, dyaw: float, m: dict[str, float]) -> tuple[str, bool]:
        """The turn seen in this frame ("" if none) and whether it is clear enough to fail
        a person for it (1.5× the thresholds)."""
        assert self.ref_pts is not None
        if len(pts) > 68 and len(self.ref_pts) > 68:  # the mesh: nose parallax
            from identity.face_mesh import nose_parallax

            par = nose_parallax(self.ref_pts[68:], pts[68:])
            score = (dyaw + par) / 2 if dyaw * par > 0 else 0.0
            m["parallax"], m["turn_score"] = par, score
            if abs(score) < self.p.turn_score:
                return "", False
            return ("turn_left" if score > 0 else "turn_right",
                    abs(score) >= 1.5 * self.p.turn_score)
        resid = faces.homography_residual(self.ref_pts, pts) if abs(dyaw) >= self.p.turn_yaw \
            else 0.0
        m["residual"] = resid
        if resid < self.p.turn_residual:
            return "", False
        return ("turn_left" if dyaw > 0 else "turn_right",
                abs(dyaw) >= 1.5 * self.p.turn_yaw and resid >= 1.5 * self.p.turn_residual)

    def _substitute_blink(self) -> None:
        """A drawn blink is asked only where this face's blinks were seen to register;
        otherwise another movement takes its place (not the one before or after it, nor one
        that timed out in the last attempt if others are left). Such a face is asked one
        movement more: three movements have fewer orders than four, and a recording that
        happens to fit the order must stay as unlikely."""
        if (not self.drawn or self.blink_measured
                or self.challenges[self.index] != "blink"):
            return
        others = [c for c in CHALLENGES if c != "blink" and c not in self.exclude] \
            or [c for c in CHALLENGES if c != "blink"]
        prev = self.challenges[self.index - 1] if self.index else ""
        nxt = self.challenges[self.index + 1] if self.index + 1 < len(self.challenges) else ""
        self.challenges[self.index] = self.rng.choice(
            [c for c in others if c not in (prev, nxt)] or others)
        if not self.substituted:
            last = self.challenges[-1]
            self.challenges.append(self.rng.choice([c for c in others if c != last] or others))
        self.substituted += 1

    def _prompt(self) -> str:
        return f"do_{self.challenges[self.index]}" if self.index < len(self.challenges) \
            else "well_done"


def make_method(name: str = "geometric", **kw: object) -> LivenessMethod:
    factory: Callable[..., LivenessMethod] = resolve(name)
    return factory(**kw)


__all__ = [
    "CHALLENGES",
    "METHODS",
    "GeometricChallenge",
    "LivenessMethod",
    "LivenessParams",
    "LivenessUpdate",
    "make_method",
    "moire_score",
]
