"""Two card buttons that teach the NLU: "Category" (pick another one; the card is re-drawn,
and moves to the category's department when that is another one) and "Not a report" (rejected
with a note for the resident). Each correction is stored as a labelled example for review
(citybot.services.nlu_feedback)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.dialogs.callbacks import StaffAction
from citybot.dialogs.gates import GatedRouter
from citybot.dialogs.staff.actions import announce, done_text, load, refusal_text
from citybot.i18n import Texts
from citybot.runtime import Runtime
from citybot.services import nlu_feedback, notify, workflow
from citybot.services.workflow import Actor, Refused


async def on_pick_category(query: CallbackQuery, callback_data: StaffAction,
                           session: AsyncSession, runtime: Runtime, texts: Texts,
                           own_texts: Texts) -> None:
    report = await load(query, callback_data.report, session, own_texts)
    if report is None:
        return
    try:
        workflow.check(report, "recategorise")
    except Refused as refusal:
        await query.answer(refusal_text(own_texts, refusal), show_alert=True)
        return
    builder = InlineKeyboardBuilder()
    for category in runtime.config.categories:
        if category.id != report.category:
            builder.button(text=f"{category.emoji} {category.name.get(texts.lang)}",
                           callback_data=StaffAction(action="set_category", report=report.id,
                                                     value=category.id))
    builder.adjust(2)
    await query.answer()
    await query.message.answer(texts("staff-pick-category", number=str(report.id)),
                               reply_markup=builder.as_markup())


async def on_set_category(query: CallbackQuery, callback_data: StaffAction,
                          session: AsyncSession, runtime: Runtime, texts: Texts,
                          own_texts: Texts, actor: Actor) -> None:
    report = await load(query, callback_data.report, session, own_texts)
    if report is None:
        return
    config = runtime.config
    try:
        await nlu_feedback.change_category(session=session, report=report,
                                                    category=callback_data.value, actor=actor,
                                                    config=config)
    except Refused as refusal:
        await query.answer(refusal_text(own_texts, refusal), show_alert=True)
        return
    await notify.refresh_card(session=session, runtime=runtime, report=report)
    department = config.department_for(report.category, report.district).id
    if department != report.department:
        moved = await workflow.reassign(session=session, report=report, department=department,
                                        actor=actor, config=config)
        await notify.moved(session=session, runtime=runtime, change=moved)
    await query.answer()
    category = config.category(report.category)
    await query.message.edit_text(texts(
        "staff-category-changed", number=str(report.id),
        category=f"{category.emoji} {category.name.get(texts.lang)}",
        department=config.department(report.department).name.get(texts.lang),
    ))


async def on_not_a_report(query: CallbackQuery, callback_data: StaffAction,
                          session: AsyncSession, runtime: Runtime, texts: Texts,
                          own_texts: Texts, actor: Actor) -> None:
    report = await load(query, callback_data.report, session, own_texts)
    if report is None:
        return
    note = runtime.translator(report.language)("staff-not-a-report-note")  # the resident reads it
    try:
        change = await nlu_feedback.not_a_report(session=session, report=report, actor=actor,
                                                 note=note)
    except Refused as refusal:
        await query.answer(refusal_text(own_texts, refusal), show_alert=True)
        return
    await announce(session, runtime, change)
    await query.answer(done_text(own_texts, report))


def build_router() -> Router:
    """A new router each time: every Dispatcher gets its own."""
    router = GatedRouter(name="staff_recategorise")
    router.callback_query.register(on_pick_category, StaffAction.filter(F.action == "category"))
    router.callback_query.register(on_set_category,
                                   StaffAction.filter(F.action == "set_category"))
    router.callback_query.register(on_not_a_report, StaffAction.filter(F.action == "not_report"))
    return router
