"""A webhook worker in-process, registered with the emulator."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import pytest

SECRET = "s3cret-Token_for-tests"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def webhook_settings(emulator, database_url: str, port: int, redis_url: str | None = None):
    from citybot.settings import Settings

    return Settings(BOT_TOKEN=emulator.token, TELEGRAM_API_URL=emulator.url,
                    DATABASE_URL=database_url, REDIS_URL=redis_url,
                    WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram", WEBHOOK_SECRET=SECRET,
                    WEBHOOK_LISTEN=f"127.0.0.1:{port}")


@pytest.fixture
async def webhook_bot(emulator, sqlite_url, city_config, staff_group) -> AsyncIterator:
    import asyncio

    from citybot.bot.webhook import running_webhook
    from citybot.storage.database import upgrade

    await asyncio.to_thread(upgrade, sqlite_url)
    port = free_port()
    settings = webhook_settings(emulator, sqlite_url, port)
    async with running_webhook(settings, city_config, lease_ttl=2, lease_renew=0.3) as running:
        running.url = f"http://127.0.0.1:{port}"
        yield running
