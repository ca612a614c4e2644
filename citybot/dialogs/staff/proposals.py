"""Proposals in the staff group: the moderators' card in the "Proposals" topic (Approve, or
Reject with a reason the resident reads) and the department's card once a proposal reached the
threshold (Accepted, Planned with a date, Rejected with reasons: the author and every supporter
read the answer). The cards are drawn here and by the outbox (citybot.outbox.ideas)."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, ForceReply, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.dialogs.callbacks import IdeaStaffAction
from citybot.dialogs.gates import GatedRouter
from citybot.dialogs.states import IdeaStaffFlow
from citybot.dialogs.wording import local_time
from citybot.i18n import Texts
from citybot.runtime import Runtime
from citybot.services import proposals
from citybot.services.notify import staff_texts
from citybot.services.proposals import Refused
from citybot.services.workflow import Actor
from citybot.storage.models import Proposal, ProposalStatus

MODERATION = ("approve", "reject")


def card(proposal: Proposal, texts: Texts, runtime: Runtime, stage: str,
         name: str = "—") -> tuple[str, InlineKeyboardMarkup | None]:
    """The card of `stage` (moderation, department, overdue: the department's again) as it
    stands, with the buttons it needs."""
    district = runtime.config.city.district(proposal.district).name.get(texts.lang)
    builder = InlineKeyboardBuilder()
    if stage == "moderation":
        status = texts(f"idea-staff-status-{proposal.status}", name=name,
                       reason=proposal.reject_reason or "") \
            if proposal.status in (ProposalStatus.rejected, ProposalStatus.pending) \
            else texts("idea-staff-status-published", name=name)
        text = texts("idea-staff-card", number=str(proposal.id), district=district,
                     title=proposal.title, description=proposal.description, status=status)
        actions = MODERATION if proposal.status == ProposalStatus.pending else ()
    else:
        if proposal.status == ProposalStatus.answered:
            status = texts("idea-staff-status-answered", note=proposal.answer_note or "",
                           decision=texts(f"idea-decision-{proposal.answer}"))
        else:
            status = texts("idea-staff-status-threshold")
        department = runtime.config.department(
            proposal.department or proposals.department_of(runtime)).name.get(texts.lang)
        due = local_time(proposal.answer_due_at or proposal.created_at,
                         runtime.config.city.timezone, texts.lang)
        text = texts("idea-staff-department", number=str(proposal.id), supports=proposal.supports,
                     department=department, due=due, title=proposal.title, district=district,
                     description=proposal.description, status=status)
        if stage == "overdue":
            text = f"{texts('idea-staff-overdue', number=str(proposal.id))}\n{text}"
        actions = proposals.ANSWERS if proposal.status == ProposalStatus.threshold else ()
    for action in actions:
        builder.button(text=texts(f"idea-button-{action}"),
                       callback_data=IdeaStaffAction(action=action, proposal=proposal.id))
    return text, builder.as_markup() if actions else None


async def on_approve(query: CallbackQuery, callback_data: IdeaStaffAction, session: AsyncSession,
                     runtime: Runtime, texts: Texts, own_texts: Texts, actor: Actor,
                     bot: Bot) -> None:
    me = await bot.me()
    try:
        proposal = await proposals.approve(session=session, runtime=runtime,
                                           proposal_id=callback_data.proposal,
                                           bot_username=me.username)
    except Refused as refused:
        await query.answer(own_texts(refused.key, **refused.args_), show_alert=True)
        return
    await query.answer()
    text, markup = card(proposal, staff_texts(runtime), runtime, "moderation", actor.name or "—")
    await query.message.edit_text(text, reply_markup=markup)


async def on_ask(query: CallbackQuery, callback_data: IdeaStaffAction, state: FSMContext,
                 session: AsyncSession, texts: Texts, own_texts: Texts) -> None:
    """Reject, or a department's answer: the official writes the note next."""
    proposal = await session.get(Proposal, callback_data.proposal)
    expected = ProposalStatus.pending if callback_data.action == "reject" \
        else ProposalStatus.threshold
    if proposal is None or proposal.status != expected:
        await query.answer(own_texts("idea-already-decided"), show_alert=True)
        return
    await state.set_state(IdeaStaffFlow.note)
    await state.set_data({"proposal": proposal.id, "action": callback_data.action,
                          "card": query.message.message_id})
    number = str(proposal.id)
    if callback_data.action == "reject":
        prompt = texts("idea-staff-ask-reason", number=number)
    elif callback_data.action == "planned":
        prompt = texts("idea-staff-ask-planned", number=number)
    else:
        prompt = texts("idea-staff-ask-answer", number=number,
                       decision=texts(f"idea-decision-{callback_data.action}"))
    await query.answer()
    await query.message.reply(prompt, reply_markup=ForceReply(selective=True))


async def on_idea_note(message: Message, state: FSMContext, session: AsyncSession,
                       runtime: Runtime, texts: Texts, actor: Actor, bot: Bot) -> None:
    data = await state.get_data()
    note, action = message.text or "", data.get("action")
    try:
        if action == "reject":
            proposal = await proposals.reject(session=session, runtime=runtime,
                                              proposal_id=data["proposal"], reason=note)
            stage = "moderation"
        else:
            proposal = await proposals.answer(session=session, runtime=runtime,
                                              proposal_id=data["proposal"], decision=action,
                                              note=note)
            stage = "department"
    except Refused as refused:
        await message.reply(texts(refused.key, **refused.args_))
        if refused.key == "idea-already-decided":
            await state.clear()
        return
    await state.clear()
    text, markup = card(proposal, staff_texts(runtime), runtime, stage, actor.name or "—")
    await message.reply(texts("idea-staff-done", number=str(proposal.id),
                              status=texts(f"idea-decision-{proposal.answer}")
                              if proposal.answer else texts("idea-button-reject")))
    await bot.edit_message_text(text, chat_id=message.chat.id, message_id=data["card"],
                                reply_markup=markup)


async def on_cancel_idea_note(message: Message, state: FSMContext, texts: Texts) -> None:
    await state.clear()
    await message.reply(texts("idea-staff-cancelled"))


def build_router() -> Router:
    """A new router each time: every Dispatcher gets its own."""
    router = GatedRouter(name="staff_proposals")
    router.callback_query.register(on_approve, IdeaStaffAction.filter(F.action == "approve"))
    router.callback_query.register(on_ask, IdeaStaffAction.filter(
        F.action.in_({"reject", *proposals.ANSWERS})))
    router.message.register(on_cancel_idea_note, IdeaStaffFlow.note, Command("cancel"))
    router.message.register(on_idea_note, IdeaStaffFlow.note, F.text, ~F.text.startswith("/"))
    return router
