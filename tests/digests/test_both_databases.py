"""Digests, announcements and the job store on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio

from citybot import jobs
from citybot import scheduler as jobs_scheduler
from citybot.services import broadcasts
from citybot.storage.models import Subscription
from citybot.testing import running_bot

from .conftest import CENTRAL, add_report, add_subscriber, during, period, runs, texts_to


async def test_digest_announcement_and_job_store(
    emulator, any_database_url, city_config, staff_group, limits
) -> None:
    async with running_bot(api_url=emulator.url, token=emulator.token,
                           database_url=any_database_url, config=city_config) as bot:
        runtime = bot.runtime
        anna, ivan, boris = (emulator.add_user(name, language_code=code) for name, code in
                             (("Anna", "en"), ("Иван", "ru"), ("Boris", "en")))
        resident = await add_subscriber(runtime, anna, districts=[CENTRAL])
        await add_subscriber(runtime, ivan)
        blocked = await add_subscriber(runtime, boris)
        emulator.block_bot(boris)
        week = period(runtime, "weekly")
        await add_report(runtime, resident, description="Broken bench in the park",
                         category="greenery", created=during(week))

        summary = await jobs.run_digest(runtime, "weekly")
        assert (summary.delivered, summary.blocked) == (2, 1)
        assert len(texts_to(emulator, anna, "Broken bench")) == 1
        assert "еженедельная" in texts_to(emulator, ivan, "Broken bench")[0]
        async with runtime.sessions() as session:
            assert not (await session.get(Subscription, blocked.id)).active
        assert (await jobs.run_digest(runtime, "weekly")).status == "already_sent"

        async with runtime.sessions() as session:
            draft = await broadcasts.draft_announcement(
                session=session, text="Street market on Sunday", key="test:1",
                districts=[CENTRAL], created_by="Olga")
            assert await broadcasts.start_announcement(session=session, broadcast_id=draft.id)
            await session.commit()
        announced = await jobs.run_announcement(runtime, draft.id)
        assert announced.delivered == 2  # Anna (Central) and Ivan (the whole city)
        await emulator.wait_for_message(staff_group, contains="Olga")
        assert [run.state for run in await runs(runtime, "announcement")] == ["done"]

        scheduler = jobs_scheduler.build_scheduler(runtime)
        jobs_scheduler.start(scheduler, runtime)
        stored = scheduler.get_job("digest:weekly")
        scheduler.shutdown(wait=False)
        await asyncio.sleep(0.05)
        assert stored is not None and stored.next_run_time is not None
