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
CHALLENGES = ("blink", "turn_left", "turn_right", "smile", "nod", "follow_dot")
#: Where the dot may go (screen offsets from the centre, in units of ``dot_amplitude``;
#: y down): the customer follows it with their head.
DOT_WAYPOINTS = {"left": (-1.0, 0.0), "right": (1.0, 0.0), "up": (0.0, -1.0),
                 "down": (0.0, 1.0)}
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
    turn_score: float = 0.0757  # bench.liveness_tune on the tuning set (issue 16)
    nod_score: float = 0.0461  # mean of pitch change and vertical nose parallax, IOD (tuned)
    nod_frames: int = 2
    neutral_pitch: float = 0.05
    dot_waypoints: int = 3
    dot_amplitude: float = 0.3  # screen fraction from the centre
    dot_lead_s: float = 0.6  # the dot waits in the centre first
    dot_move_s: float = 0.8  # from one waypoint to the next
    dot_hold_s: float = 0.6  # rests at each waypoint
    dot_max_lag_s: float = 0.6  # the head may trail the dot by up to this
    dot_min_corr: float = 0.6  # head track vs. dot path (cosine, best lag)
    dot_min_move: float = 0.04  # head movement towards each waypoint, IOD score
    dot_wrong_corr: float = 0.2  # clear movement this badly matched fails outright
    smile_ratio: float = 1.128  # tuned
    smile_frames: int = 2
    smile_max_yaw: float = 0.08
    neutral_yaw: float = 0.06
    neutral_frames: int = 3
    #: Back at rest between movements: the head within this of the baseline's pitch (people
    #: seldom come back to exactly where they started) and its scores below this fraction
    #: of the thresholds.
    rest_pitch: float = 0.09
    rest_score: float = 0.75
    face_front_after_s: float = 1.5  # still not at rest: ask the customer to face the screen
    same_person_threshold: float = 0.5
    moire_fail: float = 48.5  # passive score that fails alone (tuned; tuning set: live ≤ 26)
    time_limit_s: float = 6.0
    baseline_timeout_s: float = 8.0
    face_lost_grace_s: float = 0.7
    same_person_every_s: float = 1.0  # re-encode a neutral face this often mid-challenge
    confirm_s: float = 0.6  # a failed check is decided on the best frame of this long after


@dataclass
class LivenessUpdate:
    """What the UI shows after a frame. ``prompt`` is an identity.prompts.PromptCode."""

    state: str  # "baseline" | "challenge" | "passed" | "failed"
    prompt: str
    challenge: str = ""
    index: int = 0  # challenges completed
    total: int = 0
    reason: str = ""  # message code when failed
    face_box: faces.Box | None = None
    metrics: dict[str, float] = field(default_factory=dict)
    #: follow_dot: where the screen draws the dot now (x, y in 0..1 of the camera view,
    #: y down), None when no dot is shown.
    dot: tuple[float, float] | None = None
    #: What the customer is asked to do, as the simulator's ``act()`` takes it: the
    #: challenge name; for follow_dot with its path (``follow_dot@T:X,Y;…``).
    action: str = ""

    @property
    def done(self) -> bool:
        return self.state in ("passed", "failed")


class LivenessMethod(Protocol):
    name: str
    models: tuple[str, ...]

    def feed(self, frame: RGB, t: float) -> LivenessUpdate: ...


MOIRE_WINDOW = 128  # px of the camera frame, at its own resolution


