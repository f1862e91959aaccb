"""Inactivity: when to ask "Need more time?" and when to give up on the customer.

Qt-free and clock-agnostic (the caller passes ``now``, a monotonic time in seconds) so the
policy is tested without waiting and the view-model only has to tick it.
"""

from __future__ import annotations

from enum import StrEnum


class IdlePhase(StrEnum):
    ACTIVE = "active"  # the customer touched the screen recently
    PROMPT = "prompt"  # "Need more time?" is showing, counting down
    EXPIRED = "expired"  # nobody answered: end the session


class InactivityClock:
    def __init__(self, inactivity_s: float, prompt_s: float, now: float) -> None:
        if inactivity_s <= 0 or prompt_s <= 0:
            raise ValueError("inactivity and prompt times must be positive")
        self.inactivity_s = inactivity_s
        self.prompt_s = prompt_s
        self._last = now

    def touch(self, now: float) -> None:
        """The customer did something: start counting again."""
        self._last = now

    def phase(self, now: float) -> IdlePhase:
        idle = now - self._last
        if idle < self.inactivity_s:
            return IdlePhase.ACTIVE
        if idle < self.inactivity_s + self.prompt_s:
            return IdlePhase.PROMPT
        return IdlePhase.EXPIRED

    def prompt_left(self, now: float) -> float:
        """Seconds the prompt still waits (full prompt time while active, 0 once expired)."""
        left = self._last + self.inactivity_s + self.prompt_s - now
        return max(0.0, min(self.prompt_s, left))
