"""The engine factory (DATABASE_URL), for SQLite and PostgreSQL; migrations on demand.

Alembic (with Mako and Pygments, ~12 MB) lives in `migrate.py` and loads only where a
database is migrated: `upgrade`, `downgrade`, `current_revision` and `alembic_config` are found
here for their callers' convenience. A long-running bot migrates in a short-lived child process
(`upgrade_in_child`), so it never holds Alembic in memory.
"""

from __future__ import annotations

import importlib
import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.storage import sqlite_inline

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
log = logging.getLogger(__name__)


def _with_driver(database_url: str, *, sqlite_driver: str) -> str:
    url = make_url(database_url)
    if url.get_backend_name() == "postgresql":
        url = url.set(drivername="postgresql+psycopg")  # psycopg 3 serves both kinds
    elif url.get_backend_name() == "sqlite":
        url = url.set(drivername=sqlite_driver)
    return url.render_as_string(hide_password=False)


def sync_url(database_url: str) -> str:
    """The URL with a synchronous driver (Alembic, scripts)."""
    return _with_driver(database_url, sqlite_driver="sqlite")


def async_url(database_url: str) -> str:
    """The URL with an asyncio driver (the bot): aiosqlite's dialect, or psycopg 3."""
    return _with_driver(database_url, sqlite_driver="sqlite+aiosqlite")


def _tune_sqlite(dbapi_connection, _record) -> None:
    # WAL lets readers go on while one writer commits; wait for a lock instead of failing.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(database_url: str) -> AsyncEngine:
    """hide_parameters: a database error, when logged, shows its SQL without the values (what
    residents wrote, their names)."""
    url = async_url(database_url)
    if url.startswith("sqlite"):
        # SQLite has one writer: one shared connection per process queues the transactions in
        # asyncio instead of SQLite's sleeping busy handler (which stays for other processes,
        # such as a `citybot` command run beside the bot).
        path = make_url(url).database or ":memory:"
        made: list[AsyncEngine] = []
        engine = create_async_engine(
            url, creator=sqlite_inline.creator(path, 2.0, lambda: made[0].dialect.dbapi),
            pool_size=1, max_overflow=0, pool_timeout=60, hide_parameters=True)
        made.append(engine)
        event.listen(engine.sync_engine, "connect", _tune_sqlite)
    else:
        # up to 20 connections (docs/deployment.md), all kept: an overflow connection would be
        # closed when returned, and under a burst the pool opened and closed one per update or
        # so (a PostgreSQL connection costs a startup, its close, and a thread for the lookup)
        engine = create_async_engine(url, pool_pre_ping=True, pool_size=20, max_overflow=0,
                                     hide_parameters=True)
    return engine


def make_sync_engine(database_url: str) -> Engine:
    url = sync_url(database_url)
    engine = create_engine(url, pool_pre_ping=not url.startswith("sqlite"), hide_parameters=True)
    if url.startswith("sqlite"):
        event.listen(engine, "connect", _tune_sqlite)
    return engine


class ClosingSession(AsyncSession):
    """SQLModel's AsyncSession that, at the end of an `async with` block, closes in place when
    it holds no connection. SQLAlchemy closes an async session in a task of its own, shielded
    from cancellation, so that its connection goes back to the pool however the block ends: a
    task, and a turn or two of the event loop, for every session (~40 µs of CPU, a seventh of
    an update's claim). A session whose work was committed, or that never began any, holds no
    connection: its close only lets go of its objects, and needs no IO to shield."""

    async def __aexit__(self, type_: Any, value: Any, traceback: Any) -> None:
        if self.in_transaction():
            await super().__aexit__(type_, value, traceback)
        else:
            self.sync_session.close()


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, class_=ClosingSession, expire_on_commit=False)


_MIGRATIONS = frozenset({"alembic_config", "upgrade", "downgrade", "current_revision"})


def __getattr__(name: str):
    if name in _MIGRATIONS:
        return getattr(importlib.import_module("citybot.storage.migrate"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class MigrationFailed(RuntimeError):
    """`citybot db upgrade` failed (what it printed went to stderr)."""


def upgrade_in_child(database_url: str) -> None:
    """`upgrade(database_url)` in a child process: the caller keeps running without Alembic and
    the migration scripts in its memory. The child's errors go to stderr as they are."""
    env = {**os.environ, "DATABASE_URL": database_url}
    command = [sys.executable, "-m", "citybot", "--log-level", "WARNING", "db", "upgrade"]
    done = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, check=False)
    if done.returncode:
        raise MigrationFailed(f"`citybot db upgrade` failed (exit code {done.returncode})")
