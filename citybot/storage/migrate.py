"""Alembic migrations: `citybot db upgrade|downgrade|current`, tests, the sandbox.

Imported only where a database is migrated (through `citybot.storage.database`, which names
these functions): a running bot migrates in a child process and never loads Alembic.
"""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from citybot.storage.database import MIGRATIONS_DIR, make_sync_engine, sync_url


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
