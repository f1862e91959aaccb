"""Demo only: make the simulated customer show the right thing for each phase.

``sim://camera?scene=customer`` plays the ID card for ``id_s`` seconds *after the camera
opened*, then the face — but the kiosk opens its camera at start-up, long before a
customer asks for a card. The camera package exposes the scene (``camera.scene``) and its
``act()`` control channel, not a way to restart it, so this adapter restarts the card part
when ID capture begins and switches to the face when the identity check asks for it. It
touches only the scene's public attributes (``card``, ``id_s``, ``act``) and does nothing
for a real camera or any other scene.
"""

from __future__ import annotations

import math
import threading
from typing import Any


class _RestartedCard:
    """The scene's card, replayed from its start (hand coming closer, then still)."""

    def __init__(self, card: Any) -> None:
        self.card = card
        self._t0: float | None = None
        self._lock = threading.Lock()

    def restart(self) -> None:
        with self._lock:
            self._t0 = None

    def frame(self, t: float) -> Any:
        with self._lock:
            if self._t0 is None:
                self._t0 = t
            t0 = self._t0
        return self.card.frame(t - t0)


class DemoCustomer:
    def __init__(self, scene: Any) -> None:
        self.scene = scene
        card = scene.card
        self._card = card if isinstance(card, _RestartedCard) else _RestartedCard(card)
        scene.card = self._card

    @classmethod
    def attach(cls, camera: Any) -> DemoCustomer | None:
        """The adapter for ``camera`` if it plays the simulated customer, else None."""
        scene = getattr(camera, "scene", None)
        if scene is None or not all(hasattr(scene, a) for a in ("card", "face", "id_s", "act")):
            return None
        return cls(scene)

    def show_card(self) -> None:
        """The customer holds up the ID card (brought closer, shaking, then held still)."""
        self._card.restart()
        self.scene.id_s = math.inf

    def show_face(self) -> None:
        """The card is put away; the customer looks at the camera."""
        self.scene.id_s = -math.inf

    def act(self, action: str) -> None:
        """Follow the liveness challenge the kiosk shows."""
        self.scene.act(action)
