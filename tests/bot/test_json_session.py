"""The bot's session sends a call without files as one JSON body, with what aiogram's form
would carry; a call that uploads a file goes as aiogram's multipart form."""

import json

from aiogram.methods import SendMessage, SendPhoto
from aiogram.types import (
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyKeyboardRemove,
)

from citybot.bot.app import build_bot
from citybot.emulator import TelegramEmulator

KEYBOARD = InlineKeyboardMarkup(inline_keyboard=[
    [InlineKeyboardButton(text="Send", callback_data="rep1:send:")]])


async def test_a_call_without_files_is_the_forms_fields_as_json():
    bot = build_bot("123:abc", "http://127.0.0.1:1")
    method = SendMessage(chat_id=42, text="<b>#7</b> filed", reply_markup=KEYBOARD,
                         disable_notification=False)
    body = json.loads(bot.session.json_body(bot, method))
    form = {key: value for key, value, *_ in
            ((f[0]["name"], f[2]) for f in bot.session.build_form_data(bot, method)._fields)}
    assert body.keys() == form.keys()
    assert body["reply_markup"] == json.loads(form["reply_markup"])
    assert body["parse_mode"] == form["parse_mode"] == "HTML"  # the bot's defaults too
    assert (body["chat_id"], body["disable_notification"]) == (42, False)
    await bot.session.close()


async def test_a_file_upload_is_left_to_aiogram():
    bot = build_bot("123:abc", "http://127.0.0.1:1")
    photo = SendPhoto(chat_id=42, photo=BufferedInputFile(b"\xff\xd8jpeg", "p.jpg"))
    assert bot.session.json_body(bot, photo) is None
    await bot.session.close()


async def test_the_emulator_reads_both():
    async with TelegramEmulator() as emulator:
        anna = emulator.add_user("Anna", language_code="en")
        bot = build_bot(emulator.token, emulator.url)
        try:
            await bot.send_message(anna.id, "Report <b>#3</b>", reply_markup=KEYBOARD)
            await bot.send_message(anna.id, "Where?", reply_markup=ReplyKeyboardRemove())
            await bot.send_photo(anna.id, BufferedInputFile(b"\xff\xd8jpeg", "p.jpg"),
                                 caption="a photo")
        finally:
            await bot.session.close()
        sent = emulator.messages(anna)
        assert [m.get("text") or m.get("caption") for m in sent] == [
            "Report #3", "Where?", "a photo"]
        assert sent[0]["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "rep1:send:"
        assert "photo" in sent[2]
