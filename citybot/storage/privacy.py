"""Queries of residents' data rights: everything held about a resident, and its erasure.

Erasure runs in the caller's transaction, so it happens whole or not at all. What refers to a
resident by a foreign key is found in the metadata (a table added later is erased too: its rows
go, or their link goes when the column may be empty); what refers to them by their Telegram id
(relayed messages, the outbox, conversation state) is named here."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, delete, or_, update
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.storage.models import (
    ConversationState,
    EventKind,
    Follower,
    Handoff,
    HandoffMessage,
    OutboxMessage,
    OutboxState,
    Report,
    ReportEvent,
    ReportPhoto,
    Resident,
)


def reporter_erased(report: Report) -> bool:
    """Filed through the bot by a resident who has since erased their data (a report an Open311
    client filed has no reporter either, but a `source`)."""
    return report.reporter_id is None and not getattr(report, "source", None)


async def lock_resident(*, session: AsyncSession, telegram_id: int) -> Resident | None:
    """The resident, locked until the transaction ends (PostgreSQL; SQLite has one writer): a
    staff reply relayed at the same moment waits, then finds them gone."""
    query = select(Resident).where(Resident.telegram_id == telegram_id).with_for_update() \
        .execution_options(populate_existing=True)
    return (await session.exec(query)).first()


async def filed_reports(*, session: AsyncSession, resident_id: int) -> list[Report]:
    query = select(Report).where(Report.reporter_id == resident_id).order_by(col(Report.id))
    return list((await session.exec(query)).all())


async def followed_reports(*, session: AsyncSession, resident_id: int) -> list[Report]:
    query = select(Report).join(Follower, Follower.report_id == Report.id).where(
        Follower.resident_id == resident_id, col(Report.reporter_id).is_distinct_from(resident_id),
    ).order_by(col(Report.id))
    return list((await session.exec(query)).all())


async def replies_to(*, session: AsyncSession, telegram_id: int) -> list[tuple[int, int]]:
    """The officials' messages (chat id, message id) relayed to this resident."""
    keys = await session.exec(select(OutboxMessage.dedupe_key).where(
        OutboxMessage.kind == "relay", OutboxMessage.chat_id == telegram_id))
    found = []
    for key in keys.all():
        parts = (key or "").split(":")
        if len(parts) >= 3 and parts[0] == "relay":
            found.append((int(parts[1]), int(parts[2])))
    return found


def relayed_events(telegram_id: int, replies: list[tuple[int, int]]) -> Any:
    """The condition on ReportEvent: messages relayed from or to the resident."""
    theirs = (ReportEvent.kind == EventKind.resident_reply) & \
        (ReportEvent.actor_telegram_id == telegram_id)
    conditions = [theirs]
    if replies:
        conditions.append((ReportEvent.kind == EventKind.staff_reply) & or_(*(
            (ReportEvent.chat_id == chat) & (ReportEvent.message_id == message)
            for chat, message in replies)))
    return or_(*conditions)


async def relayed_messages(*, session: AsyncSession, telegram_id: int) -> list[ReportEvent]:
    replies = await replies_to(session=session, telegram_id=telegram_id)
    query = select(ReportEvent).where(relayed_events(telegram_id, replies)) \
        .order_by(col(ReportEvent.id))
    return list((await session.exec(query)).all())


async def handoffs_of(*, session: AsyncSession, resident_id: int,
                      lock: bool = False) -> list[Handoff]:
    query = select(Handoff).where(Handoff.resident_id == resident_id).order_by(col(Handoff.id))
    if lock:  # a staff reply into one of them waits, or is refused after
        query = query.with_for_update()
    return list((await session.exec(query)).all())


async def handoff_messages(*, session: AsyncSession,
                           handoff_ids: list[int]) -> list[HandoffMessage]:
    if not handoff_ids:
        return []
    query = select(HandoffMessage).where(col(HandoffMessage.handoff_id).in_(handoff_ids)) \
        .order_by(col(HandoffMessage.id))
    return list((await session.exec(query)).all())


def _linked_columns() -> list[tuple[Table, Any]]:
    """Every column of every table that refers to residents.id."""
    residents = SQLModel.metadata.tables[Resident.__tablename__]
    return [(table, column) for table in SQLModel.metadata.sorted_tables
            for column in table.columns for key in column.foreign_keys
            if key.column.table is residents]


