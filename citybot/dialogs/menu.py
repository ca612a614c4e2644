"""/start, /help and the main menu."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import Message
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.dialogs.gates import GatedRouter
from citybot.dialogs.intents import Intent
from citybot.dialogs.keyboards import main_menu
from citybot.i18n import Texts
from citybot.runtime import Runtime
from citybot.storage.residents import is_new_resident


async def on_start(message: Message, state: FSMContext, texts: Texts, runtime: Runtime,
                   session: AsyncSession) -> None:
    await state.clear()
    await greet(message, texts, runtime, session)


async def greet(message: Message, texts: Texts, runtime: Runtime, session: AsyncSession) -> None:
    """/start, and a "hello" in free text (which leaves any question being asked as it is); the
    first time, with a line on what is kept and why."""
    city = runtime.config.city.name.get(texts.lang)
    name = message.from_user.first_name if message.from_user else ""
    greeting = texts("start-greeting", name=name, city=city)
    if message.from_user is not None and is_new_resident(session, message.from_user.id):
        greeting += "\n\n" + texts("start-privacy-line")  # what is kept, and why
    await message.answer(greeting, reply_markup=main_menu(texts))


async def on_help(message: Message, texts: Texts) -> None:
    await message.answer(texts("help-text"), reply_markup=main_menu(texts))


async def on_menu(message: Message, state: FSMContext, texts: Texts) -> None:
    await state.clear()
    await message.answer(texts("menu-shown"), reply_markup=main_menu(texts))


def build_intent_router() -> Router:
    router = GatedRouter(name="menu-intents")
    router.message.register(greet, Intent("greet"))
    router.message.register(on_help, Intent("help"))
    return router


def build_router() -> Router:
    """A new router each time: every Dispatcher gets its own."""
    router = GatedRouter(name="menu")
    router.message.register(on_start, CommandStart())
    router.message.register(on_help, Command("help"))
    router.message.register(on_menu, Command("menu", "cancel"))
    return router
