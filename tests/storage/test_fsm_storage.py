from aiogram.fsm.state import State, StatesGroup
from aiogram.fsm.storage.base import StorageKey

from citybot.storage.database import make_engine, upgrade
from citybot.storage.fsm import SQLStorage


class Flow(StatesGroup):
    describing = State()


KEY = StorageKey(bot_id=1, chat_id=42, user_id=42)


async def test_state_and_data_survive_a_new_engine(any_database_url: str) -> None:
    upgrade(any_database_url)
    engine = make_engine(any_database_url)
    storage = SQLStorage(engine)
    assert await storage.get_state(KEY) is None
    assert await storage.get_data(KEY) == {}
    await storage.set_state(KEY, Flow.describing)
    await storage.set_data(KEY, {"category": "roads", "photos": ["a", "b"], "text": "Яма"})
    await storage.update_data(KEY, {"address": "Sadovaya 12"})
    await engine.dispose()  # the process "restarts"

    engine = make_engine(any_database_url)
    storage = SQLStorage(engine)
    assert await storage.get_state(KEY) == Flow.describing.state
    assert await storage.get_data(KEY) == {
        "category": "roads", "photos": ["a", "b"], "text": "Яма", "address": "Sadovaya 12"
    }
    other = StorageKey(bot_id=1, chat_id=43, user_id=43)
    assert await storage.get_state(other) is None
    await storage.set_state(KEY, None)
    assert await storage.get_state(KEY) is None
    assert await storage.get_data(KEY) != {}  # clearing the state keeps data until told
    await engine.dispose()


async def test_a_write_rolled_back_with_its_update_is_not_remembered(any_database_url) -> None:
    """A handler that fails rolls its update back: the conversation stays where the table
    says, not where the failed handler tried to move it."""
    from citybot.bot.pipeline import current_session
    from citybot.storage.database import make_sessionmaker

    upgrade(any_database_url)
    engine = make_engine(any_database_url)
    storage = SQLStorage(engine, shared_session=current_session.get)
    await storage.set_state(KEY, "Flow:before")
    async with make_sessionmaker(engine)() as session:
        token = current_session.set(session)
        try:
            await storage.set_state(KEY, Flow.describing)
            await storage.set_data(KEY, {"half": "done"})
            assert await storage.get_state(KEY) == Flow.describing.state
            await session.rollback()
        finally:
            current_session.reset(token)
    assert await storage.get_state(KEY) == "Flow:before"
    assert await storage.get_data(KEY) == {}
    async with make_sessionmaker(engine)() as session:  # a committed write is remembered
        token = current_session.set(session)
        try:
            await storage.set_state(KEY, Flow.describing)
            await session.commit()
            await session.rollback()  # nothing left to undo
        finally:
            current_session.reset(token)
    assert await storage.get_state(KEY) == Flow.describing.state
    await engine.dispose()
