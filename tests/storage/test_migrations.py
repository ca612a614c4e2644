from sqlalchemy import inspect
from sqlmodel import SQLModel

from citybot.storage import models  # noqa: F401 - registers the tables
from citybot.storage.database import current_revision, downgrade, make_sync_engine, upgrade


def tables(url: str) -> set[str]:
    engine = make_sync_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_creates_every_table_and_downgrade_removes_them(any_database_url: str) -> None:
    upgrade(any_database_url)
    assert tables(any_database_url) == set(SQLModel.metadata.tables)
    assert current_revision(any_database_url) is not None
    downgrade(any_database_url, "base")
    assert tables(any_database_url) == set()
    assert current_revision(any_database_url) is None
    upgrade(any_database_url)  # and back up again: the downgrade left nothing behind
    assert tables(any_database_url) == set(SQLModel.metadata.tables)


def test_upgrade_is_idempotent(sqlite_url: str) -> None:
    upgrade(sqlite_url)
    revision = current_revision(sqlite_url)
    upgrade(sqlite_url)
    assert current_revision(sqlite_url) == revision


def test_models_and_migrations_agree(any_database_url: str) -> None:
    """Autogenerate finds nothing to do: every model change came with its migration."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    upgrade(any_database_url)
    engine = make_sync_engine(any_database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            diff = compare_metadata(context, SQLModel.metadata)
    finally:
        engine.dispose()
    assert diff == []


def test_an_older_database_is_brought_up_to_date(any_database_url: str) -> None:
    """A city that ran an earlier CityBot keeps its data: each migration applies on top."""
    from sqlalchemy import text

    upgrade(any_database_url, "0001")
    engine = make_sync_engine(any_database_url)
    try:
        with engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO residents (telegram_id, first_name, language, language_chosen,"
                " blocked_bot, created_at, last_seen_at)"
                " VALUES (42, 'Anna', 'ru', true, false, '2026-01-01', '2026-01-01')"))
            # a report, with rows that refer to it: SQLite rebuilds `reports` in 0007
            connection.execute(text(
                "INSERT INTO reports (reporter_id, category, department, status, description,"
                " language, created_at, updated_at) SELECT id, 'roads', 'roads', 'new', 'hole',"
                " 'ru', '2026-01-01', '2026-01-01' FROM residents"))
            connection.execute(text(
                "INSERT INTO followers (report_id, resident_id, created_at)"
                " SELECT reports.id, reporter_id, '2026-01-01' FROM reports"))
        upgrade(any_database_url)
        assert tables(any_database_url) == set(SQLModel.metadata.tables)
        with engine.connect() as connection:
            row = connection.execute(text(
                "SELECT first_name, language FROM residents WHERE telegram_id = 42")).one()
        assert tuple(row) == ("Anna", "ru")
        with engine.begin() as connection:
            assert connection.execute(text("SELECT count(*) FROM followers")).scalar() == 1
            connection.execute(text("UPDATE reports SET reporter_id = NULL"))  # erased: allowed
    finally:
        engine.dispose()
