"""Core statements in a session's transaction: the hot path's reads and writes (the claim, the
conversation state, the draft's step, the rows a report is filed with) skip the ORM's
execution and its unit of work, and they ask SQLAlchemy for the transaction's connection
once, not once per statement — each ask is a switch into a greenlet and the session's
bookkeeping (a busy bot made three per update)."""

from __future__ import annotations

from functools import cache
from typing import TypeVar

from sqlalchemy import Insert, Table, event
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.orm import Session, SessionTransaction, make_transient_to_detached
from sqlmodel.ext.asyncio.session import AsyncSession

T = TypeVar("T")
CONNECTION = "core_connection"  # Session.info: the connection of the transaction in progress


async def connection_of(session: AsyncSession) -> AsyncConnection:
    """The connection of the session's transaction (begun if none is). Inside a savepoint
    (`begin_nested`) it is asked of the session each time: the session emits the SAVEPOINT
    when the savepoint's connection is first asked for."""
    if session.in_nested_transaction():
        return await session.connection()
    connection = session.info.get(CONNECTION)
    if connection is None:
        connection = session.info[CONNECTION] = await session.connection()
    return connection


@event.listens_for(Session, "after_transaction_end")
def _released(session: Session, transaction: SessionTransaction) -> None:
    """The transaction ended (committed, rolled back, or its session closed): its connection
    went back to the pool, and the next statement begins a new one."""
    if transaction.parent is None:
        session.info.pop(CONNECTION, None)


@cache
def _insert(table: Table) -> Insert:
    return table.insert()  # the columns are those of the values given (compiled once per set)


async def insert_row(session: AsyncSession, row: T) -> T:
    """Insert a new model instance with one Core INSERT in the session's transaction, and keep
    it in the session as a persistent object: what `session.add(row)` and a flush do for one
    object, without the unit of work (a flush of one new object costs about three times its
    INSERT). Every column goes with the value the instance holds (its defaults are set on
    construction); an id left None is the database's to give."""
    table = type(row).__table__  # type: ignore[attr-defined]
    values = {column.key: getattr(row, column.key) for column in table.columns}
    given = {key: value for key, value in values.items() if value is not None
             or not table.c[key].primary_key}
    result = await (await connection_of(session)).execute(_insert(table), given)
    for column, value in zip(table.primary_key.columns, result.inserted_primary_key,
                             strict=True):
        if column.key not in given:
            setattr(row, column.key, value)
    make_transient_to_detached(row)  # as if read from the table: nothing left to flush
    session.add(row)
    return row
