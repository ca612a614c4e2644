"""The terminal sandbox behind `citybot emulator`."""

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from citybot.emulator.cli import Console


async def test_console_talks_as_people_and_prints_the_bot(emu, bot, anna, capsys):
    olga = emu.add_user("Olga")
    staff = emu.add_group("City staff", [olga], is_forum=True)
    console = Console(emu, {"anna": anna, "olga": olga},
                      {"anna": emu.chat(anna), "olga": staff})
    console.run("anna: /start")
    [update] = await bot.get_updates()
    assert update.message.text == "/start" and update.message.entities[0].type == "bot_command"
    keyboard = InlineKeyboardMarkup(inline_keyboard=[[
        InlineKeyboardButton(text="Send report", callback_data="send")]])
    await bot.send_message(anna.id, "Ready?", reply_markup=keyboard)
    console.run("click anna Send report")
    console.run("loc anna 55.75 37.61")
    topic = await bot.create_forum_topic(staff.id, "Roads")
    await bot.send_message(staff.id, "#1 card", message_thread_id=topic.message_thread_id)
    console.run("reply olga: On it")
    console.run("bob: hi")
    updates = await bot.get_updates(offset=update.update_id + 1)
    assert updates[0].callback_query.data == "send"
    assert updates[1].message.location.latitude == 55.75
    assert updates[2].message.message_thread_id == topic.message_thread_id
    out = capsys.readouterr().out
    assert "[bot → Anna] #2 'Ready?' ['Send report']" in out
    assert "[bot → City staff / Roads]" in out
    assert "unknown person 'bob'" in out


async def test_click_takes_part_of_a_label_on_either_keyboard_and_lists_the_buttons(
        emu, bot, anna, capsys):
    from aiogram.types import KeyboardButton, ReplyKeyboardMarkup

    console = Console(emu, {"anna": anna}, {"anna": emu.chat(anna)})
    menu = ReplyKeyboardMarkup(keyboard=[[KeyboardButton(text="📝 Report a problem")],
                                         [KeyboardButton(text="⚙️ Settings")],
                                         [KeyboardButton(text="📍 Share location",
                                                         request_location=True)]])
    await bot.send_message(anna.id, "Menu", reply_markup=menu)
    keyboard = InlineKeyboardMarkup(inline_keyboard=[[
        InlineKeyboardButton(text="🚧 Roads and pavements", callback_data="cat:roads"),
        InlineKeyboardButton(text="💡 Street lighting", callback_data="cat:lighting")]])
    await bot.send_message(anna.id, "What kind?", reply_markup=keyboard)
    console.run("click anna Settings")  # the README's example: a reply keyboard button
    console.run("click anna roads")  # part of an inline button's label, no emoji
    console.run("click anna lightning")
    console.run("click anna share location")
    updates = await bot.get_updates()
    assert [u.message.text if u.message else u.callback_query.data for u in updates] == [
        "⚙️ Settings", "cat:roads"]
    out = capsys.readouterr().out
    assert (f"no button 'lightning' in Chat({anna.id}, 'Anna'); buttons there: "
            "'🚧 Roads and pavements', '💡 Street lighting', '📝 Report a problem', "
            "'⚙️ Settings', '📍 Share location'") in out
    assert "use `loc anna LAT LON`" in out
