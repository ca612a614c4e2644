"""Outages of the database, Redis and the Bot API while an update is handled.

- `is_outage` tells an unreachable database or Redis from a bug. In webhook mode such an update
  is not apologised for but answered with 500 (errors.py): Telegram sends it again, and it is
  handled once everything is back. Its work was rolled back, its `processed_updates` claim too.
- An update's work is committed before the bot says anything (SaveBeforeSpeaking), so after
  its first Bot API call an update is no longer replayed: a re-sent copy is skipped. To keep
  that moment after all of the update's database work, `HoldUntilSaved` holds back what does
  not need to go out at once — the answer to a callback query (it only stops the button's
  spinner) and, with Redis, the conversation state — until the next commit: a handler that
  answers its button first and saves next commits once, not twice.
- `RetryTransient`: a handler's own call that meets a Bot API hiccup (5xx, a network error,
  429) is tried again within the update's budget instead of failing the update.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import AnswerCallbackQuery, Response, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import TelegramObject
from sqlalchemy import exc as sa

log = logging.getLogger("citybot.outages")

# seconds an update may spend retrying its own Bot API calls: well inside the time Telegram
# (about 60 s) and the emulator (30 s) wait for the webhook's answer
RETRY_BUDGET = 20.0
MAX_BACKOFF = 4.0
DRIVERS = ("psycopg", "psycopg2", "psycopg_pool", "asyncpg", "redis", "sqlalchemy.pool",
           "sqlalchemy.engine", "aiosqlite")
SQLITE_BUSY = ("database is locked", "database table is locked", "disk i/o error")


# ---- what an outage is ----------------------------------------------------------------------

def is_outage(error: BaseException) -> bool:
    """True when `error` (or what caused it) says the database or Redis could not be reached
    or answered: a connection refused, reset or invalidated, a pool exhausted, a locked SQLite
    file. False for everything else — a bug must not make Telegram send an update forever."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if _unreachable(current):
            return True
        pending += [current.__cause__, current.__context__]
    return False


def _unreachable(error: BaseException) -> bool:
    if _is_redis_connection_error(error):
        return True
    if isinstance(error, sa.DBAPIError):
        if error.connection_invalidated:
            return True
        if not isinstance(error, sa.OperationalError | sa.InterfaceError):
            return False  # IntegrityError, ProgrammingError, DataError: a bug or bad data
        origin = type(error.orig).__module__ if error.orig is not None else ""
        if origin.startswith("sqlite3") or "sqlite" in origin:
            # SQLite's OperationalError also means "no such table": only a busy file is one
            return any(text in str(error.orig).lower() for text in SQLITE_BUSY)
        return True  # psycopg: connection refused, closed, terminated, admin shutdown
    if isinstance(error, sa.TimeoutError):
        return True  # no connection free in the pool in time
    if isinstance(error, OSError):  # ConnectionError, TimeoutError: only a driver's own
        return _raised_in(error, DRIVERS)
    return False


def _is_redis_connection_error(error: BaseException) -> bool:
    try:
        from redis import exceptions as redis_errors
    except ImportError:  # pragma: no cover - Redis is an extra
        return False
    return isinstance(error, redis_errors.ConnectionError | redis_errors.TimeoutError)


def _raised_in(error: BaseException, modules: tuple[str, ...]) -> bool:
    tb = error.__traceback__
    while tb is not None:
        name = tb.tb_frame.f_globals.get("__name__", "")
        if name.startswith(modules):
            return True
        tb = tb.tb_next
    return False


def describe(error: BaseException) -> str:
    """The error in one short line, for a warning without a traceback."""
    text = f"{type(error).__name__}: {error}".splitlines()[0]
    return text[:300]


# ---- one update's scope ---------------------------------------------------------------------

@dataclass
class UpdateScope:
    """What one update holds back until its work is committed, and how far it got."""

    deadline: float = field(default_factory=lambda: time.monotonic() + RETRY_BUDGET)
    committed: bool = False  # a Bot API call was made (any, a read too): its claim committed
    done: bool = False  # handled, committed, released: a later failure (a lock) is no loss
    closed: bool = False  # the update is done: nothing is held back any more
    releasing: bool = False  # the held callback answers are going out: hold them no more
    answers: list[AnswerCallbackQuery] = field(default_factory=list)
    # conversation state writes, applied in order after each commit (see redis_state.py)
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


current_update: ContextVar[UpdateScope | None] = ContextVar("current_update", default=None)

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class HoldUntilSaved(BaseMiddleware):
    """Opens the update's scope (outside DatabaseMiddleware): once the handler returned and its
    work is committed, what was held back is released. When the update fails, it is dropped
    with the rolled-back work, and `data["update_scope"]` tells errors.py how far it got."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        scope = UpdateScope()
        data["update_scope"] = scope
        token = current_update.set(scope)
        try:
            result = await handler(event, data)
            scope.committed = scope.closed = True  # DatabaseMiddleware committed it all
            await scope.release(data["bot"])
            scope.done = True
            return result
        finally:
            scope.closed = True
            current_update.reset(token)


class HoldAnswers(BaseRequestMiddleware):
    """Outside SaveBeforeSpeaking: a callback answer (it only stops the button's spinner) made
    while an update is handled is held until its work is committed, and causes no commit of
    its own — a handler that answers its button first and saves next commits once."""

    async def __call__(
        self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        scope = current_update.get()
        if scope is None or scope.closed or scope.releasing \
                or not isinstance(method, AnswerCallbackQuery):
            return await make_request(bot, method)
        scope.answers.append(method)
        return True  # type: ignore[return-value]  # what Telegram answers; sent after saving


class SpeakAfterSaving(BaseRequestMiddleware):
    """Inside SaveBeforeSpeaking, so after its commit: marks the update as committed and
    releases what was held back before the bot says anything."""

    async def __call__(
        self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        scope = current_update.get()
        if scope is None or scope.closed or scope.releasing:
            return await make_request(bot, method)
        scope.committed = True
        await scope.release(bot)
        return await make_request(bot, method)


class RetryTransient(BaseRequestMiddleware):
    """A handler's own Bot API call that fails with a 5xx, a network error or a 429 is tried
    again (after retry_after for a 429, else with a growing pause) while the update's budget
    lasts; then the error stands. Calls made outside an update (the courier, jobs) are left
    alone: the courier has retries of its own, recorded in the outbox.

    A call that got no answer at all may have reached Telegram: its retry can repeat a
    message (the documented window for direct replies). A 5xx or a 429 sent nothing."""

    async def __call__(
        self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        scope = current_update.get()
        if scope is None:
            return await make_request(bot, method)
        pause = 0.25
        while True:
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as error:
                wait = float(error.retry_after)
                failure: TelegramAPIError = error
            except (TelegramServerError, TelegramNetworkError) as error:
                wait, pause = pause, min(pause * 2, MAX_BACKOFF)
                failure = error
            if time.monotonic() + wait > scope.deadline:
                raise failure
            log.warning("bot api call failed, retrying in %.2fs method=%s error=%s", wait,
                        method.__api_method__, describe(failure))
            await asyncio.sleep(wait)
