"""The audit trail of officials' access to reports: who read or changed which report, when.
It holds no resident data (see AuditRecord)."""

from __future__ import annotations

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.storage.models import AuditRecord


def record(session: AsyncSession, *, official_id: int | None, action: str,
           report_id: int | None = None, detail: str | None = None) -> AuditRecord:
    """Added in the caller's transaction: the action and its record commit together."""
    entry = AuditRecord(official_id=official_id, action=action[:32], report_id=report_id,
                        detail=detail[:128] if detail else None)
    session.add(entry)
    return entry


async def records(*, session: AsyncSession, report_id: int | None = None,
                  official_id: int | None = None, action: str | None = None,
                  limit: int = 10_000) -> list[AuditRecord]:
    query = select(AuditRecord)
    if action is not None:
        query = query.where(AuditRecord.action == action)
    if report_id is not None:
        query = query.where(AuditRecord.report_id == report_id)
    if official_id is not None:
        query = query.where(AuditRecord.official_id == official_id)
    query = query.order_by(col(AuditRecord.at), col(AuditRecord.id)).limit(limit)
    return list((await session.exec(query)).all())
