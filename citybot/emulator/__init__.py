"""A local Telegram Bot API emulator for tests, benchmarks and trying the bot by hand.

    async with TelegramEmulator() as emu:
        bot = emu.make_bot()  # = Bot(emu.token, session=...TelegramAPIServer.from_base(emu.url))
        anna = emu.add_user("Anna", language_code="en")
        emu.send_text(anna, "/start")
        reply = await emu.wait_for_message(anna)
"""

from .cli import main, serve
from .formatting import ParseError, parse_text, utf16_len
from .limits import ApiCall, ApiError, Fault, Stats
from .server import DEFAULT_TOKEN, TelegramEmulator
from .world import Chat, FileRecord, User, WaitTimeout, World, keyboard_texts

__all__ = [
    "DEFAULT_TOKEN",
    "ApiCall",
    "ApiError",
    "Chat",
    "Fault",
    "FileRecord",
    "ParseError",
    "Stats",
    "TelegramEmulator",
    "User",
    "WaitTimeout",
    "World",
    "keyboard_texts",
    "main",
    "parse_text",
    "serve",
    "utf16_len",
]
