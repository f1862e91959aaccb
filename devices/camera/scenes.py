"""Scripted scenes for the simulated camera (``sim://camera?scene=NAME``).

Scenes here need only the sample photos, numpy and OpenCV; which names a URL may use is
kept by :mod:`devices.camera.scene_registry`.

A scene turns a time ``t`` (seconds since the scene started) into a frame, so the same
scene gives the same frames whatever the machine's speed. Face scenes can also be *told*
what to do (``scene.act("blink")``): the simulated customer then follows the kiosk's
liveness challenge, as a real one would — that is the simulator's control channel, like
fault injection on the other devices.

``follow_dot`` carries the dot's path as the screen shows it:
``follow_dot@T:X,Y;T:X,Y;…`` — keyframes (seconds from the dot's start, screen position
0..1, y down) between which the dot moves in straight lines; the person turns and nods
their head towards it (:func:`parse_dot_path`, :data:`DOT_YAW_DEG`, :data:`DOT_PITCH_DEG`).
"""

from __future__ import annotations

import itertools
import math
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import replace

import numpy as np
import numpy.typing as npt

from devices.camera import scene_registry, synth

RGB = npt.NDArray[np.uint8]
ACTIONS = ("blink", "turn_left", "turn_right", "smile", "nod", "follow_dot")
#: How long each action takes, seconds (follow_dot: as long as its path).
ACTION_S = {"blink": 0.45, "turn_left": 1.6, "turn_right": 1.6, "smile": 1.6, "nod": 1.6,
            "follow_dot": 0.0}
#: How far the head goes in a nod (degrees, nose down).
NOD_DEG = 18.0
#: Head angle per unit of the dot's offset from the screen's centre (x, y in 0..1): a dot
#: 0.3 of the screen to the left is looked at with ~24° of yaw. The screen faces the
#: customer, so a dot on the screen's left is the customer's left: nose to image right.
DOT_YAW_DEG = 80.0
DOT_PITCH_DEG = 60.0
#: A person's reaction to the dot, seconds: how far their head trails it.
DOT_REACTION_S = 0.25
Keyframes = tuple[tuple[float, float, float], ...]


class SceneError(ValueError):
    pass


def _bump(u: float) -> float:
    """0 → 1 → 0 over u in [0, 1], flat at the top (hold the pose for a moment)."""
    if u <= 0 or u >= 1:
        return 0.0
    return min(1.0, 3.0 * math.sin(math.pi * u))


def parse_dot_path(text: str) -> Keyframes:
    """``T:X,Y;T:X,Y;…`` → ((t, x, y), …), times increasing; SceneError when malformed."""
    try:
        keys = tuple((float(t), float(x), float(y)) for t, _, xy in
                     (k.partition(":") for k in text.split(";") if k)
                     for x, y in [xy.split(",")])
    except ValueError:
        raise SceneError(f"bad dot path {text!r} (want T:X,Y;T:X,Y;…)") from None
    if len(keys) < 2 or any(b[0] < a[0] for a, b in itertools.pairwise(keys)):
        raise SceneError(f"bad dot path {text!r}: at least two keyframes, in time order")
    return keys


def dot_at(keys: Keyframes, u: float) -> tuple[float, float]:
    """Where the dot is ``u`` seconds after its start (straight lines between keyframes)."""
    if u <= keys[0][0]:
        return keys[0][1], keys[0][2]
    for (t0, x0, y0), (t1, x1, y1) in itertools.pairwise(keys):
        if u <= t1:
            k = (u - t0) / (t1 - t0) if t1 > t0 else 1.0
            return x0 + k * (x1 - x0), y0 + k * (y1 - y0)
    return keys[-1][1], keys[-1][2]


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
        #: (begin, action, duration, dot path) of everything asked so far.
        self._actions: list[tuple[float, str, float, Keyframes]] = [
            (b, a, ACTION_S[a], ()) for b, a in script]
        self._now = 0.0
        synth.rig(person)  # find landmarks now, not on the first frame

    def act(self, action: str) -> None:
        name, _, arg = action.partition("@")
        if name not in ACTIONS:
            raise SceneError(f"unknown action '{name}' (have: {', '.join(ACTIONS)})")
        keys: Keyframes = ()
        duration = ACTION_S[name]
        if name == "follow_dot":
            keys = parse_dot_path(arg)
            duration = keys[-1][0] + DOT_REACTION_S
        with self._lock:
            # Start after whatever the person is still doing: one thing at a time (the dot
            # is followed at once: it does not wait for the customer).
            begin = self._now + (0.0 if keys else 0.25)
            for s, _a, d, _k in self._actions:
                begin = max(begin, s + d + 0.2)
            self._actions.append((begin, name, duration, keys))

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
        for begin, action, duration, keys in actions:
            if action == "follow_dot":
                if begin <= t <= begin + duration:
                    x, y = dot_at(keys, t - begin - DOT_REACTION_S)
                    pose = replace(pose, yaw=-DOT_YAW_DEG * (x - 0.5),
                                   pitch=DOT_PITCH_DEG * (y - 0.5))
                continue
            k = _bump((t - begin) / duration)
            if k <= 0:
                continue
            if action == "blink":
                pose = replace(pose, blink=max(pose.blink, k))
            elif action == "smile":
                pose = replace(pose, smile=k)
            elif action == "nod":
                pose = replace(pose, pitch=NOD_DEG * k)
            else:
                pose = replace(pose, yaw=(30 if action == "turn_left" else -30) * k)
        return pose

    def frame(self, t: float) -> RGB:
        return synth.face_frame(self.person, self.pose(t), self.size,
                                seed=self.seed + int(t * 1000))


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


def _scripted(action: str) -> Callable[..., Scene]:
    def make(size: tuple[int, int], **kw: str) -> Scene:
        s = FaceScene(size, person=kw.get("person", "astronaut"),
                      script=((1.0, action), (4.0, action)))
        s.name = action
        s.duration = 6.0
        return s

    return make


def make_face(size: tuple[int, int], **kw: str) -> Scene:
    return FaceScene(size, person=kw.get("person", "astronaut"),
                     natural_blink_s=float(kw.get("blink_every", 0) or 0))


make_blink = _scripted("blink")
make_turn = _scripted("turn_left")
make_smile = _scripted("smile")


def make_phone(size: tuple[int, int], **kw: str) -> Scene:
    return PhoneScene(size, text=kw.get("text", "SB-APPT:A1B2C3"))


def make_empty(size: tuple[int, int], **kw: str) -> Scene:
    return EmptyScene(size)


def make_scene(name: str, size: tuple[int, int] = (640, 480), **options: str) -> Scene:
    """Build the scene registered as ``name`` (devices.camera.scene_registry)."""
    factory = scene_registry.factory_for(name)
    if factory is None:
        hint = " (the demo's scenes are added by demo.register_scenes())" \
            if name in ("customer", "idcard") else ""
        raise SceneError(f"unknown scene '{name}' (have: "
                         f"{', '.join(scene_registry.scene_names())}){hint}")
    scene = factory(size, **options)
    if not isinstance(scene, Scene):
        raise SceneError(f"scene factory for '{name}' returned {type(scene).__name__}")
    return scene
