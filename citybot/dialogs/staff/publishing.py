"""/hide N and /publish N [text] in the staff group: what the public site, the exports, the
digests and the Open311 API show of a report (see citybot.services.public). Staff only
(StaffOnly on the staff router); recorded as the report's events."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.i18n import Texts
from citybot.services import public
from citybot.services.workflow import Actor, Refused
from citybot.storage.models import Report


def _parse(command: CommandObject) -> tuple[int | None, str]:
    number, _, rest = (command.args or "").strip().partition(" ")
    number = number.lstrip("#")
    return (int(number) if number.isdigit() and len(number) < 12 else None), rest.strip()


async def on_hide(message: Message, command: CommandObject, session: AsyncSession,
                  texts: Texts, actor: Actor) -> None:
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
    await message.answer(texts("public-hidden", number=str(number),
                               name=actor.name or texts("history-staff")))


async def on_publish(message: Message, command: CommandObject, session: AsyncSession,
                     texts: Texts, actor: Actor) -> None:
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
    name = actor.name or texts("history-staff")
    if text:
        await message.answer(texts("public-published-text", number=str(number), name=name,
                                   text=public.public_text(report)))
    else:
        await message.answer(texts("public-published", number=str(number), name=name))


def build_router() -> Router:
    """A new router each time: every Dispatcher gets its own."""
    router = Router(name="staff_publishing")
    router.message.register(on_hide, Command("hide"))
    router.message.register(on_publish, Command("publish"))
    return router
