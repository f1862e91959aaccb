"""Scripted scenes for the simulated camera (``sim://camera?scene=NAME``).

Scenes here need only the sample photos, numpy and OpenCV; which names a URL may use is
kept by :mod:`devices.camera.scene_registry`.

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

from devices.camera import scene_registry, synth

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
