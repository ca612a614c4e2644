"""/my: the reports a resident filed or follows, and each one's public history."""

from __future__ import annotations

from html import escape

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.dialogs.callbacks import OpenReport
from citybot.dialogs.filters import MenuButton
from citybot.dialogs.gates import GatedRouter
from citybot.dialogs.intents import Intent
from citybot.dialogs.keyboards import main_menu
from citybot.dialogs.wording import STATUS_ICONS, local_time
from citybot.i18n import Texts
from citybot.nlu import Parse
from citybot.runtime import Runtime
from citybot.services import relay
from citybot.storage.models import EventKind, Report, ReportEvent, Resident
from citybot.storage.reports import history, is_follower, reports_of


def report_line(report: Report, texts: Texts, runtime: Runtime) -> str:
    category = runtime.config.category(report.category)
    return texts("my-report-line", icon=STATUS_ICONS.get(report.status, "•"), number=report.id,
                 emoji=category.emoji, category=category.name.get(texts.lang),
                 status=texts(f"status-{report.status}"))


def open_buttons(reports: list[Report]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for report in reports:
        builder.button(text=f"#{report.id}", callback_data=OpenReport(number=report.id))
    builder.adjust(5)
    return builder.as_markup()


async def on_my_reports(message: Message, session: AsyncSession, resident: Resident,
                        texts: Texts, runtime: Runtime) -> None:
    await show(message, session=session, resident=resident, texts=texts, runtime=runtime)


async def show(message: Message, *, session: AsyncSession, resident: Resident, texts: Texts,
               runtime: Runtime, number: int | None = None) -> None:
    """The resident's reports; with `number`, that report's history when it is theirs."""
    if number is not None:
        report = await session.get(Report, number)
        if report is not None and await is_follower(
                session=session, report_id=report.id, resident_id=resident.id):
            await message.answer(await history_for(report, resident, session, texts, runtime))
            return
        await message.answer(texts("ask-report-unknown", number=number))
    reports = await reports_of(session=session, resident_id=resident.id)
    if not reports:
        await message.answer(texts("my-none"), reply_markup=main_menu(texts))
        return
    lines = "\n".join(report_line(report, texts, runtime) for report in reports)
    await message.answer(f"{texts('my-title')}\n\n{lines}\n\n{texts('my-open-hint')}",
                         reply_markup=open_buttons(reports))


async def on_open(query: CallbackQuery, callback_data: OpenReport, session: AsyncSession,
                  resident: Resident, texts: Texts, runtime: Runtime) -> None:
    report = await session.get(Report, callback_data.number)
    allowed = report is not None and await is_follower(
        session=session, report_id=report.id, resident_id=resident.id)
    if not allowed:  # residents see only their own and followed reports
        await query.answer(texts("my-not-yours"), show_alert=True)
        return
    await query.answer()
    await query.message.answer(await history_for(report, resident, session, texts, runtime))


async def history_for(report: Report, resident: Resident, session: AsyncSession, texts: Texts,
                      runtime: Runtime) -> str:
    """The report's history as this resident may read it: its public events, and of the
    conversations with staff only their own."""
    replies = await relay.replies_sent_to(session=session, report=report, resident=resident)
    events = [event for event in await history(session=session, report_id=report.id)
              if relay.seen_by(event, resident, replies)]
    return public_history(report, events, texts, runtime)


def public_history(
    report: Report, events: list[ReportEvent], texts: Texts, runtime: Runtime
) -> str:
    timezone = runtime.config.city.timezone
    description = escape(report.description, quote=False)
    lines = [report_line(report, texts, runtime), f"<i>{description}</i>"]
    if report.address:
        lines.append(f"📍 {escape(report.address, quote=False)}")
    lines.append("")
    for event in events:
        when = local_time(event.created_at, timezone, texts.lang)
        if event.kind == EventKind.created:
            lines.append(texts("my-event-created", when=when))
        elif event.kind == EventKind.status:
            line = texts("my-event-status", when=when, status=texts(f"status-{event.to_status}"))
            lines.append(line + (f"\n   {escape(event.note, quote=False)}" if event.note else ""))
        elif event.kind == EventKind.staff_reply:
            lines.append(texts("my-event-reply", when=when, text=event.note or ""))
        elif event.kind == EventKind.resident_reply:
            lines.append(texts("my-event-your-reply", when=when, text=event.note or ""))
    return "\n".join(lines)


async def on_status_intent(message: Message, parse: Parse, session: AsyncSession,
                           resident: Resident, texts: Texts, runtime: Runtime) -> None:
    """"What about my report 12?": that report's history, else the list."""
    numbers = parse.entity_values("report_number")
    await show(message, session=session, resident=resident, texts=texts, runtime=runtime,
               number=int(numbers[0]) if numbers and numbers[0].isdigit() else None)


def build_intent_router() -> Router:
    router = GatedRouter(name="my_reports-intents")
    router.message.register(on_status_intent, Intent("check_status"))
    return router


def build_router() -> Router:
    """A new router each time: every Dispatcher gets its own."""
    router = GatedRouter(name="my_reports")
    router.message.register(on_my_reports, Command("my"))
    router.message.register(on_my_reports, MenuButton("menu-my-reports"))
    router.callback_query.register(on_open, OpenReport.filter())
    return router
