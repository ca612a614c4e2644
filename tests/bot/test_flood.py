"""The per-resident rate limit: counted in memory by one process, in Redis by several."""

from __future__ import annotations

import asyncio
import os
import uuid

import pytest
from sqlalchemy.engine import make_url

from citybot.bot.pipeline.flood import MemoryCounter, RedisCounter, Verdict
from citybot.testing import running_bot

H, W, D = Verdict.handle, Verdict.warn, Verdict.drop


@pytest.fixture
async def redis():
    base = os.environ.get("REDIS_URL")
    if not base:
        pytest.skip("REDIS_URL is not set")
    from redis.asyncio import Redis

    client = Redis.from_url(base)
    yield client
    await client.aclose()


async def hits(counter, user: int, updates) -> list[Verdict]:
    return [await counter.hit(user, update) for update in updates]


async def test_in_memory_the_excess_is_warned_once_then_dropped_until_the_window_passes() -> None:
    counter = MemoryCounter(limit=3, window=0.3)
    assert await hits(counter, 1, range(6)) == [H, H, H, W, D, D]
    assert await hits(counter, 2, [10]) == [H]  # others are not affected
    await asyncio.sleep(0.35)
    assert await hits(counter, 1, range(6, 11)) == [H, H, H, W, D]  # told again, once


async def test_workers_sharing_redis_count_a_resident_together(redis) -> None:
    prefix = f"test-flood:{uuid.uuid4().hex}"
    first = RedisCounter(redis, limit=4, window=0.5, prefix=prefix)
    second = RedisCounter(redis, limit=4, window=0.5, prefix=prefix)
    verdicts = [await (first if n % 2 else second).hit(7, n) for n in range(7)]
    assert verdicts == [H, H, H, H, W, D, D]  # 4 in all, not 4 each
    assert await second.hit(8, 100) is H  # others are not affected
    await asyncio.sleep(0.55)
    assert await hits(first, 7, range(7, 13)) == [H, H, H, H, W, D]
    keys = [key async for key in redis.scan_iter(f"{prefix}:*")]
    assert len(keys) == 2
    assert [await redis.pttl(key) > 0 for key in keys] == [True, True]  # nothing kept for ever


async def test_an_update_telegram_sends_again_is_counted_once(redis) -> None:
    counter = RedisCounter(redis, limit=2, window=5, prefix=f"test-flood:{uuid.uuid4().hex}")
    assert await hits(counter, 7, [1, 1, 1, 2]) == [H, H, H, H]  # 1 re-sent after a 500
    assert await hits(counter, 7, [3, 2]) == [W, H]  # still within its two


async def test_with_redis_a_flood_is_told_to_slow_down_once(
    emulator, sqlite_url, city_config, staff_group, redis
) -> None:
    url = make_url(os.environ["REDIS_URL"]).set(database="14").render_as_string(
        hide_password=False)
    async with running_bot(api_url=emulator.url, token=emulator.token, database_url=sqlite_url,
                           config=city_config, staff_chat_id=staff_group.id,
                           redis_url=url) as citybot:
        limit = citybot.runtime.config.reports.max_messages_per_minute
        anna = emulator.add_user("Anna")
        await citybot.dispatcher.storage.redis.delete(f"citybot:flood:{anna.id}",
                                                      f"citybot:flood:{anna.id}:told")
        for _ in range(limit + 5):
            emulator.send_text(anna, "/help")
        replies = [await emulator.wait_for_message(anna) for _ in range(limit + 1)]
        await emulator.assert_no_message(anna, within=0.5)
        assert sum("very fast" in r["text"] for r in replies) == 1
        assert sum("What I can do" in r["text"] for r in replies) == limit
