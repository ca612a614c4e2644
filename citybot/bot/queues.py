"""Posting reports into their department's queue: a forum topic of the staff group, created on
first use and remembered; with a plain group, the card carries the department's hashtag."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.types import InputMediaPhoto, ReplyParameters
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.dialogs.cards import card_keyboard, card_text
from citybot.runtime import Runtime
from citybot.services.notify import staff_texts
from citybot.storage.models import OutboxMessage, Report, ReportPhoto
from citybot.storage.topics import get_topic, remember_topic

log = logging.getLogger("citybot.queues")


async def is_forum(bot: Bot, runtime: Runtime, chat_id: int) -> bool:
    cached = runtime.forums.get(chat_id)
    if cached is None:
        chat = await bot.get_chat(chat_id)
        cached = runtime.forums[chat_id] = bool(chat.is_forum)
    return cached


async def queue_thread(
    bot: Bot, runtime: Runtime, session: AsyncSession, department_id: str, chat_id: int
) -> int | None:
    """The topic of the department's queue, or None when the staff chat is not a forum."""
    department = runtime.config.department(department_id)
    if department.topic_id is not None:
        return department.topic_id
    if not await is_forum(bot, runtime, chat_id):
        return None
    thread_id = await get_topic(session=session, department=department_id, chat_id=chat_id)
    if thread_id is None:
        name = department.name.get(staff_texts(runtime).lang)
        topic = await bot.create_forum_topic(chat_id, name=name[:128])
        thread_id = topic.message_thread_id
        await remember_topic(session=session, department=department_id, chat_id=chat_id,
                             thread_id=thread_id)
        await session.commit()  # a topic is created once, even if the card fails next
        log.info("queue topic created department=%s thread_id=%s", department_id, thread_id)
    return thread_id


async def deliver_card(
    bot: Bot, runtime: Runtime, session: AsyncSession, message: OutboxMessage
) -> int | None:
    """Post the card, then its photos as an album under it. Each step is committed as soon as
    Telegram confirms it, so a retry after a failure resumes instead of posting twice."""
    report = await session.get(Report, message.payload["report_id"])
    photos = (await session.exec(select(ReportPhoto).where(ReportPhoto.report_id == report.id)
                                 .order_by(ReportPhoto.position))).all()
    chat_id = message.chat_id
    texts = staff_texts(runtime)
    if report.card_message_id is None:
        thread_id = await queue_thread(bot, runtime, session, report.department, chat_id)
        text = card_text(report, len(photos), texts, runtime, hashtag=thread_id is None)
        sent = await bot.send_message(chat_id, text, message_thread_id=thread_id,
                                      reply_markup=card_keyboard(report, texts))
        report.card_chat_id, report.card_thread_id = chat_id, thread_id
        report.card_message_id = sent.message_id
        session.add(report)
        await session.commit()
    if photos and not message.payload.get("photos_posted"):
        caption = texts("card-photos-caption", number=report.id)
        media = [InputMediaPhoto(media=photo.file_id, caption=caption if i == 0 else None)
                 for i, photo in enumerate(photos)]
        reply = ReplyParameters(message_id=report.card_message_id, allow_sending_without_reply=True)
        if len(media) == 1:
            await bot.send_photo(chat_id, photos[0].file_id, caption=caption,
                                 message_thread_id=report.card_thread_id, reply_parameters=reply)
        else:
            await bot.send_media_group(chat_id, media, message_thread_id=report.card_thread_id,
                                       reply_parameters=reply)
        message.payload = {**message.payload, "photos_posted": True}
        session.add(message)
    return report.card_message_id
