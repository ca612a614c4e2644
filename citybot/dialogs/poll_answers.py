"""Residents' answers to city polls: Telegram's poll_answer updates (a vote, a changed vote,
or a retraction with no options), counted once per resident by citybot.services.polls. An
answer that cannot count (the poll closed meanwhile) is answered politely in a message."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import PollAnswer, Update
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.dialogs.gates import GatedRouter
from citybot.i18n import Texts
from citybot.services import polls


async def on_poll_answer(answer: PollAnswer, event_update: Update, session: AsyncSession,
                         texts: Texts) -> None:
    if answer.user is None:
        return  # a vote cast as a channel: polls go to residents' private chats only
    result = await polls.record_answer(session=session, telegram_poll_id=answer.poll_id,
                                       user_id=answer.user.id, option_ids=answer.option_ids,
                                       update_id=event_update.update_id)
    if result.outcome == "closed" and answer.option_ids:
        await answer.bot.send_message(answer.user.id, texts("poll-closed-answer"))
    elif result.outcome == "invalid":
        await answer.bot.send_message(answer.user.id, texts("poll-invalid-answer"))


def build_router() -> Router:
    """A new router each time: every Dispatcher gets its own."""
    router = GatedRouter(name="poll_answers")
    router.poll_answer.register(on_poll_answer)
    return router
