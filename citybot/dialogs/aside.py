"""Text in an open conversation about a report is read first: when the NLU reads it confidently
as something else (a new problem, a question, a status check, a subscription), the resident is
asked in one tap — "About #2, or something new?" — instead of it going to staff unseen. The
text waits in the conversation's state data until they answer."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import Filter, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.dialogs.callbacks import FollowupAction
from citybot.dialogs.followup import InReportConversation, end_button
from citybot.dialogs.gates import GatedRouter
from citybot.dialogs.intents import Understanding
from citybot.i18n import Texts
from citybot.runtime import Runtime
from citybot.services import conversations, relay
from citybot.storage.models import Report, Resident
from citybot.storage.reports import is_follower

PENDING = "aside"  # the key of the waiting text in the state data


class ReadsAsNew(Filter):
    """Plain text (not a reply) in the conversation that the NLU reads as something new (the
    update's one parse: citybot.dialogs.intents)."""

    async def __call__(self, message: Message, report: Report, texts: Texts, runtime: Runtime,
                       understanding: Understanding | None = None) -> bool | dict:
        if message.reply_to_message is not None:
            return False
        understanding = understanding or Understanding(message, runtime, texts.lang)
        parse = await understanding.parse()  # None: empty, or too long to be anything but words
        return parse is not None and conversations.reads_as_new(
            parse, report, runtime.config.nlu.confidence_threshold)


def choice_markup(report: Report, texts: Texts) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    number = str(report.id)
    builder.button(text=texts("button-aside-about", number=number),
                   callback_data=FollowupAction(action="about", report=report.id))
    builder.button(text=texts("button-aside-new"),
                   callback_data=FollowupAction(action="new", report=report.id))
    return builder.as_markup()


async def on_text(message: Message, report: Report, state: FSMContext, texts: Texts) -> None:
    await state.update_data({PENDING: {"report": report.id, "text": message.text,
                                       "message_id": message.message_id}})
    await message.answer(texts("aside-question", number=str(report.id)),
                         reply_markup=choice_markup(report, texts))


async def pending(query: CallbackQuery, number: int, state: FSMContext,
                  texts: Texts) -> dict | None:
    """The waiting text (taken out of the state data), or None: the button is stale."""
    data = await state.get_data()
    waiting = data.pop(PENDING, None)
    if not waiting or waiting.get("report") != number or not isinstance(query.message, Message):
        await query.answer(texts("button-expired"))
        return None
    await state.set_data(data)
    await query.answer()
    return waiting


async def on_about(query: CallbackQuery, callback_data: FollowupAction, state: FSMContext,
                   session: AsyncSession, resident: Resident, texts: Texts,
                   runtime: Runtime) -> None:
    """About #n: the text goes to staff, as it would have."""
    waiting = await pending(query, callback_data.report, state, texts)
    if waiting is None:
        return
    report = await session.get(Report, callback_data.report)
    if report is None or not await is_follower(session=session, report_id=report.id,
                                               resident_id=resident.id):
        return
    await relay.to_staff(session=session, runtime=runtime, report=report, resident=resident,
                         text=waiting["text"], photo=None, chat_id=query.message.chat.id,
                         message_id=waiting["message_id"])
    await query.message.edit_text(texts("aside-about-chosen", number=str(report.id)))
    await query.message.answer(texts("followup-passed", number=str(report.id)),
                               reply_markup=end_button(report, texts))


async def on_new(query: CallbackQuery, callback_data: FollowupAction, state: FSMContext,
                 session: AsyncSession, resident: Resident, texts: Texts, event_router: Router,
                 **data: Any) -> None:
    """Something new: the conversation about #n closes, and the text goes through the
    dispatcher again as the resident's message — whichever dialog it means takes it."""
    waiting = await pending(query, callback_data.report, state, texts)
    if waiting is None:
        return
    report = await session.get(Report, callback_data.report)
    if report is not None:
        conversations.end_by_resident(session, resident, report)
    await query.message.edit_text(texts("aside-new-chosen", number=str(callback_data.report)))
    written = query.message.model_copy(update={
        "text": waiting["text"], "from_user": query.from_user,
        "message_id": waiting["message_id"], "reply_markup": None})
    root = event_router
    while root.parent_router is not None:
        root = root.parent_router
    shared = {key: value for key, value in data.items() if key not in ("callback_data", "handler")}
    await root.propagate_event("message", written, state=state, session=session,
                               resident=resident, texts=texts, **shared)


def build_router() -> Router:
    """A new router each time: every Dispatcher gets its own. Included before followup's."""
    router = GatedRouter(name="aside")
    router.message.register(on_text, StateFilter(None), F.text, InReportConversation(),
                            ReadsAsNew())
    router.callback_query.register(on_about, FollowupAction.filter(F.action == "about"))
    router.callback_query.register(on_new, FollowupAction.filter(F.action == "new"))
    return router
