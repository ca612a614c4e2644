"""Per-update plumbing: a database session, the update claimed once, who is speaking."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import Chat, TelegramObject, Update, User

from citybot.i18n import pick_language
from citybot.runtime import Runtime
from citybot.storage.fsm import current_session
from citybot.storage.residents import get_or_create_resident
from citybot.storage.updates import claim_update

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class DatabaseMiddleware(BaseMiddleware):
    """One session per update, committed when the handler succeeds; a re-delivered update
    (same update_id) is skipped, since its id is recorded in the same transaction."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        runtime: Runtime = data["runtime"]
        async with runtime.sessions() as session:
            if isinstance(event, Update) and not await claim_update(
                session=session, bot_id=data["bot"].id, update_id=event.update_id
            ):
                return None
            data["session"] = session
            token = current_session.set(session)
            try:
                result = await handler(event, data)
            finally:
                current_session.reset(token)
            await session.commit()
            if session.info.pop("outbox_touched", False):
                runtime.wake_courier()  # what the handler queued in the outbox goes out now
        return result


class PeopleMiddleware(BaseMiddleware):
    """Resolves the resident (private chats) and the wording in their language."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        runtime: Runtime = data["runtime"]
        user: User | None = data.get("event_from_user")
        chat: Chat | None = data.get("event_chat")
        default = runtime.config.city.default_language
        language = pick_language(user.language_code if user else None, default)
        if user is not None and chat is not None and chat.type == "private" and not user.is_bot:
            resident = await get_or_create_resident(
                session=data["session"],
                telegram_id=user.id,
                first_name=user.first_name,
                language=language,
            )
            data["resident"] = resident
            language = resident.language
        data["texts"] = runtime.translator(language)
        return await handler(event, data)


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
