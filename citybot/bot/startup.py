"""What `citybot run` (and the sandbox) check and prepare before the first update: the staff
chat is reachable (and cards it once rejected go out again), the NLU model is loaded — so
that a newcomer's mistake is told in the log at once, and no resident waits for a model."""

from __future__ import annotations

import logging
import time

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError

from citybot.runtime import Runtime
from citybot.storage import outbox

log = logging.getLogger("citybot.bot")


async def check_staff_chat(bot: Bot, runtime: Runtime) -> bool:
    """getChat on the staff chat: one warning when the bot cannot reach it; when it can, the
    cards Telegram rejected with "chat not found" (a wrong id before) are queued again."""
    chat_id = runtime.staff_chat_id
    try:
        chat = await bot.get_chat(chat_id)
    except TelegramAPIError as error:
        log.warning("staff chat %s cannot be reached (%s): cards will not be posted until "
                    "STAFF_CHAT_ID (or staff.chat_id in the config) names a group the bot is in",
                    chat_id, error.message)
        return False
    async with runtime.sessions() as session:
        count = await outbox.requeue_lost_cards(session=session, staff_chat_id=chat_id)
        await session.commit()
    log.info("staff chat reachable id=%s forum=%s", chat_id, bool(chat.is_forum))
    if count:
        log.info("cards rejected by a wrong staff chat queued again count=%s", count)
        runtime.wake_courier()
    return True


async def load_nlu(runtime: Runtime) -> float:
    """Load (or, the first time, train) the built-in NLU model now, with a log line and its
    time, rather than on a resident's first message. Returns the seconds it took."""
    builtin = getattr(runtime.nlu, "fallback", runtime.nlu)  # behind Rasa, it is the fallback
    start = getattr(builtin, "start", None)
    if start is None:
        return 0.0
    began = time.perf_counter()
    log.info("NLU model loading (trained once when not cached, a few seconds)")
    await start()
    seconds = time.perf_counter() - began
    log.info("NLU model ready seconds=%.2f", seconds)
    return seconds
