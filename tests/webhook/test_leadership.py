"""The courier and the scheduler run in exactly one worker: the one holding the lease."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta

from citybot.bot.leadership import Leadership
from citybot.runtime import build_runtime
from citybot.settings import Settings
from citybot.storage.database import upgrade
from citybot.storage.leases import acquire_lease, lease_holder, release_lease


async def runtime_for(url: str, config):
    await asyncio.to_thread(upgrade, url)
    return build_runtime(Settings(DATABASE_URL=url), config)


async def test_a_lease_has_one_holder_until_it_expires(any_database_url, city_config) -> None:
    runtime = await runtime_for(any_database_url, city_config)
    try:
        async with runtime.sessions() as session:
            ttl = timedelta(seconds=0.5)
            assert await acquire_lease(session=session, name="x", holder="a", ttl=ttl)
            assert not await acquire_lease(session=session, name="x", holder="b", ttl=ttl)
            assert await acquire_lease(session=session, name="x", holder="a", ttl=ttl)  # renewed
            assert await lease_holder(session=session, name="x") == "a"
            await asyncio.sleep(0.6)  # a died: no renewal
            assert await lease_holder(session=session, name="x") is None
            assert await acquire_lease(session=session, name="x", holder="b", ttl=ttl)
            assert not await acquire_lease(session=session, name="x", holder="a", ttl=ttl)
            await release_lease(session=session, name="x", holder="b")  # a clean stop
            assert await acquire_lease(session=session, name="x", holder="a", ttl=ttl)
    finally:
        await runtime.close()


class Worker:
    def __init__(self, runtime, name: str, ttl: float = 1.0) -> None:
        self.running = 0
        self.leadership = Leadership(runtime, on_gain=self.gain, on_loss=self.lose,
                                     holder=name, ttl=ttl, renew_every=ttl / 5)
        self.task = asyncio.create_task(self.leadership.run())

    async def gain(self) -> None:
        self.running += 1

    async def lose(self) -> None:
        self.running -= 1

    async def stop(self) -> None:
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.task


async def wait_until(condition, timeout: float = 5.0) -> None:
    for _ in range(int(timeout / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("condition not met in time")


async def test_two_workers_one_leader_and_a_takeover_when_it_stops(
    any_database_url, city_config
) -> None:
    runtime = await runtime_for(any_database_url, city_config)
    first, second = Worker(runtime, "first"), Worker(runtime, "second")
    try:
        await wait_until(lambda: first.running + second.running == 1)
        await asyncio.sleep(0.5)  # several renewals later, still exactly one
        assert first.running + second.running == 1
        leader, other = (first, second) if first.running else (second, first)
        await leader.stop()
        assert leader.running == 0
        await wait_until(lambda: other.running == 1, timeout=2.0)  # released: taken at once
    finally:
        await first.stop()
        await second.stop()
        await runtime.close()


async def test_a_dead_holders_lease_is_taken_over_after_it_expires(
    sqlite_url, city_config
) -> None:
    runtime = await runtime_for(sqlite_url, city_config)
    async with runtime.sessions() as session:  # a worker that was SIGKILLed holding it
        await acquire_lease(session=session, name="singletons", holder="dead",
                            ttl=timedelta(seconds=1))
    survivor = Worker(runtime, "survivor")
    try:
        await asyncio.sleep(0.5)
        assert survivor.running == 0
        await wait_until(lambda: survivor.running == 1, timeout=2.0)
    finally:
        await survivor.stop()
        await runtime.close()


async def test_a_stopping_worker_keeps_its_lease_but_never_takes_one(
    any_database_url, city_config
) -> None:
    """All workers are stopped together: the leader's release must not hand the singletons to
    a worker that is itself on its way out."""
    runtime = await runtime_for(any_database_url, city_config)
    first, second = Worker(runtime, "first"), Worker(runtime, "second")
    try:
        await wait_until(lambda: first.running + second.running == 1)
        leader, other = (first, second) if first.running else (second, first)
        leader.leadership.retire()
        other.leadership.retire()
        await asyncio.sleep(0.5)  # renewals go on while in-flight updates finish
        assert leader.running == 1
        await leader.stop()
        await asyncio.sleep(0.5)  # the released lease is there for the taking
        assert other.running == 0
    finally:
        await first.stop()
        await second.stop()
        await runtime.close()
