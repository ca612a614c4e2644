"""One emulator's world: Telegram's state (telegram.py), what scripted people do in it
(people.py) and what a test waits for (waits.py), as one object — the API the tests use:
`emu.add_user(...)`, `emu.send_text(anna, ...)`, `await emu.wait_for_message(anna)`."""

from __future__ import annotations

from .people import People
from .telegram import (
    META_KEYS,
    Chat,
    ChatLike,
    FileRecord,
    MessageLike,
    Signal,
    Telegram,
    User,
    api_view,
    describe,
    keyboard_texts,
)
from .waits import Waits, WaitTimeout

__all__ = [
    "META_KEYS",
    "Chat",
    "ChatLike",
    "FileRecord",
    "MessageLike",
    "Signal",
    "Telegram",
    "User",
    "WaitTimeout",
    "World",
    "api_view",
    "describe",
    "keyboard_texts",
]


class World(People, Waits):
    """All of one emulator. Test-facing methods take handles (User, Chat) or plain ids."""
