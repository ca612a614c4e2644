"""The queue card: how a report looks in its department's topic of the staff group, and its two
deliveries. It never shows who reported it: staff talk to residents through the bot.

- "card": the card posted into its department's queue, then its photos as an album under it;
- "card_edit": the card re-drawn in place (status, assignee, last action, overdue flag), drawn
  from the database when it is sent, so a late or retried edit shows the latest state.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from aiogram import Bot
from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    ReplyParameters,
)
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.dialogs.callbacks import StaffAction
from citybot.dialogs.wording import STATUS_ICONS, local_time
from citybot.i18n import Html, Texts
from citybot.outbox.topics import queue_thread
from citybot.runtime import Runtime
from citybot.services.notify import staff_texts
from citybot.storage.core import update_row
from citybot.storage.models import (
    OPEN_STATUSES,
    EventKind,
    OutboxMessage,
    Report,
    ReportEvent,
    ReportPhoto,
    ReportStatus,
    utcnow,
)
from citybot.storage.privacy import reporter_erased
from citybot.storage.reports import last_event, photo_count


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
        *nlu_line(report, texts, runtime),
        escape(report.description, quote=False),
        "",
        f"📍 {place}",
        f"🏘 {escape(district.name.get(texts.lang) if district else texts('card-no-district'))}",
        texts("card-filed", when=local_time(report.created_at, timezone, texts.lang)),
        due + (" " + texts("card-overdue") if open_and_late else ""),
        texts("card-photos", count=photos),
        *origin_lines(report, texts, runtime),
        status,
    ]
    if reporter_erased(report):
        lines.append(texts("card-resident-erased"))
    if last_event is not None and last_event.kind != EventKind.created:
        lines.append(texts("card-last", what=Html(last_action(last_event, texts, runtime)),
                           when=local_time(last_event.created_at, timezone, texts.lang)))
    if report.hidden:
        lines.append(texts("card-hidden"))
    if hashtag:
        lines.append(texts("card-hashtag", tag=config.department(report.department).hashtag))
    return "\n".join(lines)


def origin_lines(report: Report, texts: Texts, runtime: Runtime) -> list[str]:
    """Where a report came from (an Open311 client), its photo's address, and its id in the
    department's own system when it has one."""
    lines = []
    if report.source:
        lines.append(texts("open311-card-source", source=report.source))
    if report.media_url:
        lines.append(texts("open311-card-media", url=Html(escape(report.media_url))))
    system = runtime.config.department(report.department).open311 \
        if report.department in {d.id for d in runtime.config.departments} else None
    if report.external_id or report.external_token:
        name = system.name if system else "Open311"
        lines.append(texts("open311-card-external", system=name,
                           id=report.external_id or report.external_token))
    elif system is not None:
        lines.append(texts("open311-card-external-waiting", system=system.name))
    return lines


def nlu_line(report: Report, texts: Texts, runtime: Runtime) -> list[str]:
    """"🤖 roads, 0.62" when the NLU chose the category and was not sure of it."""
    sure = report.nlu_confidence
    if sure is None or report.nlu_category is None or \
            sure >= runtime.config.nlu.card_confidence_below:
        return []
    return [texts("card-nlu-unsure", category=report.nlu_category, confidence=f"{sure:.2f}")]


def last_action(event: ReportEvent, texts: Texts, runtime: Runtime) -> str:
    """The card's "last action" line: what happened, by whom, and the note, shortened."""
    if event.kind == EventKind.assigned:
        what = texts("card-last-assigned", name=event.actor_name or "")
    elif event.kind == EventKind.reassigned:
        moved_from = (event.note or "").split("→")[0]
        name = runtime.config.department(moved_from).name.get(texts.lang) \
            if moved_from in {d.id for d in runtime.config.departments} else moved_from
        what = texts("card-last-reassigned", department=name)
    elif event.kind == EventKind.recategorised:
        old = (event.note or "").split("→")[0]
        what = texts("card-last-recategorised", old=old, name=event.actor_name or "")
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
    ("button-reassign", "reassign"), ("button-category", "category"),
    ("button-not-report", "not_report"),
)


