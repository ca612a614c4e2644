"""City polls: the polls, the native poll each resident was sent, and their answers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.storage.models import Poll, PollAnswer, PollMessage, utcnow


def _insert(session: AsyncSession, model: type) -> Any:
    dialect = postgresql if session.bind.dialect.name == "postgresql" else sqlite
    return dialect.insert(model)


def _insert_ignoring_duplicates(session: AsyncSession, model: type) -> Any:
    return _insert(session, model).on_conflict_do_nothing()


async def keep_newer_answer(*, session: AsyncSession, poll_id: int, user_id: int,
                            option_ids: list[int], update_id: int) -> None:
    """One statement: the resident's answer stored, or replaced when this one is newer (a
    later update); an older or re-sent one leaves the stored answer as it is."""
    statement = _insert(session, PollAnswer).values(
        poll_id=poll_id, user_id=user_id, option_ids=option_ids, update_id=update_id,
        updated_at=utcnow())
    table = PollAnswer.__table__
    await session.exec(statement.on_conflict_do_update(
        index_elements=["poll_id", "user_id"],
        set_={"option_ids": statement.excluded.option_ids,
              "update_id": statement.excluded.update_id,
              "updated_at": statement.excluded.updated_at},
        where=table.c.update_id < statement.excluded.update_id))


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
