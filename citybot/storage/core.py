"""Core statements in a session's transaction: the hot path's reads and writes (the claim, the
conversation state, the draft's step, the rows a report is filed with) skip the ORM's
execution and its unit of work, and they ask SQLAlchemy for the transaction's connection
once, not once per statement — each ask is a switch into a greenlet and the session's
bookkeeping (a busy bot made three per update)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any, TypeVar

from sqlalchemy import Insert, Table, Update, and_, bindparam, event, update
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.orm import (
    Session,
    SessionTransaction,
    configure_mappers,
    make_transient_to_detached,
)
from sqlalchemy.orm.attributes import set_committed_value
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


@cache
def _defaults(model: type) -> tuple[dict[str, Any], dict[str, Callable[[], Any]]]:
    """The model's field defaults: constants, and factories called for each new row. (Asked
    once per model, before its first row: the mappers are made ready here, as building an
    instance would.)"""
    configure_mappers()
    constants: dict[str, Any] = {}
    factories: dict[str, Callable[[], Any]] = {}
    for name, field in model.model_fields.items():  # type: ignore[attr-defined]
        if field.default_factory is not None:
            factories[name] = field.default_factory
        elif not field.is_required():
            constants[name] = field.default
    return constants, factories


async def insert_new(session: AsyncSession, model: type[T], **values: Any) -> T:
    """A new row of `model` with these values (the model's defaults for the rest), inserted
    with one Core INSERT in the session's transaction and kept in the session as a persistent
    object: what building the instance, `session.add` and a flush do, without either cost —
    the unit of work (a flush of one new object costs about three times its INSERT), and
    SQLModel's constructor, which sets each field through SQLAlchemy's instrumentation (a
    report's row took 130 µs to build, its INSERT less). The instance is made as the ORM makes
    one it reads from the table. An id left None is the database's to give."""
    table = model.__table__  # type: ignore[attr-defined]
    constants, factories = _defaults(model)
    row = {**constants, **values}
    for name, make in factories.items():
        if name not in values:
            row[name] = make()
    given = {column.key: row.get(column.key) for column in table.columns
             if row.get(column.key) is not None or not column.primary_key}
    result = await (await connection_of(session)).execute(_insert(table), given)
    for column, value in zip(table.primary_key.columns, result.inserted_primary_key,
                             strict=True):
        row[column.key] = value
    instance = model.__mapper__.class_manager.new_instance()  # type: ignore[attr-defined]
    instance.__dict__.update({column.key: row.get(column.key) for column in table.columns})
    make_transient_to_detached(instance)  # as if read from the table: nothing left to flush
    session.add(instance)
    return instance


@cache
def _update(table: Table, names: frozenset[str]) -> Update:
    """UPDATE of these columns of one row (by its primary key), built once per set."""
    where = and_(*(column == bindparam(f"key_{column.key}") for column in table.primary_key))
    return update(table).where(where).values({name: bindparam(f"new_{name}") for name in names})


async def update_row(session: AsyncSession, row: Any, **changes: Any) -> None:
    """Change these columns of a row the session holds, with one Core UPDATE in its
    transaction (now, not at the next flush), and the instance takes the values as saved: what
    setting the attributes and a flush do, for about a third of the flush's cost."""
    table = type(row).__table__
    await (await connection_of(session)).execute(_update(table, frozenset(changes)), {
        **{f"key_{column.key}": getattr(row, column.key) for column in table.primary_key},
        **{f"new_{name}": value for name, value in changes.items()}})
    for name, value in changes.items():
        set_committed_value(row, name, value)
