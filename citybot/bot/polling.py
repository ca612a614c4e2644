"""`citybot run`: long polling against TELEGRAM_API_URL until SIGTERM or Ctrl-C, with the
courier delivering the outbox and the scheduler running the jobs beside it, and the HTTP
app (citybot/web) serving WEB_LISTEN — while this
process holds the lease (leadership.py), so that a `citybot digest run` or `citybot broadcast`
started beside it leaves the sending to it, and never sends beside it."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence

from citybot.bot.app import (
    build_bot,
    build_dispatcher,
    build_storage,
    set_commands,
)
from citybot.bot.leadership import Leadership, Singletons, lease_timing, worker_id
from citybot.bot.memory import settle_memory
from citybot.bot.startup import check_staff_chat, load_nlu
from citybot.config import CityConfig
from citybot.runtime import build_runtime
from citybot.settings import Settings
from citybot.web.app import Part, Site, build_web_app, default_parts
from citybot.web.server import serving

log = logging.getLogger("citybot.bot")


async def run_polling(settings: Settings, config: CityConfig, *, web_parts: Sequence[Part] = (),
                      on_ready: Callable[[Site], None] | None = None) -> None:
    """`web_parts`: served beside the default parts (the sandbox's page); `on_ready(site)` is
    called once the HTTP app listens, before the first update."""
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
        await check_staff_chat(bot, runtime)
        await load_nlu(runtime)
        settle_memory()
        lease_task = asyncio.create_task(leadership.run())
        site = Site(public_url=settings.public_url, bot_username=me.username)
        app = build_web_app(runtime, site, parts=[*default_parts(), *web_parts])
        async with serving(app, settings.web_listen) as port:
            if settings.public_url_setting is None:  # WEB_LISTEN may name port 0: any free one
                site.public_url = f"http://{settings.web_listen.rpartition(':')[0]}:{port}"
            if on_ready is not None:
                on_ready(site)
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
