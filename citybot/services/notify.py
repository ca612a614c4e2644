"""Who hears about a report, and how: its followers in their own language, the card in the
staff group, and notices in the card's thread. Everything goes through the outbox, so a Telegram
error delays a message but never loses it.

Outbox kinds written here: "notification" (plain Bot API calls to residents),
"reporter_question" (the reporter's copy of a resolution or rejection, its buttons drawn when
sent), "card_edit" (the card re-drawn from the database when it is sent) and "thread" (a notice
posted into the card's current thread when it is sent). All are delivered by their kind in
citybot.outbox.kinds.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.i18n import Texts
from citybot.runtime import Runtime
from citybot.services.workflow import Change
from citybot.storage import outbox
from citybot.storage.handoffs import latest_handoff
from citybot.storage.models import (
    EventKind,
    Handoff,
    OutboxMessage,
    Report,
    ReportStatus,
    Resident,
    utcnow,
)
from citybot.storage.reports import followers_of, overdue_reports
from citybot.storage.residents import get_resident

log = logging.getLogger("citybot.notify")

# The reporter's copy of a status message asks a question, by the report's new status.
REPORTER_QUESTIONS = {ReportStatus.resolved: "fixed", ReportStatus.rejected: "reopen"}
TEXT_LIMIT = 3500  # of a relayed text per message (Telegram's limit is 4096 with the prefix)
CAPTION_LIMIT = 1000  # of a caption (Telegram's limit is 1024)


def staff_texts(runtime: Runtime) -> Texts:
    """The one place that decides the staff group's language: everything posted there speaks
    `staff.language` (default: the city's); only what one official reads alone follows hers."""
    config = runtime.config
    return runtime.translator(config.staff.language or config.city.default_language)


def department_name(runtime: Runtime, report: Report, texts: Texts) -> str:
    return runtime.config.department(report.department).name.get(texts.lang)


def message_payload(text: str, photo: str | None = None) -> tuple[str, dict[str, Any]]:
    """(Bot API method, payload) for a text, or a photo with the text as its caption."""
    payload: dict[str, Any] = {"photo": photo, "caption": text} if photo else {"text": text}
    return ("sendPhoto" if photo else "sendMessage"), payload


def local_time(when: datetime, timezone: str, lang: str) -> str:
    """E.g. "1 Dec, 14:00" in the city's time zone (as the dialogs write it)."""
    return format_datetime(when, "d MMM, HH:mm", tzinfo=ZoneInfo(timezone), locale=lang)


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Long text in pieces of at most `limit` characters, cut at line or word ends if possible."""
    pieces = []
    while len(text) > limit:
        cut = max(text.rfind("\n", 0, limit), text.rfind(" ", 0, limit))
        cut = cut if cut > limit // 2 else limit
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    return [*pieces, text] if text or not pieces else pieces


# ---- the staff group ------------------------------------------------------------------------

async def refresh_card(*, session: AsyncSession, runtime: Runtime, report: Report) -> None:
    """Re-draw the card in place (status, assignee, last action); drawn from the database when
    sent, so several refreshes in a row show the latest state."""
    await outbox.enqueue(session=session, kind="card_edit", method="editMessageText",
                         chat_id=report.card_chat_id or runtime.staff_chat_id,
                         payload={"report_id": report.id}, report_id=report.id)


async def post_card(*, session: AsyncSession, runtime: Runtime, report: Report,
                    key: str) -> None:
    """A new card for the report (after it moved to another department's queue)."""
    await outbox.enqueue(session=session, kind="card", chat_id=runtime.staff_chat_id,
                         payload={"report_id": report.id}, dedupe_key=f"card:{report.id}:{key}",
                         report_id=report.id)


async def post_to_thread(*, session: AsyncSession, runtime: Runtime, report: Report, text: str,
                         photo: str | None = None, resident_id: int | None = None,
                         dedupe_key: str | None = None) -> None:
    """A notice under the card, in the thread where the card stands when it is sent."""
    payload: dict[str, Any] = {"report_id": report.id, "text": text}
    if photo:
        payload["photo"] = photo
    if resident_id is not None:
        payload["resident_id"] = resident_id  # a staff reply to this notice goes to them
    await outbox.enqueue(session=session, kind="thread", chat_id=runtime.staff_chat_id,
                         payload=payload, report_id=report.id, dedupe_key=dedupe_key)


async def post_to_helpdesk(*, session: AsyncSession, runtime: Runtime, handoff: Handoff,
                           text: str, photo: str | None = None, header: bool = False,
                           dedupe_key: str | None = None) -> None:
    """A message in the helpdesk topic, under the conversation's header card."""
    payload: dict[str, Any] = {"handoff_id": handoff.id, "text": text, "header": header}
    if photo:
        payload["photo"] = photo
    await outbox.enqueue(session=session, kind="helpdesk", chat_id=runtime.staff_chat_id,
                         payload=payload, dedupe_key=dedupe_key)


# ---- residents ------------------------------------------------------------------------------

async def tell_resident(*, session: AsyncSession, resident: Resident, text: str,
                        report: Report | None = None, photo: str | None = None,
                        ask: str | None = None, kind: str = "notification",
                        dedupe_key: str | None = None) -> None:
    """A message to a resident; a photo whose text is too long for a caption goes first, bare.
    With `ask` (REPORTER_QUESTIONS), each piece is a "reporter_question" whose buttons the
    outbox draws (citybot.outbox.residents)."""
    report_id = report.id if report else None
    if photo and len(text) > CAPTION_LIMIT:
        await outbox.enqueue(session=session, kind=kind, method="sendPhoto",
                             chat_id=resident.telegram_id, payload={"photo": photo},
                             report_id=report_id,
                             dedupe_key=f"{dedupe_key}:photo" if dedupe_key else None)
        photo = None
    for number, piece in enumerate(split_text(text)):
        method, payload = message_payload(piece, photo)
        if ask is not None:
            payload = {**payload, "report_id": report.id, "ask": ask, "lang": resident.language}
        await outbox.enqueue(session=session, kind=kind if ask is None else "reporter_question",
                             method=method,
                             chat_id=resident.telegram_id, payload=payload, report_id=report_id,
                             dedupe_key=f"{dedupe_key}:{number}" if dedupe_key else None)


def status_text(change: Change, texts: Texts, runtime: Runtime) -> str:
    """What a follower reads about a change, in their language."""
    report, event = change.report, change.event
    department = department_name(runtime, report, texts)
    if event.kind == "reassigned":
        return texts("notify-reassigned", number=str(report.id), department=department)
    if report.status == ReportStatus.duplicate:
        return texts("notify-duplicate", number=str(report.id), original=str(change.original.id))
    if change.before in (ReportStatus.resolved, ReportStatus.rejected):
        key = "notify-reopened"
    else:
        key = f"notify-{report.status}"
    text = texts(key, number=str(report.id), department=department)
    if event.note:
        explains = report.status == ReportStatus.resolved or key == "notify-reopened"
        label = "notify-note" if explains else "notify-reason"
        text += "\n" + texts(label, note=event.note)
    return text


async def status_changed(*, session: AsyncSession, runtime: Runtime, change: Change,
                         ask_reporter: bool = False,
                         skip_resident: int | None = None) -> int:
    """Tell every follower (but the one who made the change) and re-draw the card; returns how
    many residents were told. With `ask_reporter`, the reporter's copy of a resolution asks
    whether it is fixed, of a rejection offers to reopen (buttons drawn by the outbox)."""
    report, event = change.report, change.event
    await refresh_card(session=session, runtime=runtime, report=report)
    if event.kind == EventKind.assigned:
        return 0  # a colleague took it over: the card shows it, residents need not hear
    told = 0
    for resident in await followers_of(session=session, report_id=report.id):
        if resident.id == skip_resident:
            continue
        texts = runtime.translator(resident.language)
        text = status_text(change, texts, runtime)
        ask = None
        if resident.id == report.reporter_id and ask_reporter:
            ask = REPORTER_QUESTIONS.get(report.status)
            if ask == "fixed":
                text += "\n\n" + texts("notify-ask-fixed")
            elif ask == "reopen":
                text += "\n\n" + texts("notify-can-reopen",
                                       days=runtime.config.reports.reopen_days)
        await tell_resident(session=session, resident=resident, text=text, report=report,
                            photo=event.file_id, ask=ask,
                            dedupe_key=f"status:{event.id}:{resident.id}")
        told += 1
    return told


async def merged(*, session: AsyncSession, runtime: Runtime, change: Change) -> None:
    """A duplicate's card is closed and its followers hear about it (status_changed); the
    original's thread learns who joined."""
    original = change.original
    texts = staff_texts(runtime)
    await post_to_thread(session=session, runtime=runtime, report=original,
                         text=texts("thread-merged", number=str(original.id),
                                    duplicate=str(change.report.id),
                                    count=len(change.new_followers)),
                         dedupe_key=f"merged:{change.event.id}")
    await refresh_card(session=session, runtime=runtime, report=original)


async def moved(*, session: AsyncSession, runtime: Runtime, change: Change) -> None:
    """Reassigned: the old card says where the report went, a new card opens in the new queue."""
    report = change.report
    texts = staff_texts(runtime)
    if change.old_card is not None:
        chat_id, message_id = change.old_card
        text = texts("card-moved", number=str(report.id),
                     department=department_name(runtime, report, texts))
        await outbox.enqueue(session=session, kind="card_moved", method="editMessageText",
                             chat_id=chat_id, payload={"message_id": message_id, "text": text},
                             report_id=report.id)
    await post_card(session=session, runtime=runtime, report=report, key=str(change.event.id))


async def undeliverable(runtime: Runtime, session: AsyncSession, message: OutboxMessage) -> None:
    """Telegram answered 403 to a message for a resident: say so where staff will see it."""
    if message.chat_id == runtime.staff_chat_id or message.kind in ("card", "thread", "helpdesk"):
        return
    texts = staff_texts(runtime)
    resident = await get_resident(session=session, telegram_id=message.chat_id)
    if message.report_id is not None:
        report = await session.get(Report, message.report_id)
        who = "reporter" if resident is not None and resident.id == report.reporter_id \
            else "follower"
        await post_to_thread(session=session, runtime=runtime, report=report,
                             text=texts("thread-undeliverable", number=str(report.id), who=who),
                             dedupe_key=f"undeliverable:{message.id}")
    elif message.kind == "handoff_reply" and resident is not None:
        handoff = await latest_handoff(session=session, resident_id=resident.id)
        if handoff is not None:
            await post_to_helpdesk(session=session, runtime=runtime, handoff=handoff,
                                   text=texts("helpdesk-undeliverable", number=str(handoff.id)),
                                   dedupe_key=f"undeliverable:{message.id}")


# ---- SLA ------------------------------------------------------------------------------------

async def remind_overdue(runtime: Runtime, now: datetime | None = None) -> int:
    """Once per report and due time: flag the card and post a reminder in its thread."""
    now = now or utcnow()
    texts = staff_texts(runtime)
    async with runtime.sessions() as session:
        reports = await overdue_reports(session=session, now=now)
        for report in reports:
            report.sla_reminded_at = now
            session.add(report)
            assignee = texts("thread-sla-assignee", name=report.assignee_name) \
                if report.assignee_name else texts("thread-sla-nobody")
            text = texts("thread-sla", number=str(report.id),
                         due=local_time(report.due_at, runtime.config.city.timezone,
                                        texts.lang),
                         status=texts(f"status-{report.status}"), assignee=assignee)
            await post_to_thread(session=session, runtime=runtime, report=report, text=text,
                                 dedupe_key=f"sla:{report.id}:{int(report.due_at.timestamp())}")
            await refresh_card(session=session, runtime=runtime, report=report)
        await session.commit()
    if reports:
        log.info("overdue reminders queued count=%s", len(reports))
        runtime.wake_courier()
    return len(reports)
