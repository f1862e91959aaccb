"""Scripted scenes for the simulated camera (``sim://camera?scene=NAME``).

A scene turns a time ``t`` (seconds since the scene started) into a frame, so the same
scene gives the same frames whatever the machine's speed. Face scenes can also be *told*
what to do (``scene.act("blink")``): the simulated customer then follows the kiosk's
liveness challenge, as a real one would — that is the simulator's control channel, like
fault injection on the other devices.
"""

from __future__ import annotations

import math
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import replace

import numpy as np
import numpy.typing as npt

from devices.camera import synth
from devices.camera.idcard import CardHolder

RGB = npt.NDArray[np.uint8]
ACTIONS = ("blink", "turn_left", "turn_right", "smile")
#: How long each action takes, seconds.
ACTION_S = {"blink": 0.45, "turn_left": 1.6, "turn_right": 1.6, "smile": 1.6}


class SceneError(ValueError):
    pass


def _bump(u: float) -> float:
    """0 → 1 → 0 over u in [0, 1], flat at the top (hold the pose for a moment)."""
    if u <= 0 or u >= 1:
        return 0.0
    return min(1.0, 3.0 * math.sin(math.pi * u))


class Scene(ABC):
    """Base: ``frame(t)``. Subclasses set ``duration`` (None = endless)."""

    name = "scene"
    duration: float | None = None

    def __init__(self, size: tuple[int, int] = (640, 480)) -> None:
        self.size = size

    @abstractmethod
    def frame(self, t: float) -> RGB:
        """The picture at ``t`` seconds into the scene."""

    def act(self, action: str) -> None:
        raise SceneError(f"scene '{self.name}' does not take actions")


class FaceScene(Scene):
    """A person in front of the kiosk: small sway, natural blinks, actions on request."""

    name = "face"

    def __init__(self, size: tuple[int, int] = (640, 480), *, person: str = "astronaut",
                 natural_blink_s: float = 0.0, script: tuple[tuple[float, str], ...] = (),
                 start: float = 0.0, seed: int = 0) -> None:
        super().__init__(size)
        self.person = person
        self.natural_blink_s = natural_blink_s
        self.start = start  # face appears at this scene time
        self.seed = seed
        self._lock = threading.Lock()
        self._actions: list[tuple[float, str]] = list(script)
        self._now = 0.0
        synth.rig(person)  # find landmarks now, not on the first frame

    def act(self, action: str) -> None:
        if action not in ACTIONS:
            raise SceneError(f"unknown action '{action}' (have: {', '.join(ACTIONS)})")
        with self._lock:
            # Start after whatever the person is still doing: one thing at a time.
            begin = self._now + 0.25
            for s, a in self._actions:
                begin = max(begin, s + ACTION_S[a] + 0.2)
            self._actions.append((begin, action))

    def pose(self, t: float) -> synth.Pose:
        with self._lock:
            self._now = max(self._now, t)
            actions = list(self._actions)
        u = t - self.start
        w, h = self.size
        pose = synth.Pose(cx=w / 2 + 12 * math.sin(u * 0.9), cy=h * 0.47 + 5 * math.sin(u * 1.3),
                          iod=w * 0.115 + 3 * math.sin(u * 0.5), roll=2.0 * math.sin(u * 0.7),
                          gain=1.0 + 0.05 * math.sin(u * 0.4))
        if self.natural_blink_s and u > 1.0:
            phase = (u % self.natural_blink_s) / ACTION_S["blink"]
            pose = replace(pose, blink=_bump(phase))
        for begin, action in actions:
            k = _bump((t - begin) / ACTION_S[action])
            if k <= 0:
                continue
            if action == "blink":
                pose = replace(pose, blink=max(pose.blink, k))
            elif action == "smile":
                pose = replace(pose, smile=k)
            else:
                pose = replace(pose, yaw=(30 if action == "turn_left" else -30) * k)
        return pose

    def frame(self, t: float) -> RGB:
        return synth.face_frame(self.person, self.pose(t), self.size,
                                seed=self.seed + int(t * 1000))


