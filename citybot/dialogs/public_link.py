"""`/start report_<n>`: the deep link of a report's public page. The bot shows the report as
the public sees it, with a Follow button (citybot.services.reports.follow)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.dialogs.callbacks import FollowPublic
from citybot.dialogs.gates import GatedRouter
from citybot.dialogs.wording import STATUS_ICONS
from citybot.i18n import Texts
from citybot.runtime import Runtime
from citybot.services import public, reports
from citybot.storage.models import Resident

DEEP_LINK = r"^report_(\d{1,11})$"


async def on_report_link(message: Message, command: CommandObject, state: FSMContext,
                         session: AsyncSession, texts: Texts, runtime: Runtime) -> None:
    await state.clear()
    number = int((command.args or "").removeprefix("report_"))
    report = await public.public_report(session=session, number=number)
    if report is None:
        await message.answer(texts("public-link-unknown", number=str(number)))
        return
    category = runtime.config.category(report.category)
    names = (await public.reporter_names(session=session, report_ids=[report.id])).get(
        report.id, ())
    text = texts("public-link-report", emoji=category.emoji, number=str(report.id),
                 category=category.name.get(texts.lang),
                 description=public.public_text(report, names),
                 address=public.public_address(report) or texts("report-no-address"),
                 status=f"{STATUS_ICONS.get(report.status, '•')} "
                        f"{texts(f'status-{report.status}')}")
    button = InlineKeyboardButton(text=texts("public-link-follow"),
                                  callback_data=FollowPublic(report=report.id).pack())
    await message.answer(text, reply_markup=InlineKeyboardMarkup(inline_keyboard=[[button]]))


async def on_follow(query: CallbackQuery, callback_data: FollowPublic, session: AsyncSession,
                    resident: Resident, texts: Texts) -> None:
    report = await public.public_report(session=session, number=callback_data.report)
    if report is None:
        await query.answer(texts("public-link-unknown", number=str(callback_data.report)),
                           show_alert=True)
        return
    new = await reports.follow(session=session, report_id=report.id, resident_id=resident.id)
    await query.answer(texts("public-link-followed" if new else "public-link-already",
                             number=str(report.id)))


def build_router() -> Router:
    """A new router each time: every Dispatcher gets its own."""
    router = GatedRouter(name="public_link")
    router.message.register(on_report_link,
                            CommandStart(deep_link=True, magic=F.args.regexp(DEEP_LINK)))
    router.callback_query.register(on_follow, FollowPublic.filter())
    return router
