"""`citybot sandbox` (and `make run` without BOT_TOKEN): the real bot — `run_polling`, the
production code path, with its courier and scheduler under the lease — against the Telegram
emulator running in the same process, and the sandbox page on WEB_LISTEN (/sandbox).

The sandbox sets every id itself (token, API URL, staff chat id) and keeps its data in a
database of its own, in a temporary directory, so nothing of a real deployment is touched."""

from __future__ import annotations

import asyncio
import logging
import sys
import tempfile
from pathlib import Path

from citybot.bot.polling import run_polling
from citybot.config import CityConfig
from citybot.emulator import TelegramEmulator
from citybot.settings import Settings, load_settings
from citybot.storage.database import upgrade
from citybot.web import sandbox as page
from citybot.web.app import Site

log = logging.getLogger("citybot.sandbox")


def sandbox_settings(settings: Settings, emulator: TelegramEmulator, *, staff_chat_id: int,
                     database_url: str) -> Settings:
    """The process's settings, with what the sandbox decides itself."""
    return load_settings(
        BOT_TOKEN=emulator.token, TELEGRAM_API_URL=emulator.url, STAFF_CHAT_ID=staff_chat_id,
        DATABASE_URL=database_url, REDIS_URL="", WEB_LISTEN=settings.web_listen,
        PUBLIC_URL=settings.public_url_setting or "", CITYBOT_CONFIG=settings.config_path,
    )


def announce(site: Site) -> None:
    print(f"\nCityBot sandbox: open {site.link('/sandbox')} in a browser\n"
          "(the real bot against a local Telegram emulator: nothing leaves this machine; "
          "Ctrl-C stops it)\n", file=sys.stdout, flush=True)


async def run_sandbox(settings: Settings, config: CityConfig) -> None:
    with tempfile.TemporaryDirectory(prefix="citybot-sandbox-") as directory:
        database_url = f"sqlite:///{Path(directory) / 'sandbox.db'}"
        await asyncio.to_thread(upgrade, database_url)
        async with TelegramEmulator(port=0) as emulator:
            people = page.Sandbox.populate(emulator, staff_chat_id=config.staff.chat_id)
            bot_settings = sandbox_settings(settings, emulator, staff_chat_id=people.staff.id,
                                            database_url=database_url)
            log.info("sandbox emulator on %s", emulator.url)
            await run_polling(bot_settings, config, web_parts=[page.part(people)],
                              on_ready=announce)
