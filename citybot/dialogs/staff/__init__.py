"""The staff desk in the staff supergroup: card buttons, staff commands and the reply relay.

`build_router` serves the staff group, and only its members (StaffOnly); `build_guard_routers`
answers staff buttons and commands that arrive anywhere else (a forwarded card in a private
chat, a forged button), checking membership there too and changing nothing.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, or_f
from aiogram.types import CallbackQuery, Message

from citybot.dialogs.callbacks import (
    AnnounceAction,
    HelpdeskAction,
    IdeaStaffAction,
    PollAction,
    StaffAction,
)
from citybot.dialogs.gates import GatedRouter
from citybot.dialogs.staff import (
    actions,
    announce,
    commands,
    polls,
    publishing,
    recategorise,
    relay,
)
from citybot.dialogs.staff import proposals as ideas
from citybot.dialogs.staff.access import (
    GroupLanguage,
    StaffOnly,
    build_membership_router,
    is_staff,
)
from citybot.i18n import Texts
from citybot.runtime import Runtime

__all__ = ["build_guard_routers", "build_membership_router", "build_router"]

STAFF_COMMANDS = ("queue", "stats", "announce", "hide", "publish", "poll")


async def on_unknown_button(query: CallbackQuery, texts: Texts,
                            own_texts: Texts | None = None) -> None:
    """Unknown, forged or outdated callback data in the staff group: answered, nothing done."""
    await query.answer((own_texts or texts)("button-expired"))


def build_router(staff_chat_id: int) -> Router:
    """A new router each time: every Dispatcher gets its own."""
    router = GatedRouter(name="staff")
    router.message.filter(F.chat.id == staff_chat_id)
    router.callback_query.filter(F.message.chat.id == staff_chat_id)
    for observer in (router.message, router.callback_query):
        observer.middleware(GroupLanguage())  # before StaffOnly, whose refusals it words
        observer.middleware(StaffOnly())
    last = GatedRouter(name="staff_fallback")  # a router's own handlers run before its children's
    last.callback_query.register(on_unknown_button)
    router.include_routers(publishing.build_router(), recategorise.build_router(),
                           actions.build_router(), ideas.build_router(),
                           commands.build_router(), announce.build_router(),
                           polls.build_router(), relay.build_router(), last)
    return router


# ---- staff buttons and commands outside the staff group -------------------------------------

async def on_staff_button_elsewhere(query: CallbackQuery, runtime: Runtime,
                                    texts: Texts) -> None:
    staff = await is_staff(query.bot, runtime, query.from_user.id)
    await query.answer(texts("staff-use-in-group" if staff else "staff-only"), show_alert=True)


async def on_staff_command_elsewhere(message: Message, runtime: Runtime, texts: Texts) -> None:
    staff = message.from_user is not None and await is_staff(message.bot, runtime,
                                                             message.from_user.id)
    await message.answer(texts("staff-use-in-group" if staff else "staff-only"))


def build_guard_routers(staff_chat_id: int) -> list[Router]:
    """New routers each time: every Dispatcher gets its own. Staff buttons and commands
    outside the staff group, then any other button in a group that is not the staff group
    (side by side, not one router: each is passed in one check by a resident's update)."""
    router = GatedRouter(name="staff_guard")
    router.message.filter(F.chat.id != staff_chat_id)
    router.callback_query.filter(F.message.chat.id != staff_chat_id)
    router.callback_query.register(on_staff_button_elsewhere,
                                   or_f(StaffAction.filter(), HelpdeskAction.filter(),
                                        AnnounceAction.filter(), IdeaStaffAction.filter(),
                                        PollAction.filter()))
    router.message.register(on_staff_command_elsewhere, Command(*STAFF_COMMANDS))
    router.message.register(on_staff_command_elsewhere,
                            Command("report", magic=F.args.regexp(r"^\s*#?\d+\s*$")))
    strays = GatedRouter(name="staff_guard_strays")
    strays.callback_query.filter(F.message.chat.id != staff_chat_id,
                                 F.message.chat.type != "private")
    strays.callback_query.register(on_unknown_button)
    return [router, strays]
