"""Queries about reports, their followers and their history."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.storage.models import (
    OPEN_STATUSES,
    EventKind,
    Follower,
    OutboxMessage,
    Report,
    ReportEvent,
    ReportPhoto,
    ReportStatus,
    Resident,
)


async def reports_of(*, session: AsyncSession, resident_id: int, limit: int = 20) -> list[Report]:
    """The reports a resident filed or follows, newest first."""
    query = (
        select(Report)
        .join(Follower, Follower.report_id == Report.id)
        .where(Follower.resident_id == resident_id)
        .order_by(col(Report.id).desc())
        .limit(limit)
    )
    return list((await session.exec(query)).all())


async def is_follower(*, session: AsyncSession, report_id: int, resident_id: int) -> bool:
    return await session.get(Follower, (report_id, resident_id)) is not None


async def history(*, session: AsyncSession, report_id: int) -> list[ReportEvent]:
    query = select(ReportEvent).where(ReportEvent.report_id == report_id) \
        .order_by(col(ReportEvent.id))
    return list((await session.exec(query)).all())


async def followers_of(*, session: AsyncSession, report_id: int) -> list[Resident]:
    query = select(Resident).join(Follower, Follower.resident_id == Resident.id) \
        .where(Follower.report_id == report_id).order_by(col(Resident.id))
    return list((await session.exec(query)).all())


# ---- the staff desk ------------------------------------------------------------------------

async def report_of_message(
    *, session: AsyncSession, chat_id: int, message_id: int
) -> Report | None:
    """The report a message belongs to: its card, a message the bot sent about it (recorded in
    the outbox), or a relayed message (recorded on its event)."""
    card = select(Report).where(Report.card_chat_id == chat_id,
                                Report.card_message_id == message_id)
    if (report := (await session.exec(card)).first()) is not None:
        return report
    sent = select(OutboxMessage.report_id).where(
        OutboxMessage.chat_id == chat_id, OutboxMessage.sent_message_id == message_id,
        col(OutboxMessage.report_id).is_not(None))
    report_id = (await session.exec(sent)).first()
    if report_id is None:
        relayed = select(ReportEvent.report_id).where(ReportEvent.chat_id == chat_id,
                                                      ReportEvent.message_id == message_id)
        report_id = (await session.exec(relayed)).first()
    return await session.get(Report, report_id) if report_id is not None else None


async def outbox_row_of_message(
    *, session: AsyncSession, chat_id: int, message_id: int
) -> OutboxMessage | None:
    query = select(OutboxMessage).where(OutboxMessage.chat_id == chat_id,
                                        OutboxMessage.sent_message_id == message_id)
    return (await session.exec(query)).first()


async def open_reports(
    *, session: AsyncSession, department: str | None = None, limit: int = 50
) -> list[Report]:
    """Open reports (of one department, or all), oldest first."""
    query = select(Report).where(col(Report.status).in_([s.value for s in OPEN_STATUSES]))
    if department is not None:
        query = query.where(Report.department == department)
    query = query.order_by(col(Report.created_at), col(Report.id)).limit(limit)
    return list((await session.exec(query)).all())


async def count_open(*, session: AsyncSession, department: str | None = None) -> int:
    query = select(func.count()).select_from(Report).where(
        col(Report.status).in_([s.value for s in OPEN_STATUSES]))
    if department is not None:
        query = query.where(Report.department == department)
    return (await session.exec(query)).one()


async def status_counts(*, session: AsyncSession, department: str | None = None) -> dict[str, int]:
    query = select(Report.status, func.count()).group_by(Report.status)
    if department is not None:
        query = query.where(Report.department == department)
    return {status: count for status, count in (await session.exec(query)).all()}


async def resolution_times(
    *, session: AsyncSession, department: str | None = None
) -> list[tuple[datetime, datetime]]:
    """(filed, closed) of every resolved report."""
    query = select(Report.created_at, Report.closed_at).where(
        Report.status == ReportStatus.resolved, col(Report.closed_at).is_not(None))
    if department is not None:
        query = query.where(Report.department == department)
    return [(filed, closed) for filed, closed in (await session.exec(query)).all()]


async def overdue_reports(*, session: AsyncSession, now: datetime) -> list[Report]:
    """Open reports past their due time whose one reminder has not been posted yet."""
    query = select(Report).where(
        col(Report.status).in_([s.value for s in OPEN_STATUSES]),
        col(Report.due_at).is_not(None), Report.due_at < now,
        col(Report.sla_reminded_at).is_(None),
    ).order_by(col(Report.id))
    return list((await session.exec(query)).all())


async def photo_count(*, session: AsyncSession, report_id: int) -> int:
    query = select(func.count()).select_from(ReportPhoto).where(ReportPhoto.report_id == report_id)
    return (await session.exec(query)).one()


async def last_event(*, session: AsyncSession, report_id: int) -> ReportEvent | None:
    """The latest event that changed the report (status, assignment, department)."""
    query = select(ReportEvent).where(
        ReportEvent.report_id == report_id,
        col(ReportEvent.kind).in_([EventKind.status, EventKind.assigned, EventKind.reassigned,
                                   EventKind.merged]),
    ).order_by(col(ReportEvent.id).desc()).limit(1)
    return (await session.exec(query)).first()


async def count_overdue(
    *, session: AsyncSession, now: datetime, department: str | None = None
) -> int:
    query = select(func.count()).select_from(Report).where(
        col(Report.status).in_([s.value for s in OPEN_STATUSES]),
        col(Report.due_at).is_not(None), Report.due_at < now)
    if department is not None:
        query = query.where(Report.department == department)
    return (await session.exec(query)).one()
