"""Presentation-attack inputs for evaluating liveness (ISO/IEC 30107-3 style), generated
from the simulator's public-domain faces.

Each attack is a *presenter*: ``frame(t)`` gives what the camera sees at time ``t`` and
``act(challenge)`` is what the attacker can do when the kiosk asks for something (for most
attacks: nothing). The genuine presenter is the simulated person following the prompts.

* ``print`` — a printed photo (halftone dots), held in a shaking hand.
* ``replay`` — a video of the genuine person doing challenges, shown on a screen (pixel
  grid beating with the camera: moiré, lower contrast, a bezel).
* ``tilt`` — a flat photo rocked about its vertical axis to fake a head turn, and bent
  towards the camera to fake a "blink" squash.
* ``wrong_video`` — an injected video (no screen) of the genuine person doing a fixed
  sequence: blink, turn left, smile — right moves, but not the order asked.
* ``mask`` — a print curved round the face like a paper mask (a vertical cylinder), rocked
  about its axis: its points leave any one plane, as a head's do, so the turn test alone
  cannot refuse it; it cannot smile or blink.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from typing import Protocol

import cv2
import numpy as np
import numpy.typing as npt

from devices.camera import synth, variants
from devices.camera.scenes import FaceScene
from identity.liveness import GeometricChallenge, LivenessMethod, LivenessUpdate

RGB = npt.NDArray[np.uint8]
ATTACKS = ("print", "replay", "tilt", "wrong_video", "mask")


class Presenter(Protocol):
    def frame(self, t: float) -> RGB: ...

    def act(self, challenge: str) -> None: ...


class Genuine:
    """The simulated live person, who does what is asked."""

    def __init__(self, person: str = "astronaut", seed: int = 0) -> None:
        self.scene = FaceScene(person=person, natural_blink_s=4.3, seed=seed)

    def frame(self, t: float) -> RGB:
        return self.scene.frame(t)

    def act(self, challenge: str) -> None:
        self.scene.act(challenge)


def _halftone(img: RGB, pitch: int = 4) -> RGB:
    """Printer dots: modulate with a rotated dot screen."""
    h, w = img.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    a = math.radians(45)
    u, v = xx * math.cos(a) + yy * math.sin(a), -xx * math.sin(a) + yy * math.cos(a)
    screen = 0.5 + 0.25 * (np.cos(2 * math.pi * u / pitch) + np.cos(2 * math.pi * v / pitch))
    f = img.astype(np.float32) / 255.0
    out = np.where(f > screen[..., None] * 0.9, 1.0, f * 0.75)  # ink spreads in the shadows
    out = cv2.GaussianBlur(out.astype(np.float32), (0, 0), 0.7)
    return np.clip(out * 235 + 10, 0, 255).astype(np.uint8)  # paper is never pure white


class PrintedPhoto:
    def __init__(self, person: str = "astronaut", seed: int = 0) -> None:
        self.photo = _halftone(synth.face_frame(person, synth.Pose(noise=0), seed=seed))
        self.seed = seed

    def frame(self, t: float) -> RGB:
        h, w = self.photo.shape[:2]
        rng = np.random.default_rng(self.seed + int(t * 1000))
        ang = 2.5 * math.sin(t * 5.3) + rng.normal(0, 0.4)
        m = cv2.getRotationMatrix2D((w / 2, h / 2), ang, 0.92 + 0.02 * math.sin(t * 3.1))
        m[:, 2] += np.array([6 * math.sin(t * 7.7) + rng.normal(0, 1.0), 4 * math.sin(t * 6.1)])
        out = cv2.warpAffine(self.photo, m, (w, h), borderMode=cv2.BORDER_CONSTANT,
                             borderValue=(60, 60, 60))
        noisy = out.astype(np.float32) + rng.normal(0, 2, out.shape)
        return np.clip(noisy, 0, 255).astype(np.uint8)

    def act(self, challenge: str) -> None:
        pass


def screen_moire(img: RGB, t: float, period: float = 3.1) -> RGB:
    """What a camera sees of a screen: sub-pixel stripes beating with the sensor grid."""
    h, w = img.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    a = math.radians(12 + 2 * math.sin(t))
    phase = (xx * math.cos(a) + yy * math.sin(a)) * 2 * math.pi / period
    beat = 0.82 + 0.18 * np.cos(phase)
    f = img.astype(np.float32) * beat[..., None] * 0.85 + 25  # lower contrast, black lift
    f[:, :, 2] *= 1.06  # screens run blue
    out = np.clip(f, 0, 255).astype(np.uint8)
    # The screen fills 85 % of the view; a dark bezel around it.
    small = cv2.resize(out, None, fx=0.85, fy=0.85, interpolation=cv2.INTER_AREA)
    canvas = np.full_like(out, 20)
    y0, x0 = (h - small.shape[0]) // 2, (w - small.shape[1]) // 2
    canvas[y0:y0 + small.shape[0], x0:x0 + small.shape[1]] = small
    return canvas


class ScreenReplay:
    """A recorded genuine session (blink, turn left, turn right, smile) on a screen."""

    def __init__(self, person: str = "astronaut", seed: int = 0) -> None:
        script = ((0.8, "blink"), (1.8, "turn_left"), (4.0, "smile"), (6.2, "turn_right"),
                  (8.4, "blink"))
        self.video = FaceScene(person=person, script=script, seed=seed)

    def frame(self, t: float) -> RGB:
        return screen_moire(self.video.frame(t % 10.0), t)

    def act(self, challenge: str) -> None:
        pass


class TiltedPhoto:
    """A flat photo rocked left and right (and leaned back) to imitate movement."""

    def __init__(self, person: str = "astronaut", seed: int = 0) -> None:
        self.photo = synth.face_frame(person, synth.Pose(noise=0), seed=seed)
        self.seed = seed

    def frame(self, t: float) -> RGB:
        h, w = self.photo.shape[:2]
        # The photo as a plane in front of a pinhole camera, rocked about its vertical axis
        # (up to ±35°) and leaned back (up to 20°): its true perspective image.
        yaw = math.radians(35 * math.sin(t * 2.0))
        lean = math.radians(20 * max(0.0, math.sin(t * 1.3)))
        f, dist = 1.2 * w, 1.2 * w
        ry = np.array([[math.cos(yaw), 0, math.sin(yaw)], [0, 1, 0],
                       [-math.sin(yaw), 0, math.cos(yaw)]])
        rx = np.array([[1, 0, 0], [0, math.cos(lean), -math.sin(lean)],
                       [0, math.sin(lean), math.cos(lean)]])
        corners = np.array([[-w / 2, -h / 2, 0], [w / 2, -h / 2, 0], [w / 2, h / 2, 0],
                            [-w / 2, h / 2, 0]]) @ (ry @ rx).T
        z = corners[:, 2] + dist
        dst = np.stack([w / 2 + f * corners[:, 0] / z, h / 2 + f * corners[:, 1] / z], axis=1)
        src = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)
        m = cv2.getPerspectiveTransform(src, dst.astype(np.float32))
        out = cv2.warpPerspective(self.photo, m, (w, h), borderValue=(60, 60, 60))
        rng = np.random.default_rng(self.seed + int(t * 1000))
        return np.clip(out.astype(np.float32) + rng.normal(0, 2, out.shape), 0, 255
                       ).astype(np.uint8)

    def act(self, challenge: str) -> None:
        pass


class WrongChallengeVideo:
    """An injected recording of the genuine person: blink, turn left, smile, in that order."""

    def __init__(self, person: str = "astronaut", seed: int = 0) -> None:
        script = ((0.8, "blink"), (1.6, "turn_left"), (3.8, "smile"), (6.0, "turn_left"),
                  (8.2, "blink"))
        self.video = FaceScene(person=person, script=script, seed=seed)

    def frame(self, t: float) -> RGB:
        return self.video.frame(t)

    def act(self, challenge: str) -> None:
        pass


class CurvedMask:
    """A photo of the face bent round a vertical cylinder (radius ~0.9 face widths) and
    turned ±30° about its axis, seen from the front."""

    def __init__(self, person: str = "astronaut", seed: int = 0) -> None:
        self.photo = synth.face_frame(person, synth.Pose(noise=0), seed=seed)
        self.seed = seed
        self.radius = 0.9 * 2.6 * synth.Pose().iod

    def frame(self, t: float) -> RGB:
        h, w = self.photo.shape[:2]
        cx = synth.Pose().cx
        yaw = math.radians(30 * math.sin(t * 1.7))
        xx, yy = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
        s = np.clip((xx - cx) / self.radius, -1, 1)
        phi = np.arcsin(s) - yaw  # the point of the surface seen at this column
        src_x = (cx + self.radius * phi).astype(np.float32)
        front = np.abs(np.arcsin(s)) < math.pi / 2 - 0.05
        out = cv2.remap(self.photo, src_x, yy, cv2.INTER_LINEAR, borderValue=(60, 60, 60))
        out[~front] = 60
        rng = np.random.default_rng(self.seed + int(t * 1000))
        return np.clip(out.astype(np.float32) + rng.normal(0, 2, out.shape), 0, 255
                       ).astype(np.uint8)

    def act(self, challenge: str) -> None:
        pass


def make_presenter(kind: str, person: str = "astronaut", seed: int = 0) -> Presenter:
    """``person`` may be a derived one with scene conditions (``hopper.m.thin@dim``:
    :mod:`devices.camera.variants`); the conditions apply to whatever the camera sees."""
    person, _, scene = person.partition("@")
    if scene:
        conds = variants.parse(f"{person}@{scene}").scene
        return variants.Seen(make_presenter(kind, person, seed), conds, seed)
    if kind == "genuine":
        return Genuine(person, seed)
    table: dict[str, Callable[[str, int], Presenter]] = {
        "print": PrintedPhoto, "replay": ScreenReplay, "tilt": TiltedPhoto,
        "wrong_video": WrongChallengeVideo, "mask": CurvedMask}
    try:
        cls = table[kind]
    except KeyError:
        raise ValueError(f"unknown presenter '{kind}' (have: genuine, {', '.join(ATTACKS)})"
                         ) from None
    return cls(person, seed)


def run_liveness(presenter: Presenter, method: LivenessMethod, *, fps: float = 12.0,
                 max_s: float = 40.0, t0: float = 0.0) -> LivenessUpdate:
    """Drive a liveness method with a presenter from scene time ``t0``; returns the final
    update (its ``metrics["t_end"]`` is the scene time it ended at)."""
    t, last = t0, ""
    while t < t0 + max_s:
        up = method.feed(presenter.frame(t), t)
        if up.done:
            up.metrics["t_end"] = t
            return up
        if up.prompt != last:
            last = up.prompt
            if up.action:  # the challenge (with the dot's path for follow_dot)
                presenter.act(up.action)
        t += 1.0 / fps
    up = method.feed(presenter.frame(t), t + 1e6)
    up.metrics["t_end"] = t
    return up


def run_transaction(presenter: Presenter, attempts: int = 2, seed: int = 0,
                    **method_kw: object) -> tuple[LivenessUpdate, int]:
    """The kiosk's policy: a timed-out attempt is retried once with other challenges (as
    IdentitySession does). Returns the final update and the number of attempts used."""
    rng = random.Random(seed)
    exclude: tuple[str, ...] = ()
    t = 0.0
    for n in range(1, attempts + 1):
        method = GeometricChallenge(rng=rng, exclude=exclude, **method_kw)  # type: ignore[arg-type]
        up = run_liveness(presenter, method, t0=t)
        if up.state == "passed" or up.reason != "fail_timeout":
            return up, n
        exclude, t = (up.challenge,), up.metrics["t_end"] + 0.5
    return up, attempts
