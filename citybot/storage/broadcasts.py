"""Broadcast runs and their deliveries (outbox rows that carry the run's id)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.storage.models import (
    Broadcast,
    BroadcastState,
    OutboxMessage,
    OutboxState,
    utcnow,
)

UNFINISHED = (BroadcastState.preparing, BroadcastState.sending)
IN_FLIGHT = (OutboxState.pending, OutboxState.sending)


async def latest_run(*, session: AsyncSession, name: str, period: str) -> Broadcast | None:
    query = select(Broadcast).where(Broadcast.name == name, Broadcast.period == period) \
        .order_by(col(Broadcast.run).desc()).limit(1)
    return (await session.exec(query)).first()


async def create_run(*, session: AsyncSession, broadcast: Broadcast) -> Broadcast | None:
    """Add a run in the caller's transaction; None when (name, period, run) exists already
    (another process started it a moment ago)."""
    try:
        async with session.begin_nested():
            session.add(broadcast)
            await session.flush()
    except IntegrityError:
        return None
    return broadcast


async def unfinished(*, session: AsyncSession) -> list[Broadcast]:
    query = select(Broadcast).where(col(Broadcast.state).in_(UNFINISHED)) \
        .order_by(col(Broadcast.id))
    return list((await session.exec(query)).all())


async def recent(*, session: AsyncSession, name: str, limit: int = 1) -> list[Broadcast]:
    query = select(Broadcast).where(Broadcast.name == name) \
        .order_by(col(Broadcast.id).desc()).limit(limit)
    return list((await session.exec(query)).all())


async def queued_keys(*, session: AsyncSession, keys: Sequence[str]) -> set[str]:
    """Which of these dedupe keys are in the outbox already."""
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        chunk = list(keys[start:start + 500])
        query = select(OutboxMessage.dedupe_key).where(col(OutboxMessage.dedupe_key).in_(chunk))
        found.update((await session.exec(query)).all())
    return found


async def queue_deliveries(*, session: AsyncSession, rows: list[dict[str, Any]]) -> int:
    """Insert outbox rows at once (the caller left out keys queued before); one at a time when
    another process queued some of them meanwhile. Returns how many were added."""
    if not rows:
        return 0
    now = utcnow()
    values = [{"method": "sendMessage", "state": OutboxState.pending, "attempts": 0,
               "next_attempt_at": now, "created_at": now, **row} for row in rows]
    try:
        async with session.begin_nested():
            await session.exec(insert(OutboxMessage), params=values)
    except IntegrityError:
        added = 0
        for value in values:
            try:
                async with session.begin_nested():
                    await session.exec(insert(OutboxMessage), params=[value])
                added += 1
            except IntegrityError:
                continue
        return added
    return len(values)


async def delivery_states(*, session: AsyncSession, broadcast_id: int) -> dict[str, int]:
    """How many of the run's deliveries are in each outbox state."""
    query = select(OutboxMessage.state, func.count()).where(
        OutboxMessage.broadcast_id == broadcast_id).group_by(OutboxMessage.state)
    return {state: count for state, count in (await session.exec(query)).all()}


async def recipients_in_state(
    *, session: AsyncSession, broadcast_id: int, state: str
) -> int:
    """Distinct chats with at least one delivery of the run in `state`."""
    query = select(func.count(func.distinct(OutboxMessage.chat_id))).where(
        OutboxMessage.broadcast_id == broadcast_id, OutboxMessage.state == state)
    return (await session.exec(query)).one()


async def mark(*, session: AsyncSession, broadcast_id: int, state: str, before: Sequence[str],
               **values: Any) -> bool:
    """Move the run to `state` if it is in one of `before`: True for the one caller that did
    (several processes may finish the same run)."""
    result = await session.exec(
        update(Broadcast).where(Broadcast.id == broadcast_id, col(Broadcast.state).in_(before))
        .values(state=state, **values))
    return result.rowcount == 1
