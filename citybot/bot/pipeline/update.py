"""Update middlewares: around the handling of every update (aiogram's outer middlewares on
`dispatcher.update`), outermost first, as `install` registers them."""

from __future__ import annotations

from typing import Any

from aiogram import BaseMiddleware
from aiogram.fsm.context import FSMContext
from aiogram.types import Chat, TelegramObject, Update, User

from citybot.bot.pipeline.scope import Handler, UpdateScope, current_session, current_update
from citybot.dialogs.staff.access import is_staff
from citybot.dialogs.states import in_force
from citybot.i18n import pick_language
from citybot.runtime import Runtime
from citybot.storage.residents import resident_with_draft
from citybot.storage.updates import claim_update


class AskBeforeSaving(BaseMiddleware):
    """Before an update from the staff group opens its transaction, the sender's membership is
    asked of Telegram (or found in the cache), so that StaffOnly later makes no Bot API call:
    one made inside the transaction would commit the update's claim before its work (see
    SaveBeforeSpeaking), and a database lost in between would leave it claimed, half-done."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        runtime: Runtime = data["runtime"]
        chat = data.get("event_chat")
        user: User | None = data.get("event_from_user")
        if chat is not None and chat.id == runtime.staff_chat_id and user is not None \
                and not user.is_bot:
            await is_staff(data["bot"], runtime, user.id)
        return await handler(event, data)


class HoldUntilSaved(BaseMiddleware):
    """Opens the update's scope (outside DatabaseMiddleware): once the handler returned and its
    work is committed, what was held back is released. When the update fails, it is dropped
    with the rolled-back work, and `data["update_scope"]` tells errors.py how far it got."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        scope = UpdateScope()
        data["update_scope"] = scope
        token = current_update.set(scope)
        try:
            result = await handler(event, data)
            scope.committed = scope.closed = True  # DatabaseMiddleware committed it all
            await scope.release(data["bot"])
            scope.done = True
            return result
        finally:
            scope.closed = True
            current_update.reset(token)


class DatabaseMiddleware(BaseMiddleware):
    """One session per update, committed when the handler succeeds; a re-delivered update
    (same update_id) is skipped, since its id is recorded in the same transaction."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        runtime: Runtime = data["runtime"]
        async with runtime.sessions() as session:
            if isinstance(event, Update) and not await claim_update(
                session=session, bot_id=data["bot"].id, update_id=event.update_id
            ):
                return None
            data["session"] = session
            token = current_session.set(session)
            try:
                result = await handler(event, data)
            finally:
                current_session.reset(token)
            if session.in_transaction():  # else committed already, before the bot spoke
                await session.commit()
            if session.info.pop("outbox_touched", False):
                runtime.wake_courier()  # what the handler queued in the outbox goes out now
        return result


class PeopleMiddleware(BaseMiddleware):
    """Resolves the resident (private chats), the conversation's state and the wording in their
    language. The resident's report draft comes in the same statement as the resident
    (`data["draft"]`, for the report's dialog), and while a report is being written the state
    the handlers see is the draft's step (`states.in_force`). The state is read here, in the
    update's transaction (ConversationState took the conversation's lock, and left it)."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        runtime: Runtime = data["runtime"]
        user: User | None = data.get("event_from_user")
        chat: Chat | None = data.get("event_chat")
        default = runtime.config.city.default_language
        language = pick_language(user.language_code if user else None, default)
        draft = None
        if user is not None and chat is not None and chat.type == "private" and not user.is_bot:
            resident, draft = await resident_with_draft(
                session=data["session"],
                telegram_id=user.id,
                first_name=user.first_name,
                language=language,
            )
            data["resident"], data["draft"] = resident, draft
            language = resident.language
        state: FSMContext | None = data.get("state")
        if state is not None:
            data["raw_state"] = in_force(await state.get_state(), draft)
        data["texts"] = runtime.translator(language)
        return await handler(event, data)
