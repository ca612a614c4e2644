"""The queue card: how a report looks in its department's topic of the staff group.
It never shows who reported it: staff talk to residents through the bot."""

from __future__ import annotations

from html import escape

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from citybot.dialogs.callbacks import StaffAction
from citybot.dialogs.wording import local_time
from citybot.i18n import Html, Texts
from citybot.runtime import Runtime
from citybot.storage.models import (
    OPEN_STATUSES,
    EventKind,
    Report,
    ReportEvent,
    ReportStatus,
    utcnow,
)

STATUS_ICONS = {
    "new": "🆕", "acknowledged": "👀", "in_progress": "🛠", "resolved": "✅",
    "rejected": "⛔", "duplicate": "🔁", "not_responsible": "↪️",
}


def map_url(latitude: float, longitude: float) -> str:
    return (f"https://www.openstreetmap.org/?mlat={latitude:.6f}&mlon={longitude:.6f}"
            f"#map=18/{latitude:.6f}/{longitude:.6f}")


def card_text(report: Report, photos: int, texts: Texts, runtime: Runtime,
              hashtag: bool = False, last_event: ReportEvent | None = None) -> str:
    config = runtime.config
    category = config.category(report.category)
    district = runtime.config.city.district(report.district) if report.district else None
    timezone = config.city.timezone
    open_and_late = report.due_at is not None and report.closed_at is None and \
        report.due_at < utcnow()
    place = escape(report.address or texts("card-no-address"), quote=False)
    if report.latitude is not None:
        place += texts("card-map", url=map_url(report.latitude, report.longitude))
    due = texts("card-due", when=local_time(report.due_at, timezone, texts.lang)
                if report.due_at else "—")
    status = texts("card-status", status=texts(f"status-{report.status}"))
    if report.assignee_name:
        status += f" · 👤 {escape(report.assignee_name, quote=False)}"
    lines = [
        f"{STATUS_ICONS.get(report.status, '•')} <b>#{report.id}</b> · {category.emoji} "
        f"{escape(category.name.get(texts.lang), quote=False)}",
        escape(report.description, quote=False),
        "",
        f"📍 {place}",
        f"🏘 {escape(district.name.get(texts.lang) if district else texts('card-no-district'))}",
        texts("card-filed", when=local_time(report.created_at, timezone, texts.lang)),
        due + (" " + texts("card-overdue") if open_and_late else ""),
        texts("card-photos", count=photos),
        status,
    ]
    if report.reporter_id is None:
        lines.append(texts("card-resident-erased"))
    if last_event is not None and last_event.kind != EventKind.created:
        lines.append(texts("card-last", what=Html(last_action(last_event, texts, runtime)),
                           when=local_time(last_event.created_at, timezone, texts.lang)))
    if hashtag:
        lines.append(texts("card-hashtag", tag=config.department(report.department).hashtag))
    return "\n".join(lines)


def last_action(event: ReportEvent, texts: Texts, runtime: Runtime) -> str:
    """The card's "last action" line: what happened, by whom, and the note, shortened."""
    if event.kind == EventKind.assigned:
        what = texts("card-last-assigned", name=event.actor_name or "")
    elif event.kind == EventKind.reassigned:
        moved_from = (event.note or "").split("→")[0]
        name = runtime.config.department(moved_from).name.get(texts.lang) \
            if moved_from in {d.id for d in runtime.config.departments} else moved_from
        what = texts("card-last-reassigned", department=name)
    elif event.kind == EventKind.merged:
        what = texts("card-last-merged", number=(event.note or "").lstrip("#"))
    elif event.actor_kind == "resident":
        what = texts("card-last-reopened")
    else:
        what = escape(texts(f"status-{event.to_status}"), quote=False)
        if event.actor_name:
            what += f" ({escape(event.actor_name, quote=False)})"
    if event.note and event.kind == EventKind.status:
        note = event.note if len(event.note) <= 120 else event.note[:117] + "…"
        what += f" — <i>{escape(note, quote=False)}</i>"
    return what


# The card's buttons while the report is open: (wording key, action).
CARD_BUTTONS = (
    ("button-take", "take"), ("button-progress", "progress"),
    ("button-resolve", "resolve"), ("button-reject", "reject"),
    ("button-not-ours", "not_responsible"), ("button-duplicate", "duplicate"),
    ("button-reassign", "reassign"),
)


def card_keyboard(report: Report, texts: Texts) -> InlineKeyboardMarkup | None:
    """The staff's buttons on a card; a closed report has none."""
    if report.status not in {status.value for status in OPEN_STATUSES}:
        return None
    builder = InlineKeyboardBuilder()
    for key, action in CARD_BUTTONS:
        if action == "progress" and report.status == ReportStatus.in_progress:
            continue
        builder.button(text=texts(key), callback_data=StaffAction(action=action,
                                                                  report=report.id))
    builder.adjust(2)
    return builder.as_markup()