def _dependants(parent: Table) -> list[tuple[Table, Any]]:
    """Columns of other tables that refer to a row of `parent`."""
    return [(table, column) for table in SQLModel.metadata.sorted_tables if table is not parent
            for column in table.columns for key in column.foreign_keys
            if key.column.table is parent]


async def erase(*, session: AsyncSession, resident: Resident,
                keep_photos_of: set[int]) -> dict[str, int]:
    """Erase the resident in the caller's transaction; reports they filed stay, unlinked, with
    their photos only when in `keep_photos_of`. Returns what was removed, by kind."""
    rid, tid = resident.id, resident.telegram_id
    removed: dict[str, int] = {}

    def count(name: str, result: Any) -> None:
        removed[name] = removed.get(name, 0) + max(result.rowcount or 0, 0)

    handoffs = [h.id for h in await handoffs_of(session=session, resident_id=rid, lock=True)]
    filed = [r.id for r in await filed_reports(session=session, resident_id=rid)]
    unpublished = [number for number in filed if number not in keep_photos_of]
    if unpublished:
        count("photos", await session.exec(
            delete(ReportPhoto).where(col(ReportPhoto.report_id).in_(unpublished))))
    # relayed messages, both ways; what else they did keeps no trace of who did it
    replies = await replies_to(session=session, telegram_id=tid)
    touched = set(filed) | set((await session.exec(select(Follower.report_id).where(
        Follower.resident_id == rid))).all()) | set((await session.exec(
            select(ReportEvent.report_id).where(relayed_events(tid, replies)))).all())
    count("relayed messages", await session.exec(
        delete(ReportEvent).where(relayed_events(tid, replies))))
    await session.exec(update(ReportEvent).where(ReportEvent.actor_telegram_id == tid)
                       .values(actor_telegram_id=None, actor_name=None))
    if handoffs:
        count("relayed messages", await session.exec(
            delete(HandoffMessage).where(col(HandoffMessage.handoff_id).in_(handoffs))))
    await _empty_staff_copies(session, resident_id=rid, reports=touched,
                              handoffs=set(handoffs))
    count("messages to them", await session.exec(
        delete(OutboxMessage).where(OutboxMessage.chat_id == tid)))
    count("conversation state", await session.exec(
        delete(ConversationState).where(col(ConversationState.key).like(f"%:{tid}:%"))))
    # every row that refers to the resident: reports are unlinked, the rest goes
    for table, column in reversed(_linked_columns()):  # a table's dependants first
        if column.nullable:
            await session.exec(update(table).where(column == rid).values({column.name: None}))
            continue
        for child, key in _dependants(table):  # e.g. others' supports of their proposal
            theirs = select(*table.primary_key.columns).where(column == rid)
            count(child.name, await session.exec(delete(child).where(key.in_(theirs))))
        count(table.name, await session.exec(delete(table).where(column == rid)))
    count("profile", await session.exec(delete(Resident).where(Resident.id == rid)))
    session.expunge(resident)
    return removed


async def _empty_staff_copies(session: AsyncSession, *, resident_id: int, reports: set[int],
                              handoffs: set[int]) -> None:
    """What the bot posted in the staff group for the resident: not yet sent, it is not sent;
    sent, it keeps only what a staff reply to it needs (which report or conversation)."""
    # posted in the staff group on a resident's behalf: kept (staff's replies to them must be
    # recognised) but emptied of what the resident wrote
    rows = await session.exec(select(OutboxMessage).where(or_(
        (OutboxMessage.kind == "thread") & col(OutboxMessage.report_id).in_(reports or {0}),
        OutboxMessage.kind == "helpdesk")))
    for row in rows.all():
        payload = row.payload or {}
        if payload.get("resident_id") != resident_id and payload.get("handoff_id") not in handoffs:
            continue
        if row.state in (OutboxState.pending, OutboxState.failed):
            await session.delete(row)
            continue
        kept = {k: payload[k] for k in ("report_id", "handoff_id", "header") if k in payload}
        row.payload = {**kept, "erased": True}
        row.last_error = row.dedupe_key = None  # its key held their chat's id
        session.add(row)

