"""Processed update ids: an update that Telegram delivers twice is handled once."""

from __future__ import annotations

from datetime import timedelta
from functools import cache
from typing import Any

from sqlalchemy import bindparam, delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.storage.core import connection_of
from citybot.storage.models import ProcessedUpdate, utcnow


@cache
def _claim(dialect: str) -> Any:
    """Built once: every update runs it, and building a statement costs more than running it."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = ProcessedUpdate.__table__
    return insert(table).values(
        bot_id=bindparam("bot_id"), update_id=bindparam("update_id"),
        processed_at=bindparam("processed_at"),
    ).on_conflict_do_nothing().returning(table.c.update_id)


async def claim_update(*, session: AsyncSession, bot_id: int, update_id: int) -> bool:
    """Record the update in the current transaction; False when it was handled already."""
    connection = await connection_of(session)  # a Core statement: no ORM execution to set up
    result = await connection.execute(_claim(session.bind.dialect.name), {
        "bot_id": bot_id, "update_id": update_id, "processed_at": utcnow()})
    return result.first() is not None


async def forget_old_updates(*, session: AsyncSession, older_than: timedelta) -> int:
    cutoff = utcnow() - older_than
    query = delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < cutoff)
    result = await session.exec(query)
    return result.rowcount or 0
