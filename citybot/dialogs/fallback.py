"""What the bot says to anything no other dialog took: always a short, helpful answer."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message

from citybot.dialogs.gates import GatedRouter
from citybot.dialogs.keyboards import main_menu
from citybot.i18n import Texts

MAX_TEXT = 4096


async def on_sticker(message: Message, texts: Texts) -> None:
    await message.answer(texts("fallback-sticker"), reply_markup=main_menu(texts))


async def on_voice(message: Message, texts: Texts) -> None:
    await message.answer(texts("fallback-voice"), reply_markup=main_menu(texts))


async def on_location(message: Message, texts: Texts) -> None:
    await message.answer(texts("fallback-location"), reply_markup=main_menu(texts))


async def on_contact(message: Message, texts: Texts) -> None:
    await message.answer(texts("fallback-contact"), reply_markup=main_menu(texts))


async def on_media(message: Message, texts: Texts) -> None:
    await message.answer(texts("fallback-media"), reply_markup=main_menu(texts))


async def on_anything_else(message: Message, texts: Texts) -> None:
    await message.answer(texts("fallback-text"), reply_markup=main_menu(texts))


async def on_stale_button(query: CallbackQuery, texts: Texts) -> None:
    """Unknown, forged or outdated callback data changes nothing and is still answered."""
    await query.answer(texts("button-expired"), show_alert=False)


def build_router() -> Router:
    """A new router each time: every Dispatcher gets its own."""
    router = GatedRouter(name="fallback")
    router.message.register(on_sticker, F.sticker)
    router.message.register(on_voice, F.voice | F.video_note | F.audio)
    router.message.register(on_location, F.location | F.venue)
    router.message.register(on_contact, F.contact)
    router.message.register(on_media, F.photo | F.video | F.document | F.animation)
    router.message.register(on_anything_else)
    router.callback_query.register(on_stale_button)
    return router
