"""A real aiogram Dispatcher (polling and webhook) talking to people played by the emulator."""

import asyncio

import pytest
from aiogram import Dispatcher, F
from aiogram.exceptions import TelegramConflictError
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiohttp import web

from citybot.emulator import WaitTimeout


def echo_dispatcher() -> Dispatcher:
    dp = Dispatcher()

    @dp.message(Command("start"))
    async def start(message: Message) -> None:
        button = InlineKeyboardButton(text="Send", callback_data="send")
        await message.answer(f"Hi, {message.from_user.first_name}!",
                             reply_markup=InlineKeyboardMarkup(inline_keyboard=[[button]]))

    @dp.callback_query(F.data == "send")
    async def send(query: CallbackQuery) -> None:
        await query.answer("Sent!", show_alert=True)
        await query.message.edit_text("Report sent")

    @dp.message(F.text)
    async def echo(message: Message) -> None:
        await message.answer(message.text)

    return dp


async def test_echo_through_polling(emu, anna, run_polling):
    ivan = emu.add_user("Иван", language_code="ru", username="ivan")
    async with run_polling(echo_dispatcher()):
        emu.send_text(anna, "hello")
        emu.send_text(ivan, "привет")
        assert (await emu.wait_for_message(anna))["text"] == "hello"
        assert (await emu.wait_for_message(ivan, contains="привет"))["chat"]["id"] == ivan.id
        await emu.assert_no_message(anna, within=0.1)
    assert not emu.updates  # every update was confirmed


async def test_inline_button_click_is_answered(emu, anna, run_polling):
    async with run_polling(echo_dispatcher()):
        emu.send_text(anna, "/start")
        menu = await emu.wait_for_message(anna)
        assert menu["text"] == "Hi, Anna!" and emu.keyboard_texts(menu) == ["Send"]
        query_id = emu.click_button(anna, menu, "Send")
        answer = await emu.wait_for_callback_answer(query_id)
        assert answer["text"] == "Sent!" and answer["show_alert"]
        edited = await emu.wait_for_edit(menu)
        assert edited["text"] == "Report sent" and "reply_markup" not in edited
    with pytest.raises(LookupError, match="no callback button"):
        emu.click_button(anna, edited, "Send")


async def test_wait_timeout_explains_what_the_bot_did(emu, anna, bot):
    await bot.send_message(anna.id, "something else")
    with pytest.raises(WaitTimeout, match="something else"):
        await emu.wait_for_message(anna, timeout=0.05, contains="expected")
    # the skipped message is still there for the next wait
    assert (await emu.wait_for_message(anna, timeout=0.05))["text"] == "something else"


async def test_long_poll_returns_on_update_and_redelivers(emu, bot, anna):
    loop = asyncio.get_running_loop()
    started = loop.time()
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await emu.wait_for_call("getUpdates")
    emu.send_text(anna, "one")
    [first] = await poll
    assert loop.time() - started < 1 and first.message.text == "one"
    emu.send_text(anna, "two")
    assert [u.message.text for u in await bot.get_updates()] == ["one", "two"]  # not confirmed
    assert [u.message.text for u in await bot.get_updates(offset=first.update_id + 1)] == ["two"]
    assert await bot.get_updates(offset=first.update_id + 2, timeout=0) == []


async def test_second_poller_conflicts_the_first(emu, bot):
    older = asyncio.create_task(bot.get_updates(timeout=5))
    await emu.wait_for_call("getUpdates")
    newer = asyncio.create_task(bot.get_updates(timeout=0))
    with pytest.raises(TelegramConflictError, match="terminated by other getUpdates"):
        await older
    assert await newer == []


async def test_allowed_updates_filter_new_updates(emu, bot, anna):
    await bot.get_updates(allowed_updates=["message"])
    emu.block_bot(anna)  # a my_chat_member update: not wanted
    emu.send_text(anna, "hi")
    assert [u.event_type for u in await bot.get_updates()] == ["message"]


async def test_webhook_delivery_with_secret_and_retry(emu, bot, anna):
    received: asyncio.Queue = asyncio.Queue()
    failures = [1]

    async def hook(request: web.Request) -> web.Response:
        if failures:
            failures.pop()
            return web.Response(status=500)
        update = await request.json()
        await received.put((request.headers.get("X-Telegram-Bot-Api-Secret-Token"), update))
        # Telegram runs a method given in the webhook's answer
        return web.json_response({"method": "sendMessage", "chat_id": anna.id, "text": "pong"})

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    try:
        emu.send_text(anna, "queued before the webhook")
        assert await bot.set_webhook(url, secret_token="s3cret")
        emu.send_text(anna, "ping")
        secret, update = await asyncio.wait_for(received.get(), 5)
        assert secret == "s3cret" and update["message"]["text"] == "queued before the webhook"
        _, update = await asyncio.wait_for(received.get(), 5)
        assert update["message"]["text"] == "ping"
        assert (await emu.wait_for_message(anna))["text"] == "pong"
        info = await bot.get_webhook_info()
        assert info.url == url and info.pending_update_count == 0
        assert "500" in info.last_error_message
        with pytest.raises(TelegramConflictError):
            await bot.get_updates()
        assert await bot.delete_webhook()
        emu.send_text(anna, "polling again")
        [update] = await bot.get_updates()
        assert update.message.text == "polling again"
    finally:
        await runner.cleanup()
