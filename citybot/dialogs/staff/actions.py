"""The buttons of a queue card: Take, In progress, Resolved / Reject / Not our responsibility
(each asks for a note), Duplicate of #m, Reassign. Each is a transition of
citybot.services.workflow; the card is re-drawn and the followers told through the outbox."""

from __future__ import annotations

import re
from datetime import timedelta
from html import escape, unescape

from aiogram import F, Router
from aiogram.filters import Command, Filter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, ForceReply, Message, User
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.dialogs.callbacks import StaffAction
from citybot.dialogs.gates import GatedRouter
from citybot.dialogs.states import StaffFlow
from citybot.i18n import Html, Texts
from citybot.runtime import Runtime
from citybot.services import conversations, notify, workflow
from citybot.services.workflow import Actor, Change, Refused
from citybot.storage import audit
from citybot.storage.models import Report, utcnow

NOTE_TTL = timedelta(minutes=15)
NUMBER = re.compile(r"#?\s*(\d{1,9})")
NOTE_ACTIONS = ("resolve", "reject", "not_responsible", "duplicate")
KEEP_ASKING = frozenset({"staff-refused-note-needed", "staff-refused-no-report",
                         "staff-refused-duplicate-self"})


def refusal_text(texts: Texts, refusal: Refused) -> str:
    details = dict(refusal.details)
    if "status" in details:
        details["status"] = texts(f"status-{details['status']}")
    return texts(refusal.key, **details)


def shown(text: str) -> str:
    """A message's text as it reads, to recognise it: HTML entities decoded, Unicode isolation
    marks gone, whitespace as single spaces (Telegram may trim or drop what is invisible)."""
    return " ".join(unescape(text).replace("\u2068", "").replace("\u2069", "").split())


def mention(user: User) -> Html:
    return Html(f'<a href="tg://user?id={user.id}">{escape(user.first_name, quote=False)}</a>')


async def load(query: CallbackQuery, number: int, session: AsyncSession,
               own_texts: Texts) -> Report | None:
    report = await session.get(Report, number)
    if report is None:
        await query.answer(own_texts("staff-unknown-report", number=str(number)),
                           show_alert=True)
    return report


async def announce(session: AsyncSession, runtime: Runtime, change: Change) -> None:
    """The card is re-drawn; the reporter and every follower hear about it; a report closed
    ends the conversations about it."""
    await notify.status_changed(session=session, runtime=runtime, change=change,
                                ask_reporter=True)
    await conversations.end_with_report(session=session, runtime=runtime, change=change)


def done_text(texts: Texts, report: Report) -> str:
    return texts("staff-done", number=str(report.id), status=texts(f"status-{report.status}"))


# ---- one-tap actions ------------------------------------------------------------------------

async def on_take(query: CallbackQuery, callback_data: StaffAction, session: AsyncSession,
                  runtime: Runtime, own_texts: Texts, actor: Actor) -> None:
    report = await load(query, callback_data.report, session, own_texts)
    if report is None:
        return
    try:
        change = await workflow.take(session=session, report=report, actor=actor)
    except Refused as refusal:
        await query.answer(refusal_text(own_texts, refusal), show_alert=True)
        return
    await announce(session, runtime, change)
    await query.answer(own_texts("staff-taken", number=str(report.id)))


async def on_progress(query: CallbackQuery, callback_data: StaffAction, session: AsyncSession,
                      runtime: Runtime, own_texts: Texts, actor: Actor) -> None:
    report = await load(query, callback_data.report, session, own_texts)
    if report is None:
        return
    try:
        change = await workflow.move(session=session, report=report, action="progress",
                                     actor=actor)
    except Refused as refusal:
        await query.answer(refusal_text(own_texts, refusal), show_alert=True)
        return
    await announce(session, runtime, change)
    await query.answer(done_text(own_texts, report))


# ---- actions that need a note ---------------------------------------------------------------

async def on_ask_note(query: CallbackQuery, callback_data: StaffAction, state: FSMContext,
                      session: AsyncSession, texts: Texts, own_texts: Texts,
                      actor: Actor) -> None:
    report = await load(query, callback_data.report, session, own_texts)
    if report is None:
        return
    audit.record(session, official_id=actor.telegram_id, action=f"button:{callback_data.action}",
                 report_id=report.id)
    try:
        workflow.check(report, callback_data.action)
    except Refused as refusal:
        await query.answer(refusal_text(own_texts, refusal), show_alert=True)
        return
    key, number = f"staff-ask-{callback_data.action}", str(report.id)
    # saved before the bot speaks, so the prompt is known by what it says, not by its id
    await state.set_state(StaffFlow.note)
    await state.set_data({"report": report.id, "action": callback_data.action,
                          "prompt_text": shown(texts(key, name=query.from_user.first_name,
                                                     number=number)),
                          "thread": query.message.message_thread_id,
                          "asked": utcnow().timestamp()})
    await query.answer()
    await query.message.answer(texts(key, name=mention(query.from_user), number=number),
                               reply_markup=ForceReply(selective=True))


