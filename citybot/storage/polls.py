"""City polls: the polls, the native poll each resident was sent, and their answers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.storage.models import Poll, PollAnswer, PollMessage


def _insert_ignoring_duplicates(session: AsyncSession, model: type) -> Any:
    dialect = postgresql if session.bind.dialect.name == "postgresql" else sqlite
    return dialect.insert(model).on_conflict_do_nothing()


async def record_poll_messages(*, session: AsyncSession,
                               sent: Sequence[tuple[int | None, int, int, str]]) -> int:
    """(broadcast id, chat id, message id, Telegram's poll id) of sent polls, in the caller's
    transaction; a poll recorded before is left as it is."""
    broadcasts = {broadcast for broadcast, *_ in sent if broadcast is not None}
    if not broadcasts:
        return 0
    query = select(Poll.broadcast_id, Poll.id).where(col(Poll.broadcast_id).in_(broadcasts))
    polls = dict((await session.exec(query)).all())
    rows = [{"telegram_poll_id": poll_id, "poll_id": polls[broadcast], "chat_id": chat_id,
             "message_id": message_id} for broadcast, chat_id, message_id, poll_id in sent
            if broadcast in polls]
    if rows:
        await session.exec(_insert_ignoring_duplicates(session, PollMessage), params=rows)
    return len(rows)


async def poll_of_message(*, session: AsyncSession, telegram_poll_id: str) -> Poll | None:
    query = select(Poll).join(PollMessage, col(PollMessage.poll_id) == col(Poll.id)).where(
        PollMessage.telegram_poll_id == telegram_poll_id)
    return (await session.exec(query)).first()


async def answers(*, session: AsyncSession, poll_id: int) -> list[PollAnswer]:
    query = select(PollAnswer).where(PollAnswer.poll_id == poll_id)
    return list((await session.exec(query)).all())


async def messages(*, session: AsyncSession, poll_id: int) -> list[PollMessage]:
    query = select(PollMessage).where(PollMessage.poll_id == poll_id)
    return list((await session.exec(query)).all())
