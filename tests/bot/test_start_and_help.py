"""A resident meets the bot: /start, /help, the menu and settings, in English and Russian."""

import pytest

from citybot.testing import button_texts


@pytest.mark.parametrize(
    ("language_code", "greeting", "menu"),
    [
        ("en", "Hello, Anna!", ["📝 Report a problem", "📋 My reports", "❓ Ask a question",
                               "💡 Ideas for the city", "⚙️ Settings", "🔒 Privacy"]),
        ("ru", "Здравствуйте, Anna!", ["📝 Сообщить о проблеме", "📋 Мои обращения",
                                      "❓ Задать вопрос", "💡 Идеи для города", "⚙️ Настройки",
                                      "🔒 Приватность"]),
        # neither language: the city's default_language (ru in the demo city)
        ("de", "Здравствуйте, Anna!", ["📝 Сообщить о проблеме", "📋 Мои обращения",
                                      "❓ Задать вопрос", "💡 Идеи для города", "⚙️ Настройки",
                                      "🔒 Приватность"]),
    ],
)
async def test_start_greets_in_the_residents_language(
    emulator, citybot, language_code: str, greeting: str, menu: list[str]
) -> None:
    anna = emulator.add_user(first_name="Anna", language_code=language_code)
    emulator.send_text(anna, "/start")
    reply = await emulator.wait_for_message(anna)
    assert greeting in reply["text"]
    assert button_texts(reply) == menu
    assert "/privacy" in reply["text"]  # the first /start says what is kept, and why
    emulator.send_text(anna, "/start")
    again = await emulator.wait_for_message(anna)
    assert greeting in again["text"] and "/privacy" not in again["text"]


@pytest.mark.parametrize(
    ("language_code", "expected"),
    [("en", "What I can do"), ("ru", "Что я умею")],
)
async def test_help(emulator, citybot, language_code: str, expected: str) -> None:
    user = emulator.add_user(first_name="Ivan", language_code=language_code)
    emulator.send_text(user, "/help")
    reply = await emulator.wait_for_message(user)
    assert expected in reply["text"]
    assert "/report" in reply["text"]


@pytest.mark.parametrize(
    ("send", "english", "russian"),
    [
        ("send_sticker", "sticker", "стикер"),
        ("send_voice", "voice", "Голосовые"),
        ("send_document", "Report a problem", "Сообщить о проблеме"),
        ("send_photo", "Report a problem", "Сообщить о проблеме"),
        ("send_video", "Report a problem", "Сообщить о проблеме"),
        ("send_contact", "phone number", "номер телефона"),
    ],
)
async def test_non_text_in_the_menu_gets_a_short_helpful_answer(
    emulator, citybot, send: str, english: str, russian: str
) -> None:
    for code, expected in (("en", english), ("ru", russian)):
        user = emulator.add_user(first_name="Sam", language_code=code)
        getattr(emulator, send)(user)
        reply = await emulator.wait_for_message(user)
        assert expected in reply["text"]
        assert len(reply["text"]) < 300
        assert button_texts(reply)  # the menu is offered again


async def test_a_location_in_the_menu_points_to_reporting(emulator, citybot) -> None:
    ivan = emulator.add_user(first_name="Иван", language_code="ru")
    emulator.send_location(ivan, 0.0, 0.0)
    reply = await emulator.wait_for_message(ivan)
    assert "Сообщить о проблеме" in reply["text"]


async def test_unknown_text_gets_the_menu(emulator, citybot) -> None:
    anna = emulator.add_user(first_name="Anna", language_code="en")
    emulator.send_text(anna, "<b>asdf</b> qwerty")
    reply = await emulator.wait_for_message(anna)
    assert button_texts(reply)


