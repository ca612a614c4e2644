"""Waking the courier of another worker.

With several webhook workers the courier runs in the one holding the lease; a report filed
through another worker would wait for the courier's next look (half a second) before its card
goes out. With Redis, a worker that committed messages to the outbox publishes on one channel
and the courier's worker, subscribed to it, looks at once. A lost signal (Redis away) costs only
that half second: the courier looks anyway.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

log = logging.getLogger("citybot.outbox_signal")

CHANNEL = "citybot:outbox"
RECONNECT_AFTER = 1.0  # seconds


class OutboxSignal:
    def __init__(self, redis: Any) -> None:
        self.redis = redis

    async def publish(self) -> None:
        """Best effort: the courier looks every half second anyway."""
        try:
            await self.redis.publish(CHANNEL, b"1")
        except Exception as error:
            log.debug("outbox signal not published error=%r", error)

    async def listen(self, wake: asyncio.Event) -> None:
        """Until cancelled: `wake` is set at every signal; after an error, subscribes again."""
        while True:
            try:
                async with self.redis.pubsub(ignore_subscribe_messages=True) as pubsub:
                    await pubsub.subscribe(CHANNEL)
                    wake.set()  # what was published while not subscribed: look once
                    async for _ in pubsub.listen():
                        wake.set()
            except Exception as error:
                log.warning("outbox signal lost, subscribing again in %.0f s error=%r",
                            RECONNECT_AFTER, error)
                await asyncio.sleep(RECONNECT_AFTER)
