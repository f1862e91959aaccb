"""What the screen currently asks of the customer, as data.

A flow session shows a :class:`Prompt` on the runtime's :class:`PromptBoard` whenever it
asks the customer to do something (hold up the ID card, look at the camera, turn the head,
show the phone's QR code). Whoever plays the customer listens: the demo's simulated
customer (``demo/``) changes what the simulated camera sees, as a real customer reads the
screen; voice guidance can speak it. Sessions therefore never need a demo branch.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from kiosk_core.listeners import Listeners


@dataclass(frozen=True)
class Prompt:
    flow: str  # "checkin" | "card_issuance" | …
    step: str  # what is asked: "show_qr", "show_id_card", "look_at_camera", "challenge", "idle"…
    detail: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


IDLE = Prompt(flow="", step="idle")


class PromptBoard:
    """The current prompt and its listeners (called on the thread that shows a prompt)."""

    def __init__(self) -> None:
        self._current = IDLE
        self._listeners: Listeners[Prompt] = Listeners("prompt")

    @property
    def current(self) -> Prompt:
        return self._current

    def show(self, prompt: Prompt) -> None:
        self._current = prompt
        self._listeners.emit(prompt)

    def clear(self) -> None:
        self.show(IDLE)

    def subscribe(self, listener: Callable[[Prompt], object]) -> Callable[[], None]:
        return self._listeners.subscribe(listener)
