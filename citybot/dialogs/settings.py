"""Settings: the language the bot speaks with the resident."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.dialogs.callbacks import LanguageChoice, SubscriptionAction
from citybot.dialogs.filters import MenuButton
from citybot.dialogs.gates import GatedRouter
from citybot.dialogs.keyboards import language_picker, main_menu
from citybot.i18n import LANGUAGES, Texts
from citybot.runtime import Runtime
from citybot.storage.models import Resident
from citybot.storage.residents import set_language


def settings_markup(texts: Texts, runtime: Runtime) -> InlineKeyboardMarkup:
    """The languages, then the way to digests and announcements."""
    languages = language_picker(runtime.translator).inline_keyboard
    digests = InlineKeyboardButton(text=texts("settings-subscriptions"),
                                   callback_data=SubscriptionAction(action="show").pack())
    return InlineKeyboardMarkup(inline_keyboard=[*languages, [digests]])


async def on_settings(message: Message, texts: Texts, runtime: Runtime) -> None:
    title = texts("settings-title", language=texts("language-name"))
    await message.answer(
        f"{title}\n\n{texts('settings-choose-language')}",
        reply_markup=settings_markup(texts, runtime),
    )


async def on_language_chosen(
    query: CallbackQuery,
    callback_data: LanguageChoice,
    session: AsyncSession,
    resident: Resident,
    runtime: Runtime,
) -> None:
    await set_language(session=session, resident=resident, language=callback_data.language)
    texts = runtime.translator(callback_data.language)
    await query.answer()
    if query.message is not None:
        await query.message.answer(texts("settings-language-saved"), reply_markup=main_menu(texts))


def build_router() -> Router:
    """A new router each time: every Dispatcher gets its own."""
    router = GatedRouter(name="settings")
    router.message.register(on_settings, Command("settings"))
    router.message.register(on_settings, MenuButton("menu-settings"))
    router.callback_query.register(
        on_language_chosen, LanguageChoice.filter(F.language.in_(LANGUAGES))
    )
    return router
