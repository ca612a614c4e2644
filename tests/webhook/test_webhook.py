"""`citybot run --webhook` over real HTTP: the emulator POSTs updates as Telegram does."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from citybot.storage.models import ProcessedUpdate
from citybot.testing import count_rows

from .conftest import SECRET

HEADER = "X-Telegram-Bot-Api-Secret-Token"


def capture_updates(emulator) -> list[dict]:
    """The updates the emulator hands to its webhook delivery, as they were sent."""
    captured: list[dict] = []
    deliver = emulator.update_sink

    def sink(update: dict) -> None:
        captured.append(update)
        deliver(update)

    emulator.update_sink = sink
    return captured


async def post(url: str, update: dict, secret: str | None = SECRET) -> int:
    headers = {HEADER: secret} if secret is not None else {}
    async with aiohttp.ClientSession() as client, client.post(
            f"{url}/telegram", json=update, headers=headers) as response:
        return response.status


async def test_updates_arrive_over_the_webhook_with_the_secret(emulator, webhook_bot) -> None:
    assert emulator.webhook is not None
    assert emulator.webhook["url"].endswith("/telegram")
    assert emulator.webhook["secret_token"] == SECRET
    anna = emulator.add_user("Anna", language_code="en")
    emulator.send_text(anna, "/start")
    greeting = await emulator.wait_for_message(anna, timeout=10)
    assert "Anna" in greeting["text"]
    for _ in range(50):  # counted when the bot has answered the POST, just after its reply
        if emulator.stats.webhook_posts:
            break
        await asyncio.sleep(0.05)
    assert emulator.stats.webhook_posts == 1
    assert not emulator.stats.calls["getUpdates"]


@pytest.mark.parametrize("secret", [None, "wrong-secret"])
async def test_a_request_without_the_right_secret_is_refused_and_not_handled(
    emulator, webhook_bot, secret
) -> None:
    anna = emulator.add_user("Anna", language_code="en")
    update = {"update_id": 777, "message": {
        "message_id": 1, "date": 1_700_000_000, "text": "/start",
        "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        "chat": {"id": anna.id, "type": "private", "first_name": "Anna"},
        "from": {"id": anna.id, "is_bot": False, "first_name": "Anna"}}}
    assert await post(webhook_bot.url, update, secret) == 401
    await emulator.assert_no_message(anna, within=0.5)
    assert await count_rows(webhook_bot.runtime, ProcessedUpdate) == 0


async def test_an_update_delivered_twice_is_handled_once(emulator, webhook_bot) -> None:
    captured = capture_updates(emulator)
    anna = emulator.add_user("Anna", language_code="en")
    emulator.send_text(anna, "/start")
    await emulator.wait_for_message(anna, timeout=10)
    # Telegram re-sends after a timeout: once after the first was handled, and twice at once
    assert await post(webhook_bot.url, captured[0]) == 200
    again = {**captured[0], "update_id": captured[0]["update_id"] + 1000}
    statuses = await asyncio.gather(post(webhook_bot.url, again), post(webhook_bot.url, again))
    assert statuses == [200, 200]
    await emulator.wait_for_message(anna, contains="Anna")  # the new update, answered once
    await emulator.assert_no_message(anna, within=0.5)
    assert len([m for m in emulator.messages(anna) if "Anna" in m.get("text", "")]) == 2


async def test_healthz_says_the_database_answers(webhook_bot) -> None:
    async with aiohttp.ClientSession() as client, client.get(
            f"{webhook_bot.url}/healthz") as response:
        assert response.status == 200
        body = await response.json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["worker"] and "leader" in body


async def test_healthz_is_503_when_the_database_does_not_answer(webhook_bot) -> None:
    await webhook_bot.runtime.engine.dispose()
    webhook_bot.runtime.sessions.configure(bind=_broken_engine())
    async with aiohttp.ClientSession() as client, client.get(
            f"{webhook_bot.url}/healthz") as response:
        assert response.status == 503
        assert (await response.json())["database"] == "down"


def _broken_engine():
    from sqlalchemy.ext.asyncio import create_async_engine

    return create_async_engine("sqlite+aiosqlite:////nonexistent/dir/citybot.db")


async def test_metrics_count_updates_latency_reports_backlog_and_429s(
    emulator, webhook_bot
) -> None:
    anna = emulator.add_user("Anna", language_code="en")
    emulator.send_text(anna, "/start")
    await emulator.wait_for_message(anna, timeout=10)
    emulator.inject_fault("sendMessage", "429", retry_after=1)
    emulator.send_text(anna, "/help")
    await emulator.wait_for_message(anna, timeout=10)  # the help, sent again after the 429
    async with aiohttp.ClientSession() as client, client.get(
            f"{webhook_bot.url}/metrics") as response:
        assert response.status == 200
        assert response.content_type == "text/plain"
        text = await response.text()
    figures = dict(line.rsplit(" ", 1) for line in text.splitlines()
                   if line and not line.startswith("#"))
    assert float(figures['citybot_updates_handled_total{outcome="ok"}']) == 2
    assert float(figures["citybot_handler_seconds_count"]) == 2
    assert float(figures["citybot_telegram_429_total"]) == 1
    assert float(figures["citybot_reports_created_total"]) == 0
    assert "citybot_outbox_backlog" in figures
    assert "citybot_broadcast_messages_per_second" in figures
