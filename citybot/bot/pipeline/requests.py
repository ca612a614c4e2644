"""Request middlewares: around every Bot API call the bot makes (aiogram's session
middlewares), outermost first. Outside an update (the courier, jobs) only SaveBeforeSpeaking
(for the courier's own session) and KeepResponseModels do anything."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING

from aiogram import Bot
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

from citybot.bot.outages import describe
from citybot.bot.pipeline.scope import current_session, current_update

if TYPE_CHECKING:  # prometheus_client is loaded only where metrics are served (webhook mode)
    from citybot.bot.metrics import Metrics

log = logging.getLogger("citybot.outages")

MAX_BACKOFF = 4.0


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


class SaveBeforeSpeaking(BaseRequestMiddleware):
    """Commit the update's work before any message leaves for Telegram: a resident is never
    told of something that is not saved, and the database is not held while Telegram answers."""

    async def __call__(
        self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        session = current_session.get()
        if session is not None and session.in_transaction():
            await session.commit()
        return await make_request(bot, method)


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


class KeepResponseModels(BaseRequestMiddleware):
    """aiogram builds the pydantic model `Response[<result type>]` for every call, and pydantic
    keeps such generic models only while something references them: without a reference each
    call rebuilds the model's schema (py-spy: 12% of a busy bot's samples). Keep them."""

    def __init__(self) -> None:
        self._models: dict[type, type] = {}

    async def __call__(
        self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        if type(method) not in self._models:
            self._models[type(method)] = Response[method.__returning__]
        return await make_request(bot, method)


class CountRetryAfter(BaseRequestMiddleware):
    """Counts the 429s the Bot API answers, whoever made the call (handlers or the courier)."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    async def __call__(
        self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        try:
            return await make_request(bot, method)
        except TelegramRetryAfter:
            self.metrics.retry_after.inc()
            raise
