"""Examples learnt from officials' corrections (see citybot.services.nlu_feedback)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.storage.models import NluExample, NluExampleStatus, utcnow


async def examples(
    *, session: AsyncSession, status: str | None = None, ids: Sequence[int] | None = None
) -> list[NluExample]:
    """Examples in the order they were made, of one status and/or with the given ids."""
    query = select(NluExample).order_by(col(NluExample.id))
    if status is not None:
        query = query.where(NluExample.status == status)
    if ids is not None:
        query = query.where(col(NluExample.id).in_(list(ids)))
    return list((await session.exec(query)).all())


async def set_status(*, session: AsyncSession, ids: Sequence[int], status: str) -> list[int]:
    """Accept or drop these examples; returns the ids that exist."""
    found = await examples(session=session, ids=ids)
    now = utcnow()
    for example in found:
        example.status = NluExampleStatus(status)
        example.reviewed_at = now
        session.add(example)
    await session.flush()
    return [example.id for example in found]

