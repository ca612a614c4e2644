"""Processed update ids: an update that Telegram delivers twice is handled once."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.storage.models import ProcessedUpdate, utcnow


async def claim_update(*, session: AsyncSession, bot_id: int, update_id: int) -> bool:
    """Record the update in the current transaction; False when it was handled already."""
    insert = postgresql.insert if session.bind.dialect.name == "postgresql" else sqlite.insert
    statement = insert(ProcessedUpdate).values(
        bot_id=bot_id, update_id=update_id, processed_at=utcnow()
    ).on_conflict_do_nothing().returning(ProcessedUpdate.update_id)
    return (await session.exec(statement)).first() is not None


async def forget_old_updates(*, session: AsyncSession, older_than: timedelta) -> int:
    cutoff = utcnow() - older_than
    query = delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < cutoff)
    result = await session.exec(query)
    return result.rowcount or 0
