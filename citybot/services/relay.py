"""The reply relay between a report's card thread and its residents, both ways. Every relayed
message is a ReportEvent; officials stay anonymous unless `staff.show_official_names` is set.

A resident's free text goes to staff while their conversation is open: for a while after staff
wrote to them about a report, or while they talk to a person (citybot.services.handoffs).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.i18n import Texts
from citybot.runtime import Runtime
from citybot.services import notify
from citybot.services.conversations import quiet_period
from citybot.services.workflow import Actor
from citybot.storage.models import (
    EventKind,
    Handoff,
    OutboxMessage,
    Report,
    ReportEvent,
    Resident,
    utcnow,
)
from citybot.storage.privacy import reporter_erased
from citybot.storage.reports import outbox_row_of_message, report_of_message

HANDOFF_CONVERSATION = timedelta(days=1)


# ---- the resident's open conversation -------------------------------------------------------

def conversation_of(resident: Resident, now: datetime | None = None) -> tuple[str, int] | None:
    """("report" | "handoff", id) while the resident's conversation is open."""
    if not resident.conversation or resident.conversation_until is None:
        return None
    if resident.conversation_until < (now or utcnow()):
        return None
    kind, _, ident = resident.conversation.partition(":")
    return (kind, int(ident)) if ident.isdigit() else None


def open_conversation(session: AsyncSession, resident: Resident, kind: str, ident: int,
                      ttl: timedelta) -> None:
    current = conversation_of(resident)
    if kind == "report" and current is not None and current[0] == "handoff":
        return  # talking to a person comes first
    resident.conversation = f"{kind}:{ident}"
    resident.conversation_until = utcnow() + ttl
    session.add(resident)


def close_conversation(session: AsyncSession, resident: Resident, kind: str | None = None,
                       ident: int | None = None) -> bool:
    """End the conversation (only that one, when given); False when it was not open."""
    current = conversation_of(resident)
    if current is None or (kind is not None and current != (kind, ident)):
        return False
    resident.conversation = resident.conversation_until = None
    session.add(resident)
    return True


# ---- finding what a message answers ---------------------------------------------------------

@dataclass
class StaffThread:
    """What a message in the staff group replies to."""

    report: Report | None = None
    handoff: Handoff | None = None
    resident_id: int | None = None  # set when it replies to a relayed message of a resident
    erased: bool = False  # it replies to what a resident who erased their data sent


async def staff_thread_of(*, session: AsyncSession, chat_id: int,
                          message_id: int) -> StaffThread | None:
    row = await outbox_row_of_message(session=session, chat_id=chat_id, message_id=message_id)
    if row is not None and row.kind == "helpdesk":
        # locked: an erasure at the same moment waits for the reply, or has removed it
        handoff = await session.get(Handoff, row.payload["handoff_id"], with_for_update=True)
        return StaffThread(handoff=handoff, erased=handoff is None)
    header = select(Handoff).where(Handoff.chat_id == chat_id,
                                   Handoff.card_message_id == message_id)
    if (handoff := (await session.exec(header)).first()) is not None:
        return StaffThread(handoff=handoff)
    report = await report_of_message(session=session, chat_id=chat_id, message_id=message_id)
    if report is None:
        return None
    resident_id = row.payload.get("resident_id") if row is not None and row.kind == "thread" \
        else None
    erased = row is not None and row.kind == "thread" and bool(row.payload.get("erased"))
    return StaffThread(report=report, resident_id=resident_id,
                       erased=erased or (resident_id is None and reporter_erased(report)))


async def resident_to_reach(*, session: AsyncSession, resident_id: int | None) -> Resident | None:
    """The resident a staff reply goes to, locked until the reply is saved (PostgreSQL): an
    erasure at the same moment either waits for the reply (and erases it too) or comes first
    (and the reply is refused). None when they erased their data."""
    if resident_id is None:
        return None
    return await session.get(Resident, resident_id, with_for_update=True)


# ---- who saw what ---------------------------------------------------------------------------

def relay_key(chat_id: int, message_id: int, resident: Resident, number: int) -> str:
    """The dedupe key of an official's message relayed to a resident (one per piece)."""
    return f"relay:{chat_id}:{message_id}:{resident.id}:{number}"


