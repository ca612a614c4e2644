"""The courier's deliveries of broadcasts into the staff group:

- "staff_digest": a department's digest, in its queue topic (found or created when sent), and
  last its statistics' charts as one image (payload "chart");
- "broadcast_summary": how a digest run or an announcement went, in the digest topic
  (`staff.digest_topic_id`, else the helpdesk topic).
"""

from __future__ import annotations

import asyncio

from aiogram import Bot
from aiogram.types import BufferedInputFile
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.outbox.topics import helpdesk_thread, queue_thread
from citybot.runtime import Runtime
from citybot.services import charts, public
from citybot.storage.models import OutboxMessage


async def deliver_staff_digest(bot: Bot, runtime: Runtime, session: AsyncSession,
                               message: OutboxMessage) -> int | None:
    thread_id = await queue_thread(bot, runtime, session, message.payload["department"],
                                   message.chat_id)
    if message.payload.get("chart"):  # the statistics' charts, as on the public /stats page
        department = message.payload["department"]
        stats = await public.statistics(session=session, department=department)
        await session.commit()  # the database is not held while Telegram answers
        texts = runtime.translator(runtime.config.city.default_language)
        png = await asyncio.to_thread(charts.digest_png, stats, texts)
        name = runtime.config.department(department).name.get(texts.lang)
        sent = await bot.send_photo(message.chat_id, BufferedInputFile(png, "stats.png"),
                                    caption=texts("stats-digest-caption", department=name),
                                    message_thread_id=thread_id)
        return sent.message_id
    await session.commit()  # the database is not held while Telegram answers
    sent = await bot.send_message(message.chat_id, message.payload["text"],
                                  message_thread_id=thread_id)
    return sent.message_id


async def deliver_summary(bot: Bot, runtime: Runtime, session: AsyncSession,
                          message: OutboxMessage) -> int | None:
    thread_id = runtime.config.staff.digest_topic_id or await helpdesk_thread(
        bot, runtime, session, message.chat_id)
    await session.commit()
    sent = await bot.send_message(message.chat_id, message.payload["text"],
                                  message_thread_id=thread_id)
    return sent.message_id
