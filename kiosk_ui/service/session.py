"""Technician service mode on the kiosk screen: the way in, the PIN, the pages, idle logout.

Qt-free and clock-agnostic (the caller passes ``now``, a monotonic time in seconds), so the
rules are tested without a window: the view-model (kiosk_ui.service.model) forwards taps
and ticks here and publishes the result.

The way in is one a customer does not do by accident: press and hold the top-left corner
of the screen for :data:`HOLD_S`, let go, then tap the bottom-right corner within
:data:`TAP_WITHIN_S` (or Ctrl+Alt+S on a keyboard). Then a technician PIN
(technician.auth), checked off the GUI thread.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from technician.auth import PIN_DIGITS, LoginResult

#: Stage size (kiosk_ui/qml/Main.qml lays everything out on it).
STAGE_W, STAGE_H = 1080, 1920
#: The corners of the gesture: squares of this many stage pixels.
CORNER = 200
HOLD_S = 3.0
TAP_WITHIN_S = 5.0


def in_top_left(x: float, y: float) -> bool:
    return 0 <= x < CORNER and 0 <= y < CORNER


def in_bottom_right(x: float, y: float) -> bool:
    return STAGE_W - CORNER <= x <= STAGE_W and STAGE_H - CORNER <= y <= STAGE_H


class CornerGesture:
    """Hold the top-left corner ≥ HOLD_S, release there, then tap the bottom-right corner
    within TAP_WITHIN_S. ``press``/``release`` take stage coordinates; ``release`` returns
    True when the gesture is complete. ``armed`` (the first half done) lets the caller keep
    the second tap away from whatever button sits in that corner."""

    def __init__(self, hold_s: float = HOLD_S, tap_within_s: float = TAP_WITHIN_S) -> None:
        self.hold_s, self.tap_within_s = hold_s, tap_within_s
        self._held_since: float | None = None
        self._armed_at: float | None = None
        self._tapping = False

    @property
    def finishing(self) -> bool:
        """The finishing tap is down (pressed in the bottom-right corner while armed)."""
        return self._tapping

    def armed(self, now: float) -> bool:
        return self._armed_at is not None and now - self._armed_at <= self.tap_within_s

    def press(self, x: float, y: float, now: float) -> None:
        if self.armed(now) and in_bottom_right(x, y):
            self._tapping = True
            return
        self._armed_at = None
        self._tapping = False
        self._held_since = now if in_top_left(x, y) else None

    def release(self, x: float, y: float, now: float) -> bool:
        if self._tapping:
            self._tapping = False
            self._armed_at = None
            return in_bottom_right(x, y)
        held, self._held_since = self._held_since, None
        if held is not None and in_top_left(x, y) and now - held >= self.hold_s:
            self._armed_at = now
        return False

    def reset(self) -> None:
        self._held_since = self._armed_at = None
        self._tapping = False


class Phase(StrEnum):
    CLOSED = ""
    PIN = "pin"  # the PIN keypad
    OPEN = "open"  # signed in: the service pages


class Page(StrEnum):
    OVERVIEW = "overview"
    SELF_TESTS = "selftests"
    SUPPLIES = "supplies"
    LOGS = "logs"
    CONFIG = "config"
    SERVICE = "service"


class PinMessage(StrEnum):
    """What the PIN screen says under the dots (QML has the words)."""

    NONE = ""
    WRONG = "wrong_pin"  # with failures_left
    LOCKED = "locked"  # with locked_seconds()
    NO_TECHNICIANS = "no_technicians"  # [technician] technicians is empty
    NOT_READY = "not_ready"  # the kiosk is still starting (no journal to record the entry)
    ERROR = "error"  # the check itself failed


@dataclass
class ServiceSession:
    """One technician visit: the PIN screen, then the pages until sign-out or idle."""

    pin_timeout_s: float
    idle_logout_s: float
    phase: Phase = Phase.CLOSED
    page: Page = Page.OVERVIEW
    pin: str = ""
    checking: bool = False
    message: PinMessage = PinMessage.NONE
    failures_left: int = 0
    locked_until: float = 0.0
    technician: str = ""
    name: str = ""
    last_activity: float = 0.0
    #: Pages visited since sign-in (the overview refreshes on entry, the others on demand).
    visited: set[Page] = field(default_factory=set)

    @property
    def active(self) -> bool:
        return self.phase is not Phase.CLOSED

    # -- the way in ------------------------------------------------------------------

    def open_pin(self, now: float, locked_for: float = 0.0) -> None:
        self.phase = Phase.PIN
        self.pin = ""
        self.checking = False
        self.failures_left = 0
        self.locked_until = now + locked_for if locked_for > 0 else 0.0
        self.message = PinMessage.LOCKED if locked_for > 0 else PinMessage.NONE
        self.last_activity = now

    def locked_seconds(self, now: float) -> int:
        return max(0, int(self.locked_until - now + 0.999))

    def digit(self, d: str, now: float) -> None:
        self.touch(now)
        if self.phase is not Phase.PIN or self.checking or self.locked_seconds(now):
            return
        if len(d) == 1 and d.isdigit() and len(self.pin) < PIN_DIGITS[1]:
            self.pin += d
            if self.message is PinMessage.WRONG:
                self.message = PinMessage.NONE

    def backspace(self, now: float) -> None:
        self.touch(now)
        if not self.checking:
            self.pin = self.pin[:-1]

    def submit(self, now: float) -> str | None:
        """The PIN to check (the caller checks it off the GUI thread), or None if there is
        nothing to check yet. The digits are forgotten here, whatever the outcome."""
        self.touch(now)
        if (self.phase is not Phase.PIN or self.checking or self.locked_seconds(now)
                or len(self.pin) < PIN_DIGITS[0]):
            return None
        pin, self.pin = self.pin, ""
        self.checking = True
        return pin

    def login_result(self, result: LoginResult, now: float) -> None:
        self.checking = False
        self.touch(now)
        if self.phase is not Phase.PIN:
            return  # cancelled while the PIN was being checked
        if result.ok:
            self.phase = Phase.OPEN
            self.page = Page.OVERVIEW
            self.technician, self.name = result.technician, result.name
            self.message = PinMessage.NONE
            self.visited = set()
        elif result.outcome == "locked":
            self.locked_until = now + result.retry_after_s
            self.message = PinMessage.LOCKED
        elif result.outcome == "no_technicians":
            self.message = PinMessage.NO_TECHNICIANS
        else:
            self.failures_left = result.failures_left
            self.message = PinMessage.WRONG

    def login_failed(self, now: float, not_ready: bool = False) -> None:
        self.checking = False
        self.touch(now)
        self.message = PinMessage.NOT_READY if not_ready else PinMessage.ERROR

    # -- signed in ----------------------------------------------------------------------

    def show(self, page: Page, now: float) -> bool:
        """Go to ``page``; True the first time it is shown since sign-in."""
        self.touch(now)
        if self.phase is not Phase.OPEN:
            return False
        self.page = page
        first = page not in self.visited
        self.visited.add(page)
        return first

    def touch(self, now: float) -> None:
        self.last_activity = now

    def tick(self, now: float) -> str | None:
        """"pin_timeout" or "idle" when service mode should close now, else None."""
        # A locked screen too goes back to the attract screen when nobody looks at it.
        if (self.phase is Phase.PIN and not self.checking
                and now - self.last_activity >= self.pin_timeout_s):
            return "pin_timeout"
        if self.phase is Phase.OPEN and now - self.last_activity >= self.idle_logout_s:
            return "idle"
        return None

    def close(self) -> tuple[str, str]:
        """Leave service mode; returns (technician, name) who was signed in ("" if none)."""
        who = (self.technician, self.name)
        self.phase = Phase.CLOSED
        self.page = Page.OVERVIEW
        self.pin = ""
        self.checking = False
        self.message = PinMessage.NONE
        self.technician = self.name = ""
        self.visited = set()
        return who
