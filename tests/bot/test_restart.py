"""A conversation in progress survives a restart of the bot."""

from aiogram.fsm.storage.base import StorageKey

from citybot.testing import running_bot


async def test_state_survives_a_restart(emulator, sqlite_url, city_config, staff_group) -> None:
    anna = emulator.add_user(first_name="Anna", language_code="en")
    async with running_bot(
        api_url=emulator.url, token=emulator.token, database_url=sqlite_url, config=city_config
    ) as first:
        emulator.send_text(anna, "/start")
        await emulator.wait_for_message(anna)
        key = StorageKey(bot_id=first.bot.id, chat_id=anna.id, user_id=anna.id)
        storage = first.dispatcher.storage
        await storage.set_state(key, "Demo:waiting")
        await storage.set_data(key, {"description": "a pothole"})

    async with running_bot(
        api_url=emulator.url, token=emulator.token, database_url=sqlite_url, config=city_config
    ) as second:
        storage = second.dispatcher.storage
        assert await storage.get_state(key) == "Demo:waiting"
        assert await storage.get_data(key) == {"description": "a pothole"}
        emulator.send_text(anna, "/start")  # /start clears it: the menu is a clean slate
        await emulator.wait_for_message(anna)
        assert await storage.get_state(key) is None
