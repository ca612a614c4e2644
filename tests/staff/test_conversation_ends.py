"""A resident is never trapped in a conversation with staff (issue #19): it ends when its reason
ends, text in it is read first, menu words and commands always work, and a quiet one closes."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from redis.asyncio import Redis
from sqlmodel import select

from citybot import jobs
from citybot.services.pacing import Pacer
from citybot.storage.models import ReportEvent, Resident, utcnow
from citybot.testing import button_texts, running_bot

from .conftest import card_of, file_report, press

NEW_PROBLEM = "the street light outside Mira Avenue 20 is out"
NEW_PROBLEM_RU = "на проспекте Мира 20 не горит фонарь"


async def in_conversation(emulator, official, staff_group, resident, description: str,
                          question: str, answer: str) -> tuple[int, dict]:
    """A report, an official's question about it, the resident's answer: the conversation
    is open. Returns the report's number and its card."""
    number = await file_report(emulator, resident, description)
    card = await card_of(emulator, staff_group, number)
    emulator.send_text(official, question, chat=staff_group, reply_to=card)
    relayed = await emulator.wait_for_message(resident, contains=question)
    emulator.send_text(resident, answer, reply_to=relayed)
    await emulator.wait_for_message(resident, contains=f"#{number}")  # passed to the staff
    await emulator.wait_for_message(staff_group, contains=answer)
    return number, card


async def conversation_of(runtime, user) -> str | None:
    async with runtime.sessions() as session:
        return (await session.exec(select(Resident.conversation).where(
            Resident.telegram_id == user.id))).one()


async def relayed_replies(runtime, number: int) -> list[str]:
    async with runtime.sessions() as session:
        return list((await session.exec(select(ReportEvent.note).where(
            ReportEvent.report_id == number, ReportEvent.kind == "resident_reply")
            .order_by(ReportEvent.id))).all())


async def test_the_trap_resolved_confirmed_then_a_new_problem_starts_a_report(
    emulator, citybot, staff_group, official
) -> None:
    anna = emulator.add_user("Anna", language_code="en")
    number, card = await in_conversation(emulator, official, staff_group, anna,
                                         "Huge pothole outside number 12",
                                         "Is it on the road?", "Yes, right on the road")
    assert await conversation_of(citybot.runtime, anna) == f"report:{number}"

    await press(emulator, official, card, "✅ Решено")
    prompt = await emulator.wait_for_message(staff_group, contains="как решено")
    emulator.send_text(official, "Patched with hot asphalt", chat=staff_group, reply_to=prompt)
    await emulator.wait_for_message(staff_group, contains="Готово")
    resolved = await emulator.wait_for_message(anna, contains="Is it fixed?")
    ended = await emulator.wait_for_message(anna, contains="conversation")
    assert f"#{number} is «resolved», so our conversation about it is closed" in ended["text"]
    assert await conversation_of(citybot.runtime, anna) is None

    emulator.click_button(anna, resolved, "👍 Yes, it is fixed")
    thanks = await emulator.wait_for_message(anna, contains="Thank you")
    assert "conversation" not in thanks["text"]  # told once, not twice
    await emulator.wait_for_message(staff_group, contains="подтверждает")

    emulator.send_text(anna, NEW_PROBLEM)
    started = await emulator.wait_for_message(anna)
    assert "I think this is about" in started["text"]  # a new report, about lighting
    emulator.send_text(anna, "Settings")
    assert "Settings" in (await emulator.wait_for_message(anna))["text"]
    await emulator.assert_no_message(staff_group, within=0.3)
    assert await relayed_replies(citybot.runtime, number) == ["Yes, right on the road"]


async def test_new_text_in_an_open_conversation_asks_about_or_new_in_russian(
    emulator, citybot, staff_group, official
) -> None:
    ivan = emulator.add_user("Иван", language_code="ru")
    number, _ = await in_conversation(emulator, official, staff_group, ivan,
                                      "Яма на дороге у дома двенадцать",
                                      "Яма на проезжей части?", "Да, прямо у остановки")
    # an answer about the same kind of problem goes straight to staff, as before
    emulator.send_text(ivan, "Яма всё ещё там, стала глубже")
    assert "Передал" in (await emulator.wait_for_message(ivan))["text"]
    await emulator.wait_for_message(staff_group, contains="стала глубже")

    # a different problem: one tap decides — "about #n" relays it
    emulator.send_text(ivan, NEW_PROBLEM_RU)
    asked = await emulator.wait_for_message(ivan, contains="что-то новое")
    assert button_texts(asked) == [f"💬 Об обращении #{number}", "🆕 Что-то новое"]
    await emulator.assert_no_message(staff_group, within=0.3)  # nothing relayed yet
    emulator.click_button(ivan, asked, f"💬 Об обращении #{number}")
    assert "Передал" in (await emulator.wait_for_message(ivan, contains="Передал"))["text"]
    await emulator.wait_for_message(staff_group, contains="не горит фонарь")
    assert button_texts(emulator.message(asked)[1]) == []

    # menu words and commands do what they say while the conversation is open
    emulator.send_text(ivan, "настройки")
    assert "Настройки" in (await emulator.wait_for_message(ivan))["text"]
    emulator.send_text(ivan, "Мои заявки")
    assert f"#{number}" in (await emulator.wait_for_message(ivan, contains="Ваши обращения"))[
        "text"]
    emulator.send_text(ivan, "/help")
    await emulator.wait_for_message(ivan)

    # "something new" closes the conversation and reads the text as a new message
    emulator.send_text(ivan, NEW_PROBLEM_RU)
    asked = await emulator.wait_for_message(ivan, contains="что-то новое")
    emulator.click_button(ivan, asked, "🆕 Что-то новое")
    await emulator.wait_for_edit(asked, contains="завершён")
    assert "Похоже, это про" in (await emulator.wait_for_message(ivan, contains="Похоже"))["text"]
    assert await conversation_of(citybot.runtime, ivan) is None
    assert await relayed_replies(citybot.runtime, number) == [
        "Да, прямо у остановки", "Яма всё ещё там, стала глубже", NEW_PROBLEM_RU]
    await emulator.assert_no_message(staff_group, within=0.2)


