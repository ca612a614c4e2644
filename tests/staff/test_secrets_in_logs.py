"""Secrets never logged: the bot runs — long polling and a webhook worker — with the CLI's logging
at DEBUG, through a report, a staff action and errors (a Bot API fault, and a Bot API address
that answers garbage: aiohttp then puts the request URL, `/bot<token>/method`, into the error
that aiogram and the courier log). No record holds the bot token, the webhook secret or the
database password, and neither does what the outbox stores."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import AsyncIterator, Iterator

import aiohttp
import pytest
from aiogram.client.telegram import TelegramAPIServer
from sqlalchemy.engine import make_url
from sqlmodel import select

from citybot import cli, redaction
from citybot.emulator import TelegramEmulator
from citybot.settings import Settings
from citybot.storage import outbox
from citybot.storage.models import OutboxMessage

from .conftest import card_of, file_report, press

TOKEN = "7512345678:AAF-Never_logged_token_secret_09876"  # shaped like @BotFather's
WEBHOOK_SECRET = "never-logged_webhook-secret_0123456789"
DB_PASSWORD = "Never-logged-db-password"
SECRETS = (TOKEN, TOKEN.partition(":")[2], WEBHOOK_SECRET, DB_PASSWORD)


class Records(logging.Handler):
    """Every record, formatted as a handler would write it (traceback included)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))
        self.lines.append(repr((record.msg, record.args, record.exc_text, record.stack_info)))

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@pytest.fixture
def logs() -> Iterator[Records]:
    """The CLI's logging set-up at DEBUG (`citybot --log-level DEBUG run`), captured."""
    root = logging.getLogger()
    quiet = ("aiogram.event", "alembic", "pymorphy3", "sqlalchemy")
    levels = (root.level, {name: logging.getLogger(name).level for name in quiet})
    cli.setup_logging("DEBUG")
    root.setLevel(logging.DEBUG)  # basicConfig leaves it alone when pytest has a handler there
    records = Records()
    root.addHandler(records)
    try:
        yield records
    finally:
        root.removeHandler(records)
        redaction.uninstall()
        root.setLevel(levels[0])
        for name, level in levels[1].items():
            logging.getLogger(name).setLevel(level)


@pytest.fixture
def database_url(request: pytest.FixtureRequest) -> str:
    """PostgreSQL with a password in the URL when TEST_DATABASE_URL is set (as CI does), else
    SQLite, which has no password to leak."""
    if not os.environ.get("TEST_DATABASE_URL"):
        return request.getfixturevalue("sqlite_url")
    url = make_url(request.getfixturevalue("postgres_url")).set(password=DB_PASSWORD)
    return url.render_as_string(hide_password=False)


@contextlib.asynccontextmanager
async def garbage_server() -> AsyncIterator[str]:
    """Something that is not a Bot API server (a wrong port in TELEGRAM_API_URL, a broken
    proxy): it answers every request with a line that is not HTTP."""
    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError):
            await reader.read(1024)
            writer.write(b"this is not HTTP\r\n\r\n")
            await writer.drain()
        writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    try:
        yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    finally:
        server.close()


async def work_and_fail(emulator, bot, runtime, group, official) -> None:
    """A report, a staff action, a Bot API fault, then a while of garbage from the Bot API."""
    anna = emulator.add_user("Anna", language_code="en")
    number = await file_report(emulator, anna, "Huge pothole outside number 12")
    card = await card_of(emulator, group, number)
    await press(emulator, official, card, "🙋 Взять")
    await emulator.wait_for_message(anna)  # told it was taken
    fault = emulator.inject_fault("sendMessage", "500", chat_id=anna.id, times=2)
    emulator.send_text(anna, "/my")  # the handler fails, the error handler logs it
    for _ in range(200):
        if fault.served == 2:
            break
        await asyncio.sleep(0.025)

    real = bot.session.api
    async with garbage_server() as garbage:
        bot.session.api = TelegramAPIServer.from_base(garbage)
        async with runtime.sessions() as session:
            await outbox.enqueue(session=session, kind="notification", chat_id=anna.id,
                                 payload={"text": "Your report is being handled"})
            await session.commit()
        runtime.wake_courier()
        await asyncio.sleep(1.5)  # failed getUpdates (polling) and a failed delivery, logged
        bot.session.api = real


