"""The outbox: every outgoing message is a row, claimed before it is sent.

The one window where a crash can duplicate a message: after Telegram accepted a call and
before `mark_sent` commits. A claim that is never completed is taken over after
`CLAIM_TIMEOUT`, and that message is then sent again. Everything else is exactly once.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, or_, text, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.storage.core import insert_new, update_row
from citybot.storage.models import OutboxMessage, OutboxState, UTCDateTime, utcnow

CLAIM_TIMEOUT = timedelta(seconds=60)


async def enqueue(
    *, session: AsyncSession, kind: str, chat_id: int, payload: dict[str, Any],
    method: str = "sendMessage", dedupe_key: str | None = None, report_id: int | None = None,
    not_before: datetime | None = None, fresh: bool = False,
) -> OutboxMessage | None:
    """Add a message in the caller's transaction; None when `dedupe_key` was queued before.
    `fresh`: the key names something made in this very transaction (a new report's card), so
    it cannot have been queued: no savepoint is spent on checking."""
    session.info["outbox_touched"] = True  # tells the courier to look now (see DatabaseMiddleware)
    row = {"kind": kind, "method": method, "chat_id": chat_id, "payload": payload,
           "dedupe_key": dedupe_key, "report_id": report_id,
           "next_attempt_at": not_before or utcnow()}
    if dedupe_key is None or fresh:
        return await insert_new(session, OutboxMessage, **row)
    try:
        async with session.begin_nested():
            return await insert_new(session, OutboxMessage, **row)
    except IntegrityError:
        return None


async def claim_due(
    *, session: AsyncSession, worker: str, limit: int = 50, now: datetime | None = None
) -> list[OutboxMessage]:
    """Mark up to `limit` due messages as being sent by `worker` and return them (committed)."""
    now = now or utcnow()
    claim = f"{worker[:50]}:{uuid.uuid4().hex[:12]}"  # fits claimed_by (64)
    due = or_(
        (OutboxMessage.state == OutboxState.pending) & (OutboxMessage.next_attempt_at <= now),
        (OutboxMessage.state == OutboxState.sending)
        & (OutboxMessage.claimed_at < now - CLAIM_TIMEOUT),
    )
    # a broadcast's thousands of deliveries go after what a resident or official waits for
    bulk = col(OutboxMessage.broadcast_id).is_not(None)
    query = select(OutboxMessage.id).where(due).order_by(bulk, OutboxMessage.id).limit(limit)
    # one statement: picked (skipping rows another worker has locked, on PostgreSQL; SQLite
    # has one writer at a time), claimed and read back
    picked = query.with_for_update(skip_locked=True).scalar_subquery()
    claim_rows = update(OutboxMessage).where(col(OutboxMessage.id).in_(picked), due).values(
        state=OutboxState.sending, claimed_by=claim, claimed_at=now).returning(OutboxMessage)
    result = await session.exec(claim_rows.execution_options(
        synchronize_session=False, populate_existing=True))
    messages = sorted(result.scalars().all(), key=lambda message: message.id)
    await session.commit()  # hold no transaction while the caller waits and sends
    return messages


async def release_orphaned_claims(
    *, session: AsyncSession, host: str, alive: Callable[[int], bool]
) -> int:
    """Claims of workers of this host (`<host>-<pid>`) whose process is gone go back to the queue
    now rather than after CLAIM_TIMEOUT, so a command restarted after a crash resumes at once.
    Those messages may have reached Telegram just before the crash: the documented window."""
    prefix = f"{host}-"
    query = select(OutboxMessage.claimed_by).distinct().where(
        OutboxMessage.state == OutboxState.sending,
        col(OutboxMessage.claimed_by).startswith(prefix, autoescape=True))
    dead = []
    for claim in (await session.exec(query)).all():
        pid = claim[len(prefix):].split(":", 1)[0]
        if pid.isdigit() and not alive(int(pid)):
            dead.append(claim)
    if not dead:
        return 0
    result = await session.exec(
        update(OutboxMessage).where(OutboxMessage.state == OutboxState.sending,
                                    col(OutboxMessage.claimed_by).in_(dead))
        .values(state=OutboxState.pending, claimed_by=None, next_attempt_at=utcnow()))
    await session.commit()
    return result.rowcount


async def mark_sent(
    *, session: AsyncSession, message: OutboxMessage, message_id: int | None = None
) -> None:
    await update_row(session, message, state=OutboxState.sent, sent_at=utcnow(),
                     sent_message_id=message_id, attempts=message.attempts + 1)


_MARK_SENT_PG = text(
    "UPDATE outbox SET state = :sent, sent_at = :now, sent_message_id = given.message_id,"
    " attempts = outbox.attempts + 1"
    " FROM unnest(CAST(:ids AS BIGINT[]), CAST(:message_ids AS BIGINT[]))"
    " AS given(id, message_id) WHERE outbox.id = given.id",
).bindparams(bindparam("sent", OutboxState.sent.value), bindparam("now", type_=UTCDateTime))


async def mark_sent_many(
    *, session: AsyncSession, sent: list[tuple[int, int | None]]
) -> None:
    """Record many sent messages at once: (outbox id, Telegram message id) pairs. On PostgreSQL
    one statement for them all (a broadcast records a thousand a second: one UPDATE each, even
    pipelined, cost the courier more CPU than sending them)."""
    if session.bind.dialect.name == "postgresql":
        await session.exec(_MARK_SENT_PG, params={
            "now": utcnow(), "ids": [row for row, _ in sent],
            "message_ids": [message_id for _, message_id in sent]})
        return
    table = OutboxMessage.__table__
    statement = update(table).where(table.c.id == bindparam("row_id")).values(
        state=OutboxState.sent, sent_at=utcnow(), sent_message_id=bindparam("message_id"),
        attempts=table.c.attempts + 1)
    await session.exec(statement, params=[{"row_id": row, "message_id": message_id}
                                          for row, message_id in sent])


async def mark_retry(
    *, session: AsyncSession, message: OutboxMessage, delay: timedelta, error: str,
    counts: bool = True,
) -> None:
    """Back to pending after `delay`; a 429 passes counts=False: waiting is not failing."""
    message.state = OutboxState.pending
    message.next_attempt_at = utcnow() + delay
    message.last_error = error[:2000]
    message.claimed_by = None
    if counts:
        message.attempts += 1
    session.add(message)


async def mark_final(
    *, session: AsyncSession, message: OutboxMessage, state: OutboxState, error: str
) -> None:
    message.state = state
    message.last_error = error[:2000]
    message.attempts += 1
    session.add(message)


async def backlog(*, session: AsyncSession) -> int:
    query = select(func.count()).select_from(OutboxMessage).where(
        col(OutboxMessage.state).in_([OutboxState.pending, OutboxState.sending])
    )
    return (await session.exec(query)).one()


async def next_due_at(*, session: AsyncSession) -> datetime | None:
    query = select(func.min(OutboxMessage.next_attempt_at)).where(
        OutboxMessage.state == OutboxState.pending
    )
    return (await session.exec(query)).one()


STAFF_CHAT_LOST = "chat not found"  # Telegram's words when the bot is not in the chat it names


async def requeue_lost_cards(*, session: AsyncSession, staff_chat_id: int) -> int:
    """Cards Telegram rejected because the staff chat was wrong (a wrong STAFF_CHAT_ID, the bot
    not yet added) are sent again, to `staff_chat_id`: called at start-up once that chat is
    reachable. Returns how many; the caller commits."""
    lost = (await session.exec(select(OutboxMessage).where(
        OutboxMessage.kind == "card", OutboxMessage.state == OutboxState.failed,
        col(OutboxMessage.last_error).contains(STAFF_CHAT_LOST)))).all()
    for message in lost:
        message.chat_id = staff_chat_id
        message.state = OutboxState.pending
        message.attempts = 0
        message.next_attempt_at = utcnow()
        message.claimed_at = message.claimed_by = message.last_error = None
        session.add(message)
    return len(lost)
