"""The courier's deliveries of proposals and polls: the moderators' card in the "Proposals" topic,
the department's card in its queue once a proposal reached the threshold (drawn when sent, so a
late card shows the proposal as it stands; a proposal's photo goes first, once), and a closed
poll's results with their chart in the "City polls" topic."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import BufferedInputFile
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.dialogs.staff.proposals import card
from citybot.outbox.topics import polls_thread, proposals_thread, queue_thread
from citybot.runtime import Runtime
from citybot.services import polls, proposals
from citybot.services.notify import CAPTION_LIMIT, staff_texts
from citybot.storage.models import OutboxMessage, Poll, Proposal


async def deliver_proposal_card(bot: Bot, runtime: Runtime, session: AsyncSession,
                                message: OutboxMessage) -> int | None:
    proposal = await session.get(Proposal, message.payload["proposal"])
    stage = message.payload["stage"]
    chat_id = message.chat_id
    if stage == "moderation":
        thread_id = await proposals_thread(bot, runtime, session, chat_id)
    else:
        department = proposal.department or proposals.department_of(runtime)
        thread_id = await queue_thread(bot, runtime, session, department, chat_id)
    text, markup = card(proposal, staff_texts(runtime), runtime, stage)
    if proposal.photo_file_id and not message.payload.get("photo_sent"):
        await session.commit()  # the database is not held while Telegram answers
        await bot.send_photo(chat_id, proposal.photo_file_id, message_thread_id=thread_id)
        message.payload = {**message.payload, "photo_sent": True}
        session.add(message)
    await session.commit()
    sent = await bot.send_message(chat_id, text, message_thread_id=thread_id,
                                  reply_markup=markup)
    return sent.message_id


async def deliver_poll_chart(bot: Bot, runtime: Runtime, session: AsyncSession,
                             message: OutboxMessage) -> int | None:
    poll = await session.get(Poll, message.payload["poll"])
    result = await polls.tally(session=session, poll=poll)
    text = polls.results_text(result, staff_texts(runtime))
    thread_id = await polls_thread(bot, runtime, session, message.chat_id)
    chart = BufferedInputFile(polls.chart_png(result), filename=f"poll-{poll.id}.png")
    await session.commit()  # the database is not held while Telegram answers
    if len(text) <= CAPTION_LIMIT:
        sent = await bot.send_photo(message.chat_id, chart, caption=text,
                                    message_thread_id=thread_id)
        return sent.message_id
    await bot.send_photo(message.chat_id, chart, message_thread_id=thread_id)
    sent = await bot.send_message(message.chat_id, text, message_thread_id=thread_id)
    return sent.message_id
