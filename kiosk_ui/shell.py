"""The customer session as a state machine: which screen, which overlay, which language.

Qt-free: the view-model (kiosk_ui.viewmodels) forwards taps and clock ticks here and
publishes the result to QML, so every rule of the shell is testable without a window.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from kiosk_core.availability import WHOLE_KIOSK, Availability, Unavailable
from kiosk_ui.idle import IdlePhase, InactivityClock


class Screen(StrEnum):
    ATTRACT = "attract"
    LANGUAGE = "language"
    MENU = "menu"
    FLOW = "flow"


class Overlay(StrEnum):
    NONE = ""
    TIMEOUT_PROMPT = "timeout-prompt"
    CALL_TELLER = "call-teller"


#: What QML shows full-screen instead of the session's screen while out of service.
OUT_OF_SERVICE = "out-of-service"


@dataclass(frozen=True)
class ServiceView:
    """The runtime's ServiceState as the shell needs it. Out of service only when no
    function can be offered; ``functions`` says, per menu entry, what can be done now."""

    in_service: bool = False
    starting: bool = True
    down: tuple[str, ...] = ()
    degraded: tuple[str, ...] = ()
    functions: tuple[Availability, ...] = ()
    #: Devices still opening have had ``timeouts.device_open_s``: they count as down.
    opening_timed_out: bool = False

    @property
    def out_of_service(self) -> bool:
        return not self.in_service and not self.starting

    def _staff_blocked(self) -> set[str]:
        """What a technician took out (function ids, or "*" for the whole kiosk)."""
        return {b.what for f in self.functions for b in f.blockers
                if b.reason is Unavailable.OUT_OF_SERVICE}

    @property
    def closed_by_staff(self) -> bool:
        """Out of service because a technician took the kiosk (or every function) out:
        the screen says "closed for maintenance", not "broken"."""
        if not self.out_of_service:
            return False
        if WHOLE_KIOSK in self.down or "out_of_service" in self.down:
            return True
        return bool(self.functions) and all(
            any(b.reason is Unavailable.OUT_OF_SERVICE for b in f.blockers)
            for f in self.functions)

    @property
    def down_devices(self) -> tuple[str, ...]:
        """``down`` without the technician's overrides: what is really not working."""
        staff = self._staff_blocked() | {WHOLE_KIOSK, "out_of_service"}
        return tuple(d for d in self.down if d not in staff)


class Shell:
    def __init__(
        self,
        *,
        default_language: str,
        languages: list[str],
        inactivity_s: float,
        prompt_s: float,
        now: float,
    ) -> None:
        self.default_language = default_language
        self.languages = list(languages)
        self.language = default_language
        self.screen = Screen.ATTRACT
        self.overlay = Overlay.NONE
        self._before_prompt = Overlay.NONE  # what the prompt covers, restored on "more time"
        self.flow_id: str | None = None
        self.service = ServiceView()
        self.idle = InactivityClock(inactivity_s, prompt_s, now)
        self.sessions_ended = 0
        #: Display modes the customer switched on: for this session only.
        self.large_text = False
        self.high_contrast = False

    # -- what QML shows ---------------------------------------------------------

    @property
    def visible_screen(self) -> str:
        """The full-screen page. A flow already running finishes on its own terms (it
        watches its devices); the shell only takes over the idle and menu screens."""
        if self.service.out_of_service and self.screen is not Screen.FLOW:
            return OUT_OF_SERVICE
        return str(self.screen)

    @property
    def in_session(self) -> bool:
        """A customer is using the kiosk (so the inactivity clock runs)."""
        return self.screen is not Screen.ATTRACT or self.overlay is not Overlay.NONE

    # -- customer actions --------------------------------------------------------

    def start_session(self, now: float) -> None:
        """Tap on the attract screen."""
        if self.screen is not Screen.ATTRACT:
            return
        self.idle.touch(now)
        self.screen = Screen.LANGUAGE if len(self.languages) > 1 else Screen.MENU

    def choose_language(self, language: str, now: float) -> None:
        self.set_language(language, now)
        if self.screen in (Screen.ATTRACT, Screen.LANGUAGE):
            self.screen = Screen.MENU

    def set_language(self, language: str, now: float) -> None:
        if language not in self.languages:
            raise ValueError(f"language {language!r} is not offered (have {self.languages})")
        self.language = language
        self.idle.touch(now)

    def set_large_text(self, on: bool, now: float) -> None:
        """Larger text (1.4×) until the session ends."""
        self.idle.touch(now)
        self.large_text = bool(on)

    def set_high_contrast(self, on: bool, now: float) -> None:
        """The high-contrast palette until the session ends."""
        self.idle.touch(now)
        self.high_contrast = bool(on)

    def open_flow(self, flow_id: str, now: float) -> None:
        self.idle.touch(now)
        self.flow_id = flow_id
        self.screen = Screen.FLOW

    def back_to_menu(self, now: float) -> None:
        self.idle.touch(now)
        self.flow_id = None
        self.screen = Screen.MENU

    def call_teller(self, now: float) -> None:
        self.idle.touch(now)
        self.overlay = Overlay.CALL_TELLER

    def cancel_teller(self, now: float) -> None:
        self.idle.touch(now)
        if self.overlay is Overlay.CALL_TELLER:
            self.overlay = Overlay.NONE

    def activity(self, now: float) -> None:
        """Any touch. While "Need more time?" is up only its buttons count, so a stray
        touch cannot silently extend a session the customer walked away from."""
        if self.overlay is not Overlay.TIMEOUT_PROMPT:
            self.idle.touch(now)

    def more_time(self, now: float) -> None:
        self.idle.touch(now)
        if self.overlay is Overlay.TIMEOUT_PROMPT:
            self.overlay = self._before_prompt

    def end_session(self) -> None:
        """Forget the customer: back to the attract screen in the kiosk's own language."""
        self.screen = Screen.ATTRACT
        self.overlay = Overlay.NONE
        self.flow_id = None
        self.language = self.default_language
        self.large_text = False
        self.high_contrast = False
        self.sessions_ended += 1

    # -- the world ---------------------------------------------------------------

    def tick(self, now: float) -> bool:
        """Advance the inactivity clock: shows the prompt, or ends the session (→ True)."""
        if not self.in_session:
            return False
        phase = self.idle.phase(now)
        if phase is IdlePhase.EXPIRED:
            self.end_session()
            return True
        # The prompt covers a teller request too: nobody answering it means nobody is
        # there, and a request must not hold the kiosk forever.
        if phase is IdlePhase.PROMPT and self.overlay is not Overlay.TIMEOUT_PROMPT:
            self._before_prompt = self.overlay
            self.overlay = Overlay.TIMEOUT_PROMPT
        return False

    def prompt_seconds_left(self, now: float) -> int:
        return int(self.idle.prompt_left(now) + 0.999)

    def set_service(self, service: ServiceView) -> None:
        self.service = service
