"""Run the real bot in-process against a Bot API server (the emulator): for tests and benchmarks."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

from aiogram import Bot, Dispatcher

from citybot.bot.app import build_bot, build_courier, build_dispatcher, build_storage
from citybot.bot.courier import Courier
from citybot.config import CityConfig
from citybot.context import Services, build_services
from citybot.settings import Settings
from citybot.storage.database import upgrade


@dataclass
class RunningBot:
    bot: Bot
    dispatcher: Dispatcher
    services: Services
    task: asyncio.Task[None]
    courier: Courier


@contextlib.asynccontextmanager
async def running_bot(
    *, api_url: str, token: str, database_url: str, config: CityConfig,
    staff_chat_id: int | None = None, redis_url: str | None = None, migrate: bool = True,
) -> AsyncIterator[RunningBot]:
    """Polls `api_url` until the block ends, then stops as SIGTERM would."""
    settings = Settings(
        BOT_TOKEN=token, TELEGRAM_API_URL=api_url, DATABASE_URL=database_url,
        STAFF_CHAT_ID=staff_chat_id, REDIS_URL=redis_url,
    )
    if migrate:
        await asyncio.to_thread(upgrade, database_url)
    services = build_services(settings, config)
    storage = build_storage(services, redis_url)
    bot = build_bot(token, api_url)
    dispatcher = build_dispatcher(services, storage)
    task = asyncio.create_task(
        dispatcher.start_polling(bot, handle_signals=False, close_bot_session=False,
                                 polling_timeout=1)
    )
    courier = build_courier(bot, services, worker="test")
    courier_task = asyncio.create_task(courier.run(services.courier_wakeup, idle_seconds=0.2))
    try:
        yield RunningBot(bot=bot, dispatcher=dispatcher, services=services, task=task,
                         courier=courier)
    finally:
        courier_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await courier_task
        with contextlib.suppress(RuntimeError):
            await dispatcher.stop_polling()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, timeout=10)
        await storage.close()
        await services.close()
        await bot.session.close()


def button_texts(message: dict) -> list[str]:
    """The texts of a bot message's buttons (inline or reply keyboard), row by row."""
    markup = message.get("reply_markup") or {}
    rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
    return [button["text"] for row in rows for button in row]


async def count_rows(services: Services, model: type, *where: object) -> int:
    """How many rows of `model` match the conditions: what the tests check in the database."""
    from sqlmodel import func, select

    async with services.sessions() as session:
        query = select(func.count()).select_from(model)
        for condition in where:
            query = query.where(condition)
        return (await session.exec(query)).one()
