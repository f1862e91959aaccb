"""Times: stored as UTC ISO strings ending in Z, shown in an IANA zone.

The offset used for display is the zone's offset *at that instant*, so an appointment made
before a DST change is still shown at the local time the customer booked.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

FMT = "%Y-%m-%dT%H:%M:%SZ"


def utcnow() -> datetime:
    return datetime.now(UTC)


def to_utc_text(dt: datetime) -> str:
    if dt.tzinfo is None:
        raise ValueError("naive datetime: give a zone")
    return dt.astimezone(UTC).strftime(FMT)


#: Years a stored time may have: four digits after the shift to UTC (strftime writes year
#: 1 as "1", and year 1 or 9999 with an offset leaves datetime's range: OverflowError).
MIN_YEAR, MAX_YEAR = 1000, 9998


def parse_utc(text: str) -> datetime:
    """Parse an RFC 3339 time with an offset (Z or ±hh:mm); naive times, and times outside
    years 1000..9998, are refused with ValueError (never OverflowError)."""
    if not isinstance(text, str) or len(text) > 64 or not text.isascii():
        raise ValueError(f"not an RFC 3339 time: {str(text)[:40]!r}")
    dt = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    if dt.tzinfo is None:
        raise ValueError(f"time without offset: {text!r}")
    if not MIN_YEAR <= dt.year <= MAX_YEAR:
        raise ValueError(f"time out of range (years {MIN_YEAR}..{MAX_YEAR}): {text!r}")
    try:
        return dt.astimezone(UTC)
    except OverflowError:  # pragma: no cover - the year bound above keeps us inside
        raise ValueError(f"time out of range: {text!r}") from None


def normalise_utc(text: str) -> str:
    return to_utc_text(parse_utc(text))


def local(text_utc: str, zone: str) -> datetime:
    return parse_utc(text_utc).astimezone(ZoneInfo(zone))


def local_hm(text_utc: str, zone: str) -> str:
    return local(text_utc, zone).strftime("%H:%M")


def day_bounds_utc(day: date, zone: str) -> tuple[str, str]:
    """[start, end) of a local calendar day in UTC text — 23 or 25 hours long on DST days."""
    z = ZoneInfo(zone)
    start = datetime.combine(day, time(0), tzinfo=z)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=z)
    return to_utc_text(start), to_utc_text(end)


def local_today(zone: str, now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(ZoneInfo(zone)).date()
