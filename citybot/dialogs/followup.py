"""The resident's side of the relay: an answer to a message about a report (or text while that
report's conversation is open) goes back under its card; and after Resolved, "Is it fixed?"
with 👍 / 👎, where 👎 reopens the report with the reason relayed to staff."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Filter, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.dialogs.callbacks import FollowupAction
from citybot.dialogs.filters import menu_key_of
from citybot.dialogs.gates import GatedRouter
from citybot.dialogs.keyboards import main_menu
from citybot.dialogs.states import FollowupFlow
from citybot.i18n import Texts
from citybot.runtime import Runtime
from citybot.services import conversations, notify, relay, workflow
from citybot.services.workflow import Refused
from citybot.storage.models import Report, Resident
from citybot.storage.reports import is_follower, report_of_message

# ---- keyboards ------------------------------------------------------------------------------

def reporter_question(ask: str, report_id: int, texts: Texts) -> InlineKeyboardMarkup:
    """The buttons under the reporter's copy of a status message, answered below: "fixed"
    (after Resolved: 👍 / 👎) or "reopen" (after Rejected). Drawn by citybot.outbox.residents."""
    builder = InlineKeyboardBuilder()
    if ask == "fixed":
        builder.button(text=texts("button-fixed"),
                       callback_data=FollowupAction(action="fixed", report=report_id))
        builder.button(text=texts("button-not-fixed"),
                       callback_data=FollowupAction(action="not_fixed", report=report_id))
    else:
        builder.button(text=texts("button-reopen"),
                       callback_data=FollowupAction(action="reopen", report=report_id))
    return builder.as_markup()


def end_button(report: Report, texts: Texts) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=texts("button-end-conversation"),
                   callback_data=FollowupAction(action="end", report=report.id))
    return builder.as_markup()


# ---- what a message answers -----------------------------------------------------------------

def relayable(message: Message, runtime: Runtime) -> bool:
    """Text or a photo that is not a command or a menu button."""
    text = message.text or message.caption or ""
    if text.startswith("/"):
        return False
    if message.text is not None:
        return menu_key_of(message.text, runtime) is None
    return message.photo is not None


class RepliesToReport(Filter):
    """A reply to a message the bot sent about one of the resident's reports."""

    async def __call__(self, message: Message, bot: Bot, session: AsyncSession,
                       resident: Resident, runtime: Runtime) -> bool | dict:
        replied = message.reply_to_message
        if replied is None or replied.from_user is None or replied.from_user.id != bot.id:
            return False
        report = await report_of_message(session=session, chat_id=message.chat.id,
                                         message_id=replied.message_id)
        if report is None or not await is_follower(session=session, report_id=report.id,
                                                   resident_id=resident.id):
            return False
        return {"report": report}


class InReportConversation(Filter):
    """Text while the resident's conversation about a report is open."""

    async def __call__(self, message: Message, session: AsyncSession, resident: Resident,
                       runtime: Runtime) -> bool | dict:
        current = relay.conversation_of(resident)
        if current is None or current[0] != "report" or not relayable(message, runtime):
            return False
        report = await session.get(Report, current[1])
        if report is None or not await is_follower(session=session, report_id=report.id,
                                                   resident_id=resident.id):
            return False
        return {"report": report}


# ---- relaying -------------------------------------------------------------------------------

async def on_answer(message: Message, report: Report, session: AsyncSession,
                    resident: Resident, texts: Texts, runtime: Runtime) -> None:
    if not relayable(message, runtime):
        await message.answer(texts("followup-text-photo-only"))
        return
    await relay.to_staff(session=session, runtime=runtime, report=report, resident=resident,
                         text=message.text or message.caption or "",
                         photo=message.photo[-1].file_id if message.photo else None,
                         chat_id=message.chat.id, message_id=message.message_id)
    await message.answer(texts("followup-passed", number=str(report.id)),
                         reply_markup=end_button(report, texts))


async def on_end(query: CallbackQuery, callback_data: FollowupAction, session: AsyncSession,
                 resident: Resident, texts: Texts) -> None:
    relay.close_conversation(session, resident, "report", callback_data.report)
    await query.answer()
    await query.message.edit_reply_markup(reply_markup=None)
    await query.message.answer(texts("followup-ended", number=str(callback_data.report)),
                               reply_markup=main_menu(texts))


# ---- 👍 / 👎 and reopening ------------------------------------------------------------------

def ended(answer: str, session: AsyncSession, resident: Resident, report: Report,
          texts: Texts) -> str:
    """Confirming or reopening ends the resident's conversation about the report: the answer
    says so when one was open."""
    if conversations.end_by_resident(session, resident, report):
        return answer + "\n\n" + texts("conversation-ended-by-you", number=str(report.id))
    return answer


