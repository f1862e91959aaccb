"""The check-in screens as a plain state machine (Qt-free; the view-model only mirrors it).

    choose ─┬─ scan ──(QR read)──────────────┐
            └─ phone ─(next)─ code ─(find)───┤
                                             ▼
                          busy ─▶ confirm ─(yes)─▶ busy ─▶ ticket
                            └────▶ error ◀───────────┘

Every transition is a method; the blocking work (look-ups, the check-in flow) is done by
the caller, which reports back with :meth:`found`, :meth:`refused`, :meth:`checked_in`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from customer_flows.checkin import CheckinResult, FoundAppointment
from kiosk_core.failures import CHECKIN_RETRYABLE, Failure

#: Wrong phone/code combinations before the kiosk sends the customer to a person.
MAX_PHONE_ATTEMPTS = 3
PHONE_MAX = 15
#: The channel's booking-code alphabet (no 0/O, 1/I: read aloud on the phone).
CODE_KEYS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LEN = 6
#: Refusals worth another try: a misread QR code, a mistyped phone or code.
RETRYABLE = CHECKIN_RETRYABLE
#: Camera faults the scan screen tells the customer about while it keeps scanning.
CAMERA_PROBLEMS = frozenset({Failure.CAMERA_UNPLUGGED, Failure.CAMERA_FROZEN,
                             Failure.CAMERA_DARK})
#: Refusals that cost one of the phone path's attempts.
_MISTYPED = (Failure.UNKNOWN, Failure.INVALID)


@dataclass
class CheckinSession:
    step: str = "choose"  # choose | scan | phone | code | busy | confirm | ticket | error
    path: str = ""  # "qr" | "phone"
    phone: str = ""
    code: str = ""
    attempts_left: int = MAX_PHONE_ATTEMPTS
    appointment: FoundAppointment | None = None
    result: CheckinResult | None = None
    error: str = ""  # the Failure shown on the error screen ("" when none)
    error_detail: str = ""
    busy_with: str = ""  # "lookup" | "checkin"
    history: list[str] = field(default_factory=list)

    def _go(self, step: str) -> None:
        self.history.append(step)
        self.step = step

    # -- choosing a way ------------------------------------------------------------------

    def choose_qr(self) -> None:
        self.path = "qr"
        self._go("scan")

    def choose_phone(self) -> None:
        self.path = "phone"
        self.phone = self.code = ""
        self._go("phone")

    def back(self) -> None:
        """One screen back (the shell's Start over leaves the flow altogether)."""
        if self.step == "code":
            self._go("phone")
        elif self.step in ("scan", "phone", "confirm", "error"):
            self.appointment = None
            self._go("choose")

    # -- keypads -------------------------------------------------------------------------

    def press(self, key: str) -> None:
        if len(key) != 1:  # one key at a time ("AB" is a substring of the alphabet)
            return
        if self.step == "phone" and key in "0123456789" and len(self.phone) < PHONE_MAX:
            self.phone += key  # ASCII only: "²".isdigit() is True
        elif self.step == "code" and key.upper() in CODE_KEYS and len(self.code) < CODE_LEN:
            self.code += key.upper()

    def delete(self) -> None:
        if self.step == "phone":
            self.phone = self.phone[:-1]
        elif self.step == "code":
            self.code = self.code[:-1]

    @property
    def phone_ok(self) -> bool:
        return len(self.phone) >= 5

    @property
    def code_ok(self) -> bool:
        return len(self.code) >= 4

    def phone_next(self) -> bool:
        if self.step != "phone" or not self.phone_ok:
            return False
        self._go("code")
        return True

    # -- look-ups -------------------------------------------------------------------------

    def start_lookup(self) -> dict[str, str] | None:
        """From the code screen: what to look up (None if not ready / no attempts left)."""
        if self.step != "code" or not self.code_ok or self.attempts_left <= 0:
            return None
        self.busy_with = "lookup"
        self._go("busy")
        return {"phone": self.phone, "code": self.code}

    def camera_trouble(self, failure: Failure | None) -> bool:
        """While the scan screen is up: the camera's problem (unplugged, frozen, too dark)
        shown on it as ``error``, or cleared (None). True if that changed what is shown."""
        if self.step != "scan":
            return False
        code = failure.value if failure is not None else ""
        shown = self.error if self.error in CAMERA_PROBLEMS else ""
        if code == shown:
            return False
        self.error, self.error_detail = code, ""
        return True

    def qr_read(self, text: str) -> str | None:
        """The camera read a QR code while the scan screen is up: look it up."""
        if self.step != "scan" or not text:
            return None
        if self.error in CAMERA_PROBLEMS:  # a code was read: the camera serves
            self.error, self.error_detail = "", ""
        self.busy_with = "lookup"
        self._go("busy")
        return text

    def found(self, appointment: FoundAppointment) -> None:
        self.appointment = appointment
        self._go("confirm")

    def refused(self, code: Failure | str, detail: str = "") -> None:
        code = Failure.parse(code)
        if self.busy_with == "lookup" and self.path == "phone" and code in _MISTYPED:
            self.attempts_left -= 1
            if self.attempts_left <= 0:
                code = Failure.TOO_MANY
        self.error, self.error_detail = code, detail
        self._go("error")

    def retry(self) -> None:
        """From the error screen: scan again / type again (not after too many attempts)."""
        if not self.can_retry:
            return
        if self.path == "qr":
            self._go("scan")
        else:
            self.code = ""
            self._go("code" if self.error in _MISTYPED else "phone")

    @property
    def can_retry(self) -> bool:
        """Only where trying again can help (a misread or mistyped code), never for an
        answer about the appointment itself (used, cancelled, too early…)."""
        return self.step == "error" and self.error in RETRYABLE

    # -- checking in ------------------------------------------------------------------------

    def confirm(self) -> str | None:
        if self.step != "confirm" or self.appointment is None:
            return None
        self.busy_with = "checkin"
        self._go("busy")
        return self.appointment.appointment_id

    def checked_in(self, result: CheckinResult) -> None:
        self.result = result
        self._go("ticket")

    def snapshot(self) -> dict[str, Any]:
        return {"step": self.step, "path": self.path, "phone": self.phone, "code": self.code,
                "attempts_left": self.attempts_left, "error": self.error}
