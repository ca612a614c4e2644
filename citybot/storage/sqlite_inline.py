"""SQLite for the asyncio engine without a thread per connection.

aiosqlite runs every statement in a helper thread and hands the result back through the event
loop: a thread hop and a loop wake-up for each statement, which costs far more CPU than the
statement itself (SQLite answers in microseconds). This adapter runs the statements inline on
the loop, behind the aiosqlite-shaped interface that SQLAlchemy's aiosqlite dialect drives.
One connection per engine (see make_engine): SQLite has one writer anyway, and a short busy
timeout bounds how long another process's write can hold the loop.

SQLAlchemy's asyncio adapter still awaits each cursor call — open, execute, fetch, close,
commit — and every such await is a switch out of the statement's greenlet and back into it
(`await_`), three or four per statement, though nothing here ever waits. `InlineAdaptedConnection`
(handed to the engine as its `creator`) opens and closes cursors, commits and rolls back
directly, and awaits only the statement itself (which SQLAlchemy requires): one switch per
statement.
"""

from __future__ import annotations

import asyncio
import collections
import sqlite3
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
)
from sqlalchemy.util.concurrency import await_


class InlineCursor:
    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    async def __aenter__(self) -> InlineCursor:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self._cursor.close()

    async def execute(self, operation: str, parameters: Any = ()) -> InlineCursor:
        self._cursor.execute(operation, parameters)
        return self

    async def executemany(self, operation: str, parameters: Iterable[Any]) -> InlineCursor:
        self._cursor.executemany(operation, parameters)
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(size or self._cursor.arraysize)

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value


class _RunNow:
    """Where the dialect queues a function for "the connection's thread": run it now."""

    def put_nowait(self, item: tuple[asyncio.Future[Any], Callable[[], Any]]) -> None:
        future, function = item
        try:
            future.set_result(function())
        except Exception as error:  # handed to the awaiting caller
            future.set_exception(error)


class InlineConnection:
    def __init__(self, connection: sqlite3.Connection) -> None:
        self._conn = connection
        self._tx = _RunNow()

    @property
    def _connection(self) -> sqlite3.Connection:
        return self._conn

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level

    def cursor(self) -> InlineCursor:
        return InlineCursor(self._conn.cursor())

    async def execute(self, operation: str, parameters: Any = ()) -> InlineCursor:
        return await self.cursor().execute(operation, parameters)

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._conn.create_function(*args, **kwargs)

    async def commit(self) -> None:
        self._conn.commit()

    async def rollback(self) -> None:
        self._conn.rollback()

    async def close(self) -> None:
        self._conn.close()

    def stop(self) -> None:
        self._conn.close()


def _connect(path: str, busy_timeout_s: float) -> InlineConnection:
    return InlineConnection(sqlite3.connect(
        path, timeout=busy_timeout_s, isolation_level="", check_same_thread=False))


def connector(path: str, busy_timeout_s: float) -> Callable[[], Any]:
    """An `async_creator` for create_async_engine."""

    async def connect() -> InlineConnection:
        return _connect(path, busy_timeout_s)

    return connect


class InlineAdaptedCursor(AsyncAdapt_aiosqlite_cursor):
    """SQLAlchemy's aiosqlite cursor adapter over the sqlite3 cursor itself: opened and closed
    at once, its statement (rows fetched with it, as the adapter does) in one await."""

    __slots__ = ()
    _awaitable_cursor_close = False  # close() closes the sqlite3 cursor directly

    def _make_new_cursor(self, connection: Any) -> Any:
        return connection._conn.cursor()

    def _aenter_cursor(self, cursor: Any) -> Any:
        return cursor

    def execute(self, operation: Any, parameters: Any = None) -> Any:
        # awaited once, though it never waits: SQLAlchemy's AsyncConnection.execute insists
        # that a statement awaited something (else AwaitRequired)
        try:
            return await_(self._execute_now(operation, parameters))
        except Exception as error:
            self._adapt_connection._handle_exception(error)

    async def _execute_now(self, operation: Any, parameters: Any) -> Any:
        cursor = self._cursor
        result = (cursor.execute(operation) if parameters is None
                  else cursor.execute(operation, parameters))
        if cursor.description:
            self._rows = collections.deque(cursor.fetchall())
        return result

    def executemany(self, operation: Any, seq_of_parameters: Any) -> Any:
        try:
            return await_(self._executemany_now(operation, seq_of_parameters))
        except Exception as error:
            self._adapt_connection._handle_exception(error)

    async def _executemany_now(self, operation: Any, seq_of_parameters: Any) -> Any:
        return self._cursor.executemany(operation, seq_of_parameters)


class InlineAdaptedConnection(AsyncAdapt_aiosqlite_connection):
    """The aiosqlite connection adapter whose cursors, commit and rollback run at once."""

    __slots__ = ()
    _cursor_cls = InlineAdaptedCursor

    def commit(self) -> None:
        try:
            self._connection._conn.commit()
        except Exception as error:
            self._handle_exception(error)

    def rollback(self) -> None:
        try:
            self._connection._conn.rollback()
        except Exception as error:
            self._handle_exception(error)


def creator(path: str, busy_timeout_s: float, dbapi: Callable[[], Any]) -> Callable[[], Any]:
    """A `creator` for create_async_engine: the adapted connection, made directly. `dbapi`
    gives the engine's DBAPI module (known once the engine is made)."""

    def connect() -> InlineAdaptedConnection:
        return InlineAdaptedConnection(dbapi(), _connect(path, busy_timeout_s))

    return connect
