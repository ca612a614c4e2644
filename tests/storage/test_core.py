"""Core statements in the session's transaction (citybot/storage/core.py): a row inserted
without the unit of work is in the table and in the session as if read from it, and a
savepoint around such an insert still rolls back alone."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import func, select

from citybot.storage.core import connection_of, insert_new
from citybot.storage.database import make_engine, make_sessionmaker, upgrade
from citybot.storage.models import Follower, Report, ReportDraft, Resident, utcnow


async def test_an_inserted_row_is_kept_as_if_read(any_database_url: str) -> None:
    upgrade(any_database_url)
    engine = make_engine(any_database_url)
    sessions = make_sessionmaker(engine)
    async with sessions() as session:
        anna = await insert_new(session, Resident, telegram_id=7, first_name="Anna")
        assert anna.id is not None and anna in session and not session.dirty
        assert await session.get(Resident, anna.id) is anna  # the session's own object
        # the model's defaults, as its constructor would set them
        assert (anna.language, anna.blocked_bot, anna.conversation) == ("en", False, None)
        assert anna.created_at.tzinfo is not None and anna.model_dump()["first_name"] == "Anna"
        now = utcnow()
        report = await insert_new(
            session, Report, reporter_id=anna.id, category="roads", department="roads",
            description="a hole", created_at=now, updated_at=now, due_at=now)
        assert report.status == "new" and report.hidden is False
        follower = await insert_new(session, Follower, report_id=report.id, resident_id=anna.id)
        assert (follower.report_id, follower.resident_id) == (report.id, anna.id)
        anna.first_name = "Anna K."  # a change after the insert is flushed as an UPDATE
        await session.commit()
    async with sessions() as session:
        assert (await session.get(Resident, anna.id)).first_name == "Anna K."
        stored = await session.get(Report, report.id)
        assert (stored.description, stored.status, stored.hidden) == ("a hole", "new", False)
        assert (await session.exec(select(func.count()).select_from(Follower))).one() == 1
    await engine.dispose()


async def test_a_failed_insert_in_a_savepoint_undoes_only_the_savepoint(
        any_database_url: str) -> None:
    upgrade(any_database_url)
    engine = make_engine(any_database_url)
    sessions = make_sessionmaker(engine)
    async with sessions() as session:
        anna = await insert_new(session, Resident, telegram_id=7, first_name="Anna")
        await connection_of(session)  # the transaction's connection, asked before the savepoint
        await insert_new(session, ReportDraft, resident_id=anna.id, token="t1")
        failed = False
        try:
            async with session.begin_nested():
                await insert_new(session, ReportDraft, resident_id=anna.id, token="t2")
        except IntegrityError:  # one draft per resident
            failed = True
        assert failed
        await insert_new(session, Resident, telegram_id=8, first_name="Boris")
        await session.commit()
    async with sessions() as session:
        assert (await session.exec(select(func.count()).select_from(Resident))).one() == 2
        assert (await session.exec(select(ReportDraft.token))).all() == ["t1"]
    await engine.dispose()
