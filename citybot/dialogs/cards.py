"""The queue card: how a report looks in its department's topic of the staff group.
It never shows who reported it: staff talk to residents through the bot."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup

from citybot.context import Services
from citybot.dialogs.wording import local_time
from citybot.i18n import Html, Texts
from citybot.storage.models import Report, utcnow

STATUS_ICONS = {
    "new": "🆕", "acknowledged": "👀", "in_progress": "🛠", "resolved": "✅",
    "rejected": "⛔", "duplicate": "🔁", "not_responsible": "↪️",
}


def map_url(latitude: float, longitude: float) -> str:
    return (f"https://www.openstreetmap.org/?mlat={latitude:.6f}&mlon={longitude:.6f}"
            f"#map=18/{latitude:.6f}/{longitude:.6f}")


def card_text(report: Report, photos: int, texts: Texts, services: Services,
              hashtag: bool = False) -> str:
    config = services.config
    category = config.category(report.category)
    district = services.config.city.district(report.district) if report.district else None
    timezone = config.city.timezone
    has_point = report.latitude is not None
    open_and_late = report.due_at is not None and report.closed_at is None and \
        report.due_at < utcnow()
    text = texts(
        "card-text",
        status_icon=STATUS_ICONS.get(report.status, "•"),
        number=report.id,
        emoji=category.emoji,
        category=category.name.get(texts.lang),
        description=report.description,
        address=report.address or texts("card-no-address"),
        map=Html(texts("card-map", url=map_url(report.latitude, report.longitude)))
        if has_point else "",
        district=district.name.get(texts.lang) if district else texts("card-no-district"),
        created=local_time(report.created_at, timezone, texts.lang),
        due=local_time(report.due_at, timezone, texts.lang) if report.due_at else "—",
        overdue=Html(texts("card-overdue")) if open_and_late else "",
        photos=photos,
        status=texts(f"status-{report.status}"),
        assignee=Html(texts("card-assignee", name=report.assignee_name))
        if report.assignee_name else "",
    )
    if hashtag:
        text += "\n" + texts("card-hashtag", tag=config.department(report.department).hashtag)
    return text


def card_keyboard(report: Report, texts: Texts) -> InlineKeyboardMarkup | None:
    """The staff's buttons on a card (none yet: the staff desk adds them)."""
    return None
