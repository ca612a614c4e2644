"""`citybot run --webhook`: an aiohttp server that Telegram POSTs updates to.

Each worker listens on WEBHOOK_LISTEN with SO_REUSEPORT, so several workers (started by
`--workers N`, or as separate processes) share one port and the kernel spreads connections
among them. An update is answered only once it is handled and committed: a worker killed
mid-update leaves Telegram without an answer, Telegram sends the update again, and the
processed_updates claim makes a second delivery a no-op. An update that meets a database or
Redis outage is answered 500 (errors.py, outages.py, pipeline): Telegram sends it again the
same way.
The courier and the scheduler run in the one worker holding the lease (leadership.py).
deleteWebhook is never called on the way out: the other workers keep serving.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import signal
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from aiogram import Bot, Dispatcher
from aiogram.methods import TelegramMethod
from aiogram.types import Update
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web

from citybot.bot import health
from citybot.bot.app import (
    build_bot,
    build_dispatcher,
    build_storage,
    set_commands,
)
from citybot.bot.leadership import (
    RENEW_EVERY,
    TTL,
    Leadership,
    Singletons,
    lease_timing,
    worker_id,
)
from citybot.bot.memory import settle_memory
from citybot.bot.metrics import Metrics
from citybot.bot.outages import describe, is_outage
from citybot.bot.startup import check_staff_chat, load_nlu
from citybot.config import CityConfig
from citybot.outbox.signal import OutboxSignal
from citybot.runtime import Runtime, build_runtime
from citybot.settings import Settings, SettingsError
from citybot.web.app import Site, build_web_app
from citybot.web.server import serving

log = logging.getLogger("citybot.webhook")

MAX_UPDATE_BYTES = 1024 * 1024  # an update is a few KB; anything bigger is refused (413)
SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")  # what Telegram accepts
MISSING_URL = (
    "WEBHOOK_URL is not set: `citybot run --webhook` needs the public HTTPS address Telegram "
    "posts updates to (e.g. WEBHOOK_URL=https://bot.example.city/telegram), see "
    "docs/deployment.md, or run `citybot run` without --webhook to use long polling."
)
MISSING_SECRET = (
    "WEBHOOK_SECRET is not set: `citybot run --webhook` needs a secret of 1-256 letters, "
    "digits, _ or - (e.g. from `openssl rand -hex 32`) that Telegram sends with every update."
)
BAD_SECRET = "WEBHOOK_SECRET may hold only 1-256 letters, digits, _ and -, as Telegram requires."


@dataclass(frozen=True)
class WebhookConfig:
    url: str
    secret: str
    host: str
    port: int

    @property
    def path(self) -> str:
        """The listener serves the webhook at the path of the public address."""
        return urlsplit(self.url).path or "/"


def webhook_config(settings: Settings) -> WebhookConfig:
    """WEBHOOK_URL, WEBHOOK_SECRET and WEBHOOK_LISTEN checked; SettingsError says what is wrong."""
    if not settings.webhook_url:
        raise SettingsError(MISSING_URL)
    if not re.match(r"^https?://[^/]+", settings.webhook_url):
        raise SettingsError(f"WEBHOOK_URL must be an https:// address (http:// for local "
                            f"tests), not {settings.webhook_url!r}.")
    if settings.webhook_secret is None:
        raise SettingsError(MISSING_SECRET)
    secret = settings.webhook_secret.get_secret_value()
    if not SECRET_PATTERN.match(secret):
        raise SettingsError(BAD_SECRET)
    host, _, port = settings.webhook_listen.rpartition(":")
    if not host or not port.isdigit() or not 0 <= int(port) < 65536:
        raise SettingsError(f"WEBHOOK_LISTEN must be host:port (e.g. 127.0.0.1:8080), not "
                            f"{settings.webhook_listen!r}.")
    return WebhookConfig(settings.webhook_url, secret, host.strip("[]"), int(port))


class CityWebhook(SimpleRequestHandler):
    """aiogram's handler, answering after the update is handled (not in the background: an
    answered update is never re-sent, so it must be saved first), counted in the metrics.

    However long the handling takes: aiogram's own feed_webhook_update answers 200 after 55 s
    and goes on in the background, which would lose an update that then fails. A copy that
    Telegram re-sends meanwhile waits for the chat's lock and is then skipped as handled."""

    def __init__(self, dispatcher: Dispatcher, bot: Bot, *, secret: str,
                 metrics: Metrics) -> None:
        super().__init__(dispatcher, bot, handle_in_background=False, secret_token=secret)
        self.metrics = metrics

    async def _handle_request(self, bot: Bot, request: web.Request) -> web.Response:
        update = Update.model_validate(await request.json(loads=bot.session.json_loads),
                                       context={"bot": bot})
        result = await self.dispatcher.feed_update(bot, update, **self.data)
        method = result if isinstance(result, TelegramMethod) else None
        return web.Response(body=self._build_response_writer(bot=bot, result=method))

    async def handle(self, request: web.Request) -> web.Response:
        started = time.perf_counter()
        try:
            response = await super().handle(request)
        except Exception as error:
            self.metrics.observe("error", started)
            if is_outage(error):  # errors.py left it to us: Telegram sends it again
                log.warning("webhook answered 500, database or Redis unreachable: %s",
                            describe(error))
                return web.Response(status=500, text="temporarily unavailable")
            raise  # 500: Telegram sends the update again
        if response.status == 401:
            log.warning("webhook refused a request without the right secret peer=%s",
                        request.remote)
        else:
            self.metrics.observe("ok", started)
        return response

    __call__ = handle


