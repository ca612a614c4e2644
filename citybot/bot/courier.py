"""The courier delivers the outbox: claim → send → record, with retries that lose nothing."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import Awaitable, Callable
from datetime import timedelta

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import (
    CopyMessage,
    EditMessageReplyMarkup,
    EditMessageText,
    SendMediaGroup,
    SendMessage,
    SendPhoto,
    TelegramMethod,
)
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.context import Services
from citybot.storage import outbox
from citybot.storage.models import OutboxMessage, OutboxState
from citybot.storage.residents import mark_blocked

log = logging.getLogger("citybot.courier")

METHODS: dict[str, type[TelegramMethod]] = {
    "sendMessage": SendMessage,
    "sendPhoto": SendPhoto,
    "sendMediaGroup": SendMediaGroup,
    "copyMessage": CopyMessage,
    "editMessageText": EditMessageText,
    "editMessageReplyMarkup": EditMessageReplyMarkup,
}
REQUEST_TIMEOUT = 20  # well under the claim timeout, so a slow call is not sent twice
MAX_ATTEMPTS = 12
MAX_BACKOFF = timedelta(minutes=10)

# A special kind of message is delivered by its own function; the rest are plain Bot API calls.
Delivery = Callable[[Bot, Services, AsyncSession, OutboxMessage], Awaitable[int | None]]


def backoff(attempts: int) -> timedelta:
    return min(timedelta(seconds=2 ** min(attempts, 12)), MAX_BACKOFF)


async def call_bot_api(bot: Bot, message: OutboxMessage) -> int | None:
    method = METHODS[message.method].model_validate({"chat_id": message.chat_id, **message.payload})
    result = await bot(method, request_timeout=REQUEST_TIMEOUT)
    if isinstance(result, list):
        return result[0].message_id if result else None
    return getattr(result, "message_id", None)


class Courier:
    def __init__(
        self, bot: Bot, services: Services, deliveries: dict[str, Delivery] | None = None,
        worker: str | None = None,
    ) -> None:
        self.bot = bot
        self.services = services
        self.deliveries = deliveries or {}
        self.worker = worker or f"{socket.gethostname()}-{os.getpid()}"

    async def deliver_due(self, limit: int = 50) -> int:
        """One pass over what is due now; returns how many messages were handled."""
        async with self.services.sessions() as session:
            claimed = await outbox.claim_due(session=session, worker=self.worker, limit=limit)
            for message in claimed:
                await self._deliver(session, message)
                await session.commit()
        return len(claimed)

    async def _deliver(self, session: AsyncSession, message: OutboxMessage) -> None:
        special = self.deliveries.get(message.kind)
        try:
            if special is not None:
                sent_id = await special(self.bot, self.services, session, message)
            else:
                sent_id = await call_bot_api(self.bot, message)
        except TelegramRetryAfter as error:
            await outbox.mark_retry(session=session, message=message, counts=False,
                                    delay=timedelta(seconds=error.retry_after), error=str(error))
            log.warning("rate limited outbox_id=%s retry_after=%s", message.id, error.retry_after)
        except TelegramForbiddenError as error:
            await outbox.mark_final(session=session, message=message,
                                    state=OutboxState.undeliverable, error=str(error))
            await mark_blocked(session=session, telegram_id=message.chat_id)
            log.info("undeliverable outbox_id=%s chat_id=%s", message.id, message.chat_id)
        except TelegramBadRequest as error:
            if "message is not modified" in str(error):
                await outbox.mark_sent(session=session, message=message)
            else:
                await outbox.mark_final(session=session, message=message,
                                        state=OutboxState.failed, error=str(error))
                log.error("rejected outbox_id=%s error=%s", message.id, error)
        except (TelegramServerError, TelegramNetworkError, TimeoutError) as error:
            await self._retry_or_fail(session, message, repr(error))
        except Exception as error:
            log.exception("delivery crashed outbox_id=%s", message.id)
            await self._retry_or_fail(session, message, repr(error))
        else:
            await outbox.mark_sent(session=session, message=message, message_id=sent_id)

    async def _retry_or_fail(
        self, session: AsyncSession, message: OutboxMessage, error: str
    ) -> None:
        if message.attempts + 1 >= MAX_ATTEMPTS:
            await outbox.mark_final(session=session, message=message,
                                    state=OutboxState.failed, error=error)
            log.error("gave up outbox_id=%s after %s attempts", message.id, MAX_ATTEMPTS)
            return
        await outbox.mark_retry(session=session, message=message,
                                delay=backoff(message.attempts), error=error)
        log.warning("will retry outbox_id=%s attempt=%s error=%s", message.id,
                    message.attempts, error)

    async def run(self, wake: asyncio.Event, idle_seconds: float = 1.0) -> None:
        """Deliver until cancelled; `wake` is set after a handler commits new messages."""
        while True:
            try:
                handled = await self.deliver_due()
            except Exception:
                log.exception("courier pass failed")
                handled = 0
            if handled:
                continue
            wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), timeout=idle_seconds)
