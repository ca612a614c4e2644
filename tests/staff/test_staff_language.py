"""The staff group speaks one language, `staff.language`: cards, prompts, answers to commands,
notices. What the bot tells one official alone (a button's alert) stays in her language."""

from __future__ import annotations

import re

import pytest

from citybot.services.pacing import Pacer
from citybot.testing import running_bot

from .conftest import card_of, file_report, press

CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)


@pytest.fixture
async def english_desk(emulator, sqlite_url, city_config, staff_group):
    """The bot of a Russian-speaking city whose staff group works in English."""
    assert city_config.city.default_language == "ru"
    config = city_config.model_copy(update={
        "staff": city_config.staff.model_copy(update={"language": "en"})})
    async with running_bot(api_url=emulator.url, token=emulator.token, database_url=sqlite_url,
                           config=config) as running:
        running.courier.pacer = Pacer(per_chat_interval=0.05, per_group_per_minute=10_000)
        yield running


async def test_everything_in_the_group_follows_staff_language(
    emulator, english_desk, staff_group, ivan_official
) -> None:
    anna = emulator.add_user("Anna", language_code="en")
    number = await file_report(emulator, anna, "Huge pothole outside number 12")
    card = await card_of(emulator, staff_group, number)
    assert "Roads and pavements" in card["text"] and "🙋 Take" in str(card["reply_markup"])
    assert emulator.topics(staff_group)[card["message_thread_id"]]["name"] == "Roads Department"

    answer = await press(emulator, ivan_official, card, "🙋 Take")
    assert "теперь ваше" in answer["text"]  # Иван alone reads it: in his language
    emulator.send_text(ivan_official, "Which lane?", chat=staff_group, reply_to=card)
    relayed = await emulator.wait_for_message(anna, contains="Which lane?")
    emulator.send_text(anna, "The left one", reply_to=relayed)
    await emulator.wait_for_message(staff_group, contains="The left one")

    await press(emulator, ivan_official, card, "✅ Resolved")
    prompt = await emulator.wait_for_message(staff_group, contains="how was")
    emulator.send_text(ivan_official, "Patched", chat=staff_group, reply_to=prompt)
    await emulator.wait_for_message(staff_group, contains="Done")
    resolved = await emulator.wait_for_message(anna, contains="Is it fixed?")
    emulator.click_button(anna, resolved, "👍 Yes, it is fixed")
    await emulator.wait_for_message(staff_group, contains="confirms")
    for command, expected in (("/queue", "no open reports"), (f"/report {number}", "History"),
                              ("/stats", "reports by status"), ("/report", "/report 12")):
        emulator.send_text(ivan_official, command, chat=staff_group)
        assert expected in (await emulator.wait_for_message(staff_group))["text"], command
    await emulator.wait_for_edit(card, contains="Patched")

    posted = emulator.messages(staff_group)
    assert len(posted) >= 9
    for message in posted:  # every card, prompt, notice and answer, edits applied
        words = (message.get("text") or message.get("caption") or "").replace("Иван", "")
        assert not CYRILLIC.search(words), words  # (his name is his own)
        assert not CYRILLIC.search(str(message.get("reply_markup") or "")), message
