"""`citybot digest run NAME` and `citybot broadcast` as processes against the emulator with
Telegram's limits on: SIGKILLed mid-run and run again, every recipient gets the digest exactly
once; `citybot digest list` shows the schedule and the last run."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
import time
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import pytest

from citybot.storage.database import make_engine, make_sessionmaker, upgrade

from .conftest import add_report, add_subscriber, during, period

ROOT = Path(__file__).resolve().parents[2]
CITYBOT = [sys.executable, "-m", "citybot"]
RESIDENTS = 45


def environment(emulator, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {
        "BOT_TOKEN", "TELEGRAM_API_URL", "DATABASE_URL", "STAFF_CHAT_ID", "REDIS_URL",
        "CITYBOT_CONFIG"}}
    env.update(BOT_TOKEN=emulator.token, TELEGRAM_API_URL=emulator.url,
               DATABASE_URL=database_url)
    return env


async def citybot_command(*args: str, env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        *CITYBOT, *args, cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE)


@pytest.fixture
async def city(emulator, sqlite_url, city_config, staff_group):
    """A migrated database with RESIDENTS weekly subscribers and a report of this week."""
    await asyncio.to_thread(upgrade, sqlite_url)
    engine = make_engine(sqlite_url)
    runtime = SimpleNamespace(sessions=make_sessionmaker(engine), config=city_config)
    people = [emulator.add_user(f"R{i}", language_code="ru" if i % 3 else "en")
              for i in range(RESIDENTS)]
    residents = [await add_subscriber(runtime, person) for person in people]
    week = period(runtime, "weekly")
    await add_report(runtime, residents[0], description="Pothole on Mira Avenue",
                     created=during(week))
    await engine.dispose()
    return SimpleNamespace(people=people, path=sqlite_url.removeprefix("sqlite:///"),
                           staff_group=staff_group)


def digests_received(emulator, people) -> Counter:
    return Counter({person.id: sum("Mira Avenue" in (m.get("text") or "")
                                   for m in emulator.messages(person)) for person in people})


def recorded_sent(path: str) -> int:
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT count(*) FROM outbox WHERE kind = 'digest' "
                                  "AND state = 'sent'").fetchone()[0]


async def until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


@pytest.mark.timeout(120)
async def test_exactly_once_across_sigkill_and_restart(
    emulator, sqlite_url, staff_group, city, limits
) -> None:
    env = environment(emulator, sqlite_url)
    first = await citybot_command("digest", "run", "weekly", env=env)
    try:
        await until(lambda: sum(digests_received(emulator, city.people).values()) >= 10, 60,
                    "the first digests")
        # From now on Telegram takes no message in (calls hang unanswered, as in a network
        # outage); once every message it did take is recorded, the process is killed outright.
        emulator.inject_fault("sendMessage", "hang", times=None)
        delivered = sum(digests_received(emulator, city.people).values())
        await until(lambda: recorded_sent(city.path) == delivered, 10, "the records")
    finally:
        first.kill()
        await first.wait()
    assert first.returncode == -signal.SIGKILL
    emulator.clear_faults()
    assert 10 <= delivered < RESIDENTS  # killed mid-run

    second = await citybot_command("digest", "run", "weekly", env=env)
    out, err = await asyncio.wait_for(second.communicate(), timeout=60)
    assert second.returncode == 0, err.decode()
    assert "resumed" in err.decode()

    received = digests_received(emulator, city.people)
    assert set(received.values()) == {1}, received  # every resident, exactly once
    assert f"delivered to {RESIDENTS} of {RESIDENTS}" in out.decode()
    summaries = [m for m in emulator.messages(staff_group) if "weekly" in (m.get("text") or "")]
    assert len(summaries) == 1 and f"Доставлено: {RESIDENTS} из {RESIDENTS}" in \
        summaries[0]["text"]
    assert emulator.stats.retry_after_served <= 2  # paced under the limits


async def test_digest_list_and_an_unknown_digest(emulator, sqlite_url, city) -> None:
    env = environment(emulator, sqlite_url)
    listing = await citybot_command("digest", "list", env=env)
    out, err = await asyncio.wait_for(listing.communicate(), timeout=60)
    assert listing.returncode == 0, err.decode()
    lines = out.decode().splitlines()
    assert lines[0].split()[:3] == ["NAME", "AUDIENCE", "SCHEDULE"]
    assert any(line.startswith("weekly") and "never" in line for line in lines)
    assert any(line.startswith("staff_daily") for line in lines)

    unknown = await citybot_command("digest", "run", "monthly", env=env)
    _, err = await asyncio.wait_for(unknown.communicate(), timeout=60)
    assert unknown.returncode == 2
    assert "no digest 'monthly'" in err.decode() and "Traceback" not in err.decode()


async def test_broadcast_from_the_command_line(emulator, sqlite_url, city, limits) -> None:
    env = environment(emulator, sqlite_url)
    command = await citybot_command("broadcast", "Trams stop at 22:00 on Saturday", "--yes",
                                    "--author", "Mayor's office", env=env)
    out, err = await asyncio.wait_for(command.communicate(), timeout=60)
    assert command.returncode == 0, err.decode()
    assert f"delivered to {RESIDENTS} of {RESIDENTS}" in out.decode()
    for person in city.people:
        texts = [m["text"] for m in emulator.messages(person) if "Trams" in m.get("text", "")]
        assert len(texts) == 1
    summary = await emulator.wait_for_message(city.staff_group, contains="Mayor's office")
    assert f"Доставлено: {RESIDENTS} из {RESIDENTS}." in summary["text"]


def senders(path: str) -> Counter:
    with sqlite3.connect(path) as connection:
        return Counter(dict(connection.execute(
            "SELECT claimed_by, count(*) FROM outbox WHERE kind = 'announcement' "
            "AND state = 'sent' GROUP BY claimed_by").fetchall()))


@pytest.mark.timeout(120)
async def test_a_command_leaves_the_sending_to_the_running_bot(
    emulator, sqlite_url, city, city_config, staff_group, limits
) -> None:
    """The outbox has one sender: while the bot holds the lease, `citybot broadcast` only
    prepares the run and waits for the bot's courier to deliver it."""
    from datetime import timedelta

    from citybot.storage.leases import acquire_lease
    from citybot.testing import running_bot

    async with running_bot(api_url=emulator.url, token=emulator.token, database_url=sqlite_url,
                           config=city_config, staff_chat_id=staff_group.id) as bot:
        async def hold() -> None:  # what the bot's lease loop does (running_bot has none)
            while True:
                async with bot.runtime.sessions() as session:
                    assert await acquire_lease(session=session, name="singletons",
                                               holder="the-bot", ttl=timedelta(seconds=3))
                await asyncio.sleep(0.5)

        holding = asyncio.create_task(hold())
        try:
            await asyncio.sleep(0.2)
            command = await citybot_command("broadcast", "Trams stop at 22:00 on Saturday",
                                            "--yes", env=environment(emulator, sqlite_url))
            out, err = await asyncio.wait_for(command.communicate(), timeout=90)
        finally:
            holding.cancel()
    assert command.returncode == 0, err.decode()
    assert "the running bot (the-bot) sends it" in err.decode()
    assert f"delivered to {RESIDENTS} of {RESIDENTS}" in out.decode()
    sent_by = senders(city.path)
    assert sum(sent_by.values()) == RESIDENTS
    assert all(worker.startswith("test:") for worker in sent_by)  # running_bot's courier alone
    for person in city.people:
        assert len([m for m in emulator.messages(person) if "Trams" in m.get("text", "")]) == 1


