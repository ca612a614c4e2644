"""Queries about reports, their followers and their history."""

from __future__ import annotations

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.storage.models import Follower, Report, ReportEvent, Resident


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
