"""What one update carries on its road: its scope and its database session, each in a context
variable, so that the request middlewares (which see only a Bot API call) and the conversation
state storage find the update the call or the write belongs to."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.methods import AnswerCallbackQuery
from aiogram.types import TelegramObject
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.bot.outages import describe

log = logging.getLogger("citybot.outages")

# seconds an update may spend retrying its own Bot API calls: well inside the time Telegram
# (about 60 s) and the emulator (30 s) wait for the webhook's answer
RETRY_BUDGET = 20.0

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


@dataclass
class UpdateScope:
    """What one update holds back until its work is committed, and how far it got."""

    deadline: float = field(default_factory=lambda: time.monotonic() + RETRY_BUDGET)
    committed: bool = False  # a Bot API call was made (any, a read too): its claim committed
    done: bool = False  # handled, committed, released: a later failure (a lock) is no loss
    closed: bool = False  # the update is done: nothing is held back any more
    releasing: bool = False  # the held callback answers are going out: hold them no more
    answers: list[AnswerCallbackQuery] = field(default_factory=list)
    # conversation state writes, applied in order after each commit (see conversation.py)
    state_writes: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    state_view: dict[Any, dict[str, Any]] = field(default_factory=dict)  # key -> state/data

    async def release(self, bot: Bot) -> None:
        """Called after a commit: the held conversation state goes to Redis, then the held
        callback answers go out (best effort: a late spinner is not worth failing for)."""
        writes, self.state_writes = self.state_writes, []
        for write in writes:
            await write()
        self.state_view.clear()
        answers, self.answers = self.answers, []
        self.releasing = True
        try:
            for method in answers:
                try:
                    await bot(method)
                except TelegramAPIError as error:
                    log.warning("callback answer not delivered query_id=%s error=%s",
                                method.callback_query_id, describe(error))
        finally:
            self.releasing = False


# The update in hand (set by HoldUntilSaved), None outside an update (the courier, jobs).
current_update: ContextVar[UpdateScope | None] = ContextVar("current_update", default=None)

# The session of the work in hand (an update, a delivery): conversation state in SQL commits
# together with the rest of that work (SQLStorage is handed `current_session.get`), and
# SaveBeforeSpeaking commits it before the bot calls Telegram, so no transaction is held open
# while Telegram answers.
current_session: ContextVar[AsyncSession | None] = ContextVar("current_session", default=None)


@contextlib.contextmanager
def speaking_for(session: AsyncSession) -> Iterator[None]:
    """A courier's delivery speaks for `session` as a handler does for its update's: the bot's
    SaveBeforeSpeaking commits it before each Bot API call."""
    token = current_session.set(session)
    try:
        yield
    finally:
        current_session.reset(token)