async def own_report(query: CallbackQuery, number: int, session: AsyncSession,
                     resident: Resident, texts: Texts) -> Report | None:
    report = await session.get(Report, number)
    if report is None or report.reporter_id != resident.id:
        await query.answer(texts("followup-not-reporter", number=str(number)), show_alert=True)
        return None
    return report


async def on_fixed(query: CallbackQuery, callback_data: FollowupAction, session: AsyncSession,
                   resident: Resident, texts: Texts, runtime: Runtime) -> None:
    report = await own_report(query, callback_data.report, session, resident, texts)
    if report is None:
        return
    if not await workflow.confirm_fixed(session=session, report=report, resident=resident):
        await query.answer(texts("followup-nothing-to-confirm", number=str(report.id)),
                           show_alert=True)
        return
    staff = notify.staff_texts(runtime)
    await notify.post_to_thread(session=session, runtime=runtime, report=report,
                                text=staff("thread-confirmed", number=str(report.id)),
                                dedupe_key=f"confirmed:{report.id}:{query.message.message_id}")
    await query.answer()
    await query.message.edit_reply_markup(reply_markup=None)
    await query.message.answer(ended(texts("followup-thanks", number=str(report.id)),
                                     session, resident, report, texts))


async def on_not_fixed(query: CallbackQuery, callback_data: FollowupAction, state: FSMContext,
                       session: AsyncSession, resident: Resident, texts: Texts,
                       runtime: Runtime) -> None:
    """👎 or Reopen: ask what is still wrong; the answer reopens the report."""
    report = await own_report(query, callback_data.report, session, resident, texts)
    if report is None:
        return
    if not workflow.can_reopen(report, resident, runtime.config):
        key = "followup-too-late" if report.status in workflow.REOPENABLE \
            else "followup-cannot-reopen"
        status = texts(f"status-{report.status}")
        await query.answer(texts(key, number=str(report.id), status=status,
                                 days=runtime.config.reports.reopen_days), show_alert=True)
        return
    await state.set_state(FollowupFlow.reopen_reason)  # saved before the bot speaks
    await state.update_data(reopen=report.id)
    await query.answer()
    await query.message.edit_reply_markup(reply_markup=None)
    await query.message.answer(texts("followup-ask-reason", number=str(report.id)))


async def on_reason(message: Message, state: FSMContext, session: AsyncSession,
                    resident: Resident, texts: Texts, runtime: Runtime) -> None:
    number = (await state.get_data()).get("reopen")
    report = await session.get(Report, number) if number else None
    await state.clear()
    if report is None:
        return
    reason = message.text.strip()
    try:
        change = await workflow.reopen(session=session, report=report, resident=resident,
                                       reason=reason, config=runtime.config)
    except Refused as refusal:
        details = {**refusal.details, "status": texts(f"status-{report.status}")}
        await message.answer(texts(refusal.key, **details))
        return
    await notify.status_changed(session=session, runtime=runtime, change=change,
                                skip_resident=resident.id)
    staff = notify.staff_texts(runtime)
    await notify.post_to_thread(session=session, runtime=runtime, report=report,
                                text=staff("thread-reopened", number=str(report.id), reason=reason),
                                resident_id=resident.id, dedupe_key=f"reopened:{change.event.id}")
    await message.answer(ended(texts("followup-reopened", number=str(report.id)),
                               session, resident, report, texts),
                         reply_markup=main_menu(texts))


async def on_reason_not_text(message: Message, texts: Texts) -> None:
    await message.answer(texts("followup-reason-in-words"))


async def on_unknown_followup(query: CallbackQuery, texts: Texts) -> None:
    await query.answer(texts("button-expired"))


def build_router() -> Router:
    """A new router each time: every Dispatcher gets its own."""
    router = GatedRouter(name="followup")
    router.message.register(on_reason, FollowupFlow.reopen_reason, F.text,
                            ~F.text.startswith("/"))
    router.message.register(on_reason_not_text, FollowupFlow.reopen_reason,
                            ~F.text.startswith("/"))
    router.message.register(on_answer, RepliesToReport())
    router.message.register(on_answer, StateFilter(None), InReportConversation())
    router.callback_query.register(on_fixed, FollowupAction.filter(F.action == "fixed"))
    router.callback_query.register(
        on_not_fixed, FollowupAction.filter(F.action.in_({"not_fixed", "reopen"})))
    router.callback_query.register(on_end, FollowupAction.filter(F.action == "end"))
    router.callback_query.register(on_unknown_followup, FollowupAction.filter())
    return router
