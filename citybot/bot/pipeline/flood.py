"""Per-resident rate limit: more than `limit` updates in `window` seconds gets one polite
"please slow down", and the excess is dropped unhandled (nothing the resident saved is
touched).

One process counts in memory. Several workers (REDIS_URL set) count together in Redis, so the
limit is the city's, not each worker's: one script call per update keeps each resident's
recent updates (a sorted set by time, its members the update ids, so an update Telegram sends
again is not counted twice) and says whether to handle, warn or drop.
"""

from __future__ import annotations

import enum
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from aiogram import BaseMiddleware
from aiogram.types import CallbackQuery, Message, TelegramObject, Update, User

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class Verdict(enum.Enum):
    handle = "handle"
    warn = "warn"  # over the limit, told once per window
    drop = "drop"  # over the limit, already told


class Counter(Protocol):
    async def hit(self, user_id: int, update_id: int | None) -> Verdict: ...


class MemoryCounter:
    """One process's count: a sliding window of each resident's recent updates."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit, self.window = limit, window
        self._seen: dict[int, deque[float]] = {}
        self._warned: dict[int, float] = {}

    async def hit(self, user_id: int, update_id: int | None) -> Verdict:
        now = time.monotonic()
        if len(self._seen) > 10_000:  # forget the quiet ones now and then: bounded memory
            self._seen = {uid: d for uid, d in self._seen.items() if now - d[-1] <= self.window}
            self._warned = {uid: t for uid, t in self._warned.items() if uid in self._seen}
        seen = self._seen.setdefault(user_id, deque())
        while seen and now - seen[0] > self.window:
            seen.popleft()
        if len(seen) < self.limit:
            seen.append(now)
            self._warned.pop(user_id, None)
            return Verdict.handle
        if now - self._warned.get(user_id, -self.window) >= self.window:
            self._warned[user_id] = now
            return Verdict.warn
        return Verdict.drop


# KEYS: the resident's recent updates (sorted set), their "told to slow down" flag.
# ARGV: now (ms), window (ms), limit, this update's member. Returns 1 handle, 2 warn, 0 drop.
HIT = """
local now, window, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZSCORE', KEYS[1], ARGV[4]) then return 1 end
if redis.call('ZCARD', KEYS[1]) < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[4])
  redis.call('PEXPIRE', KEYS[1], window)
  redis.call('DEL', KEYS[2])
  return 1
end
if redis.call('SET', KEYS[2], '1', 'NX', 'PX', window) then return 2 end
return 0
"""
VERDICTS = {1: Verdict.handle, 2: Verdict.warn, 0: Verdict.drop}


class RedisCounter:
    """Every worker's count together. Its clock is the workers' (kept in step by NTP)."""

    def __init__(self, redis: Any, limit: int, window: float, *,
                 prefix: str = "citybot:flood") -> None:
        self.limit, self.window, self.prefix = limit, window, prefix
        self._script = redis.register_script(HIT)
        self._unnamed = 0  # an event without an update id (not from Telegram): counted anyway

    async def hit(self, user_id: int, update_id: int | None) -> Verdict:
        if update_id is None:
            self._unnamed += 1
            member = f"local-{id(self)}-{self._unnamed}"
        else:
            member = str(update_id)
        keys = [f"{self.prefix}:{user_id}", f"{self.prefix}:{user_id}:told"]
        args = [int(time.time() * 1000), int(self.window * 1000), self.limit, member]
        return VERDICTS[int(await self._script(keys=keys, args=args))]


class FloodGuard(BaseMiddleware):
    """The rate limit on a resident's messages and button presses."""

    def __init__(self, limit: int, window: float = 60.0, *, redis: Any = None) -> None:
        self.counter: Counter = RedisCounter(redis, limit, window) if redis is not None \
            else MemoryCounter(limit, window)

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user: User | None = data.get("event_from_user")
        if user is None:
            return await handler(event, data)
        update: Update | None = data.get("event_update")
        verdict = await self.counter.hit(user.id, update.update_id if update else None)
        if verdict is Verdict.handle:
            return await handler(event, data)
        if verdict is Verdict.warn:
            await self._warn(event, data)
        return None

    @staticmethod
    async def _warn(event: TelegramObject, data: dict[str, Any]) -> None:
        text = data["texts"]("error-slow-down")
        if isinstance(event, CallbackQuery):
            await event.answer(text, show_alert=True)
        elif isinstance(event, Message):
            await event.answer(text)
