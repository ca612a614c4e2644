from citybot.storage import outbox
from citybot.storage.database import make_engine, make_sessionmaker, upgrade
from citybot.storage.models import OutboxState


async def test_a_claim_fits_whatever_the_worker_is_called(any_database_url: str) -> None:
    upgrade(any_database_url)
    engine = make_engine(any_database_url)
    sessions = make_sessionmaker(engine)
    async with sessions() as session:
        await outbox.enqueue(session=session, kind="notification", chat_id=1,
                             payload={"text": "hi"}, dedupe_key="one")
        assert await outbox.enqueue(session=session, kind="notification", chat_id=1,
                                    payload={"text": "hi"}, dedupe_key="one") is None
        await session.commit()
    async with sessions() as session:
        claimed = await outbox.claim_due(session=session, worker="pod-" + "x" * 120)
        assert len(claimed) == 1
        assert claimed[0].state == OutboxState.sending and len(claimed[0].claimed_by) <= 64
        assert await outbox.claim_due(session=session, worker="another") == []  # claimed once
    await engine.dispose()
