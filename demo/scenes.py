"""The demo's camera scenes: the ID card held up, and the scripted customer.

They are built from identity's facts (the card layout its capture step reads, a TD1 MRZ),
so they live here, above identity, and reach the camera simulator through its scene
registry: ``demo.register_scenes()`` (called by the composition root at start, and by the
tests' fixtures) adds ``customer``, ``idcard``, ``idcard-glare`` and ``idcard-blur`` to
``sim://camera?scene=…`` (by name: this module is imported when a camera plays one).
"""

from __future__ import annotations

import math
import threading
from functools import cache

import numpy as np
import numpy.typing as npt

from demo.idcard import CardHolder, portrait_crop, render_card
from devices.camera import synth
from devices.camera.scenes import FaceScene, Scene

RGB = npt.NDArray[np.uint8]


@cache
def card_image(photo_name: str = "astronaut", holder: CardHolder | None = None) -> RGB:
    """The demo ID card of the person in the named sample photo (read-only)."""
    r = synth.rig(photo_name)
    card = render_card(portrait_crop(r.photo, r.box), holder)
    card.setflags(write=False)
    return card


class CardScene(Scene):
    """A hand holding the ID card up: it comes closer, shakes a little, then holds still."""

    name = "idcard"

    def __init__(self, size: tuple[int, int] = (640, 480), *, person: str = "astronaut",
                 holder: CardHolder | None = None, glare: bool = False, blur: int = 0,
                 cut_corner: bool = False, seed: int = 0) -> None:
        super().__init__(size)
        self.card = card_image(person, holder)
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
        noisy = img.astype(np.float32) + synth.sensor_noise(img.shape, 2.0,
                                                             self.seed + int(t * 1000))
        return np.clip(noisy, 0, 255).astype(np.uint8)


#: What a customer scene can be told to show.
SHOWS = ("card", "face")


class CustomerScene(Scene):
    """The demo's customer. Left alone, they show the ID card for ``id_s`` seconds, then
    their face, and follow whatever challenge the kiosk asks for (``act``). Once told what
    to show (:meth:`show` — the simulated customer does, following the screen's prompts),
    they do that instead: the card is brought up again from the start each time."""

    name = "customer"

    def __init__(self, size: tuple[int, int] = (640, 480), *, person: str = "astronaut",
                 id_s: float = 4.0, seed: int = 0, holder: CardHolder | None = None) -> None:
        super().__init__(size)
        self.id_s = id_s
        self.card = CardScene(size, person=person, seed=seed, holder=holder)
        self.face = FaceScene(size, person=person, natural_blink_s=4.3, start=id_s, seed=seed)
        self._lock = threading.Lock()
        self._showing: str | None = None  # None: the timed script above
        self._since: float | None = None  # scene time the current showing began
        self._t = 0.0  # the latest frame's scene time

    @property
    def showing(self) -> str:
        """"card" or "face": what the next frame shows (by the script if not told)."""
        with self._lock:
            if self._showing is not None:
                return self._showing
            return "face" if self._t >= self.id_s else "card"

    def show(self, what: str) -> None:
        if what not in SHOWS:
            raise ValueError(f"a customer shows one of {', '.join(SHOWS)}, not {what!r}")
        with self._lock:
            if what != self._showing or what == "card":
                self._since = None  # starts at the next frame
            self._showing = what

    def act(self, action: str) -> None:
        self.face.act(action)

    def frame(self, t: float) -> RGB:
        with self._lock:
            showing = self._showing
            self._t = t
            if self._since is None:
                self._since = t
            since = self._since
        if showing is None:
            return self.card.frame(t) if t < self.id_s else self.face.frame(t)
        if showing == "card":
            return self.card.frame(t - since)
        return self.face.frame(t)


def make_customer(size: tuple[int, int], **kw: str) -> Scene:
    """``holder=NAME``: the card shows that sandbox-bank customer (demo.holders)."""
    from demo.holders import holder_named

    return CustomerScene(size, person=kw.get("person", "astronaut"),
                         id_s=float(kw.get("id_s", 4.0)), holder=holder_named(kw.get("holder")))


def make_idcard(size: tuple[int, int], **kw: str) -> Scene:
    return CardScene(size, person=kw.get("person", "astronaut"))


def make_idcard_glare(size: tuple[int, int], **kw: str) -> Scene:
    return CardScene(size, glare=True)


def make_idcard_blur(size: tuple[int, int], **kw: str) -> Scene:
    return CardScene(size, blur=11)
