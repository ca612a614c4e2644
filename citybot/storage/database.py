"""The engine factory (DATABASE_URL) and Alembic migrations, for SQLite and PostgreSQL."""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
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
        engine = create_async_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10,
                                     hide_parameters=True)
    return engine


def make_sync_engine(database_url: str) -> Engine:
    url = sync_url(database_url)
    engine = create_engine(url, pool_pre_ping=not url.startswith("sqlite"), hide_parameters=True)
    if url.startswith("sqlite"):
        event.listen(engine, "connect", _tune_sqlite)
    return engine


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", sync_url(database_url).replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Bring the database up to `revision`; an empty database gets every table."""
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    command.downgrade(alembic_config(database_url), revision)


def current_revision(database_url: str) -> str | None:
    from alembic.runtime.migration import MigrationContext

    engine = make_sync_engine(database_url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()
