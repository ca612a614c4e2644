"""aiogram's FSM middleware — the conversation's lock (across workers through Redis) and its
state — for every update but those that belong to no conversation."""

from __future__ import annotations

from typing import Any

from aiogram.fsm.middleware import FSMContextMiddleware
from aiogram.types import TelegramObject, Update

from citybot.bot.pipeline.scope import Handler


class ConversationState(FSMContextMiddleware):
    """A poll_answer has no chat and takes no conversation step: aiogram would still lock the
    voter's conversation (in Redis: a lock taken, a state read, the lock released — three
    round trips) for it. Its handler needs neither, and one resident's answers handled at once
    by two workers are ordered by their update ids in the database (storage.polls)."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if isinstance(event, Update) and event.poll_answer is not None:
            data["fsm_storage"] = self.storage
            return await handler(event, data)
        return await super().__call__(handler, event, data)
