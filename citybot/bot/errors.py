"""The last line of defence: log the failure, tell the person politely, lose nothing."""

from __future__ import annotations

import logging

from aiogram import Router
from aiogram.types import ErrorEvent

from citybot.context import Services
from citybot.i18n import pick_language

log = logging.getLogger("citybot.errors")


async def on_error(event: ErrorEvent, services: Services) -> bool:
    update = event.update
    log.exception(
        "handler failed update_id=%s error=%r", update.update_id, event.exception,
        exc_info=event.exception,
    )
    message = update.message or (update.callback_query and update.callback_query.message)
    user = update.message.from_user if update.message else (
        update.callback_query.from_user if update.callback_query else None
    )
    language = pick_language(
        user.language_code if user else None, services.config.city.default_language
    )
    texts = services.translator(language)
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
    router = Router(name="errors")
    router.errors.register(on_error)
    return router
