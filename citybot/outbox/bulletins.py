"""The courier's deliveries of broadcasts into the staff group:

- "staff_digest": a department's digest, in its queue topic (found or created when sent);
- "broadcast_summary": how a digest run or an announcement went, in the digest topic
  (`staff.digest_topic_id`, else the helpdesk topic).
"""

from __future__ import annotations

from aiogram import Bot
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.outbox.topics import helpdesk_thread, queue_thread
from citybot.runtime import Runtime
from citybot.storage.models import OutboxMessage


async def deliver_staff_digest(bot: Bot, runtime: Runtime, session: AsyncSession,
                               message: OutboxMessage) -> int | None:
    thread_id = await queue_thread(bot, runtime, session, message.payload["department"],
                                   message.chat_id)
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
