"""Conversations with a person (handoffs): the queries the services share."""

from __future__ import annotations

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.storage.models import Handoff, HandoffStatus


async def open_handoff_of(*, session: AsyncSession, resident_id: int) -> Handoff | None:
    query = select(Handoff).where(Handoff.resident_id == resident_id,
                                  Handoff.status == HandoffStatus.open)
    return (await session.exec(query.order_by(col(Handoff.id).desc()))).first()


async def latest_handoff(*, session: AsyncSession, resident_id: int) -> Handoff | None:
    query = select(Handoff).where(Handoff.resident_id == resident_id)
    return (await session.exec(query.order_by(col(Handoff.id).desc()))).first()
