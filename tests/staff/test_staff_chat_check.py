"""A newcomer's wrong staff chat id: told in one log line at start; the cards Telegram rejected
meanwhile are posted once the bot starts with a reachable staff chat."""

from __future__ import annotations

import asyncio
import logging

from sqlmodel import select

from citybot.bot.startup import check_staff_chat
from citybot.storage.models import OutboxMessage, OutboxState, Report
from citybot.testing import running_bot

from .conftest import card_of, file_report

WRONG_CHAT = -1009999999999  # the bot is in no such group


async def test_a_card_lost_to_a_wrong_staff_chat_is_posted_after_a_restart(
    emulator, staff_group, sqlite_url, city_config, caplog
) -> None:
    anna = emulator.add_user("Anna", language_code="en")
    async with running_bot(api_url=emulator.url, token=emulator.token, database_url=sqlite_url,
                           config=city_config, staff_chat_id=WRONG_CHAT) as bot:
        with caplog.at_level(logging.INFO, logger="citybot.bot"):
            assert await check_staff_chat(bot.bot, bot.runtime) is False
        [warning] = [r for r in caplog.records if r.levelno >= logging.WARNING]
        assert "staff chat -1009999999999 cannot be reached" in warning.getMessage()
        assert "STAFF_CHAT_ID" in warning.getMessage()
        number = await file_report(emulator, anna, "Huge pothole outside number 12")
        for _ in range(100):  # the courier's attempt, told "chat not found"
            async with bot.runtime.sessions() as session:
                card = (await session.exec(select(OutboxMessage).where(
                    OutboxMessage.kind == "card"))).one()
            if card.state == OutboxState.failed:
                break
            await asyncio.sleep(0.05)
        assert card.state == OutboxState.failed and "chat not found" in card.last_error

    caplog.clear()
    async with running_bot(api_url=emulator.url, token=emulator.token, database_url=sqlite_url,
                           config=city_config, migrate=False) as bot:
        with caplog.at_level(logging.INFO, logger="citybot.bot"):
            assert await check_staff_chat(bot.bot, bot.runtime) is True
        assert "cards rejected by a wrong staff chat queued again count=1" in caplog.text
        card = await card_of(emulator, staff_group, number)
        assert "Huge pothole" in card["text"]
        for _ in range(100):  # recorded once Telegram confirmed it
            async with bot.runtime.sessions() as session:
                report = await session.get(Report, number)
            if report.card_message_id is not None:
                break
            await asyncio.sleep(0.05)
        assert report.card_chat_id == staff_group.id
        assert report.card_message_id == card["message_id"]
        # once only: a second start finds nothing to send again
        assert await check_staff_chat(bot.bot, bot.runtime) is True
        await emulator.assert_no_message(staff_group, within=0.5)