class PendingNote(Filter):
    """The official's answer to a note prompt: a reply to it, or a plain message in the same
    thread within NOTE_TTL. Hands the pending request to the handler as `pending`."""

    async def __call__(self, message: Message, state: FSMContext,
                       raw_state: str | None) -> bool | dict:
        if raw_state != StaffFlow.note.state or (message.text or "").startswith("/"):
            return False
        data = await state.get_data()
        if utcnow().timestamp() - data.get("asked", 0) > NOTE_TTL.total_seconds():
            await state.clear()
            return False
        replied = message.reply_to_message
        if replied is not None and replied.from_user is not None \
                and replied.from_user.id == message.bot.id \
                and shown(replied.text or "") == data.get("prompt_text"):
            return {"pending": data}  # a reply to the prompt (its text as Telegram shows it)
        if replied is not None and replied.message_id == data.get("prompt"):
            return {"pending": data}  # asked by the version before (its prompt's id was kept)
        bare = replied is None or replied.forum_topic_created is not None or \
            replied.message_id == message.message_thread_id
        return {"pending": data} if bare and message.message_thread_id == data.get("thread") \
            else False


async def on_note(message: Message, pending: dict, state: FSMContext, session: AsyncSession,
                  runtime: Runtime, texts: Texts, actor: Actor) -> None:
    text = (message.text or message.caption or "").strip()
    photo = message.photo[-1].file_id if message.photo else None
    action = pending["action"]
    report = await session.get(Report, pending["report"])
    if report is None:
        await state.clear()
        return
    if len(text) > workflow.MAX_NOTE:
        await message.reply(texts("staff-note-too-long", max=workflow.MAX_NOTE))
        return
    try:
        if action == "duplicate":
            match = NUMBER.fullmatch(text)
            if match is None:
                await message.reply(texts("staff-need-number"))
                return
            change = await workflow.mark_duplicate(session=session, report=report, actor=actor,
                                                   original_number=int(match.group(1)))
            await notify.merged(session=session, runtime=runtime, change=change)
        else:
            change = await workflow.move(session=session, report=report, action=action,
                                         actor=actor, note=text, file_id=photo)
    except Refused as refusal:
        await message.reply(refusal_text(texts, refusal))
        if refusal.key not in KEEP_ASKING:
            await state.clear()
        return
    await announce(session, runtime, change)
    await state.clear()
    await message.reply(done_text(texts, report))


async def on_cancel_note(message: Message, state: FSMContext, texts: Texts) -> None:
    await state.clear()
    await message.reply(texts("staff-note-cancelled"))


# ---- reassign -------------------------------------------------------------------------------

async def on_reassign(query: CallbackQuery, callback_data: StaffAction, session: AsyncSession,
                      runtime: Runtime, texts: Texts, own_texts: Texts,
                      actor: Actor) -> None:
    report = await load(query, callback_data.report, session, own_texts)
    if report is None:
        return
    audit.record(session, official_id=actor.telegram_id, action="button:reassign",
                 report_id=report.id)
    try:
        workflow.check(report, "reassign")
    except Refused as refusal:
        await query.answer(refusal_text(own_texts, refusal), show_alert=True)
        return
    builder = InlineKeyboardBuilder()
    for department in runtime.config.departments:
        if department.id != report.department:
            builder.button(text=department.name.get(texts.lang),
                           callback_data=StaffAction(action="move", report=report.id,
                                                     value=department.id))
    builder.adjust(1)
    await query.answer()
    await query.message.answer(texts("staff-pick-department", number=str(report.id)),
                               reply_markup=builder.as_markup())


async def on_move(query: CallbackQuery, callback_data: StaffAction, session: AsyncSession,
                  runtime: Runtime, texts: Texts, own_texts: Texts, actor: Actor) -> None:
    report = await load(query, callback_data.report, session, own_texts)
    if report is None:
        return
    try:
        change = await workflow.reassign(session=session, report=report, actor=actor,
                                         department=callback_data.value, config=runtime.config)
    except Refused as refusal:
        await query.answer(refusal_text(own_texts, refusal), show_alert=True)
        return
    await notify.moved(session=session, runtime=runtime, change=change)
    await announce(session, runtime, change)
    await query.answer()
    department = runtime.config.department(report.department).name.get(texts.lang)
    await query.message.edit_text(texts("staff-moved", number=str(report.id),
                                        department=department))


async def on_unknown_action(query: CallbackQuery, own_texts: Texts) -> None:
    await query.answer(own_texts("button-expired"))


def build_router() -> Router:
    """A new router each time: every Dispatcher gets its own."""
    router = GatedRouter(name="staff_actions")
    router.callback_query.register(on_take, StaffAction.filter(F.action == "take"))
    router.callback_query.register(on_progress, StaffAction.filter(F.action == "progress"))
    router.callback_query.register(on_ask_note, StaffAction.filter(F.action.in_(NOTE_ACTIONS)))
    router.callback_query.register(on_reassign, StaffAction.filter(F.action == "reassign"))
    router.callback_query.register(on_move, StaffAction.filter(F.action == "move"))
    router.callback_query.register(on_unknown_action, StaffAction.filter())
    router.message.register(on_cancel_note, StaffFlow.note, Command("cancel"))
    router.message.register(on_note, PendingNote(), F.text | F.photo)
    return router
