"""The scheduler's misfire behaviour, across restarts of the bot: jobs live in the database, so a
digest whose time passed while the bot was down runs once at start (however many times were
missed) when within its grace, is skipped past it, and is never sent twice."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timedelta

import pytest

from citybot import scheduler as jobs_scheduler
from citybot.storage.models import utcnow

from .conftest import add_report, add_subscriber, during, period, runs, texts_to

JOB = "digest:weekly"


def with_digest_two_hours_ago(runtime, grace_hours: float) -> None:
    """The weekly digest moved to run daily at the local time of two hours ago."""
    config = runtime.config
    earlier = datetime.now(config.city.tz) - timedelta(hours=2)
    digests = [d.model_copy(update={"schedule": f"{earlier.minute} {earlier.hour} * * *"})
               if d.name == "weekly" else d for d in config.digests]
    runtime.config = config.model_copy(update={
        "digests": digests,
        "broadcast": config.broadcast.model_copy(update={"misfire_grace_hours": grace_hours}),
    })


async def stop(scheduler) -> None:
    """AsyncIOScheduler shuts down on the loop's next turn: let it, as a stopping bot would."""
    scheduler.shutdown(wait=False)
    await asyncio.sleep(0.05)


async def restart(runtime, *, next_run_time: datetime | None = None):
    """A bot process starting: the scheduler on the same database (what the previous process
    stored is kept); `next_run_time` rewinds the digest as if the bot had been down since."""
    if next_run_time is not None:
        scheduler = jobs_scheduler.build_scheduler(runtime)
        scheduler.start(paused=True)
        scheduler.modify_job(JOB, next_run_time=next_run_time)
        await stop(scheduler)
    scheduler = jobs_scheduler.build_scheduler(runtime)
    jobs_scheduler.start(scheduler, runtime)
    return scheduler


async def until_done(runtime, name: str, timeout: float = 10.0) -> list:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = await runs(runtime, name)
        if found and all(run.state == "done" for run in found):
            return found
        await asyncio.sleep(0.1)
    raise AssertionError(f"no finished run of {name}: {found}")


@pytest.fixture
async def subscriber(emulator, citybot):
    runtime = citybot.runtime
    anna = emulator.add_user("Anna", language_code="en")
    resident = await add_subscriber(runtime, anna)
    return anna, resident


async def test_missed_runs_are_made_up_once_at_start(emulator, citybot, subscriber) -> None:
    runtime = citybot.runtime
    anna, resident = subscriber
    with_digest_two_hours_ago(runtime, grace_hours=3)
    day = period(runtime, "weekly")
    await add_report(runtime, resident, description="Fallen tree on the path",
                     category="greenery", created=during(day))
    first = await restart(runtime)  # the bot ran once, then stopped
    assert first.get_job(JOB).next_run_time > datetime.now(first.timezone)
    await stop(first)

    # down since before the last two scheduled times: one run at start, not two
    scheduler = await restart(runtime, next_run_time=day.start - timedelta(minutes=1))
    try:
        (run,) = await until_done(runtime, "weekly")
        assert run.period == day.key
        await emulator.wait_for_message(anna, contains="Fallen tree")
        assert scheduler.get_job(JOB).next_run_time > datetime.now(scheduler.timezone)
    finally:
        await stop(scheduler)

    again = await restart(runtime)  # and a restart after it does not send it again
    try:
        await asyncio.sleep(0.5)
        assert len(await runs(runtime, "weekly")) == 1
        assert len(texts_to(emulator, anna, "Fallen tree")) == 1
    finally:
        await stop(again)


async def test_a_run_missed_past_its_grace_is_skipped(emulator, citybot, subscriber) -> None:
    runtime = citybot.runtime
    anna, resident = subscriber
    with_digest_two_hours_ago(runtime, grace_hours=1)
    day = period(runtime, "weekly")
    await add_report(runtime, resident, description="Fallen tree on the path",
                     category="greenery", created=during(day))
    await stop(await restart(runtime))

    scheduler = await restart(runtime, next_run_time=day.start - timedelta(minutes=1))
    try:
        await asyncio.sleep(0.5)
        assert await runs(runtime, "weekly") == []  # two hours late, one allowed: skipped
        assert scheduler.get_job(JOB).next_run_time > datetime.now(scheduler.timezone)
    finally:
        await stop(scheduler)
    await emulator.assert_no_message(anna, within=0.2)


async def test_changed_schedules_are_rescheduled_and_removed_digests_dropped(
    citybot
) -> None:
    runtime = citybot.runtime
    await stop(await restart(runtime))
    config = runtime.config
    runtime.config = config.model_copy(update={"digests": [
        d.model_copy(update={"schedule": "0 9 * * *"}) for d in config.digests
        if d.name != "daily"]})
    scheduler = await restart(runtime)
    try:
        ids = {job.id for job in scheduler.get_jobs()}
        assert {"digest:weekly", "digest:staff_daily", "job:resume_broadcasts"} <= ids
        assert "digest:daily" not in ids
        upcoming = scheduler.get_job(JOB).next_run_time
        assert (upcoming.hour, upcoming.minute) == (9, 0)
        assert upcoming - utcnow() <= timedelta(days=1)
    finally:
        await stop(scheduler)
