"""The courier's deliveries of the staff desk: drawn from the database when they are sent, so a
late or retried message shows the latest state and lands where the card stands now.

- "thread": a notice under the card, in its department's topic;
- "helpdesk": a message in the helpdesk topic, or a conversation's header card (posted or
  re-drawn, with its Close button while the conversation is open).
"""

from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram.types import InlineKeyboardMarkup, Message, ReplyParameters
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.dialogs.callbacks import HelpdeskAction
from citybot.dialogs.wording import local_time
from citybot.i18n import Texts
from citybot.outbox.topics import helpdesk_thread, queue_thread
from citybot.runtime import Runtime
from citybot.services.notify import CAPTION_LIMIT, staff_texts
from citybot.storage.models import Handoff, HandoffStatus, OutboxMessage, Report


async def send(bot: Bot, session: AsyncSession, message: OutboxMessage, chat_id: int,
               thread_id: int | None, reply_to: int | None) -> Message:
    """The payload's text, or its photo with the text as caption (a long text follows the photo;
    the step done is remembered, so a retry does not post the photo twice)."""
    payload: dict[str, Any] = message.payload
    reply = ReplyParameters(message_id=reply_to, allow_sending_without_reply=True) \
        if reply_to else None
    await session.commit()  # the database is not held while Telegram answers
    text, photo = payload.get("text") or "", payload.get("photo")
    if photo and not payload.get("photo_sent"):
        if len(text) <= CAPTION_LIMIT:
            return await bot.send_photo(chat_id, photo, caption=text or None,
                                        message_thread_id=thread_id, reply_parameters=reply)
        await bot.send_photo(chat_id, photo, message_thread_id=thread_id, reply_parameters=reply)
        message.payload = {**payload, "photo_sent": True}
        session.add(message)
        await session.commit()
    return await bot.send_message(chat_id, text, message_thread_id=thread_id,
                                  reply_parameters=reply)


async def deliver_to_thread(bot: Bot, runtime: Runtime, session: AsyncSession,
                            message: OutboxMessage) -> int | None:
    report = await session.get(Report, message.payload["report_id"])
    chat_id = report.card_chat_id or message.chat_id
    if report.card_message_id is not None:
        thread_id, reply_to = report.card_thread_id, report.card_message_id
    else:
        thread_id = await queue_thread(bot, runtime, session, report.department, chat_id)
        reply_to = None
    sent = await send(bot, session, message, chat_id, thread_id, reply_to)
    return sent.message_id


# ---- the helpdesk ---------------------------------------------------------------------------

def header_text(handoff: Handoff, texts: Texts, runtime: Runtime) -> str:
    language = runtime.translator(handoff.language)("language-name")
    lines = [texts("helpdesk-header", number=str(handoff.id), language=language),
             texts("helpdesk-opened", when=local_time(handoff.opened_at,
                                                      runtime.config.city.timezone, texts.lang))]
    if handoff.first_text:
        lines.append(texts("helpdesk-first-message", text=handoff.first_text))
    if handoff.status == HandoffStatus.open:
        lines.append(texts("helpdesk-howto"))
    elif handoff.closed_by == "staff":
        lines.append(texts("helpdesk-closed-by", name=handoff.closed_by_name or "—"))
    else:
        lines.append(texts("helpdesk-ended-by-resident", number=str(handoff.id)))
    return "\n".join(lines)


def close_button(handoff: Handoff, texts: Texts) -> InlineKeyboardMarkup | None:
    if handoff.status != HandoffStatus.open:
        return None
    builder = InlineKeyboardBuilder()
    builder.button(text=texts("button-close-conversation"),
                   callback_data=HelpdeskAction(action="close", handoff=handoff.id))
    return builder.as_markup()


async def deliver_to_helpdesk(bot: Bot, runtime: Runtime, session: AsyncSession,
                              message: OutboxMessage) -> int | None:
    handoff = await session.get(Handoff, message.payload["handoff_id"])
    texts = staff_texts(runtime)
    chat_id = handoff.chat_id or message.chat_id
    if message.payload.get("header"):
        text, markup = header_text(handoff, texts, runtime), close_button(handoff, texts)
        if handoff.card_message_id is not None:
            await session.commit()  # the database is not held while Telegram answers
            await bot.edit_message_text(text, chat_id=chat_id,
                                        message_id=handoff.card_message_id, reply_markup=markup)
            return handoff.card_message_id
        thread_id = await helpdesk_thread(bot, runtime, session, chat_id)
        await session.commit()
        sent = await bot.send_message(chat_id, text, message_thread_id=thread_id,
                                      reply_markup=markup)
        handoff.chat_id, handoff.thread_id = chat_id, thread_id
        handoff.card_message_id = sent.message_id
        session.add(handoff)
        return sent.message_id
    if handoff.card_message_id is not None:
        thread_id, reply_to = handoff.thread_id, handoff.card_message_id
    else:
        thread_id, reply_to = await helpdesk_thread(bot, runtime, session, chat_id), None
    sent = await send(bot, session, message, chat_id, thread_id, reply_to)
    return sent.message_id