class CardScene(Scene):
    """A hand holding the ID card up: it comes closer, shakes a little, then holds still."""

    name = "idcard"

    def __init__(self, size: tuple[int, int] = (640, 480), *, person: str = "astronaut",
                 holder: CardHolder | None = None, glare: bool = False, blur: int = 0,
                 cut_corner: bool = False, seed: int = 0) -> None:
        super().__init__(size)
        self.card = synth.card_image(person, holder)
        self.glare, self.blur, self.cut_corner = glare, blur, cut_corner
        self.seed = seed

    def corners(self, t: float) -> npt.NDArray[np.float32]:
        w, h = self.size
        approach = min(1.0, 0.55 + 0.45 * t / 1.5)  # brought closer over 1.5 s
        shake = max(0.0, 1.0 - t / 2.5)  # then held steady
        cx = w / 2 + 6 * shake * math.sin(t * 9)
        cy = h / 2 + 4 * shake * math.sin(t * 7)
        if self.cut_corner:
            cx += w * 0.30
        return synth.card_corners((cx, cy), w * 0.78 * approach, angle=4 * math.sin(t * 0.8),
                                  tilt=0.04)

    def frame(self, t: float) -> RGB:
        bg = synth.room(self.size, self.seed)
        img = synth.place(bg, self.card, self.corners(t))
        if self.glare:
            img = synth.add_glare(img, (self.size[0] * 0.45, self.size[1] * 0.4), 38)
        if self.blur:
            img = synth.motion_blur(img, self.blur)
        rng = np.random.default_rng(self.seed + int(t * 1000))
        noisy = img.astype(np.int16) + rng.normal(0, 2, img.shape).astype(np.int16)
        return np.clip(noisy, 0, 255).astype(np.uint8)


class PhoneScene(Scene):
    """A phone showing an appointment QR code."""

    name = "qr"

    def __init__(self, size: tuple[int, int] = (640, 480), *, text: str = "SB-APPT:A1B2C3",
                 seed: int = 0) -> None:
        super().__init__(size)
        self.phone = synth.phone_image(text)
        self.seed = seed

    def frame(self, t: float) -> RGB:
        w, h = self.size
        ph, pw = self.phone.shape[:2]
        k = h * 0.85 / ph
        cx, cy = w / 2 + 10 * math.sin(t * 2), h / 2
        a = math.radians(6 * math.sin(t))
        corners = []
        for x, y in ((-pw / 2, -ph / 2), (pw / 2, -ph / 2), (pw / 2, ph / 2), (-pw / 2, ph / 2)):
            x, y = x * k, y * k
            corners.append((cx + x * math.cos(a) - y * math.sin(a),
                            cy + x * math.sin(a) + y * math.cos(a)))
        return synth.place(synth.room(self.size, self.seed), self.phone,
                           np.array(corners, dtype=np.float32))


class EmptyScene(Scene):
    name = "empty"

    def frame(self, t: float) -> RGB:
        return synth.room(self.size, int(t * 1000))


class CustomerScene(Scene):
    """The demo: the customer shows the ID card for ``id_s`` seconds, then their face,
    and follows whatever challenge the kiosk asks for (through ``act``)."""

    name = "customer"

    def __init__(self, size: tuple[int, int] = (640, 480), *, person: str = "astronaut",
                 id_s: float = 4.0, seed: int = 0) -> None:
        super().__init__(size)
        self.id_s = id_s
        self.card = CardScene(size, person=person, seed=seed)
        self.face = FaceScene(size, person=person, natural_blink_s=4.3, start=id_s, seed=seed)

    def act(self, action: str) -> None:
        self.face.act(action)

    def frame(self, t: float) -> RGB:
        return self.card.frame(t) if t < self.id_s else self.face.frame(t)


def _scripted(action: str) -> Callable[..., Scene]:
    def make(size: tuple[int, int], **kw: str) -> Scene:
        s = FaceScene(size, person=kw.get("person", "astronaut"),
                      script=((1.0, action), (4.0, action)))
        s.name = action
        s.duration = 6.0
        return s

    return make


SCENES: dict[str, Callable[..., Scene]] = {
    "customer": lambda size, **kw: CustomerScene(size, person=kw.get("person", "astronaut"),
                                                 id_s=float(kw.get("id_s", 4.0))),
    "face": lambda size, **kw: FaceScene(size, person=kw.get("person", "astronaut"),
                                         natural_blink_s=float(kw.get("blink_every", 0) or 0)),
    "blink": _scripted("blink"),
    "turn": _scripted("turn_left"),
    "smile": _scripted("smile"),
    "idcard": lambda size, **kw: CardScene(size, person=kw.get("person", "astronaut")),
    "idcard-glare": lambda size, **kw: CardScene(size, glare=True),
    "idcard-blur": lambda size, **kw: CardScene(size, blur=11),
    "qr": lambda size, **kw: PhoneScene(size, text=kw.get("text", "SB-APPT:A1B2C3")),
    "empty": lambda size, **kw: EmptyScene(size),
}


def make_scene(name: str, size: tuple[int, int] = (640, 480), **options: str) -> Scene:
    try:
        factory = SCENES[name]
    except KeyError:
        raise SceneError(f"unknown scene '{name}' (have: {', '.join(SCENES)})") from None
    return factory(size, **options)
