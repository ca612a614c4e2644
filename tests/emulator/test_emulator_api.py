"""The emulator's Bot API surface, driven by the real aiogram Bot over HTTP."""

import aiohttp
import pytest
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.types import (
    BotCommand,
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    KeyboardButton,
    LinkPreviewOptions,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    ReplyParameters,
)

from citybot.emulator import TelegramEmulator


def inline(*texts):
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=t, callback_data=t.lower())] for t in texts]
    )


async def test_get_me_uses_the_token_digits(bot):
    me = await bot.get_me()
    assert me.id == 123456 and me.is_bot and me.username == "citybot_test_bot"


async def test_send_message_shapes(emu, bot, anna):
    first = await bot.send_message(anna.id, "Hello")
    second = await bot.send_message(
        anna.id, "<b>Report</b> #12 &amp; more", parse_mode="HTML", reply_markup=inline("Send"),
        reply_parameters=ReplyParameters(message_id=first.message_id),
        link_preview_options=LinkPreviewOptions(is_disabled=True),
    )
    assert (first.message_id, second.message_id) == (1, 2)
    assert second.from_user.id == 123456 and second.chat.id == anna.id
    assert second.chat.type == "private" and second.date
    assert second.text == "Report #12 & more"
    assert [(e.type, e.offset, e.length) for e in second.entities] == [("bold", 0, 6)]
    assert second.reply_to_message.message_id == first.message_id
    assert second.reply_markup.inline_keyboard[0][0].callback_data == "send"
    assert second.link_preview_options.is_disabled
    legacy = await bot.send_message(anna.id, "again", reply_to_message_id=2)
    assert legacy.reply_to_message.text == "Report #12 & more"
    # what the test sees: the same JSON, in order
    sent = emu.messages(anna)
    assert [m["text"] for m in sent] == ["Hello", "Report #12 & more", "again"]
    assert emu.keyboard_texts(sent[1]) == ["Send"]
    assert emu.stats.delivered[anna.id] == 3 and emu.stats.calls["sendMessage"] == 3


async def test_send_message_validation(emu, bot, anna):
    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await bot.send_message(anna.id, "   ")
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(anna.id, "x" * 4097)
    # HTML tags do not count: 4096 visible characters are fine
    await bot.send_message(anna.id, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match="can't parse entities: Can't find end tag"):
        await bot.send_message(anna.id, "<b>unclosed", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match='Unsupported start tag "br"'):
        await bot.send_message(anna.id, "a<br>b", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match=r"Character '\.' is reserved"):
        await bot.send_message(anna.id, "Done.", parse_mode="MarkdownV2")
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(424242, "hi")
    with pytest.raises(TelegramBadRequest, match="message to be replied not found"):
        await bot.send_message(anna.id, "hi", reply_parameters=ReplyParameters(message_id=99))
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(anna.id, "hi", reply_markup=inline("x" * 65))
    assert len(emu.messages(anna)) == 1


async def test_reply_keyboards_are_tracked_but_not_echoed(emu, bot, anna):
    keyboard = ReplyKeyboardMarkup(keyboard=[[KeyboardButton(text="📍 Report")],
                                             [KeyboardButton(text="Settings")]])
    msg = await bot.send_message(anna.id, "Menu", reply_markup=keyboard)
    assert msg.reply_markup is None  # Telegram echoes only inline keyboards
    assert emu.reply_keyboard(anna) == ["📍 Report", "Settings"]
    reply = await emu.wait_for_message(anna)
    assert emu.keyboard_texts(reply) == ["📍 Report", "Settings"]
    await bot.send_message(anna.id, "Bye", reply_markup=ReplyKeyboardRemove())
    assert emu.reply_keyboard(anna) == []


async def test_edit_and_delete(emu, bot, anna):
    msg = await bot.send_message(anna.id, "Status: new", reply_markup=inline("Close"))
    snapshot = await emu.wait_for_message(anna)
    edited = await bot.edit_message_text("Status: done", chat_id=anna.id,
                                         message_id=msg.message_id)
    assert edited.text == "Status: done" and edited.edit_date and edited.reply_markup is None
    assert (await emu.wait_for_edit(snapshot))["text"] == "Status: done"
    assert snapshot["text"] == "Status: new"  # what a wait returned does not change under you
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text("Status: done", chat_id=anna.id, message_id=msg.message_id)
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text("x", chat_id=anna.id, message_id=999)
    await bot.edit_message_reply_markup(chat_id=anna.id, message_id=msg.message_id,
                                        reply_markup=inline("Reopen"))
    assert emu.keyboard_texts(emu.last_message(anna)) == ["Reopen"]
    assert await bot.delete_message(anna.id, msg.message_id)
    assert emu.messages(anna) == []
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(anna.id, msg.message_id)


