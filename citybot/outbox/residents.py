"""Deliveries to residents that are drawn when sent (most messages to residents are queued as
ready Bot API calls: see citybot.outbox.kinds).

- "draft_reminder": a draft left alone, with Continue / Cancel buttons, in the resident's
  language of the moment;
- "reporter_question": the reporter's copy of a resolution ("Is it fixed?" 👍 / 👎) or of a
  rejection (Reopen), its text written when queued (citybot.services.notify: status_changed),
  its buttons drawn here (citybot.dialogs.followup answers them);
- "data_copy": a resident's /mydata, everything held about them, built when sent.
"""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import BufferedInputFile, InputMediaDocument
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.dialogs.followup import reporter_question
from citybot.dialogs.keyboards import buttons
from citybot.outbox.courier import as_queued
from citybot.runtime import Runtime
from citybot.services import privacy
from citybot.storage.models import OutboxMessage, Resident
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


async def deliver_data_copy(bot: Bot, runtime: Runtime, session: AsyncSession,
                            message: OutboxMessage) -> int | None:
    """The outbox's delivery of a /mydata copy: built when sent (the data as it is then), as a
    JSON file and a text file in one album. Nothing is sent to a resident erased meanwhile."""
    resident = await session.get(Resident, message.payload["resident_id"])
    if resident is None or resident.telegram_id != message.chat_id:
        return None
    copy = await privacy.copy_of(session=session, runtime=runtime, resident=resident)
    texts = runtime.translator(resident.language)
    day = copy["made_at"][:10]
    files = [
        InputMediaDocument(media=BufferedInputFile(privacy.as_json(copy),
                                                   filename=f"citybot-{day}.json")),
        InputMediaDocument(media=BufferedInputFile(privacy.as_text(copy, texts),
                                                   filename=f"citybot-{day}.txt"),
                           caption=texts("mydata-caption", contact=copy["contact"])),
    ]
    sent = await bot.send_media_group(message.chat_id, files)
    return sent[0].message_id if sent else None
