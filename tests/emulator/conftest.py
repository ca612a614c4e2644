import asyncio
import contextlib

import pytest
from aiogram import Bot, Dispatcher

from citybot.emulator import TelegramEmulator


@pytest.fixture
async def emu():
    async with TelegramEmulator() as emulator:
        yield emulator


@pytest.fixture
async def bot(emu):
    # The real aiogram Bot, over real HTTP: Bot(token, session=AiohttpSession(api=...)).
    bot = emu.make_bot()
    yield bot
    await bot.session.close()


@pytest.fixture
def anna(emu):
    return emu.add_user("Anna", language_code="en")


@contextlib.asynccontextmanager
async def polling(dp: Dispatcher, bot: Bot, emu: TelegramEmulator):
    """Run dp.start_polling in a task while the block runs."""
    task = asyncio.create_task(
        dp.start_polling(bot, handle_signals=False, close_bot_session=False, polling_timeout=1)
    )
    await emu.wait_for_call("getUpdates")
    try:
        yield
    finally:
        await dp.stop_polling()
        await asyncio.wait_for(task, 5)


@pytest.fixture
def run_polling(emu, bot):
    """`async with run_polling(dp):` runs the dispatcher against the emulator."""
    return lambda dp: polling(dp, bot, emu)