@dataclass
class RunningWebhook:
    bot: Bot
    dispatcher: Dispatcher
    runtime: Runtime
    leadership: Leadership
    singletons: Singletons
    metrics: Metrics
    port: int


@contextlib.asynccontextmanager
async def running_webhook(settings: Settings, config: CityConfig, *, set_webhook: bool = True,
                          lease_ttl: float = TTL, lease_renew: float = RENEW_EVERY,
                          courier_idle: float = 0.5) -> AsyncIterator[RunningWebhook]:
    """One worker: listening, registered with Telegram, contending for the lease; on the way
    out in-flight updates finish (aiohttp's shutdown) and the lease is released."""
    hook = webhook_config(settings)
    token = settings.require_token()
    worker = worker_id()
    runtime = build_runtime(settings, config)
    storage = build_storage(runtime, settings.redis_url)
    metrics = Metrics()
    bot = build_bot(token, settings.telegram_api_url, metrics=metrics)
    dp = build_dispatcher(runtime, storage, telegram_resends=True)
    redis = getattr(storage, "redis", None)
    outbox_signal = OutboxSignal(settings.redis_url) if settings.redis_url else None
    if outbox_signal is not None:
        runtime.signal_outbox = outbox_signal.publish
    singletons = Singletons(bot, runtime, worker=worker, courier_idle=courier_idle,
                            signal=outbox_signal)
    leadership = Leadership(runtime, on_gain=singletons.start, on_loss=singletons.stop,
                            holder=worker, ttl=lease_ttl, renew_every=lease_renew)

    app = web.Application(client_max_size=MAX_UPDATE_BYTES)
    CityWebhook(dp, bot, secret=hook.secret, metrics=metrics).register(app, path=hook.path)
    health.add_routes(app, runtime=runtime, metrics=metrics,
                      redis=redis,
                      leader=lambda: leadership.is_leader, worker=worker)
    setup_application(app, dp, bot=bot)
    # the HTTP app's pages and API: on the webhook's listener when WEB_LISTEN names it
    site_info = Site(public_url=settings.public_url)
    shared = settings.web_listen == settings.webhook_listen
    web_app = build_web_app(runtime, site_info, app=app if shared else None)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=30.0)
    lease_task: asyncio.Task[None] | None = None
    pages = contextlib.AsyncExitStack()
    try:
        await runner.setup()
        site = web.TCPSite(runner, hook.host, hook.port, reuse_port=True)
        await site.start()
        port = runner.addresses[0][1]
        if not shared:
            await pages.enter_async_context(serving(web_app, settings.web_listen))
        me = await bot.get_me()
        site_info.bot_username = me.username
        if set_webhook:
            await bot.set_webhook(hook.url, secret_token=hook.secret, drop_pending_updates=False,
                                  allowed_updates=dp.resolve_used_update_types())
        await set_commands(bot, runtime)
        settle_memory()
        lease_task = asyncio.create_task(leadership.run())
        log.info("webhook worker started username=@%s listen=%s:%s path=%s worker=%s",
                 me.username, hook.host, port, hook.path, worker)
        yield RunningWebhook(bot=bot, dispatcher=dp, runtime=runtime, leadership=leadership,
                             singletons=singletons, metrics=metrics, port=port)
    finally:
        leadership.retire()  # a leader keeps its lease until in-flight updates finish
        await pages.aclose()
        await runner.cleanup()  # stop listening, let in-flight updates finish
        if lease_task is not None:
            lease_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await lease_task
        if outbox_signal is not None:
            await outbox_signal.close()
        await storage.close()
        await runtime.close()
        await bot.session.close()


async def run_webhook(settings: Settings, config: CityConfig) -> None:
    """Serve until SIGTERM or Ctrl-C."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    ttl, renew = lease_timing()
    async with running_webhook(settings, config, lease_ttl=ttl, lease_renew=renew) as running:
        await check_staff_chat(running.bot, running.runtime)
        await load_nlu(running.runtime)
        await stop.wait()
    log.info("bot stopped")
