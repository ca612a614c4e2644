"""Where staff messages land: a department's queue (a forum topic of the staff group, created on
first use and remembered; with a plain group, the card carries the department's hashtag) and the
helpdesk topic (from config, or created on first use)."""

from __future__ import annotations

import logging

from aiogram import Bot
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.runtime import Runtime
from citybot.services.notify import staff_texts
from citybot.storage.topics import get_topic, remember_topic

log = logging.getLogger("citybot.queues")

HELPDESK = "@helpdesk"  # its topic is remembered like a department's (no department id has "@")
PROPOSALS = "@proposals"  # the moderators' topic of residents' proposals
POLLS = "@polls"  # closed polls' results


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


async def helpdesk_thread(bot: Bot, runtime: Runtime, session: AsyncSession,
                          chat_id: int) -> int | None:
    """The helpdesk topic: from config, or created on first use and remembered."""
    if runtime.config.staff.helpdesk_topic_id is not None:
        return runtime.config.staff.helpdesk_topic_id
    if not await is_forum(bot, runtime, chat_id):
        return None
    thread_id = await get_topic(session=session, department=HELPDESK, chat_id=chat_id)
    if thread_id is None:
        topic = await bot.create_forum_topic(chat_id, name=staff_texts(runtime)(
            "helpdesk-topic-name")[:128])
        thread_id = topic.message_thread_id
        await remember_topic(session=session, department=HELPDESK, chat_id=chat_id,
                             thread_id=thread_id)
        await session.commit()  # a topic is created once, even if the message fails next
    return thread_id


async def proposals_thread(bot: Bot, runtime: Runtime, session: AsyncSession,
                           chat_id: int) -> int | None:
    """The "Proposals" topic: from config, or created on first use and remembered."""
    return await _named_thread(bot, runtime, session, chat_id, PROPOSALS,
                               "proposals-topic-name", runtime.config.proposals.topic_id)


async def polls_thread(bot: Bot, runtime: Runtime, session: AsyncSession,
                       chat_id: int) -> int | None:
    """The "City polls" topic, where closed polls' results go: created on first use."""
    return await _named_thread(bot, runtime, session, chat_id, POLLS, "polls-topic-name", None)


async def _named_thread(bot: Bot, runtime: Runtime, session: AsyncSession, chat_id: int,
                        key: str, name: str, configured: int | None) -> int | None:
    if configured is not None:
        return configured
    if not await is_forum(bot, runtime, chat_id):
        return None
    thread_id = await get_topic(session=session, department=key, chat_id=chat_id)
    if thread_id is None:
        topic = await bot.create_forum_topic(chat_id, name=staff_texts(runtime)(name)[:128])
        thread_id = topic.message_thread_id
        await remember_topic(session=session, department=key, chat_id=chat_id,
                             thread_id=thread_id)
        await session.commit()  # a topic is created once, even if the message fails next
        log.info("topic created key=%s thread_id=%s", key, thread_id)
    return thread_id
