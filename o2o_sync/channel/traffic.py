"""Realistic appointment traffic for demos, tests and benchmarks.

Bookings spread over the coming days, services and opening hours (in the branch's local
time), then reschedules and cancellations — and a DST scenario: the same local time booked on
both sides of the next daylight-saving change of a zone that has one.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from o2o_sync.channel.service import ChannelError, ChannelService
from o2o_sync.services import SERVICES
from o2o_sync.timeutil import to_utc_text, utcnow

SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴", "徐", "孙", "马", "朱"]
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛"]
WESTERN = [
    "Emma Clarke",
    "Oliver Smith",
    "Amelia Jones",
    "Harry Brown",
    "Isla Taylor",
    "Jack Wilson",
    "Sophia Evans",
    "Noah Thomas",
    "Mia Roberts",
    "Leo Walker",
]


def fake_name(rng: random.Random) -> str:
    if rng.random() < 0.8:
        return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))
    return rng.choice(WESTERN)


def fake_phone(rng: random.Random) -> str:
    a, b = rng.randint(0, 9999), rng.randint(0, 9999)
    return f"+86 1{rng.choice('3589')}{rng.randint(0, 9)} {a:04d} {b:04d}"


def slot(day: date, minutes_after_9: int, zone: str) -> datetime:
    return datetime.combine(day, time(9), tzinfo=ZoneInfo(zone)) + timedelta(
        minutes=minutes_after_9
    )


@dataclass
class TrafficStats:
    booked: int = 0
    rescheduled: int = 0
    cancelled: int = 0
    slot_clashes: int = 0
    ids: list[str] = field(default_factory=list)


def generate(
    svc: ChannelService,
    branch: str,
    zone: str,
    n: int,
    *,
    seed: int = 1,
    days: int = 7,
    start: date | None = None,
) -> TrafficStats:
    rng = random.Random(seed)
    first = start or utcnow().astimezone(ZoneInfo(zone)).date()
    stats = TrafficStats()
    services = list(SERVICES)

    def book_one() -> None:
        day = first + timedelta(days=rng.randrange(days))
        when = slot(day, 15 * rng.randrange(32), zone)  # 09:00 … 16:45 local
        try:
            item = svc.book(
                branch,
                rng.choice(services),
                when,
                zone,
                fake_name(rng),
                fake_phone(rng),
                rng.choice((15, 15, 30)),
            )
        except ChannelError:
            stats.slot_clashes += 1
            return
        stats.booked += 1
        stats.ids.append(item["id"])

    for _ in range(n):
        book_one()
    for aid in rng.sample(stats.ids, k=len(stats.ids) // 10):
        day = first + timedelta(days=rng.randrange(days))
        try:
            svc.reschedule(aid, slot(day, 15 * rng.randrange(32), zone))
            stats.rescheduled += 1
        except ChannelError:
            stats.slot_clashes += 1
    for aid in rng.sample(stats.ids, k=len(stats.ids) // 12):
        svc.cancel(aid)
        stats.cancelled += 1
    return stats


def next_dst_change(zone: str, after: date | None = None) -> date:
    """The first local day whose noon offset differs from the day before's."""
    z = ZoneInfo(zone)
    d = after or utcnow().date()
    prev = datetime.combine(d, time(12), tzinfo=z).utcoffset()
    for _ in range(400):
        d += timedelta(days=1)
        off = datetime.combine(d, time(12), tzinfo=z).utcoffset()
        if off != prev:
            return d
        prev = off
    raise ValueError(f"{zone} has no DST change within a year")


def dst_scenario(
    svc: ChannelService,
    branch: str,
    zone: str = "Europe/London",
    local_hm: tuple[int, int] = (9, 30),
) -> list[dict[str, Any]]:
    """Book the same local time on the day before, the day of, and the day after a DST change."""
    change = next_dst_change(zone)
    out = []
    for d in (change - timedelta(days=1), change, change + timedelta(days=1)):
        when = datetime.combine(d, time(*local_hm), tzinfo=ZoneInfo(zone))
        out.append(
            svc.book(
                branch,
                "wealth",
                to_utc_text(when),
                zone,
                fake_name(random.Random(d.toordinal())),
                "+44 20 7946 0000",
            )
        )
    return out
