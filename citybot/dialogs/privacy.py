"""A resident's data rights: /privacy (the notice), /mydata (a copy of everything, sent as two
files through the outbox: citybot.outbox.residents.deliver_data_copy) and /forget (erasure,
after a confirm step)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.dialogs.callbacks import PrivacyAction
from citybot.dialogs.filters import MenuButton
from citybot.dialogs.gates import GatedRouter
from citybot.i18n import Texts
from citybot.runtime import Runtime
from citybot.services import privacy
from citybot.storage import outbox
from citybot.storage.models import Resident

DATA_COPY = "data_copy"  # the outbox kind of a /mydata copy


async def on_privacy(message: Message, texts: Texts, runtime: Runtime) -> None:
    await message.answer(privacy.notice(runtime, texts))


async def on_mydata(message: Message, session: AsyncSession, resident: Resident,
                    texts: Texts) -> None:
    """Queued, then built and sent by the courier: a large copy does not hold the chat up."""
    await outbox.enqueue(session=session, kind=DATA_COPY, method="sendMediaGroup",
                         chat_id=resident.telegram_id, payload={"resident_id": resident.id},
                         dedupe_key=f"mydata:{resident.id}:{message.message_id}")
    await message.answer(texts("privacy-mydata-queued"))


async def on_forget(message: Message, texts: Texts) -> None:
    builder = InlineKeyboardBuilder()
    builder.button(text=texts("button-forget-confirm"), callback_data=PrivacyAction(action="erase"))
    builder.button(text=texts("button-forget-keep"), callback_data=PrivacyAction(action="keep"))
    builder.adjust(1)
    await message.answer(texts("privacy-forget-confirm"), reply_markup=builder.as_markup())


async def on_erase(query: CallbackQuery, session: AsyncSession, state: FSMContext,
                   texts: Texts, runtime: Runtime) -> None:
    """Everything in one transaction (committed before the answer goes out); the conversation
    state outside the database follows once it is committed."""
    await privacy.erase(session=session, runtime=runtime, telegram_id=query.from_user.id)
    forget_user = getattr(state.storage, "forget_user", None)
    if forget_user is not None:
        await forget_user(query.from_user.id)
    await query.answer()
    await query.message.edit_text(texts("privacy-forgotten"))


async def on_keep(query: CallbackQuery, texts: Texts) -> None:
    await query.answer()
    await query.message.edit_text(texts("privacy-forget-kept"))


def build_router() -> Router:
    """A new router each time: every Dispatcher gets its own."""
    router = GatedRouter(name="privacy")
    router.message.register(on_privacy, Command("privacy"))
    router.message.register(on_privacy, MenuButton("menu-privacy"))
    router.message.register(on_mydata, Command("mydata"))
    router.message.register(on_forget, Command("forget"))
    router.callback_query.register(on_erase, PrivacyAction.filter(F.action == "erase"))
    router.callback_query.register(on_keep, PrivacyAction.filter(F.action == "keep"))
    return router