async def test_a_quiet_conversation_closes_and_says_so_once(
    emulator, citybot, staff_group, official
) -> None:
    anna = emulator.add_user("Anna", language_code="en")
    number, _ = await in_conversation(emulator, official, staff_group, anna,
                                      "Huge pothole outside number 12",
                                      "Which lane?", "The left one")
    emulator.send_text(anna, "my reports")  # a menu word, not a message for staff
    assert f"#{number}" in (await emulator.wait_for_message(anna, contains="Your reports"))["text"]

    runtime = citybot.runtime
    assert await jobs.close_quiet_conversations(runtime, now=utcnow() + timedelta(minutes=5)) == 0
    later = utcnow() + timedelta(minutes=runtime.config.reports.conversation_quiet_minutes + 1)
    assert await jobs.close_quiet_conversations(runtime, now=later) == 1
    told = await emulator.wait_for_message(anna, contains="quiet")
    assert f"our conversation about #{number} is closed" in told["text"]
    assert await jobs.close_quiet_conversations(runtime, now=later) == 0  # told once
    await emulator.assert_no_message(anna, within=0.3)

    emulator.send_text(anna, "qwerty zxcv")  # the bot's own business again
    assert "Passed to the staff" not in (await emulator.wait_for_message(anna))["text"]
    assert await relayed_replies(runtime, number) == ["The left one"]


async def test_menu_words_work_while_talking_to_a_person(
    emulator, citybot, staff_group, official
) -> None:
    anna = emulator.add_user("Anna", language_code="en")
    emulator.send_text(anna, "/human")
    await emulator.wait_for_message(anna, contains="called a person")
    await emulator.wait_for_message(staff_group, contains="Разговор с жителем")
    emulator.send_text(anna, "📝 Report a problem")  # the button itself
    assert "What kind of problem" in (await emulator.wait_for_message(anna))["text"]
    emulator.send_text(anna, "/cancel")
    await emulator.wait_for_message(anna)
    emulator.send_text(anna, "SETTINGS")
    assert "Settings" in (await emulator.wait_for_message(anna))["text"]
    emulator.send_text(anna, "Where do I leave an old sofa?")  # still talking to a person
    await emulator.wait_for_message(staff_group, contains="old sofa")
    await emulator.assert_no_message(staff_group, within=0.2)


@pytest.fixture
async def redis_url() -> str:
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("REDIS_URL is not set")
    client = Redis.from_url(url)
    await client.flushdb()  # no conversation state left by an earlier run
    await client.aclose()
    return url


async def test_on_postgresql_with_the_state_in_redis(
    emulator, postgres_url, redis_url, city_config, staff_group, official
) -> None:
    """The waiting text lives in the conversation's state (Redis here); the quiet job's query
    runs on PostgreSQL."""
    async with running_bot(api_url=emulator.url, token=emulator.token, database_url=postgres_url,
                           redis_url=redis_url, config=city_config) as running:
        running.courier.pacer = Pacer(per_chat_interval=0.05, per_group_per_minute=10_000)
        anna = emulator.add_user("Anna", language_code="en")
        number, _ = await in_conversation(emulator, official, staff_group, anna,
                                          "Huge pothole outside number 12",
                                          "Which lane?", "The left one")
        emulator.send_text(anna, NEW_PROBLEM)
        asked = await emulator.wait_for_message(anna, contains="something new")
        emulator.click_button(anna, asked, f"💬 About #{number}")
        await emulator.wait_for_message(anna, contains="Passed to the staff")
        await emulator.wait_for_message(staff_group, contains="street light")
        later = utcnow() + timedelta(minutes=31)
        assert await jobs.close_quiet_conversations(running.runtime, now=later) == 1
        await emulator.wait_for_message(anna, contains="quiet")
        assert await relayed_replies(running.runtime, number) == ["The left one", NEW_PROBLEM]