async def test_forum_topics_and_threads(emu, bot):
    official = emu.add_user("Olga")
    staff = emu.add_group("City staff", [official], is_forum=True)
    plain = emu.add_group("Plain group", [official])
    assert staff.id < -1_000_000_000_000
    with pytest.raises(TelegramBadRequest, match="the chat is not a forum"):
        await bot.create_forum_topic(plain.id, "Roads")
    topic = await bot.create_forum_topic(staff.id, "Roads")
    other = await bot.create_forum_topic(staff.id, "Lighting")
    assert topic.name == "Roads" and other.message_thread_id > topic.message_thread_id > 1
    card = await bot.send_message(staff.id, "#1 Pothole", message_thread_id=topic.message_thread_id)
    assert card.message_thread_id == topic.message_thread_id and card.is_topic_message
    assert card.reply_to_message.forum_topic_created.name == "Roads"
    with pytest.raises(TelegramBadRequest, match="message thread not found"):
        await bot.send_message(staff.id, "x", message_thread_id=999)
    got = await emu.wait_for_message(staff, thread_id=topic.message_thread_id)
    assert got["text"] == "#1 Pothole"
    # the official answers in the topic by replying to the card
    sent = emu.send_text(official, "On it", chat=staff, reply_to=card.message_id)
    assert sent["message_thread_id"] == topic.message_thread_id
    [update] = await bot.get_updates()
    assert update.message.reply_to_message.message_id == card.message_id
    assert update.message.message_thread_id == topic.message_thread_id
    assert update.message.chat.is_forum and update.message.from_user.id == official.id
    assert await bot.edit_forum_topic(staff.id, topic.message_thread_id, name="Roads & bridges")
    assert await bot.close_forum_topic(staff.id, topic.message_thread_id)
    assert emu.topics(staff)[topic.message_thread_id]["name"] == "Roads & bridges"
    assert emu.topic_id(staff, "Lighting") == other.message_thread_id


async def test_chat_members(emu, bot, anna):
    chief, official = emu.add_user("Chief"), emu.add_user("Olga")
    staff = emu.add_group("City staff", [official], admins=[chief], is_forum=True)
    assert (await bot.get_chat_member(staff.id, official.id)).status == "member"
    assert (await bot.get_chat_member(staff.id, chief.id)).status == "administrator"
    assert (await bot.get_chat_member(staff.id, anna.id)).status == "left"
    assert (await bot.get_chat_member(staff.id, 123456)).status == "administrator"
    admins = await bot.get_chat_administrators(staff.id)
    assert {a.user.id for a in admins} == {chief.id, 123456}
    chat = await bot.get_chat(staff.id)
    assert chat.is_forum and chat.title == "City staff"
    emu.add_member(staff, anna)
    assert (await bot.get_chat_member(staff.id, anna.id)).status == "member"


async def test_user_photo_get_file_and_download(emu, bot, anna):
    emu.send_photo(anna, b"\xff\xd8 fake jpeg \xff\xd9", caption="Pothole here")
    [update] = await bot.get_updates()
    photo = update.message.photo
    assert len(photo) == 2 and photo[-1].width > photo[0].width
    assert update.message.caption == "Pothole here"
    file = await bot.get_file(photo[-1].file_id)
    assert file.file_path.endswith(".jpg")
    assert (await bot.download(file)).read() == b"\xff\xd8 fake jpeg \xff\xd9"
    with pytest.raises(TelegramBadRequest, match="invalid file_id"):
        await bot.get_file("nope")
    # the bot can send the same photo on by file_id (e.g. to the staff group)
    again = await bot.send_photo(anna.id, photo[-1].file_id, caption="<i>copy</i>",
                                 parse_mode="HTML")
    assert again.photo[-1].file_id == photo[-1].file_id and again.caption == "copy"


