"""Shared fixtures: a migrated database per test, the demo city, the emulator, the bot."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
CONFIG_PATH = ROOT / "config.yml"

# every bot a test starts serves its HTTP app on a free port, never on the default 8080
os.environ.setdefault("WEB_LISTEN", "127.0.0.1:0")


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'citybot.db'}"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database per test, dropped afterwards (needs TEST_DATABASE_URL)."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        pytest.skip("TEST_DATABASE_URL is not set")
    name = f"citybot_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def any_database_url(request: pytest.FixtureRequest) -> str:
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("postgres_url")


@pytest.fixture(scope="session")
def city_config():
    from citybot.config import load_config

    return load_config(CONFIG_PATH)


@pytest.fixture
async def emulator() -> AsyncIterator:
    from citybot.emulator import TelegramEmulator

    async with TelegramEmulator(port=0) as emu:
        yield emu


@pytest.fixture
def official(emulator):
    return emulator.add_user("Olga", language_code="en", username="olga_city")


@pytest.fixture
def staff_group(emulator, city_config, official):
    """The staff supergroup of config.yml: a forum with one official in it."""
    return emulator.add_group(
        "City staff", [official], is_forum=True, id=city_config.staff.chat_id
    )


@pytest.fixture
async def citybot(emulator, sqlite_url, city_config, staff_group) -> AsyncIterator:
    from citybot.testing import running_bot

    async with running_bot(
        api_url=emulator.url, token=emulator.token, database_url=sqlite_url, config=city_config,
    ) as running:
        yield running
