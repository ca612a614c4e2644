"""Staff replies: an official's reply to a card, or to any relayed message in its thread, reaches
the resident (text or photo); in the helpdesk topic it reaches the resident of that
conversation, which staff close with a button."""

from __future__ import annotations

import contextlib

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.types import CallbackQuery, Message, ReactionTypeEmoji
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.dialogs.callbacks import HelpdeskAction
from citybot.dialogs.gates import GatedRouter
from citybot.i18n import Texts
from citybot.runtime import Runtime
from citybot.services import handoffs, relay
from citybot.services.workflow import Actor
from citybot.storage import audit
from citybot.storage.models import Handoff, HandoffStatus


def answers_something(message: Message) -> bool:
    """A real reply: in a forum topic, a message that replies to nothing still carries the
    topic's first message as `reply_to_message`."""
    replied = message.reply_to_message
    return replied is not None and replied.forum_topic_created is None and \
        replied.message_id != message.message_thread_id


async def acknowledge(message: Message) -> None:
    """A 👍 on the official's message: it is on its way (a failure is reported in the thread)."""
    with contextlib.suppress(TelegramAPIError):
        await message.react([ReactionTypeEmoji(emoji="👍")])


async def on_staff_reply(message: Message, bot: Bot, session: AsyncSession, runtime: Runtime,
                         texts: Texts, actor: Actor) -> None:
    replied = message.reply_to_message
    thread = await relay.staff_thread_of(session=session, chat_id=message.chat.id,
                                         message_id=replied.message_id)
    if thread is None:
        if replied.from_user is not None and replied.from_user.id == bot.id:
            await message.reply(texts("staff-reply-unknown"))
        return
    text = message.text or message.caption or ""
    photo = message.photo[-1].file_id if message.photo else None
    if not text.strip() and photo is None:
        await message.reply(texts("staff-relay-text-photo-only"))
        return
    where = {"chat_id": message.chat.id, "message_id": message.message_id}
    report = thread.report
    if thread.handoff is None and not thread.erased and report.source \
            and (thread.resident_id or report.reporter_id) is None:
        # filed by a city system over Open311: no one to write to
        await message.reply(texts("open311-staff-no-resident", number=str(report.id),
                                  source=report.source or "open311"))
        return
    resident = None
    if not thread.erased and thread.handoff is None:
        resident = await relay.resident_to_reach(
            session=session, resident_id=thread.resident_id or report.reporter_id)
    if thread.erased or (thread.handoff is None and resident is None):
        await message.reply(texts("staff-resident-erased",
                                  number=str(report.id) if report else "—"))
        return
    if thread.handoff is not None:
        if thread.handoff.status == HandoffStatus.closed:
            await message.reply(texts("helpdesk-closed-already", number=str(thread.handoff.id)))
            return
        await handoffs.from_staff(session=session, runtime=runtime, handoff=thread.handoff,
                                  text=text, photo=photo, actor=actor, **where)
    else:
        audit.record(session, official_id=actor.telegram_id, action="reply", report_id=report.id)
        if resident.blocked_bot:
            await message.reply(texts("staff-resident-blocked", number=str(report.id)))
        await relay.to_resident(session=session, runtime=runtime, report=report,
                                resident=resident, text=text, photo=photo, actor=actor, **where)
    await acknowledge(message)


async def on_close(query: CallbackQuery, callback_data: HelpdeskAction, session: AsyncSession,
                   runtime: Runtime, own_texts: Texts, actor: Actor) -> None:
    handoff = await session.get(Handoff, callback_data.handoff)
    if handoff is None:
        await query.answer(own_texts("button-expired"))
        return
    closed = await handoffs.close(session=session, runtime=runtime, handoff=handoff, by=actor)
    await query.answer(own_texts("helpdesk-closed" if closed else "helpdesk-closed-already",
                             number=str(handoff.id)))


async def on_unknown_helpdesk(query: CallbackQuery, own_texts: Texts) -> None:
    await query.answer(own_texts("button-expired"))


def build_router() -> Router:
    """A new router each time: every Dispatcher gets its own."""
    router = GatedRouter(name="staff_relay")
    # staff talking among themselves in a topic (replying to nothing) is left alone
    router.message.register(on_staff_reply, ~F.text.startswith("/"), answers_something)
    router.callback_query.register(on_close, HelpdeskAction.filter(F.action == "close"))
    router.callback_query.register(on_unknown_helpdesk, HelpdeskAction.filter())
    return router
