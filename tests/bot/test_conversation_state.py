"""The conversation's lock and context (aiogram's FSM middleware) are taken for every update but
a poll_answer, which belongs to no conversation; its state is read later, in the update's
transaction (PeopleMiddleware)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from aiogram.dispatcher.middlewares.user_context import UserContextMiddleware
from aiogram.fsm.storage.base import BaseEventIsolation, StorageKey
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.types import Update

from citybot.bot.pipeline.stateless import ConversationState

USER = {"id": 7, "is_bot": False, "first_name": "Anna"}


class CountingIsolation(BaseEventIsolation):
    def __init__(self) -> None:
        self.locked: list[StorageKey] = []

    @contextlib.asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncIterator[None]:
        self.locked.append(key)
        yield

    async def close(self) -> None:
        pass


async def handled(update: Update, isolation: CountingIsolation) -> dict[str, Any]:
    seen: dict[str, Any] = {}

    async def handler(event: Any, data: dict[str, Any]) -> None:
        seen.update(data)

    middleware = ConversationState(storage=MemoryStorage(), events_isolation=isolation)

    async def fsm(event: Any, data: dict[str, Any]) -> None:
        await middleware(handler, event, data)

    await UserContextMiddleware()(fsm, update, {"bot": _Bot()})
    return seen


class _Bot:
    id = 42


async def test_a_poll_answer_takes_no_lock_nor_state() -> None:
    isolation = CountingIsolation()
    answer = Update.model_validate({"update_id": 1, "poll_answer": {
        "poll_id": "p1", "user": USER, "option_ids": [0],
        "option_persistent_ids": ["a"]}})
    seen = await handled(answer, isolation)
    assert isolation.locked == [] and "state" not in seen and "fsm_storage" in seen


async def test_a_message_takes_the_lock_and_its_context_not_yet_its_state() -> None:
    isolation = CountingIsolation()
    message = Update.model_validate({"update_id": 2, "message": {
        "message_id": 1, "date": 0, "chat": {"id": 7, "type": "private"}, "from": USER,
        "text": "hi"}})
    seen = await handled(message, isolation)
    assert [key.chat_id for key in isolation.locked] == [7]
    assert seen["state"].key.chat_id == 7 and "raw_state" not in seen
