"""City polls: the polls, the native poll each resident was sent, and their answers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import bindparam, func, text
from sqlalchemy import select as core_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.storage.models import Poll, PollAnswer, PollMessage, PollState, utcnow


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


@cache
def _answer_to_open_poll(dialect: str) -> Any:
    """Built once (every poll_answer update runs it): the answer stored, or replaced by a newer
    one, in one statement that finds the poll from Telegram's poll id and takes the answer only
    while the poll is open and has the option chosen."""
    answers, messages, polls = PollAnswer.__table__, PollMessage.__table__, Poll.__table__
    now = bindparam("now", type_=answers.c.updated_at.type)
    source = core_select(
        messages.c.poll_id, bindparam("user_id", type_=answers.c.user_id.type),
        bindparam("option_ids", type_=answers.c.option_ids.type),
        bindparam("update_id", type_=answers.c.update_id.type), now,
    ).join_from(messages, polls, polls.c.id == messages.c.poll_id).where(
        messages.c.telegram_poll_id == bindparam("telegram_poll_id"),
        polls.c.state == PollState.open, polls.c.closes_at > now,
        func.json_array_length(polls.c.options) > bindparam("highest"))
    insert = (postgresql if dialect == "postgresql" else sqlite).insert(answers).from_select(
        ["poll_id", "user_id", "option_ids", "update_id", "updated_at"], source)
    return insert.on_conflict_do_update(
        index_elements=["poll_id", "user_id"],
        set_={"option_ids": insert.excluded.option_ids, "update_id": insert.excluded.update_id,
              "updated_at": insert.excluded.updated_at},
        where=answers.c.update_id < insert.excluded.update_id,
    ).returning(answers.c.poll_id)


async def answer_open_poll(*, session: AsyncSession, telegram_poll_id: str, user_id: int,
                           option_ids: list[int], update_id: int, now: datetime) -> bool:
    """The common case of a poll_answer in one statement: True when the answer was stored (new,
    or newer than the one stored). False says only that it was not: the poll unknown, closed,
    an option it does not have — or an older or re-sent update; the caller reads which."""
    result = await session.exec(_answer_to_open_poll(session.bind.dialect.name), params={
        "telegram_poll_id": telegram_poll_id, "user_id": user_id, "option_ids": option_ids,
        "update_id": update_id, "now": now, "highest": max(option_ids, default=-1)})
    return result.first() is not None


_RECORD_POLL_MESSAGES_PG = text(
    "INSERT INTO poll_messages (telegram_poll_id, poll_id, chat_id, message_id)"
    " SELECT given.telegram_poll_id, polls.id, given.chat_id, given.message_id"
    " FROM unnest(CAST(:broadcasts AS INTEGER[]), CAST(:chats AS BIGINT[]),"
    " CAST(:messages AS BIGINT[]), CAST(:polls AS VARCHAR[]))"
    " AS given(broadcast_id, chat_id, message_id, telegram_poll_id)"
    " JOIN polls ON polls.broadcast_id = given.broadcast_id"
    " ON CONFLICT DO NOTHING")


async def record_poll_messages(*, session: AsyncSession,
                               sent: Sequence[tuple[int | None, int, int, str]]) -> int:
    """(broadcast id, chat id, message id, Telegram's poll id) of sent polls, in the caller's
    transaction; a poll recorded before is left as it is. On PostgreSQL one statement (the
    courier's group commit at a thousand polls a second)."""
    broadcasts = {broadcast for broadcast, *_ in sent if broadcast is not None}
    if not broadcasts:
        return 0
    if session.bind.dialect.name == "postgresql":
        sent = [row for row in sent if row[0] is not None]
        await session.exec(_RECORD_POLL_MESSAGES_PG, params={
            "broadcasts": [row[0] for row in sent], "chats": [row[1] for row in sent],
            "messages": [row[2] for row in sent], "polls": [row[3] for row in sent]})
        return len(sent)
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
