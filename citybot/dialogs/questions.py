"""Questions: the city's knowledge base answers (the "Ask" button, the FAQ intents and their
buttons), and the fallback of free text that no intent took (see citybot.dialogs.intents)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.dialogs import handoff, my_reports, report
from citybot.dialogs.callbacks import FaqKey
from citybot.dialogs.filters import MenuButton
from citybot.dialogs.gates import GatedRouter
from citybot.dialogs.intents import MAX_QUESTION, Intent, Understanding
from citybot.dialogs.states import AskFlow
from citybot.i18n import Texts
from citybot.knowledge import Answer
from citybot.nlu import Parse
from citybot.runtime import Runtime
from citybot.storage.models import Resident


def answer_markup(answer: Answer) -> InlineKeyboardMarkup | None:
    if not answer.buttons:
        return None
    builder = InlineKeyboardBuilder()
    for button in answer.buttons:
        builder.button(text=button.label, callback_data=FaqKey(key=button.key))
    builder.adjust(2)
    return builder.as_markup()


async def send_answer(message: Message, answer: Answer) -> None:
    await message.answer(answer.text, reply_markup=answer_markup(answer))


async def on_ask(message: Message, state: FSMContext, texts: Texts, runtime: Runtime) -> None:
    await state.set_state(AskFlow.question)
    overview = runtime.faq.fallback(texts.lang)
    await message.answer(texts("ask-prompt"), reply_markup=answer_markup(overview))


async def on_faq_intent(message: Message, parse: Parse, understanding: Understanding,
                        texts: Texts, runtime: Runtime) -> None:
    """A question the knowledge base answers (waste sorting, transport)."""
    await send_answer(message, runtime.faq.answer(parse, understanding.text, texts.lang))


async def understand(message: Message, understanding: Understanding, texts: Texts,
                     runtime: Runtime) -> None:
    """The fallback of free text no intent took (citybot.dialogs.intents): too long to be a
    question, or the NLU is unsure: offer the menu and a person."""
    if understanding.too_long:
        await message.answer(texts("fallback-too-long", length=len(understanding.text),
                                   limit=MAX_QUESTION))
        return
    await send_answer(message, runtime.faq.fallback(texts.lang))


async def on_faq_key(
    query: CallbackQuery, callback_data: FaqKey, state: FSMContext, session: AsyncSession,
    resident: Resident, texts: Texts, runtime: Runtime,
) -> None:
    await query.answer()
    key = callback_data.key
    message = query.message
    if key == "person":
        await handoff.start_handoff(message, state=state, session=session, resident=resident,
                                    texts=texts, runtime=runtime)
    elif key == "menu:report":
        await report.begin(message, state=state, session=session, resident=resident,
                           texts=texts, runtime=runtime)
    elif key == "menu:status":
        await my_reports.show(message, session=session, resident=resident, texts=texts,
                              runtime=runtime)
    else:
        shortcuts = {"menu:waste": "waste:guide", "menu:transport": "transport:routes"}
        answer = runtime.faq.answer_key(shortcuts.get(key, key), texts.lang)
        if answer is None:
            await query.message.answer(texts("button-expired"))
            return
        await state.set_state(AskFlow.question)
        await send_answer(message, answer)


def build_router() -> Router:
    """A new router each time: every Dispatcher gets its own."""
    router = GatedRouter(name="questions")
    router.message.register(on_ask, MenuButton("menu-ask"))
    router.callback_query.register(on_faq_key, FaqKey.filter())
    return router


def build_intent_router() -> Router:
    router = GatedRouter(name="questions-intents")
    router.message.register(on_faq_intent, Intent("faq_waste", "faq_transport"))
    return router


def build_fallback_router() -> Router:
    """Free text no dialog and no intent took: after the intents router (citybot.bot.app)."""
    router = GatedRouter(name="understand")
    router.message.register(understand, StateFilter(None, AskFlow.question), F.text)
    return router
