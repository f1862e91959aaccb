"""Check-in look-ups for the kiosk: Qt-free, synchronous, fast (indexed, well under 1 ms).

The check-in flow calls::

    desk = CheckInDesk.from_config(cfg)          # or CheckInDesk(BranchStore(...))
    appt = desk.find_by_qr(scanned_text)         # or desk.find_by_phone(phone, code)
    ticket = desk.check_in(appt.id)              # queue ticket + outbox event, one transaction

Every refusal is a :class:`LookupRefused` with a ``code`` the UI maps to plain words:
``invalid`` (not our QR / bad input), ``unknown``, ``used``, ``cancelled``, ``no_show``,
``too_early``, ``too_late``, ``not_today``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from o2o_sync.store import BranchStore, LookupRefused, Ticket
from o2o_sync.timeutil import local, local_today, utcnow
from o2o_sync.wire import digits

__all__ = ["Appointment", "CheckInDesk", "LookupRefused", "Ticket"]

QR_PREFIX = "O2O:"  # what the channel encodes in the QR: O2O:<token>
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{8,128}\Z")
_CODE = re.compile(r"^[A-Z0-9]{4,16}\Z")


@dataclass(frozen=True)
class Appointment:
    id: str
    service: str
    name: str
    phone_masked: str
    code: str
    local_time: str  # HH:MM in the appointment's zone, on its date
    local_date: str
    status: str


class CheckInDesk:
    def __init__(self, store: BranchStore) -> None:
        self.store = store

    @classmethod
    def from_config(cls, cfg: Any) -> CheckInDesk:
        return cls(BranchStore.from_config(cfg))

    def close(self) -> None:
        self.store.close()

    def _checked(self, row: Any, now: datetime | None) -> Appointment:
        now = now or utcnow()
        # Same rules as check_in(), so the kiosk can say why before the customer confirms.
        self.store._check_allowed(row, now, enforce_window=False)
        zone = row["zone"] or self.store.zone
        start = local(row["start_utc"], zone)
        try:
            self.store._check_allowed(row, now, enforce_window=True)
        except LookupRefused as exc:
            # Outside the window on another day: say which day (00:05 may be checked in at 23:55).
            if start.date() != local_today(zone, now):
                day = start.date().isoformat()
                raise LookupRefused("not_today", f"This appointment is on {day}.", day) from exc
            raise
        return Appointment(
            row["id"],
            row["service"],
            row["customer_name"],
            f"***{(row['phone_digits'] or '')[-4:]}",
            row["booking_code"],
            start.strftime("%H:%M"),
            start.date().isoformat(),
            row["local_status"],
        )

    def find_by_qr(self, scanned: str, now: datetime | None = None) -> Appointment:
        text = (scanned or "").strip()
        if text.upper().startswith(QR_PREFIX):
            text = text[len(QR_PREFIX) :]
        if not _TOKEN.match(text):
            raise LookupRefused("invalid", "This QR code is not a branch appointment.")
        rows = self.store.by_qr(text)
        if len(rows) != 1:
            raise LookupRefused("unknown", "We could not find this appointment.")
        return self._checked(rows[0], now)

    def find_by_phone(self, phone: str, code: str, now: datetime | None = None) -> Appointment:
        d = digits(phone or "")
        c = (code or "").strip().upper()
        if len(d) < 5 or not _CODE.match(c):
            raise LookupRefused("invalid", "Please enter your phone number and booking code.")
        # The code narrows to one or two rows; the phone must match (by its last digits, so
        # a customer may leave out the country code).
        rows = [
            r
            for r in self.store.by_code(c)
            if r["phone_digits"]
            and (r["phone_digits"].endswith(d) or d.endswith(r["phone_digits"]))
        ]
        if len(rows) != 1:
            raise LookupRefused(
                "unknown", "We could not find an appointment for this phone and code."
            )
        return self._checked(rows[0], now)

    def check_in(
        self, appointment_id: str, *, via: str = "kiosk", now: datetime | None = None
    ) -> Ticket:
        return self.store.check_in(appointment_id, via=via, now=now)
