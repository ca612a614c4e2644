"""Filters shared by the dialogs."""

from __future__ import annotations

from aiogram.filters import Filter
from aiogram.types import Message

from citybot.context import Services


class MenuButton(Filter):
    """A press of a reply-keyboard button, in whichever language the keyboard was drawn."""

    def __init__(self, key: str) -> None:
        self.key = key

    async def __call__(self, message: Message, services: Services) -> bool:
        return message.text is not None and message.text in services.translator.all(
            self.key
        ).values()
