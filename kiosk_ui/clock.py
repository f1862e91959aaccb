"""The time and date on the attract screen, in the branch's time zone (Qt-free)."""

from __future__ import annotations

from datetime import datetime

from kiosk_core.clock import local_now

__all__ = ["format_date", "format_time", "local_now"]

_WEEKDAYS_ZH = "一二三四五六日"
_WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")


def format_time(t: datetime) -> str:
    return f"{t.hour:02d}:{t.minute:02d}"


def format_date(t: datetime, language: str) -> str:
    """A date as people in that language write it (not the OS locale, which a kiosk may lack)."""
    if language == "zh_CN":
        return f"{t.year}年{t.month}月{t.day}日 星期{_WEEKDAYS_ZH[t.weekday()]}"
    return f"{_WEEKDAYS_EN[t.weekday()]}, {t.day} {_MONTHS_EN[t.month - 1]} {t.year}"
