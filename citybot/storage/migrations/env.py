"""Alembic environment: runs CityBot's migrations on SQLite and PostgreSQL."""

from alembic import context
from sqlmodel import SQLModel

from citybot.storage import models  # noqa: F401 - registers the tables
from citybot.storage.database import make_sync_engine

config = context.config
target_metadata = SQLModel.metadata


def run_migrations() -> None:
    url = config.get_main_option("sqlalchemy.url")
    engine = make_sync_engine(url)
    try:
        with engine.connect() as connection:
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                render_as_batch=connection.dialect.name == "sqlite",
                compare_type=True,
            )
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


run_migrations()
