from citybot.services.reports import start_draft
from citybot.storage.database import make_engine, make_sessionmaker, upgrade
from citybot.storage.residents import get_or_create_resident, resident_with_draft, set_language
from citybot.storage.updates import claim_update


async def test_resident_keeps_a_chosen_language(sqlite_url: str) -> None:
    upgrade(sqlite_url)
    engine = make_engine(sqlite_url)
    sessions = make_sessionmaker(engine)
    async with sessions() as session:
        anna = await get_or_create_resident(
            session=session, telegram_id=10**12, first_name="Anna", language="en"
        )
        await set_language(session=session, resident=anna, language="ru")
        await session.commit()
    async with sessions() as session:
        again = await get_or_create_resident(
            session=session, telegram_id=10**12, first_name="Anna", language="en"
        )
        assert again.id == anna.id
        assert again.language == "ru"  # her choice wins over Telegram's language_code
    await engine.dispose()


async def test_an_update_is_claimed_once(any_database_url: str) -> None:
    upgrade(any_database_url)
    engine = make_engine(any_database_url)
    sessions = make_sessionmaker(engine)
    async with sessions() as session:
        assert await claim_update(session=session, bot_id=1, update_id=7)
        assert not await claim_update(session=session, bot_id=1, update_id=7)
        assert await claim_update(session=session, bot_id=2, update_id=7)
        await session.commit()
    async with sessions() as session:
        assert not await claim_update(session=session, bot_id=1, update_id=7)
        await session.rollback()
    await engine.dispose()


async def test_the_resident_and_their_draft_are_read_together(any_database_url: str) -> None:
    """PeopleMiddleware reads a resident's report draft in the same statement as the resident:
    a new resident is created with none; a resident with a draft gets theirs, not another's."""
    upgrade(any_database_url)
    engine = make_engine(any_database_url)
    sessions = make_sessionmaker(engine)
    async with sessions() as session:
        anna, none = await resident_with_draft(
            session=session, telegram_id=10**12, first_name="Anna", language="en")
        boris, _ = await resident_with_draft(
            session=session, telegram_id=10**12 + 1, first_name="Boris", language="ru")
        assert anna.id is not None and none is None
        draft = await start_draft(session=session, resident=anna, step="description")
        await session.commit()
    async with sessions() as session:
        again, hers = await resident_with_draft(
            session=session, telegram_id=10**12, first_name="Anna", language="en")
        assert (again.id, hers.id, hers.step) == (anna.id, draft.id, "description")
        other, his = await resident_with_draft(
            session=session, telegram_id=10**12 + 1, first_name="Boris", language="ru")
        assert other.id == boris.id and his is None
    await engine.dispose()
