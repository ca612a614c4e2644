"""Who is staff: a member of the staff supergroup, except one whom the group's admins restricted
from sending messages (getChatMember, cached for a minute, and forgotten as soon as Telegram says
the person's membership changed). Staff buttons and commands check it wherever they arrive,
private chats included. The update pipeline asks `is_staff` before an update's transaction
opens (citybot.bot.pipeline.update.AskBeforeSaving), so that StaffOnly finds the answer cached."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot, F, Router
from aiogram.exceptions import ClientDecodeError, TelegramAPIError
from aiogram.types import CallbackQuery, ChatMemberUpdated, Message, TelegramObject, User

from citybot.dialogs.gates import GatedRouter
from citybot.runtime import Runtime
from citybot.services.notify import staff_texts
from citybot.services.workflow import Actor

log = logging.getLogger("citybot.staff")

CACHE_SECONDS = 60.0
MEMBER = frozenset({"creator", "administrator", "member"})


async def is_staff(bot: Bot, runtime: Runtime, user_id: int) -> bool:
    """Asked of Telegram at most once a minute per person; a failed question means no."""
    now = time.monotonic()
    cached = runtime.staff_members.get(user_id)
    if cached is not None and now - cached[1] < CACHE_SECONDS:
        return cached[0]
    try:
        member = await bot.get_chat_member(runtime.staff_chat_id, user_id)
    except (TelegramAPIError, ClientDecodeError) as error:
        log.warning("membership check failed user_id=%s error=%s", user_id, error)
        return False
    staff = counts_as_staff(member)
    runtime.staff_members[user_id] = (staff, now)
    return staff


def counts_as_staff(member: Any) -> bool:
    """A member, an administrator or the creator; a restricted one only while still in the
    group and allowed to send messages (muted officials are not staff: the contract)."""
    if member.status in MEMBER:
        return True
    return member.status == "restricted" and bool(getattr(member, "is_member", False)) \
        and bool(getattr(member, "can_send_messages", False))


def forget(runtime: Runtime, user_id: int) -> None:
    """The next check asks Telegram again."""
    runtime.staff_members.pop(user_id, None)


def actor_of(user: User) -> Actor:
    return Actor(kind="staff", telegram_id=user.id, name=user.first_name[:128])


class StaffOnly(BaseMiddleware):
    """Lets only staff reach the staff handlers (and hands them `actor`); anyone else is
    answered, and nothing changes."""

    async def __call__(
        self, handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject, data: dict[str, Any],
    ) -> Any:
        user: User | None = data.get("event_from_user")
        runtime: Runtime = data["runtime"]
        anonymous_admin = isinstance(event, Message) and event.sender_chat is not None and \
            event.sender_chat.id == runtime.staff_chat_id
        if anonymous_admin:
            data["actor"] = Actor(kind="staff", telegram_id=None, name=None)
            return await handler(event, data)
        if user is None or user.is_bot or not await is_staff(data["bot"], runtime, user.id):
            await refuse(event, data)
            return None
        data["actor"] = actor_of(user)
        return await handler(event, data)


class GroupLanguage(BaseMiddleware):
    """In the staff group, `texts` speak the group's language (staff.language) for everything
    posted there; `own_texts` the official's own, for what she alone reads (button alerts)."""

    async def __call__(
        self, handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject, data: dict[str, Any],
    ) -> Any:
        data["own_texts"] = data["texts"]
        data["texts"] = staff_texts(data["runtime"])
        return await handler(event, data)


async def refuse(event: TelegramObject, data: dict[str, Any]) -> None:
    """Whatever reached a staff handler is answered: a button with an alert in the sender's
    language, a message (a command, a note, a reply to a resident) with a reply in the group's."""
    if isinstance(event, CallbackQuery):
        texts = data.get("own_texts") or data["texts"]
        await event.answer(texts("staff-only"), show_alert=True)
    elif isinstance(event, Message):
        await event.reply(data["texts"]("staff-only"))


# ---- membership changes ---------------------------------------------------------------------

async def on_membership_changed(update: ChatMemberUpdated, runtime: Runtime) -> None:
    """Someone joined, left, was removed or restricted: a removed official loses access at once,
    not when the cache expires (Telegram tells the bot as an administrator of the group)."""
    forget(runtime, update.new_chat_member.user.id)


def build_membership_router(staff_chat_id: int) -> Router:
    """A new router each time: every Dispatcher gets its own."""
    router = GatedRouter(name="staff_membership")
    router.chat_member.filter(F.chat.id == staff_chat_id)
    router.chat_member.register(on_membership_changed)
    return router
