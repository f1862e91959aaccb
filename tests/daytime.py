"""A branch time zone in which it is mid-morning now, whatever hour the tests run at.

Tests book appointments "in 5 minutes" or "in 3 hours" and check them in "today". In the
branch's real zone that crosses midnight for part of every day (at 21:00 in Shanghai "in 3
hours" is tomorrow), so such tests would pass or fail with the hour CI happens to run. In this
zone it is now between 10:00 and 11:00: everything a test books stays on today's date, through
any test session. Tests about fixed dates, DST and the real zone name their zone themselves.
"""

from __future__ import annotations

from datetime import UTC, datetime


def daytime_zone(now: datetime | None = None) -> str:
    """An ``Etc/GMT±N`` zone where ``now`` (default: the current time) is 10:00–10:59."""
    hour = (now or datetime.now(UTC)).astimezone(UTC).hour
    offset = 10 - hour  # hours east of UTC
    if offset < -12:  # Etc/ zones run from UTC-12 to UTC+14
        offset += 24
    # POSIX-style names: "Etc/GMT-8" is eight hours *east* of Greenwich.
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{-offset:+d}"


ZONE = daytime_zone()
