"""Talk to a person: `start_handoff` (called by the menu and the NLU, and on /human) opens a
conversation relayed into the helpdesk topic of the staff group; the resident's messages go
there until staff close it with a button, or the resident ends it."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, Filter, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.dialogs.callbacks import HandoffAction
from citybot.dialogs.filters import menu_key_of
from citybot.dialogs.followup import relayable
from citybot.dialogs.gates import GatedRouter
from citybot.dialogs.intents import Intent
from citybot.dialogs.keyboards import main_menu
from citybot.i18n import Texts
from citybot.runtime import Runtime
from citybot.services import handoffs, relay
from citybot.services.workflow import Actor
from citybot.storage.models import Handoff, HandoffStatus, Resident


def end_button(handoff: Handoff, texts: Texts) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=texts("button-end-conversation"),
                   callback_data=HandoffAction(action="end", handoff=handoff.id))
    return builder.as_markup()


async def start_handoff(message: Message, *, state: FSMContext, session: AsyncSession,
                        resident: Resident, texts: Texts, runtime: Runtime) -> None:
    """Open (or resume) the resident's conversation with a person. The message that asked for
    it is shown to staff as its first message, unless it was a command."""
    await state.clear()  # an unfinished report stays saved: /report offers to continue it
    text = message.text or ""
    handoff, new = await handoffs.start(session=session, runtime=runtime, resident=resident,
                                        first_text=None if text.startswith("/") else text)
    key = "handoff-started" if new else "handoff-already-open"
    await message.answer(texts(key), reply_markup=end_button(handoff, texts))


async def on_human(message: Message, state: FSMContext, session: AsyncSession,
                   resident: Resident, texts: Texts, runtime: Runtime) -> None:
    await start_handoff(message, state=state, session=session, resident=resident, texts=texts,
                        runtime=runtime)


class InHandoff(Filter):
    """A message while the resident talks to a person."""

    async def __call__(self, message: Message, session: AsyncSession, resident: Resident,
                       runtime: Runtime) -> bool | dict:
        current = relay.conversation_of(resident)
        if current is None or current[0] != "handoff" or menu_key_of(message.text, runtime):
            return False  # a menu button does what it says, even while talking to a person
        handoff = await session.get(Handoff, current[1])
        if handoff is None or handoff.status != HandoffStatus.open:
            return False
        return {"handoff": handoff}


async def on_message(message: Message, handoff: Handoff, session: AsyncSession,
                     resident: Resident, texts: Texts, runtime: Runtime) -> None:
    if not relayable(message, runtime):
        await message.answer(texts("handoff-text-photo-only"))
        return
    await handoffs.from_resident(session=session, runtime=runtime, handoff=handoff,
                                 resident=resident, text=message.text or message.caption or "",
                                 photo=message.photo[-1].file_id if message.photo else None,
                                 chat_id=message.chat.id, message_id=message.message_id)


async def on_end(query: CallbackQuery, callback_data: HandoffAction, session: AsyncSession,
                 resident: Resident, texts: Texts, runtime: Runtime) -> None:
    handoff = await session.get(Handoff, callback_data.handoff)
    if handoff is None or handoff.resident_id != resident.id:
        await query.answer(texts("button-expired"))
        return
    await handoffs.close(session=session, runtime=runtime, handoff=handoff,
                         by=Actor(kind="resident", telegram_id=resident.telegram_id))
    await query.answer()
    await query.message.edit_reply_markup(reply_markup=None)
    await query.message.answer(texts("handoff-ended"), reply_markup=main_menu(texts))


async def on_handoff_intent(message: Message, state: FSMContext, session: AsyncSession,
                            resident: Resident, texts: Texts, runtime: Runtime) -> None:
    """"Can I talk to a person?" in free text."""
    await start_handoff(message, state=state, session=session, resident=resident, texts=texts,
                        runtime=runtime)


def build_intent_router() -> Router:
    router = GatedRouter(name="handoff-intents")
    router.message.register(on_handoff_intent, Intent("human_handoff"))
    return router


def build_router() -> Router:
    """A new router each time: every Dispatcher gets its own."""
    router = GatedRouter(name="handoff")
    router.message.register(on_human, Command("human"))
    router.message.register(on_message, StateFilter(None), ~F.text.startswith("/"), InHandoff())
    router.callback_query.register(on_end, HandoffAction.filter(F.action == "end"))
    return router
