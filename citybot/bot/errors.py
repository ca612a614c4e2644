"""The last line of defence: log the failure, tell the person politely, lose nothing.

An update that failed because the database or Redis could not be reached (outages.is_outage)
is not apologised for in webhook mode while nothing of it was committed: the error is left
to the webhook, which answers 500, and Telegram sends the update again until it is handled
(its work and its processed_updates claim were rolled back together). Polling has no such
second delivery, so there the resident is told, in their language, to try again.

An update whose first Bot API call was made has its work so far committed, claim included
(SaveBeforeSpeaking): a re-sent copy would be skipped, so it is apologised for in both modes.
pipeline.update.HoldUntilSaved keeps that moment after the update's database work, so such a
half-done update is rare: its database went away between two replies of one handler.
"""

from __future__ import annotations

import logging

from aiogram import Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.types import ErrorEvent

from citybot.bot.outages import describe, is_outage
from citybot.bot.pipeline.scope import UpdateScope
from citybot.dialogs.gates import GatedRouter
from citybot.i18n import Texts, pick_language
from citybot.runtime import Runtime

log = logging.getLogger("citybot.errors")


def left_to_telegram(error: BaseException, telegram_resends: bool,
                     scope: UpdateScope | None) -> bool:
    """Should this failure be answered with 500, for Telegram to send the update again?"""
    return telegram_resends and is_outage(error) and not (scope is not None and scope.committed)


async def on_error(event: ErrorEvent, runtime: Runtime, telegram_resends: bool = False,
                   update_scope: UpdateScope | None = None, texts: Texts | None = None) -> bool:
    update = event.update
    if update_scope is not None and update_scope.done:
        # handled and saved; what failed came after (Redis gone before the chat's lock was
        # released): nothing to apologise for, nothing to send again
        log.warning("update_id=%s handled and saved, then failed: %s", update.update_id,
                    describe(event.exception))
        return True
    if left_to_telegram(event.exception, telegram_resends, update_scope):
        log.warning("update_id=%s not handled, database or Redis unreachable (%s): "
                    "Telegram will send it again", update.update_id, describe(event.exception))
        raise SkipHandler  # not handled here: the webhook answers 500
    log.exception(
        "handler failed update_id=%s error=%r", update.update_id, event.exception,
        exc_info=event.exception,
    )
    message = update.message or (update.callback_query and update.callback_query.message)
    user = update.message.from_user if update.message else (
        update.callback_query.from_user if update.callback_query else None
    )
    if texts is None:  # the resident's own choice was not read (the database was away)
        language = pick_language(
            user.language_code if user else None, runtime.config.city.default_language
        )
        texts = runtime.translator(language)
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(texts("error-generic"), show_alert=True)
        elif message is not None and message.chat.type == "private":
            await message.answer(texts("error-generic"))
    except Exception:
        log.warning("could not apologise for update_id=%s", update.update_id)
    return True


def build_router() -> Router:
    """A new router each time: every Dispatcher gets its own."""
    router = GatedRouter(name="errors")
    router.errors.register(on_error)
    return router
