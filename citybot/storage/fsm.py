"""An SQL-backed aiogram FSM storage: a conversation in progress survives a restart."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Mapping
from contextvars import ContextVar
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, KeyBuilder, StorageKey
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.storage.models import ConversationState, utcnow

StateType = str | State | None

# The session of the work in hand (an update, a delivery): conversation state commits together with
# the rest of that work, and citybot.bot.middlewares.SaveBeforeSpeaking commits it before the bot
# calls Telegram, so no transaction is held open while Telegram answers.
current_session: ContextVar[AsyncSession | None] = ContextVar("current_session", default=None)


def _upsert(dialect: str, values: dict[str, Any], update: dict[str, Any]) -> Any:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(ConversationState).values(**values)
    return statement.on_conflict_do_update(index_elements=["key"], set_=update)


class SQLStorage(BaseStorage):
    """State and data of each conversation in the `conversation_states` table.

    Reads are served from a write-through copy in memory, filled from the table on first use:
    this storage is for one bot process (several workers share Redis, see REDIS_URL)."""

    def __init__(self, engine: AsyncEngine, key_builder: KeyBuilder | None = None) -> None:
        self._engine = engine
        self._sessions = async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)
        self._keys = key_builder or DefaultKeyBuilder(with_bot_id=True, with_destiny=True)
        self._dialect = engine.dialect.name
        self._known: dict[str, tuple[str | None, dict[str, Any]]] = {}

    @contextlib.asynccontextmanager
    async def _session(self) -> AsyncIterator[AsyncSession]:
        shared = current_session.get()
        if shared is not None:
            yield shared
            return
        async with self._sessions() as session:
            yield session
            await session.commit()

    async def _write(self, key: StorageKey, **fields: Any) -> None:
        row_key = self._keys.build(key)
        update = {"updated_at": utcnow(), **fields}
        values = {"key": row_key, "state": None, "data": {}, **update}
        state, data = await self._read(key)
        current = {"state": state, "data": data}
        if all(current[name] == value for name, value in fields.items()):
            return  # nothing changes: no write
        async with self._session() as session:
            await session.exec(_upsert(self._dialect, values, update))
        self._known[row_key] = (fields.get("state", state), fields.get("data", data))

    async def _read(self, key: StorageKey) -> tuple[str | None, dict[str, Any]]:
        row_key = self._keys.build(key)
        if row_key not in self._known:
            async with self._session() as session:
                query = select(ConversationState).where(ConversationState.key == row_key)
                row = (await session.exec(query)).first()
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

    async def close(self) -> None:
        """The engine belongs to the application, which disposes of it."""
