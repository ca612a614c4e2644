"""Standard crontab lines ("minute hour day month weekday") as APScheduler 3 triggers."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


def _crontab_weekdays(field: str) -> str:
    """A crontab weekday field (0 or 7 is Sunday) in APScheduler 3's terms (0 is Monday there),
    as day names: "1-5" -> "mon,tue,wed,thu,fri"."""
    if field == "*" or not any(ch.isdigit() for ch in field):
        return field
    days: list[str] = []
    for part in field.split(","):
        span, _, step = part.partition("/")
        if span == "*":
            first, last = 0, 6
        elif "-" in span:
            first, last = (int(x) for x in span.split("-", 1))
        else:
            first = last = int(span)
        if not (0 <= first <= 7 and 0 <= last <= 7 and first <= last):
            raise ValueError(f"weekday {span!r} is out of range 0-7")
        for day in range(first, last + 1, int(step or 1)):
            name = _WEEKDAYS[day % 7]
            if name not in days:
                days.append(name)
    return ",".join(days)


def cron_trigger(expr: str, timezone: str | ZoneInfo) -> Any:
    """APScheduler's trigger for a standard crontab line "minute hour day month weekday"."""
    from apscheduler.triggers.cron import CronTrigger

    values = expr.split()
    if len(values) != 5:
        raise ValueError(f"expected 5 fields, got {len(values)}")
    minute, hour, day, month, weekday = values
    return CronTrigger(minute=minute, hour=hour, day=day, month=month,
                       day_of_week=_crontab_weekdays(weekday), timezone=timezone)

