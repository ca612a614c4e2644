"""`citybot run`: long polling against TELEGRAM_API_URL until SIGTERM or Ctrl-C, with the
courier delivering the outbox and the scheduler running the jobs beside it."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from citybot import scheduler as jobs_scheduler
from citybot.bot.app import (
    build_bot,
    build_courier,
    build_dispatcher,
    build_storage,
    set_commands,
    settle_memory,
)
from citybot.config import CityConfig
from citybot.context import build_services
from citybot.settings import Settings

log = logging.getLogger("citybot.bot")


async def run_polling(settings: Settings, config: CityConfig) -> None:
    token = settings.require_token()
    services = build_services(settings, config)
    storage = build_storage(services, settings.redis_url)
    bot = build_bot(token, settings.telegram_api_url)
    dp = build_dispatcher(services, storage)
    courier = build_courier(bot, services)
    scheduler = jobs_scheduler.build_scheduler(services)
    courier_task: asyncio.Task[None] | None = None
    try:
        me = await bot.get_me()
        log.info("bot started username=@%s id=%s api=%s", me.username, me.id,
                 settings.telegram_api_url)
        await bot.delete_webhook(drop_pending_updates=False)
        await set_commands(bot, services)
        settle_memory()
        courier_task = asyncio.create_task(courier.run(services.courier_wakeup))
        jobs_scheduler.start(scheduler, services)
        await dp.start_polling(bot, handle_signals=True, close_bot_session=False)
    finally:
        if scheduler.running:
            scheduler.shutdown(wait=False)
        if courier_task is not None:
            courier_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await courier_task
        await storage.close()
        await services.close()
        await bot.session.close()
        log.info("bot stopped")