async def replies_sent_to(*, session: AsyncSession, report: Report,
                          resident: Resident) -> set[tuple[int, int]]:
    """The officials' messages (chat id, message id) relayed to this resident about the report:
    a follower's history shows the replies meant for them, not someone else's conversation."""
    keys = await session.exec(select(OutboxMessage.dedupe_key).where(
        OutboxMessage.report_id == report.id, OutboxMessage.kind == "relay",
        OutboxMessage.chat_id == resident.telegram_id))
    found = set()
    for key in keys.all():
        parts = (key or "").split(":")
        if len(parts) >= 4 and parts[0] == "relay" and parts[3] == str(resident.id):
            found.add((int(parts[1]), int(parts[2])))
    return found


def seen_by(event: ReportEvent, resident: Resident, replies: set[tuple[int, int]]) -> bool:
    """Whether the event belongs in this resident's public history of the report."""
    if event.kind == EventKind.resident_reply:
        return event.actor_telegram_id == resident.telegram_id
    if event.kind == EventKind.staff_reply:
        return (event.chat_id, event.message_id) in replies
    return True


# ---- relaying -------------------------------------------------------------------------------

PIECE_LIMIT = notify.TEXT_LIMIT - 300  # room for the "#n · Department:" header and the hint


def escaped_pieces(text: str, limit: int = PIECE_LIMIT) -> list[str]:
    """The text in pieces whose HTML-escaped form fits in `limit`."""
    pieces = []
    for piece in notify.split_text(text, limit):
        if len(html.escape(piece, quote=False)) > limit and limit > 200:
            pieces.extend(escaped_pieces(piece, limit // 2))
        else:
            pieces.append(piece)
    return pieces


def staff_header(texts: Texts, runtime: Runtime, report: Report, actor: Actor) -> str:
    """ "💬 #n · Department" (with the official's first name when the city shows them)."""
    department = html.escape(notify.department_name(runtime, report, texts), quote=False)
    header = f"💬 <b>#{report.id} · {department}</b>"
    if runtime.config.staff.show_official_names and actor.name:
        header += f" ({html.escape(actor.name, quote=False)})"
    return header


async def to_resident(*, session: AsyncSession, runtime: Runtime, report: Report,
                      resident: Resident, text: str, photo: str | None, actor: Actor,
                      chat_id: int, message_id: int) -> ReportEvent:
    """An official's reply on the card reaches the resident as "#n · Department: text"."""
    event = ReportEvent(report_id=report.id, kind=EventKind.staff_reply, note=text or None,
                        file_id=photo, actor_kind="staff", actor_telegram_id=actor.telegram_id,
                        actor_name=actor.name, chat_id=chat_id, message_id=message_id,
                        from_status=report.status, to_status=report.status)
    session.add(event)
    texts = runtime.translator(resident.language)
    header = staff_header(texts, runtime, report, actor)
    pieces = escaped_pieces(text) if text else [""]
    for number, piece in enumerate(pieces):
        body = html.escape(piece, quote=False)
        if number == 0:
            body = f"{header}: {body}" if piece else header
        if number == len(pieces) - 1:
            body += "\n" + texts("relay-reply-hint")
        await notify.tell_resident(
            session=session, resident=resident, text=body, report=report,
            photo=photo if number == 0 else None, kind="relay",
            dedupe_key=relay_key(chat_id, message_id, resident, number))
    open_conversation(session, resident, "report", report.id,
                      quiet_period(runtime.config))
    await session.flush()
    return event


async def to_staff(*, session: AsyncSession, runtime: Runtime, report: Report,
                   resident: Resident, text: str, photo: str | None, chat_id: int,
                   message_id: int) -> ReportEvent:
    """A resident's answer goes back under the card, marked as the reporter's or a follower's."""
    event = ReportEvent(report_id=report.id, kind=EventKind.resident_reply, note=text or None,
                        file_id=photo, actor_kind="resident",
                        actor_telegram_id=resident.telegram_id, chat_id=chat_id,
                        message_id=message_id, from_status=report.status,
                        to_status=report.status)
    session.add(event)
    texts = notify.staff_texts(runtime)
    who = "reporter" if resident.id == report.reporter_id else "follower"
    pieces = escaped_pieces(text) if text else [""]
    for number, piece in enumerate(pieces):
        body = texts("thread-resident-says", number=str(report.id), who=who, text=piece)
        await notify.post_to_thread(
            session=session, runtime=runtime, report=report, text=body,
            photo=photo if number == 0 else None, resident_id=resident.id,
            dedupe_key=f"relay:{chat_id}:{message_id}:{number}")
    open_conversation(session, resident, "report", report.id,
                      quiet_period(runtime.config))
    await session.flush()
    return event
