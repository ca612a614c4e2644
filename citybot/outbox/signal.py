"""Waking the courier of another worker.

With several webhook workers the courier runs in the one holding the lease; a report filed
through another worker would wait for the courier's next look (half a second) before its card
goes out. With Redis, a worker that committed messages to the outbox publishes on one channel
and the courier's worker, subscribed to it, looks at once. A lost signal (Redis away) costs only
that half second: the courier looks anyway.

The signal has a Redis client of its own: the conversation state's is closed while in-flight
updates finish, before the courier stops. The listener is stopped by a flag it checks every
`POLL` seconds, not by cancelling it: redis-py can swallow a cancellation inside `listen()`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

log = logging.getLogger("citybot.outbox_signal")

CHANNEL = "citybot:outbox"
POLL = 0.5  # seconds a listener waits for a signal before it looks whether to stop
RECONNECT_AFTER = 1.0  # seconds


class OutboxSignal:
    def __init__(self, redis_url: str) -> None:
        from redis.asyncio import Redis

        self.redis: Any = Redis.from_url(redis_url)

    async def publish(self) -> None:
        """Best effort: the courier looks every half second anyway."""
        try:
            await self.redis.publish(CHANNEL, b"1")
        except Exception as error:
            log.debug("outbox signal not published error=%r", error)

    async def listen(self, wake: asyncio.Event, stop: asyncio.Event) -> None:
        """Until `stop` is set: `wake` is set at every signal; after an error, subscribes again."""
        while not stop.is_set():
            try:
                async with self.redis.pubsub(ignore_subscribe_messages=True) as pubsub:
                    await pubsub.subscribe(CHANNEL)
                    wake.set()  # what was published while not subscribed: look once
                    while not stop.is_set():
                        if await pubsub.get_message(timeout=POLL) is not None:
                            wake.set()
            except Exception as error:
                log.warning("outbox signal lost, subscribing again in %.0f s error=%r",
                            RECONNECT_AFTER, error)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=RECONNECT_AFTER)

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self.redis.aclose()
