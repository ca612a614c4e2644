"""Conversation state in Redis, kept in step with the database.

Redis is not part of the update's database transaction. Were a handler to write the new step
to Redis and then fail to commit (the database went away), the re-sent update would find the
conversation one step ahead of its draft. So `AfterCommitStorage` holds an update's writes and
applies them after each commit of its work (scope.UpdateScope); the handler itself reads
its own writes at once.

Redis without persistence forgets every conversation when it restarts. The report's draft is
in the database and knows its step: `RestoreLostStep` puts a resident back at that step when
the draft was last touched before Redis's memory began (the key `SINCE_KEY`, written once by
whoever finds it missing). Once: restoring touches the draft. A resident who had left the
report for the menu before Redis lost its memory is put back too — the one imprecision, and
only within `RESTORE_WITHIN` of the loss.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from aiogram import BaseMiddleware
from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage, StateType, StorageKey
from aiogram.types import TelegramObject

from citybot.bot.pipeline.scope import Handler, current_update
from citybot.dialogs.states import ReportFlow
from citybot.services import reports

log = logging.getLogger("citybot.redis_state")

SINCE_KEY = "citybot:fsm:remembers-since"
RESTORE_WITHIN = timedelta(hours=1)


class AfterCommitStorage(BaseStorage):
    """Wraps RedisStorage: writes made while an update is handled wait for its commit."""

    def __init__(self, inner: BaseStorage) -> None:
        self.inner = inner

    @property
    def redis(self) -> Any:
        return self.inner.redis  # type: ignore[attr-defined]

    def create_isolation(self, **kwargs: Any) -> BaseEventIsolation:
        return self.inner.create_isolation(**kwargs)  # type: ignore[attr-defined]

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        scope = current_update.get()
        if scope is None or scope.closed:
            await self.inner.set_state(key, value)
            return
        view = scope.state_view.setdefault(key, {})
        if "state" in view and view["state"] == value:
            return  # what Redis holds, or will once the writes held are applied: no write
        view["state"] = value
        scope.state_writes.append(lambda: self.inner.set_state(key, value))

    async def get_state(self, key: StorageKey) -> str | None:
        scope = current_update.get()
        if scope is not None and "state" in scope.state_view.get(key, {}):
            return scope.state_view[key]["state"]
        value = await self.inner.get_state(key)
        if scope is not None and not scope.closed:  # read under the conversation's lock
            scope.state_view.setdefault(key, {})["state"] = value
        return value

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        value = dict(data)
        scope = current_update.get()
        if scope is None or scope.closed:
            await self.inner.set_data(key, value)
            return
        scope.state_view.setdefault(key, {})["data"] = value
        scope.state_writes.append(lambda: self.inner.set_data(key, value))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        scope = current_update.get()
        if scope is not None and "data" in scope.state_view.get(key, {}):
            return dict(scope.state_view[key]["data"])
        return await self.inner.get_data(key)

    async def close(self) -> None:
        await self.inner.close()

    async def forget_user(self, user_id: int, flood_prefix: str = "citybot:flood") -> None:
        """The person erased their data: once that is committed, every key of theirs goes —
        conversation state and data, the flood counter (not the lock held for this update,
        which goes when it is released)."""
        async def forget() -> None:
            keys = [key async for key in self.redis.scan_iter(match=f"*:{user_id}:*", count=500)
                    if not _as_text(key).endswith(":lock")]
            keys += [f"{flood_prefix}:{user_id}", f"{flood_prefix}:{user_id}:told"]
            await self.redis.delete(*keys)

        scope = current_update.get()
        if scope is None or scope.closed:
            await forget()
        else:
            scope.state_writes.append(forget)

    async def remembers_since(self) -> float:
        """When Redis's memory began (epoch seconds): the first time anyone asked after it was
        started empty. Survives a restart with persistence; not one without."""
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.set(SINCE_KEY, repr(time.time()), nx=True)
            pipe.get(SINCE_KEY)
            _, value = await pipe.execute()
        return float(value)


def _as_text(key: bytes | str) -> str:
    return key.decode() if isinstance(key, bytes) else key


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


class RestoreLostStep(BaseMiddleware):
    """A resident with no conversation state but a report draft touched shortly before Redis's
    memory began is put back at the draft's step (after PeopleMiddleware: needs the resident
    and the session)."""

    def __init__(self, storage: AfterCommitStorage, draft_ttl: timedelta) -> None:
        self.storage = storage
        self.draft_ttl = draft_ttl

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        resident = data.get("resident")
        if resident is not None and data.get("state") is not None \
                and data.get("raw_state") is None:
            await self._restore(data, resident)
        return await handler(event, data)

    async def _restore(self, data: dict[str, Any], resident: Any) -> None:
        since_ts = await self.storage.remembers_since()
        if time.time() - since_ts > self.draft_ttl.total_seconds():
            return  # every draft alive now was touched after Redis's memory began
        if "draft" not in data:  # PeopleMiddleware read it with the resident
            data["draft"] = await reports.get_draft(session=data["session"],
                                                    resident_id=resident.id)
        draft = data["draft"]  # read once: the report's dialog takes it from here
        if draft is None:
            return
        since = datetime.fromtimestamp(since_ts, UTC)
        touched = _aware(draft.updated_at)
        step = getattr(ReportFlow, draft.step, None)
        if not (since - RESTORE_WITHIN <= touched < since) or not isinstance(step, State):
            return
        await data["state"].set_state(ReportFlow.drafting)  # at the draft's step
        data["raw_state"] = step.state
        await reports.touch(draft)  # once: the draft is now newer than Redis's memory
        log.warning("conversation step restored from the draft resident_id=%s step=%s",
                    resident.id, draft.step)
