"""A running CityBot serving its HTTP app, an API key, and an HTTP client for the Open311 API."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from citybot.services.pacing import Pacer
from citybot.storage import apikeys


async def new_key(runtime, name: str, per_minute: int = 600) -> str:
    async with runtime.sessions() as session:
        key = await apikeys.create_key(session=session, name=name, per_minute=per_minute)
        await session.commit()
    return key


@pytest.fixture
def database_url(request: pytest.FixtureRequest) -> str:
    """SQLite; a test parametrized indirectly with "postgres" runs on PostgreSQL too."""
    return request.getfixturevalue(f"{getattr(request, 'param', 'sqlite')}_url")


@pytest.fixture
async def web_bot(emulator, database_url, city_config, staff_group) -> AsyncIterator:
    """The bot with its HTTP app on a free port; its courier paces for the emulator."""
    from citybot.testing import running_bot

    async with running_bot(api_url=emulator.url, token=emulator.token, database_url=database_url,
                           config=city_config, web_listen="127.0.0.1:0") as running:
        running.courier.pacer = Pacer(per_chat_interval=0.05, per_group_per_minute=10_000)
        yield running


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(headers={"Accept-Language": "en-GB,en;q=0.8"}) as session:
        yield session


@pytest.fixture
def api(web_bot) -> str:
    return f"http://127.0.0.1:{web_bot.web_port}/open311/v2"


@pytest.fixture
async def api_key(web_bot) -> str:
    return await new_key(web_bot.runtime, "city-crm")