def card_keyboard(report: Report, texts: Texts) -> InlineKeyboardMarkup | None:
    """The staff's buttons on a card; a closed report has none."""
    if report.status not in {status.value for status in OPEN_STATUSES}:
        return None
    # built directly, two a row: aiogram's InlineKeyboardBuilder deep-copies its rows at every
    # button added, which costs more than the rest of drawing the card
    actions = [(key, action) for key, action in CARD_BUTTONS
               if not (action == "progress" and report.status == ReportStatus.in_progress)]
    public_action = "publish" if report.hidden else "hide"  # the public site (/hide, /publish)
    actions.append((f"button-{public_action}", public_action))
    buttons = [InlineKeyboardButton(text=texts(key), callback_data=StaffAction(
        action=action, report=report.id).pack()) for key, action in actions]
    return InlineKeyboardMarkup(inline_keyboard=[buttons[i:i + 2]
                                                 for i in range(0, len(buttons), 2)])


# ---- deliveries ------------------------------------------------------------------------------

async def deliver_card(
    bot: Bot, runtime: Runtime, session: AsyncSession, message: OutboxMessage
) -> int | None:
    """Post the card, then its photos as an album under it. Each step is committed as soon as
    Telegram confirms it, so a retry after a failure resumes instead of posting twice (the
    card's last step with the courier's record of the delivery, which commits next)."""
    report = await session.get(Report, message.payload["report_id"])
    photos: Sequence[ReportPhoto] = ()
    if message.payload.get("photos") != 0:  # a new report's card says how many it has
        photos = (await session.exec(select(ReportPhoto).where(ReportPhoto.report_id == report.id)
                                     .order_by(ReportPhoto.position))).all()
    chat_id = message.chat_id
    texts = staff_texts(runtime)
    if report.card_message_id is None:
        thread_id = await queue_thread(bot, runtime, session, report.department, chat_id)
        text = card_text(report, len(photos), texts, runtime, hashtag=thread_id is None)
        sent = await bot.send_message(chat_id, text, message_thread_id=thread_id,
                                      reply_markup=card_keyboard(report, texts))
        await update_row(session, report, card_chat_id=chat_id, card_thread_id=thread_id,
                         card_message_id=sent.message_id)
    if photos and not message.payload.get("photos_posted"):
        caption = texts("card-photos-caption", number=report.id)
        media = [InputMediaPhoto(media=photo.file_id, caption=caption if i == 0 else None)
                 for i, photo in enumerate(photos)]
        reply = ReplyParameters(message_id=report.card_message_id, allow_sending_without_reply=True)
        if len(media) == 1:
            await bot.send_photo(chat_id, photos[0].file_id, caption=caption,
                                 message_thread_id=report.card_thread_id, reply_parameters=reply)
        else:
            await bot.send_media_group(chat_id, media, message_thread_id=report.card_thread_id,
                                       reply_parameters=reply)
        message.payload = {**message.payload, "photos_posted": True}
        session.add(message)
    return report.card_message_id


async def deliver_card_edit(bot: Bot, runtime: Runtime, session: AsyncSession,
                            message: OutboxMessage) -> int | None:
    report = await session.get(Report, message.payload["report_id"])
    if report is None or report.card_message_id is None:
        return None  # not posted yet: the card will be drawn as it is then
    texts = staff_texts(runtime)
    text = card_text(report, await photo_count(session=session, report_id=report.id), texts,
                     runtime, hashtag=report.card_thread_id is None,
                     last_event=await last_event(session=session, report_id=report.id))
    await session.commit()  # the database is not held while Telegram answers
    await bot.edit_message_text(text, chat_id=report.card_chat_id,
                                message_id=report.card_message_id,
                                reply_markup=card_keyboard(report, texts))
    return report.card_message_id