@pytest.mark.timeout(120)
async def test_a_command_takes_the_sending_over_when_the_bot_stops(
    emulator, sqlite_url, city, limits
) -> None:
    """A bot that held the lease and died (no courier, no renewals): the command waits for the
    lease to lapse, then sends the run itself."""
    from datetime import timedelta

    from sqlalchemy import update

    from citybot.storage.leases import acquire_lease
    from citybot.storage.models import Lease, utcnow

    engine = make_engine(sqlite_url)
    sessions = make_sessionmaker(engine)
    async with sessions() as session:
        await acquire_lease(session=session, name="singletons", holder="dead-bot",
                            ttl=timedelta(minutes=5))
    command = await citybot_command("broadcast", "Trams stop at 22:00 on Saturday", "--yes",
                                    env={**environment(emulator, sqlite_url),
                                         "CITYBOT_LEASE_SECONDS": "3"})
    said = []
    while not any("sends it" in line for line in said):
        said.append((await asyncio.wait_for(command.stderr.readline(), timeout=60)).decode())
    assert "the running bot (dead-bot) sends it" in said[-1]
    await asyncio.sleep(1.5)  # the command's courier would have started by now
    assert not any("Trams" in (m.get("text") or "") for person in city.people
                   for m in emulator.messages(person))  # not while the lease is the bot's
    async with sessions() as session:  # the dead bot's lease lapses
        await session.exec(update(Lease).values(expires_at=utcnow() - timedelta(seconds=1)))
        await session.commit()
    await engine.dispose()
    out, err = await asyncio.wait_for(command.communicate(), timeout=90)
    assert command.returncode == 0, err.decode()
    assert f"delivered to {RESIDENTS} of {RESIDENTS}" in out.decode()
    sent_by = senders(city.path)
    assert sum(sent_by.values()) == RESIDENTS and "dead-bot" not in sent_by