def assert_no_secret(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"{secret!r} logged:\n" + "\n".join(
            line for line in text.splitlines() if secret in line)[:3000]


async def assert_outbox_clean(runtime) -> None:
    async with runtime.sessions() as session:
        errors = (await session.exec(select(OutboxMessage.last_error))).all()
    assert any(errors), "the delivery did not fail"
    assert_no_secret("\n".join(e for e in errors if e))


async def test_polling_logs_no_secret(logs, database_url, city_config) -> None:
    from citybot.testing import running_bot

    async with TelegramEmulator(port=0, token=TOKEN) as emulator:
        official = emulator.add_user("Olga", language_code="en")
        group = emulator.add_group("City staff", [official], is_forum=True,
                                   id=city_config.staff.chat_id)
        async with running_bot(api_url=emulator.url, token=TOKEN, database_url=database_url,
                               config=city_config) as running:
            assert not running.runtime.engine.echo  # SQL is not echoed
            await work_and_fail(emulator, running.bot, running.runtime, group, official)
            await assert_outbox_clean(running.runtime)
    assert "/bot***/getUpdates" in logs.text  # the failed polls were logged, token masked
    assert not [line for line in logs.lines if line.startswith("sqlalchemy.engine")]
    assert_no_secret(logs.text)


async def test_a_webhook_worker_logs_no_secret(logs, database_url, city_config) -> None:
    from citybot.bot.webhook import running_webhook
    from citybot.storage.database import upgrade

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with TelegramEmulator(port=0, token=TOKEN) as emulator:
        official = emulator.add_user("Olga", language_code="en")
        group = emulator.add_group("City staff", [official], is_forum=True,
                                   id=city_config.staff.chat_id)
        settings = Settings(BOT_TOKEN=TOKEN, TELEGRAM_API_URL=emulator.url,
                            DATABASE_URL=database_url, WEBHOOK_SECRET=WEBHOOK_SECRET,
                            WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram",
                            WEBHOOK_LISTEN=f"127.0.0.1:{port}")
        await asyncio.to_thread(upgrade, database_url)
        async with running_webhook(settings, city_config, lease_ttl=2, lease_renew=0.3) as hook:
            async with aiohttp.ClientSession() as http:  # someone without the secret
                guess = await http.post(f"http://127.0.0.1:{port}/telegram", json={"update_id": 1},
                                        headers={"X-Telegram-Bot-Api-Secret-Token": "guess"})
                assert guess.status == 401
            await work_and_fail(emulator, hook.bot, hook.runtime, group, official)
            await assert_outbox_clean(hook.runtime)
    assert "/bot***/sendMessage" in logs.text  # the failed delivery was logged, token masked
    assert_no_secret(logs.text)


def test_settings_and_urls_in_logs_are_masked(logs) -> None:
    url = f"postgresql+psycopg://city:{DB_PASSWORD}@db.internal:5432/citybot"
    settings = Settings(BOT_TOKEN=TOKEN, DATABASE_URL=url, WEBHOOK_SECRET=WEBHOOK_SECRET,
                        REDIS_URL="redis://:Redis-pass-never-logged@cache:6379/0")
    log = logging.getLogger("citybot.test")
    log.info("settings %r", settings)
    log.info("database %s, redis %s", settings.database_url, settings.redis_url)
    log.debug("GET https://api.telegram.org/bot%s/getMe", TOKEN)
    try:
        raise RuntimeError(f"cannot reach {url} with {TOKEN}")
    except RuntimeError:
        log.exception("failed")
    assert settings.safe_database_url == "postgresql+psycopg://city:***@db.internal:5432/citybot"
    assert "Redis-pass-never-logged" not in logs.text
    assert "/bot***/getMe" in logs.text and "city:***@db.internal" in logs.text
    assert_no_secret(logs.text)
