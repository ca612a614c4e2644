"""Deliveries to residents that are drawn when sent (most messages to residents are queued as
ready Bot API calls: see citybot.outbox.kinds).

- "draft_reminder": a draft left alone, with Continue / Cancel buttons, in the resident's
  language of the moment;
- "reporter_question": the reporter's copy of a resolution ("Is it fixed?" 👍 / 👎) or of a
  rejection (Reopen), its text written when queued (citybot.services.notify: status_changed),
  its buttons drawn here (citybot.dialogs.followup answers them).
"""

from __future__ import annotations

from aiogram import Bot
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.dialogs.followup import reporter_question
from citybot.dialogs.keyboards import buttons
from citybot.outbox.courier import as_queued
from citybot.runtime import Runtime
from citybot.storage.models import OutboxMessage
from citybot.storage.residents import get_resident


async def deliver_draft_reminder(bot: Bot, runtime: Runtime, session: AsyncSession,
                                 message: OutboxMessage) -> int | None:
    if "text" in message.payload:  # queued ready-made by a version before this one
        return await as_queued(bot, runtime, session, message)
    resident = await get_resident(session=session, telegram_id=message.chat_id)
    texts = runtime.translator(resident.language if resident else None)
    await session.commit()  # the database is not held while Telegram answers
    sent = await bot.send_message(
        message.chat_id, texts("report-draft-reminder", hours=message.payload["hours"]),
        reply_markup=buttons(("button-continue", "resume"), ("button-cancel", "cancel"),
                             texts=texts))
    return sent.message_id


async def deliver_reporter_question(bot: Bot, runtime: Runtime, session: AsyncSession,
                                    message: OutboxMessage) -> int | None:
    payload = message.payload
    markup = reporter_question(payload["ask"], payload["report_id"],
                               runtime.translator(payload.get("lang")))
    await session.commit()  # the database is not held while Telegram answers
    if payload.get("photo"):
        sent = await bot.send_photo(message.chat_id, payload["photo"],
                                    caption=payload.get("caption"), reply_markup=markup)
    else:
        sent = await bot.send_message(message.chat_id, payload["text"], reply_markup=markup)
    return sent.message_id
