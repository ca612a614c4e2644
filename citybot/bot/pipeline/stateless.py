"""aiogram's FSM middleware — the conversation's lock (across workers through Redis) and its
context — for every update but those that belong to no conversation. The state itself is read
later, in the update's transaction (update.PeopleMiddleware)."""

from __future__ import annotations

from typing import Any

from aiogram.fsm.middleware import FSMContextMiddleware
from aiogram.types import TelegramObject, Update

from citybot.bot.pipeline.scope import Handler


class ConversationState(FSMContextMiddleware):
    """A poll_answer has no chat and takes no conversation step: aiogram would still lock the
    voter's conversation (in Redis: a lock taken, a state read, the lock released — three
    round trips) for it. Its handler needs neither, and one resident's answers handled at once
    by two workers are ordered by their update ids in the database (storage.polls).

    Unlike aiogram's, it does not read the state (`raw_state`): PeopleMiddleware does, under
    this lock, inside the update's transaction — in SQL the first read of a conversation then
    costs no session of its own — and with the resident's draft at hand (the report's step)."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        data["fsm_storage"] = self.storage
        context = None
        if not (isinstance(event, Update) and event.poll_answer is not None):
            context = self.resolve_event_context(data["bot"], data)
        if context is None:
            return await handler(event, data)
        async with self.events_isolation.lock(key=context.key):
            data["state"] = context
            return await handler(event, data)
