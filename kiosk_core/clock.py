"""The kiosk's wall clock: the branch's configured time zone, never the PC's (a kiosk PC
is often left on UTC). Screens, receipts and evidence all take their times from here."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo


def local_now(timezone: str) -> datetime:
    """Now, aware, in ``timezone`` (an IANA name, checked when the config is read)."""
    return datetime.now(ZoneInfo(timezone))