async def test_send_photo_upload_and_media_group(emu, bot, anna):
    up = await bot.send_photo(anna.id, BufferedInputFile(b"img", "p.jpg"), caption="c")
    assert up.photo[-1].file_unique_id and up.caption == "c"
    with pytest.raises(TelegramBadRequest, match="caption is too long"):
        await bot.send_photo(anna.id, up.photo[-1].file_id, caption="x" * 1025)
    with pytest.raises(TelegramBadRequest, match="wrong file identifier"):
        await bot.send_photo(anna.id, "no-such-file")
    album = await bot.send_media_group(anna.id, [
        InputMediaPhoto(media=up.photo[-1].file_id, caption="first"),
        InputMediaPhoto(media=BufferedInputFile(b"img2", "q.jpg")),
    ])
    assert len(album) == 2 and album[0].media_group_id == album[1].media_group_id
    assert album[0].caption == "first"
    with pytest.raises(TelegramBadRequest, match="wrong number of media"):
        await bot.send_media_group(anna.id, [InputMediaPhoto(media=up.photo[-1].file_id)])
    doc = await bot.send_document(anna.id, BufferedInputFile(b"%PDF", "r.pdf"))
    assert doc.document.file_name == "r.pdf"


async def test_location_venue_copy_forward_action(emu, bot, anna):
    loc = await bot.send_location(anna.id, 55.75, 37.61)
    assert loc.location.latitude == 55.75
    venue = await bot.send_venue(anna.id, 55.75, 37.61, "City hall", "Main sq. 1")
    assert venue.venue.title == "City hall"
    user_msg = emu.send_text(anna, "Broken light on Elm st")
    staff = emu.add_group("City staff")
    copied = await bot.copy_message(staff.id, anna.id, user_msg["message_id"])
    assert emu.chat(staff).messages[copied.message_id]["text"] == "Broken light on Elm st"
    fwd = await bot.forward_message(staff.id, anna.id, user_msg["message_id"])
    assert fwd.forward_origin.sender_user.id == anna.id
    assert await bot.send_chat_action(anna.id, "typing")
    assert emu.chat(anna).last_action == "typing"


async def test_blocked_user_gets_403(emu, bot, anna):
    emu.block_bot(anna)
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(anna.id, "hi")
    [update] = await bot.get_updates()
    assert update.my_chat_member.new_chat_member.status == "kicked"
    emu.unblock_bot(anna)
    await bot.send_message(anna.id, "welcome back")


async def test_commands(bot):
    await bot.set_my_commands([BotCommand(command="start", description="Start")])
    await bot.set_my_commands([BotCommand(command="start", description="Начать")],
                              language_code="ru")
    assert [c.description for c in await bot.get_my_commands(language_code="ru")] == ["Начать"]
    assert [c.command for c in await bot.get_my_commands()] == ["start"]
    await bot.delete_my_commands()
    assert await bot.get_my_commands() == []


async def test_raw_http_param_styles_and_errors(emu, anna):
    base = f"{emu.url}/bot{emu.token}"
    markup = '{"inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]}'
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{base}/sendMessage", params={"chat_id": anna.id, "text": "q"}) as r:
            assert (await r.json())["result"]["text"] == "q"
        form = {"chat_id": str(anna.id), "text": "form", "reply_markup": markup}
        async with http.post(f"{base}/sendMessage", data=form) as r:
            body = await r.json()
            assert body["result"]["reply_markup"]["inline_keyboard"][0][0]["text"] == "Go"
        async with http.post(f"{base}/sendmessage", json={"chat_id": anna.id, "text": ""}) as r:
            assert r.status == 400
            assert await r.json() == {"ok": False, "error_code": 400,
                                      "description": "Bad Request: message text is empty"}
        async with http.post(f"{base}/noSuchMethod") as r:
            assert r.status == 404
            assert await r.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
        async with http.post(f"{emu.url}/botnot-a-token/getMe") as r:
            assert r.status == 401
    assert [c.method for c in emu.requests] == ["sendMessage"] * 3


async def test_two_emulators_are_independent():
    async with TelegramEmulator() as one, TelegramEmulator(token="777:X") as two:
        assert one.url != two.url
        a = one.add_user("Anna")
        b = two.add_user("Anna")
        assert a is not b and two.bot.id == 777
        bot = two.make_bot()
        try:
            await bot.send_message(b.id, "hi")
        finally:
            await bot.session.close()
        assert two.messages(b) and not one.messages(a)
