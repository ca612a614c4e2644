"""Small formatting helpers shared by the dialogs and what the outbox draws: ages, local times
in words, the status icons."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

from citybot.i18n import Texts
from citybot.storage.models import utcnow

STATUS_ICONS = {
    "new": "🆕", "acknowledged": "👀", "in_progress": "🛠", "resolved": "✅",
    "rejected": "⛔", "duplicate": "🔁", "not_responsible": "↪️",
}


def age(texts: Texts, when: datetime, now: datetime | None = None) -> str:
    minutes = max(int(((now or utcnow()) - when).total_seconds() // 60), 1)
    if minutes < 60:
        return texts("age-minutes", n=minutes)
    if minutes < 48 * 60:
        return texts("age-hours", n=minutes // 60)
    return texts("age-days", n=minutes // (24 * 60))


def local_time(when: datetime, timezone: str, lang: str) -> str:
    """E.g. "1 Dec, 14:00" / "1 дек., 14:00" in the city's time zone."""
    return format_datetime(when, "d MMM, HH:mm", tzinfo=ZoneInfo(timezone), locale=lang)