def _moire_band() -> tuple[npt.NDArray[np.float32], npt.NDArray[np.bool_]]:
    n = MOIRE_WINDOW
    yy, xx = np.mgrid[-n // 2:n // 2, -n // 2:n // 2]
    r = np.sqrt(xx**2 + yy**2) / (n / 2)
    return np.outer(np.hanning(n), np.hanning(n)).astype(np.float32), (r > 0.35) & (r < 0.95)


_MOIRE_WIN, _MOIRE_BAND = _moire_band()


CHIN = 8


def pitch_ratio(pts: faces.Points) -> tuple[float, float]:
    """The nose tip's depth below the eye line as a fraction of the chin's (measured
    perpendicular to the line between the eyes, so a rolled head reads the same), and the
    chin's in inter-ocular distances. The fraction grows as the head nods down: the nose
    stands out in front of the eyes, the chin lies behind them. A flat picture leaned back
    or turned shrinks both distances alike and keeps the fraction (unlike a ratio to the
    eye distance, which a turn shortens)."""
    # Eye corners, not lids: a blink must not move the eye line.
    right, left = pts[[36, 39]].mean(0), pts[[42, 45]].mean(0)
    axis = left - right
    iod = max(float(np.linalg.norm(axis)), 1e-6)
    down = np.array([-axis[1], axis[0]]) / iod
    mid = (left + right) / 2
    chin = max(float(np.dot(pts[CHIN] - mid, down)), 1e-6)
    return float(np.dot(pts[faces.NOSE_TIP] - mid, down)) / chin, chin / iod


def dot_keyframes(path: list[str], p: LivenessParams) -> tuple[tuple[float, float, float], ...]:
    """The dot's keyframes (t, x, y): in the centre for ``dot_lead_s``, then to each
    waypoint of ``path`` in turn (``dot_move_s``, resting ``dot_hold_s``), back to the
    centre."""
    keys = [(0.0, 0.5, 0.5), (p.dot_lead_s, 0.5, 0.5)]
    t = p.dot_lead_s
    for name in path:
        dx, dy = DOT_WAYPOINTS[name]
        x, y = 0.5 + p.dot_amplitude * dx, 0.5 + p.dot_amplitude * dy
        t += p.dot_move_s
        keys.append((t, x, y))
        t += p.dot_hold_s
        keys.append((t, x, y))
    keys.append((t + p.dot_move_s, 0.5, 0.5))
    return tuple(keys)


def _dot_positions(keys: tuple[tuple[float, float, float], ...], u: npt.NDArray[np.float64]
                   ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    ts = np.array([k[0] for k in keys])
    return (np.interp(u, ts, [k[1] for k in keys]), np.interp(u, ts, [k[2] for k in keys]))


def moire_score(frame: RGB, box: faces.Box) -> float:
    """Peakiness of the high spatial frequencies at the face: max / median magnitude in the
    outer band of the spectrum of a 128 px window centred on the face box. Screens (pixel
    grid beating with the sensor) and halftone prints give sharp peaks there; skin gives a
    smooth fall-off.

    The window is taken at the frame's own resolution: a screen's stripes sit near the
    sensor's Nyquist limit, and resampling the face box to a fixed size (as this did until
    issue 16) filtered or aliased them out of the band whenever the box was a little larger
    or smaller — a screen replay then scored like skin (``hopper``'s replays, 13 against 12)."""
    n = MOIRE_WINDOW
    h, w = frame.shape[:2]
    if box.right - box.left < 20 or box.bottom - box.top < 20 or h < n or w < n:
        return 0.0
    cx, cy = (box.left + box.right) // 2, (box.top + box.bottom) // 2
    x0, y0 = min(max(0, cx - n // 2), w - n), min(max(0, cy - n // 2), h - n)
    g = cv2.cvtColor(np.ascontiguousarray(frame[y0:y0 + n, x0:x0 + n]), cv2.COLOR_RGB2GRAY)
    crop = g.astype(np.float32)
    crop -= crop.mean()
    mag = np.abs(np.fft.fftshift(np.fft.fft2(crop * _MOIRE_WIN)))
    band = mag[_MOIRE_BAND]
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
        self._base: list[tuple[float, float, float, float, float, faces.Points]] = []
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
        self._t_now = 0.0
        self._t_checked = 0.0
        self._neutral_run = 0
        #: A same-person check failed at this time: the best frame of the next
        #: ``confirm_s`` (eyes widest open, frontal) decides.
        self._suspect_t: float | None = None
        self._best: tuple[float, RGB, faces.Box] | None = None
        self._widened = False  # the mouth has widened in this smile challenge
        self._hist: list[tuple[float, float, float]] = []
        self.base_pitch = self.base_chin = 0.0
        self._turn_run = self._nod_run = self._nod_down = 0
        self._last_prompt = ""
        #: follow_dot: the waypoints, keyframes and head track (u, yaw score, pitch score)
        #: of the dot now shown; every dot drawn so far (one path per follow_dot).
        self.dot_path: list[str] = []
        self._dot_keys: tuple[tuple[float, float, float], ...] = ()
        self._track: list[tuple[float, float, float]] = []
        self.dot_paths: list[list[str]] = []

    # -- helpers ---------------------------------------------------------------------------

    def _update(self, state: str, prompt: str, box: faces.Box | None = None,
                reason: str = "", /, **metrics: float) -> LivenessUpdate:
        self._last_prompt = prompt
        ch = self.challenges[self.index] if self.index < len(self.challenges) else ""
        up = LivenessUpdate(state, prompt, ch, self.index, len(self.challenges), reason, box,
                            dict(metrics))
        if prompt.startswith("do_"):
            up.action = prompt[3:]
            if prompt == "do_follow_dot" and self._dot_keys:
                up.action += "@" + ";".join(f"{k[0]:.2f}:{k[1]:.3f},{k[2]:.3f}"
                                            for k in self._dot_keys)
                if self.t_challenge is not None and self._t_now >= self.t_challenge:
                    x, y = _dot_positions(self._dot_keys,
                                          np.array([self._t_now - self.t_challenge]))
                    up.dot = (float(x[0]), float(y[0]))
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

    def _check_person(self, frame: RGB, box: faces.Box) -> bool:
        """False when this face is another person's. A first failed check only raises a
        suspicion (see :meth:`_confirm`): a frame caught as an eye closes or a nod begins
        drifts past the threshold even for the same person; a swapped face stays swapped."""
        if self._suspect_t is not None or self._same_person(frame, box):
            return True
        self._suspect_t, self._best = self._t_now, None
        return True

    def _confirm(self, frame: RGB, box: faces.Box, ear: float, comparable: bool) -> bool:
        """While a suspicion stands, keep the comparable frame (frontal, eyes open as in the
        baseline) with the eyes widest open; after ``confirm_s``, that frame decides (False:
        another person). With none, the suspicion stands until the time limit ends it."""
        if self._suspect_t is None:
            return True
        if comparable and (self._best is None or ear > self._best[0]):
            self._best = (ear, frame.copy(), box)
        if self._t_now - self._suspect_t < self.p.confirm_s or self._best is None:
            return True
        _, best, best_box = self._best
        self._suspect_t, self._best = None, None
        return self._same_person(best, best_box)

    # -- the protocol ----------------------------------------------------------------------

    def feed(self, frame: RGB, t: float) -> LivenessUpdate:
        if self.final is not None:
            return self.final
        if self.t_start is None:
            self.t_start = t
        self._t_now = t
        self.frames += 1
        from identity.face_match import live_face

        box = live_face(frame)
        if box is None:
            if self._base == [] and t - self.t_start > self.p.baseline_timeout_s:
                return self._fail("fail_face_timeout")
            if self._base and t - self.t_challenge > self._time_limit():
                return self._fail("fail_person_changed" if self._suspect_t is not None
                                  else "fail_timeout")
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
        raw_yaw, (raw_pitch, chin) = faces.yaw_ratio(pts), pitch_ratio(pts)
        self._hist.append((faces.mouth_width_ratio(pts), raw_yaw, raw_pitch))
        del self._hist[:-3]
        mwr, yaw, pitch = (float(v) for v in np.median(np.array(self._hist), axis=0))
        if self.frames % 3 == 1:
            self.moire.append(moire_score(frame, box))
        m = {"ear": ear, "mouth": mwr, "yaw": yaw, "pitch": pitch}

        if len(self._base) < self.p.baseline_frames:
            if t - self.t_start > self.p.baseline_timeout_s:
                return self._fail("fail_face_timeout", box)
            self._base.append((ear, mwr, yaw, pitch, chin, pts))
            if len(self._base) < self.p.baseline_frames:
                return self._update("baseline", "hold_still", box, **m)
            arr = np.array([b[:5] for b in self._base])
            self.base_ear, self.base_mwr, self.base_yaw, self.base_pitch, self.base_chin = (
                float(v) for v in np.median(arr, 0))
            self.ref_pts = self._base[-1][5]
            if self.encoder is not None:
                self.base_enc = self.encoder(frame, box)
            self.t_challenge = self._t_checked = t
            self.armed = True
            self._substitute_blink()
            self._draw_dot()
            return self._update("challenge", f"do_{self.challenges[0]}", box, **m)

        assert self.ref_pts is not None
        if self.moire and np.median(self.moire) > self.p.moire_fail and len(self.moire) >= 3:
            return self._fail("fail_not_live", box, **m)
        if t - self.t_challenge > self._time_limit():
            # A suspected swap that never showed a face to compare is not a movement this
            # person could not do: no retry with other movements.
            return self._fail("fail_person_changed" if self._suspect_t is not None
                              else "fail_timeout", box, **m)
        # Any blink (asked or natural) deep enough, seen on consecutive frames, shows this
        # face's blinks can be measured.
        self._dip_run = self._dip_run + 1 if ear < self.base_ear * self.p.blink_ratio else 0
        if self._dip_run >= self.p.blink_frames:
            self.blink_measured = True
        # The nose's move in the baseline's inter-ocular distances (as dyaw is).
        dyaw, dpitch = yaw - self.base_yaw, (pitch - self.base_pitch) * self.base_chin
        # (not mid-blink nor mid-smile: those encodings drift even for the same person)
        open_face = mwr < self.base_mwr * 1.05 and ear > self.base_ear * 0.85
        at_rest = (abs(dyaw) < self.p.neutral_yaw and abs(dpitch) < self.p.rest_pitch
                   and open_face)
        yaw_s, pitch_s = self._head_scores(pts, dyaw, dpitch, m)
        # This very frame frontal, not only the running median: the median lags a movement.
        raw_dyaw = raw_yaw - self.base_yaw
        raw_dpitch = (raw_pitch - self.base_pitch) * self.base_chin
        # (not the parallax scores: against another person's reference they are never
        # small, and a swapped face would never be checked)
        frontal_now = (abs(raw_dyaw) < self.p.neutral_yaw
                       and abs(raw_dpitch) < self.p.neutral_pitch)
        comparable = frontal_now and mwr < self.base_mwr * 1.05
        if not self._confirm(frame, box, ear, comparable and open_face):
            return self._fail("fail_person_changed", box, **m)
        if (comparable and ear > self.base_ear * self.p.blink_ratio
                and t - self._t_checked >= self.p.same_person_every_s):
            # A face swapped in mid-check (~60 ms of encoding, about once a second).
            self._t_checked = t
            if not self._check_person(frame, box):
                return self._fail("fail_person_changed", box, **m)
        if not self.armed:
            # After an action, wait for the neutral face; then check it is still the same
            # person (encodings of closed eyes or a turned head are not comparable).
            # Neutral for a few frames in a row: one noisy landmark frame in the middle of a
            # held smile must not start the next challenge while the person still smiles.
            # (the head's scores too: a nod shows in the nose's parallax before the ratio)
            still = (abs(yaw_s) < self.p.rest_score * self.p.turn_score
                     and abs(pitch_s) < self.p.rest_score * self.p.nod_score)
            self._neutral_run = self._neutral_run + 1 if at_rest and still else 0
            if self._neutral_run < self.p.neutral_frames:
                # (t_challenge: when the last movement was done, until the next is asked)
                late = t - self.t_challenge >= self.p.face_front_after_s
                return self._update("challenge", "face_front" if late else "well_done", box,
                                    **m)
            self._neutral_run = 0
            if not self._check_person(frame, box):
                return self._fail("fail_person_changed", box, **m)
            if self._suspect_t is not None:  # decided on the frames to come
                return self._update("challenge", "well_done", box, **m)
            self.armed = True
            if self.index >= len(self.challenges):
                return self._update("passed", "well_done", box, **m)
            self.t_challenge = t
            self._substitute_blink()
            self._draw_dot()
            return self._update("challenge", self._prompt(), box, **m)

        turned, clear_turn = self._turn(yaw_s, dyaw, m)
        self._nod_down = self._nod_down + 1 if pitch_s >= self.p.nod_score else 0
        nodded = self._nod_down >= self.p.nod_frames
        self._blink_run = self._blink_run + 1 if ear < self.base_ear * self.p.blink_ratio else 0
        # Mouth width is measured in inter-ocular distances, which shrink as the head turns:
        # only a frontal face can show a smile.
        smiling = mwr >= self.base_mwr * self.p.smile_ratio and abs(dyaw) < self.p.smile_max_yaw
        self._smile_run = self._smile_run + 1 if smiling else 0
        want = self.challenges[self.index]
        dot_done = False
        if want == "follow_dot":
            u = t - self.t_challenge
            self._track.append((u, yaw_s, pitch_s))
            if u >= self._dot_keys[-1][0] + self.p.dot_max_lag_s:
                verdict = self._judge_dot(m)
                if verdict != "passed":
                    return self._fail(verdict, box, **m)
                dot_done = True
        done = {
            "blink": self._blink_run >= self.p.blink_frames,
            "smile": self._smile_run >= self.p.smile_frames,
            "turn_left": turned == "turn_left",
            "turn_right": turned == "turn_right",
            "nod": nodded,
            "follow_dot": dot_done,
        }
        # Failing a person for a wrong movement needs more evidence than passing a challenge.
        self._turn_run = self._turn_run + 1 if turned and clear_turn else 0
        self._nod_run = self._nod_run + 1 if pitch_s >= 1.5 * self.p.nod_score else 0
        sure = {"turn_left": self._turn_run >= 2, "turn_right": self._turn_run >= 2,
                "nod": self._nod_run >= 2, "smile": self._smile_run >= self.p.smile_frames + 2}
        if want == "follow_dot":  # the dot asks for turns and nods: it judges them itself
            sure = {"smile": sure["smile"]}
        if want == "smile":
            # A smile lifts the cheeks, and the mesh's vertical nose parallax with them (it
            # lingers as the smile relaxes): once the mouth has widened, that is not a nod.
            self._widened = self._widened or mwr >= self.base_mwr * 1.05
            if self._widened:
                sure["nod"] = False
        wrong = [c for c in sure if c != want and done[c] and sure[c]]
        if wrong and not done[want]:
            return self._fail("fail_wrong_action", box, **m)
        if not done[want]:
            return self._update("challenge", f"do_{want}", box, **m)
        self.index += 1
        self._blink_run = self._smile_run = self._turn_run = self._nod_run = 0
        self._nod_down = 0
        self.armed = self._widened = False
        self.t_challenge = t
        return self._update("challenge", "well_done", box, **m)

    def _head_scores(self, pts: faces.Points, dyaw: float, dpitch: float,
                     m: dict[str, float]) -> tuple[float, float]:
        """How far the head has turned (+ = to the person's left) and nodded (+ = down),
        counted only where the landmarks leave the plane the way a head's do: a flat
        picture, however turned, tilted or leaned back, scores ~0.

        With the mesh: the mean of the nose offset change and the nose's parallax against
        the outer face, when both agree in sign (else 0). With 68 points: the offset change
        when the homography residual shows a non-planar change, else 0."""
        assert self.ref_pts is not None
        if len(pts) > 68 and len(self.ref_pts) > 68:  # the mesh: nose parallax
            from identity.face_mesh import nose_parallax_xy

            par, vpar = nose_parallax_xy(self.ref_pts[68:], pts[68:])
            yaw_s = (dyaw + par) / 2 if dyaw * par > 0 else 0.0
            pitch_s = (dpitch + vpar) / 2 if dpitch * vpar > 0 else 0.0
            m["parallax"], m["turn_score"] = par, yaw_s
            m["parallax_v"], m["nod_score"] = vpar, pitch_s
            return yaw_s, pitch_s
        moved = abs(dyaw) >= self.p.turn_yaw or abs(dpitch) >= self.p.turn_yaw
        resid = faces.homography_residual(self.ref_pts, pts) if moved else 0.0
        m["residual"] = resid
        if resid < self.p.turn_residual:
            return 0.0, 0.0
        yaw_s = dyaw * self.p.turn_score / self.p.turn_yaw
        pitch_s = dpitch * self.p.nod_score / self.p.turn_yaw
        return yaw_s, pitch_s

    def _turn(self, score: float, dyaw: float, m: dict[str, float]) -> tuple[str, bool]:
        """The turn seen in this frame ("" if none) and whether it is clear enough to fail
        a person for it (1.5× the threshold)."""
        if abs(score) < self.p.turn_score:
            return "", False
        return ("turn_left" if score > 0 else "turn_right",
                abs(score) >= 1.5 * self.p.turn_score)

    def _time_limit(self) -> float:
        """The current challenge's time limit: the dot's path, and the lag allowed, are
        always given their time."""
        if self.index < len(self.challenges) and self.challenges[self.index] == "follow_dot" \
                and self._dot_keys:
            return max(self.p.time_limit_s, self._dot_keys[-1][0] + self.p.dot_max_lag_s + 1.0)
        return self.p.time_limit_s

    def _draw_dot(self) -> None:
        """A new random path for a follow_dot about to be asked (SystemRandom: a recording
        cannot know it): ``dot_waypoints`` different waypoints in a random order."""
        self._track = []
        if self.index >= len(self.challenges) or self.challenges[self.index] != "follow_dot":
            self._dot_keys = ()
            return
        self.dot_path = self.rng.sample(sorted(DOT_WAYPOINTS), self.p.dot_waypoints)
        self.dot_paths.append(list(self.dot_path))
        self._dot_keys = dot_keyframes(self.dot_path, self.p)

    def _judge_dot(self, m: dict[str, float]) -> str:
        """After the path (and the lag allowed): "passed" when the head's track follows the
        dot (cosine similarity ≥ dot_min_corr at the best lag, and the head moved towards
        every waypoint while the dot rested there, more than sideways); "fail_wrong_action"
        when the head clearly moved but not with the dot; else "fail_timeout" (a retry
        with other movements)."""
        p = self.p
        tr = np.array(self._track, dtype=np.float64).reshape(-1, 3)
        head = tr[:, 1:3]
        best_r, best_lag, best_reached = -1.0, 0.0, 0
        for lag in np.arange(0.0, p.dot_max_lag_s + 1e-9, 0.05):
            x, y = _dot_positions(self._dot_keys, tr[:, 0] - lag)
            # Expected head direction: a dot on the screen's left is the customer's left
            # (+ yaw score); a dot lower on the screen is a nod down (+ pitch score).
            want = np.stack([-(x - 0.5), y - 0.5], axis=1) / p.dot_amplitude
            norm = float(np.sqrt((want**2).sum() * (head**2).sum()))
            r = float((want * head).sum() / norm) if norm > 1e-12 else 0.0
            reached = 0
            for k, name in enumerate(self.dot_path):
                start, end = self._dot_keys[2 + 2 * k][0], self._dot_keys[3 + 2 * k][0]
                sel = (tr[:, 0] - lag >= start) & (tr[:, 0] - lag <= end)
                if not sel.any():
                    continue
                d = np.array(DOT_WAYPOINTS[name]) * [-1.0, 1.0]
                along = float((head[sel] @ d).mean())
                across = float(np.abs(head[sel] @ d[::-1]).mean())
                reached += along >= p.dot_min_move and along > across
            if (r, reached) > (best_r, best_reached):
                best_r, best_lag, best_reached = r, float(lag), reached
        mag = np.linalg.norm(head, axis=1) >= 1.5 * p.dot_min_move
        clear = bool(np.any(mag[1:] & mag[:-1]))
        m.update(dot_corr=best_r, dot_lag=best_lag, dot_reached=float(best_reached))
        if best_r >= p.dot_min_corr and best_reached == len(self.dot_path):
            return "passed"
        if clear and best_r < p.dot_wrong_corr:
            return "fail_wrong_action"
        return "fail_timeout"

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
    "DOT_WAYPOINTS",
    "METHODS",
    "GeometricChallenge",
    "LivenessMethod",
    "LivenessParams",
    "LivenessUpdate",
    "make_method",
    "moire_score",
    "pitch_ratio",
]
