"""A bare aiogram bot that makes exactly CityBot's Bot API calls for each step of the report
flow — same methods, same keyboards, the card posted to the staff group — with no database,
no wording and no logic. It is the ceiling for any aiogram bot holding this conversation:
the report-flow benchmark compares CityBot with it as well as with the echo bot.

With DATABASE_URL set it also does the one piece of database work no CityBot update can
skip: its claim in `processed_updates` (an update delivered twice is handled once), committed
before the bot answers.

    BOT_TOKEN=... TELEGRAM_API_URL=... STAFF_CHAT_ID=... [DATABASE_URL=...] \
        python -m bench.mimic_bot
"""

from __future__ import annotations

import asyncio
import itertools
import os

import citybot  # noqa: F401  aiogram's types built on first use, as in CityBot (lazy_types.py)

# isort: split
import orjson
import uvloop
from aiogram import Bot, Dispatcher, F
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

CATEGORIES = ("pothole", "streetlight", "garbage", "dumping", "graffiti", "leak", "tree",
              "noise", "abandoned_car", "snow_ice")


def inline(*rows: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[
        [InlineKeyboardButton(text=text, callback_data=data) for text, data in row]
        for row in rows])


async def claim_every_update(dp: Dispatcher, bot: Bot, database_url: str) -> None:
    from citybot.storage.database import make_engine, make_sessionmaker, upgrade
    from citybot.storage.updates import claim_update

    await asyncio.to_thread(upgrade, database_url)
    sessions = make_sessionmaker(make_engine(database_url))

    @dp.update.outer_middleware()
    async def claim(handler, event, data):  # type: ignore[no-untyped-def]
        async with sessions() as session:
            if not await claim_update(session=session, bot_id=bot.id, update_id=event.update_id):
                return None
            await session.commit()
        return await handler(event, data)


async def main() -> None:
    # what CityBot adopted (citybot/bot/app.py: build_bot, cli.py: run_async), the mimic too:
    # orjson for the session's JSON, each call one JSON body (citybot/bot/session.py), uvloop
    # as the event loop
    from citybot.bot.memory import settle_memory
    from citybot.bot.session import JsonBodySession

    session = JsonBodySession(api=TelegramAPIServer.from_base(os.environ["TELEGRAM_API_URL"]),
                             json_loads=orjson.loads,
                             json_dumps=lambda value: orjson.dumps(value).decode())
    bot = Bot(os.environ["BOT_TOKEN"], session=session)
    staff_chat = int(os.environ["STAFF_CHAT_ID"])
    numbers = itertools.count(1)
    dp = Dispatcher()
    if os.environ.get("DATABASE_URL"):
        await claim_every_update(dp, bot, os.environ["DATABASE_URL"])

    @dp.message(F.text == "/report")
    async def report(message: Message) -> None:
        pairs = [(name, f"cat1:{name}") for name in CATEGORIES]
        await message.answer("Choose a category", reply_markup=inline(
            *(pairs[i:i + 2] for i in range(0, len(pairs), 2))))

    @dp.callback_query(F.data.startswith("cat1:"))
    async def category(query: CallbackQuery) -> None:
        await query.answer()
        await query.message.answer("Describe the problem", reply_markup=ReplyKeyboardRemove())

    @dp.message(F.text)
    async def description(message: Message) -> None:
        await message.answer("Where is it?", reply_markup=ReplyKeyboardMarkup(
            keyboard=[[KeyboardButton(text="Share location", request_location=True)]],
            resize_keyboard=True, one_time_keyboard=True))

    @dp.message(F.location)
    async def location(message: Message) -> None:
        await message.answer("Address found", reply_markup=ReplyKeyboardRemove())
        await message.answer("Photos?", reply_markup=inline([("Skip", "rep1:photos_done:")]))

    @dp.callback_query(F.data == "rep1:photos_done:")
    async def photos(query: CallbackQuery) -> None:
        await query.answer()
        await query.message.answer("Summary", reply_markup=inline(
            [("Send", "rep1:send:"), ("Edit", "rep1:edit:")], [("Cancel", "rep1:cancel:")]))

    @dp.callback_query(F.data == "rep1:send:")
    async def send(query: CallbackQuery) -> None:
        number = next(numbers)
        await query.answer()
        await query.message.answer(f"Report #{number} is filed")
        await bot.send_message(staff_chat, f"#{number} card", reply_markup=inline(
            [("Take", f"st1:take:{number}:")]))

    settle_memory()  # as `citybot run` does once its bot is built
    await dp.start_polling(bot, handle_signals=True)


if __name__ == "__main__":
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(main())
