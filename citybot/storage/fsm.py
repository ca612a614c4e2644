"""An SQL-backed aiogram FSM storage: a conversation in progress survives a restart."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable, Mapping
from functools import cache
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, KeyBuilder, StorageKey
from sqlalchemy import bindparam, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import Session, SessionTransaction
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.storage.core import connection_of
from citybot.storage.database import make_sessionmaker
from citybot.storage.models import ConversationState, utcnow

StateType = str | State | None



@cache
def _upsert(dialect: str) -> Any:
    """The whole row written at once, built once (building costs more than running it)."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    columns = ("key", "state", "data", "updated_at")
    statement = insert(ConversationState.__table__).values(
        **{name: bindparam(name) for name in columns})
    return statement.on_conflict_do_update(
        index_elements=["key"], set_={name: statement.excluded[name] for name in columns[1:]})


@cache
def _select_row() -> Any:
    table = ConversationState.__table__
    return select(table.c.state, table.c.data).where(table.c.key == bindparam("key"))


PENDING = "fsm_pending"  # Session.info: row key -> the copy it was written to, not committed yet


@event.listens_for(Session, "after_commit")
def _kept(session: Session) -> None:
    if not session.in_nested_transaction():  # a savepoint's commit keeps nothing yet
        session.info.pop(PENDING, None)


@event.listens_for(Session, "after_transaction_end")
def _undone(session: Session, transaction: SessionTransaction) -> None:
    """The transaction ended without a commit — rolled back, or its session closed on an error
    (which fires no rollback event): what it wrote leaves the copy."""
    if transaction.parent is None:
        for row_key, known in session.info.pop(PENDING, {}).items():
            known.pop(row_key, None)


class SQLStorage(BaseStorage):
    """State and data of each conversation in the `conversation_states` table.

    Reads are served from a write-through copy in memory, filled from the table on first use:
    this storage is for one bot process (several workers share Redis, see REDIS_URL).

    `shared_session` names the session of the work in hand (an update, a delivery), if any:
    state is then written in it and commits together with the rest of that work. The bot
    hands in its update pipeline's `current_session.get`; storage keeps no such context."""

    def __init__(self, engine: AsyncEngine, key_builder: KeyBuilder | None = None, *,
                 shared_session: Callable[[], AsyncSession | None] = lambda: None) -> None:
        self._engine = engine
        self._shared_session = shared_session
        self._sessions = make_sessionmaker(engine)
        self._keys = key_builder or DefaultKeyBuilder(with_bot_id=True, with_destiny=True)
        self._dialect = engine.dialect.name
        self._known: dict[str, tuple[str | None, dict[str, Any]]] = {}

    @contextlib.asynccontextmanager
    async def _session(self) -> AsyncIterator[AsyncSession]:
        shared = self._shared_session()
        if shared is not None:
            yield shared
            return
        async with self._sessions() as session:
            yield session
            await session.commit()

    async def _write(self, key: StorageKey, **fields: Any) -> None:
        row_key = self._keys.build(key)
        state, data = await self._read(key)
        row = {"state": state, "data": data, **fields}
        if row["state"] == state and row["data"] == data:
            return  # nothing changes: no write
        async with self._session() as session:
            connection = await connection_of(session)  # Core: no ORM execution to set up
            await connection.execute(_upsert(self._dialect), {
                "key": row_key, "updated_at": utcnow(), **row})
            self._forget_on_rollback(session, row_key)
        self._known[row_key] = (row["state"], row["data"])

    def _forget_on_rollback(self, session: AsyncSession, row_key: str) -> None:
        """A write undone with its transaction (the handler failed) must not stay in the copy:
        see `_undone` below."""
        session.info.setdefault(PENDING, {})[row_key] = self._known

    async def _read(self, key: StorageKey) -> tuple[str | None, dict[str, Any]]:
        row_key = self._keys.build(key)
        if row_key not in self._known:
            async with self._session() as session:
                connection = await connection_of(session)
                row = (await connection.execute(_select_row(), {"key": row_key})).first()
            self._known[row_key] = (row.state, dict(row.data)) if row else (None, {})
        return self._known[row_key]

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        await self._write(key, state=value)

    async def get_state(self, key: StorageKey) -> str | None:
        return (await self._read(key))[0]

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await self._write(key, data=dict(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        return dict((await self._read(key))[1])

    async def forget_user(self, user_id: int) -> None:
        """The person erased their data: their rows went with it (citybot.storage.privacy);
        the copy in memory goes too (read again from the table if asked)."""
        mark = f":{user_id}:"
        for row_key in [k for k in self._known if mark in k]:
            self._known.pop(row_key, None)

    async def close(self) -> None:
        """The engine belongs to the application, which disposes of it."""
