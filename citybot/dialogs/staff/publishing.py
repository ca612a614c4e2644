"""/hide N and /publish N [text] in the staff group: what the public site, the exports, the
digests and the Open311 API show of a report (see citybot.services.public). Staff only
(StaffOnly on the staff router); recorded as the report's events. The card has the same as a
button (Hide from the public / Make public)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.dialogs.callbacks import StaffAction
from citybot.dialogs.gates import GatedRouter
from citybot.i18n import Texts
from citybot.runtime import Runtime
from citybot.services import notify, public
from citybot.services.workflow import Actor, Refused
from citybot.storage.models import Report


def _parse(command: CommandObject) -> tuple[int | None, str]:
    number, _, rest = (command.args or "").strip().partition(" ")
    number = number.lstrip("#")
    return (int(number) if number.isdigit() and len(number) < 12 else None), rest.strip()


async def on_hide(message: Message, command: CommandObject, session: AsyncSession,
                  runtime: Runtime, texts: Texts, actor: Actor) -> None:
    number, _ = _parse(command)
    if number is None:
        await message.answer(texts("public-hide-usage"))
        return
    report = await session.get(Report, number)
    if report is None:
        await message.answer(texts("staff-unknown-report", number=str(number)))
        return
    try:
        await public.hide(session=session, report=report, actor=actor)
    except Refused as refusal:
        await message.answer(texts(refusal.key, **refusal.details))
        return
    await notify.refresh_card(session=session, runtime=runtime, report=report)
    await message.answer(texts("public-hidden", number=str(number),
                               name=actor.name or texts("history-staff")))


async def on_publish(message: Message, command: CommandObject, session: AsyncSession,
                     runtime: Runtime, texts: Texts, actor: Actor) -> None:
    number, text = _parse(command)
    if number is None:
        await message.answer(texts("public-publish-usage"))
        return
    report = await session.get(Report, number)
    if report is None:
        await message.answer(texts("staff-unknown-report", number=str(number)))
        return
    try:
        await public.publish(session=session, report=report, actor=actor, text=text or None)
    except Refused as refusal:
        await message.answer(texts(refusal.key, **refusal.details))
        return
    await notify.refresh_card(session=session, runtime=runtime, report=report)
    name = actor.name or texts("history-staff")
    if text:
        await message.answer(texts("public-published-text", number=str(number), name=name,
                                   text=public.public_text(report)))
    else:
        await message.answer(texts("public-published", number=str(number), name=name))


async def on_button(query: CallbackQuery, callback_data: StaffAction, session: AsyncSession,
                    runtime: Runtime, own_texts: Texts, actor: Actor) -> None:
    """The card's Hide / Make public button; the card is drawn again with the other one (the
    alerts are the official's alone: in her language)."""
    texts = own_texts
    report = await session.get(Report, callback_data.report)
    if report is None:
        await query.answer(texts("button-expired"))
        return
    try:
        if callback_data.action == "hide":
            await public.hide(session=session, report=report, actor=actor)
        else:
            await public.publish(session=session, report=report, actor=actor)
    except Refused as refusal:
        await query.answer(texts(refusal.key, **refusal.details), show_alert=True)
        return
    await notify.refresh_card(session=session, runtime=runtime, report=report)
    key = "public-hidden" if callback_data.action == "hide" else "public-published"
    await query.answer(texts(key, number=str(report.id), name=actor.name or texts("history-staff")))


def build_router() -> Router:
    """A new router each time: every Dispatcher gets its own (before the card actions')."""
    router = GatedRouter(name="staff_publishing")
    router.message.register(on_hide, Command("hide"))
    router.message.register(on_publish, Command("publish"))
    router.callback_query.register(on_button,
                                   StaffAction.filter(F.action.in_({"hide", "publish"})))
    return router
