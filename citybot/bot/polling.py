"""`citybot run`: long polling against TELEGRAM_API_URL until SIGTERM or Ctrl-C, with the
courier delivering the outbox and the scheduler running the jobs beside it, and the HTTP
app (citybot/web) serving WEB_LISTEN — while this
process holds the lease (leadership.py), so that a `citybot digest run` or `citybot broadcast`
started beside it leaves the sending to it, and never sends beside it."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from citybot.bot.app import (
    build_bot,
    build_dispatcher,
    build_storage,
    set_commands,
    settle_memory,
)
from citybot.bot.leadership import Leadership, Singletons, lease_timing, worker_id
from citybot.config import CityConfig
from citybot.runtime import build_runtime
from citybot.settings import Settings
from citybot.web.app import Site, build_web_app
from citybot.web.server import serving

log = logging.getLogger("citybot.bot")


async def run_polling(settings: Settings, config: CityConfig) -> None:
    token = settings.require_token()
    runtime = build_runtime(settings, config)
    storage = build_storage(runtime, settings.redis_url)
    bot = build_bot(token, settings.telegram_api_url)
    dp = build_dispatcher(runtime, storage)
    worker = worker_id()
    singletons = Singletons(bot, runtime, worker=worker)
    ttl, renew = lease_timing()
    leadership = Leadership(runtime, on_gain=singletons.start, on_loss=singletons.stop,
                            holder=worker, ttl=ttl, renew_every=renew)
    lease_task: asyncio.Task[None] | None = None
    try:
        me = await bot.get_me()
        log.info("bot started username=@%s id=%s api=%s", me.username, me.id,
                 settings.telegram_api_url)
        await bot.delete_webhook(drop_pending_updates=False)
        await set_commands(bot, runtime)
        settle_memory()
        lease_task = asyncio.create_task(leadership.run())
        site = Site(public_url=settings.public_url, bot_username=me.username)
        async with serving(build_web_app(runtime, site), settings.web_listen):
            await dp.start_polling(bot, handle_signals=True, close_bot_session=False)
    finally:
        if lease_task is not None:
            lease_task.cancel()  # the courier and the scheduler stop, the lease is released
            with contextlib.suppress(asyncio.CancelledError):
                await lease_task
        await storage.close()
        await runtime.close()
        await bot.session.close()
        log.info("bot stopped")
