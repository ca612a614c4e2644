"""Questions and free text: the NLU reads what a resident wrote, and the bot answers from the
city's knowledge base, starts a report, shows their reports, or hands them to a person."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.dialogs import handoff, my_reports, report, subscriptions
from citybot.dialogs.callbacks import FaqKey
from citybot.dialogs.filters import MenuButton
from citybot.dialogs.keyboards import main_menu
from citybot.dialogs.states import AskFlow
from citybot.i18n import Texts
from citybot.knowledge import Answer
from citybot.runtime import Runtime
from citybot.storage.models import Resident

MAX_QUESTION = 500  # characters: longer text is not a question for the knowledge base


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


async def understand(
    message: Message, state: FSMContext, session: AsyncSession, resident: Resident,
    texts: Texts, runtime: Runtime,
) -> None:
    """Free text: act on what the NLU understood; when unsure, offer the menu and a person."""
    text = (message.text or "").strip()
    if len(text) > MAX_QUESTION:
        await message.answer(texts("fallback-too-long", length=len(text), limit=MAX_QUESTION))
        return
    parse = await runtime.nlu.parse(text, texts.lang)
    threshold = runtime.config.nlu.confidence_threshold
    # propose_idea: the proposal dialog is not there yet, so it is answered as unknown text
    if parse.needs_fallback(threshold) or parse.intent == "propose_idea":
        await send_answer(message, runtime.faq.fallback(texts.lang))
    elif parse.intent == "report_problem":
        await report.start_from_text(message, state=state, session=session, resident=resident,
                                     texts=texts, runtime=runtime,
                                     category=parse.category or "other",
                                     confidence=parse.confidence,
                                     confirm=parse.category_is_confident(threshold))
    elif parse.intent in ("faq_waste", "faq_transport"):
        await send_answer(message, runtime.faq.answer(parse, text, texts.lang))
    elif parse.intent == "check_status":
        numbers = parse.entity_values("report_number")
        await my_reports.show(message, session=session, resident=resident, texts=texts,
                              runtime=runtime,
                              number=int(numbers[0]) if numbers and numbers[0].isdigit() else None)
    elif parse.intent == "human_handoff":
        await handoff.start_handoff(message, state=state, session=session, resident=resident,
                                    texts=texts, runtime=runtime)
    elif parse.intent == "subscribe":
        await subscriptions.on_subscribe(message, session=session, resident=resident,
                                         texts=texts, runtime=runtime)
    elif parse.intent == "help":
        await message.answer(texts("help-text"), reply_markup=main_menu(texts))
    else:  # greet
        city = runtime.config.city.name.get(texts.lang)
        name = message.from_user.first_name if message.from_user else ""
        await message.answer(texts("start-greeting", name=name, city=city),
                             reply_markup=main_menu(texts))


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
    router = Router(name="questions")
    router.message.register(on_ask, MenuButton("menu-ask"))
    router.callback_query.register(on_faq_key, FaqKey.filter())
    router.message.register(understand, StateFilter(None, AskFlow.question), F.text)
    return router