async def test_a_stale_or_forged_button_is_answered(emulator, citybot) -> None:
    anna = emulator.add_user(first_name="Anna", language_code="en")
    emulator.send_text(anna, "/start")
    greeting = await emulator.wait_for_message(anna)
    query_id = emulator.click(anna, greeting, "forged:data:here")
    answer = await emulator.wait_for_callback_answer(query_id)
    assert answer["text"] == "This button is no longer active."


async def test_settings_switch_the_language(emulator, citybot) -> None:
    anna = emulator.add_user(first_name="Anna", language_code="en")
    emulator.send_text(anna, "⚙️ Settings")
    settings = await emulator.wait_for_message(anna)
    assert button_texts(settings) == ["English", "Русский", "🔔 Digests and announcements"]
    emulator.click_button(anna, settings, "Русский")
    saved = await emulator.wait_for_message(anna)
    assert "по-русски" in saved["text"]
    assert "📝 Сообщить о проблеме" in button_texts(saved)
    emulator.send_text(anna, "/help")
    assert "Что я умею" in (await emulator.wait_for_message(anna))["text"]
    emulator.send_text(anna, "⚙️ Настройки")  # the Russian menu works too
    assert "Язык: Русский" in (await emulator.wait_for_message(anna))["text"]


async def test_command_menus_for_residents_and_staff(emulator, citybot) -> None:
    from aiogram.types import BotCommandScopeAllPrivateChats, BotCommandScopeChat

    from citybot.bot.app import set_commands

    await set_commands(citybot.bot, citybot.runtime)
    residents = await citybot.bot.get_my_commands(scope=BotCommandScopeAllPrivateChats(),
                                                  language_code="ru")
    assert [c.command for c in residents] == ["start", "report", "my", "propose", "ideas",
                                              "subscribe", "settings", "human", "help",
                                              "privacy", "mydata", "forget"]
    assert residents[0].description == "Главное меню"
    staff = await citybot.bot.get_my_commands(
        scope=BotCommandScopeChat(chat_id=citybot.runtime.staff_chat_id), language_code="en")
    assert [c.command for c in staff] == ["queue", "report", "stats", "announce", "poll"]


async def test_a_flood_is_told_to_slow_down_once(emulator, citybot) -> None:
    limit = citybot.runtime.config.reports.max_messages_per_minute
    anna = emulator.add_user("Anna")
    for _ in range(limit + 5):
        emulator.send_text(anna, "/help")
    replies = [await emulator.wait_for_message(anna) for _ in range(limit + 1)]
    await emulator.assert_no_message(anna, within=0.5)
    slow = [r for r in replies if "very fast" in r["text"]]
    assert len(slow) == 1
    assert sum("What I can do" in r["text"] for r in replies) == limit
    ivan = emulator.add_user("Иван", language_code="ru")  # others are not affected
    emulator.send_text(ivan, "/help")
    assert "Что я умею" in (await emulator.wait_for_message(ivan))["text"]



def test_a_lone_surrogate_is_read_and_written() -> None:
    """Half of an emoji (a lone UTF-16 surrogate, as Telegram sends when a client cut one off)
    is not valid for orjson: the bot's session falls back to the standard library for it,
    rather than failing a whole batch of getUpdates again and again. (The emulator cannot
    send one, so this is a unit test of the session's JSON.)"""
    from aiogram.types import Update

    from citybot.bot.app import json_dumps, json_loads

    body = ('{"ok": true, "result": [{"update_id": 7, "message": {"message_id": 1, "date": 0,'
            ' "chat": {"id": 5, "type": "private"}, "text": "pothole \\ud83d here"}}]}')
    update = Update.model_validate(json_loads(body)["result"][0])
    assert update.message.text == "pothole \ud83d here"
    assert json_loads(json_dumps({"text": update.message.text})) == {"text": update.message.text}
    assert json_loads(b'{"emoji": "\\ud83d\\ude00"}') == {"emoji": "\U0001F600"}
    assert json_dumps({"a": [1, "\u00e9"]}) == '{"a":[1,"\u00e9"]}'  # orjson's compact UTF-8
