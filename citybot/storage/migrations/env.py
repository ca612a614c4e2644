"""Alembic environment: runs CityBot's migrations on SQLite and PostgreSQL."""

from alembic import context
from sqlmodel import SQLModel

from citybot.storage import models  # noqa: F401 - registers the tables
from citybot.storage.database import make_sync_engine

config = context.config
target_metadata = SQLModel.metadata
NOT_OURS = {"apscheduler_jobs"}  # APScheduler's job store creates and keeps its own table


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    return not (type_ == "table" and name in NOT_OURS)


def run_migrations() -> None:
    url = config.get_main_option("sqlalchemy.url")
    engine = make_sync_engine(url)
    try:
        with engine.connect() as connection:
            sqlite = connection.dialect.name == "sqlite"
            if sqlite:  # a batch migration rebuilds a table others refer to: checked after
                connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
                connection.commit()  # the migrations' transaction begins afresh
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                render_as_batch=sqlite,
                compare_type=True,
                include_object=include_object,
            )
            with context.begin_transaction():
                context.run_migrations()
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"migration broke foreign keys: {broken[:5]}")
    finally:
        engine.dispose()


run_migrations()
