"""Callback appointments for a customer no teller could take (video_teller.api.CallbackBooker).

Offered when the queue timed out, nobody is signed in, or it is outside the tellers' hours:
the next half-hour slots inside ``[hub] teller_hours`` / ``teller_days`` (the kiosk's time
zone), at least :data:`LEAD_MIN` from now. Booking writes a ``callback_request`` branch
event to o2o_sync's outbox — in the same SQLite transaction as its activity row — and the
sync uploads it to the online channel, which books the call; nothing is lost offline.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from o2o_sync.store import BranchStore
from video_teller.settings import HubSettings

LEAD_MIN = 30
SLOT_MIN = 30
SLOTS = 4
HORIZON_DAYS = 7


def open_now(hub: HubSettings, now: datetime) -> bool:
    """Are tellers on duty at ``now`` (tz-aware, the kiosk's zone)?"""
    return hub.tellers_on_duty(now)


def callback_slots(hub: HubSettings, now: datetime, count: int = SLOTS) -> list[datetime]:
    """The next ``count`` slot starts (tz-aware) at least LEAD_MIN ahead, inside hours."""
    start, end = hub.teller_minutes()
    t = now + timedelta(minutes=LEAD_MIN)
    t = t.replace(second=0, microsecond=0)
    t += timedelta(minutes=(-t.minute) % SLOT_MIN)
    out: list[datetime] = []
    limit = now + timedelta(days=HORIZON_DAYS)
    while len(out) < count and t < limit:
        minute = t.hour * 60 + t.minute
        if t.isoweekday() in hub.teller_days and start <= minute and minute + SLOT_MIN <= end:
            out.append(t)
            t += timedelta(minutes=SLOT_MIN)
        elif t.isoweekday() in hub.teller_days and minute < start:
            t = t.replace(hour=start // 60, minute=start % 60)
            t += timedelta(minutes=(-t.minute) % SLOT_MIN)
        else:  # after hours, or not a teller day: tomorrow's opening
            t = (t + timedelta(days=1)).replace(hour=start // 60, minute=start % 60)
            t += timedelta(minutes=(-t.minute) % SLOT_MIN)
    return out


class BranchCallbacks:
    def __init__(self, store: Callable[[], BranchStore], hub: HubSettings, timezone: str,
                 clock: Callable[[], datetime] | None = None) -> None:
        self._store = store
        self.hub = hub
        self.zone = ZoneInfo(timezone)
        self._clock = clock or (lambda: datetime.now(self.zone))

    def now(self) -> datetime:
        return self._clock().astimezone(self.zone)

    def slots(self, language: str) -> list[str]:
        return [t.isoformat(timespec="minutes") for t in callback_slots(self.hub, self.now())]

    def book(self, *, slot: str, language: str, kiosk_id: str, call_id: str,
             phone: str = "") -> str:
        try:
            when = datetime.fromisoformat(slot)
        except ValueError:
            raise ValueError(f"callback slot {slot!r}: not an ISO time") from None
        when = when.replace(tzinfo=self.zone) if when.tzinfo is None else when
        now = self.now()
        # A slot offered a minute ago is still fine; one never offered is not.
        allowed = callback_slots(self.hub, now - timedelta(minutes=LEAD_MIN), SLOTS * 2)
        if when not in allowed or when <= now:
            raise ValueError(f"callback slot {slot!r} is not one on offer")
        return self._store().request_callback(
            when, language=language, reference=call_id, via=f"kiosk:{kiosk_id}", phone=phone,
            now=now)
