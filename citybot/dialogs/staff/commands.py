"""Staff commands in the group: /queue (this topic's open reports, oldest first, with their SLA
state), /report N (the full history) and /stats (counts by status, median time to resolve)."""

from __future__ import annotations

from datetime import datetime, timedelta
from html import escape

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.dialogs.gates import GatedRouter
from citybot.dialogs.wording import STATUS_ICONS, local_time
from citybot.i18n import Texts
from citybot.runtime import Runtime
from citybot.services import desk
from citybot.services.workflow import Actor
from citybot.storage import audit
from citybot.storage.models import EventKind, Report, ReportEvent, ReportStatus, Resident, utcnow
from citybot.storage.privacy import reporter_erased
from citybot.storage.reports import (
    count_open,
    count_overdue,
    history,
    open_reports,
    resolution_times,
    status_counts,
)

QUEUE_LIMIT = 25
TEXT_LIMIT = 3900
SNIPPET = 48


def snippet(text: str, limit: int = SNIPPET) -> str:
    text = " ".join(text.split())
    return escape(text if len(text) <= limit else text[:limit - 1] + "…", quote=False)


def duration(span: timedelta, texts: Texts) -> str:
    minutes = max(int(span.total_seconds() // 60), 0)
    hours, days = minutes // 60, minutes // (24 * 60)
    if minutes < 60:
        return f"{minutes} {texts('unit-min')}"
    if hours < 48:
        return f"{hours} {texts('unit-h')} {minutes % 60} {texts('unit-min')}"
    return f"{days} {texts('unit-d')} {hours % 24} {texts('unit-h')}"


async def where(message: Message, session: AsyncSession, runtime: Runtime,
                texts: Texts) -> tuple[str | None, str]:
    """The department whose topic this is (None: all of them) and its name."""
    department = await desk.department_of_thread(
        session=session, config=runtime.config, chat_id=message.chat.id,
        thread_id=message.message_thread_id if message.is_topic_message else None)
    name = runtime.config.department(department).name.get(texts.lang) if department \
        else texts("queue-all")
    return department, name


# ---- /queue ---------------------------------------------------------------------------------

def queue_line(report: Report, texts: Texts, runtime: Runtime, now: datetime,
               with_department: bool) -> str:
    category = runtime.config.category(report.category)
    line = (f"{STATUS_ICONS.get(report.status, '•')} <b>#{report.id}</b> · {category.emoji} "
            f"{snippet(report.description)}")
    sla = desk.sla_state(report, now)
    if sla is not None:
        overdue, hours = sla
        line += " · " + texts("queue-overdue" if overdue else "queue-due", hours=hours)
    if report.assignee_name:
        line += f" · 👤 {escape(report.assignee_name, quote=False)}"
    if with_department:
        line += " · " + escape(runtime.config.department(report.department).hashtag)
    return line


async def on_queue(message: Message, session: AsyncSession, runtime: Runtime,
                   texts: Texts, actor: Actor) -> None:
    department, name = await where(message, session, runtime, texts)
    audit.record(session, official_id=actor.telegram_id, action="queue_viewed",
                 detail=department or "all")
    reports = await open_reports(session=session, department=department, limit=QUEUE_LIMIT)
    if not reports:
        await message.answer(texts("queue-empty", department=name))
        return
    total = await count_open(session=session, department=department)
    now = utcnow()
    lines = [texts("queue-title", department=name, count=total), ""]
    lines += [queue_line(r, texts, runtime, now, department is None) for r in reports]
    if total > len(reports):
        lines.append(texts("queue-more", count=total - len(reports)))
    await message.answer("\n".join(lines))


# ---- /report N ------------------------------------------------------------------------------

def event_line(event: ReportEvent, report: Report, reporter: Resident | None, texts: Texts,
               runtime: Runtime) -> str:
    when = local_time(event.created_at, runtime.config.city.timezone, texts.lang)
    note = f": <i>{escape(event.note, quote=False)}</i>" if event.note else ""
    photo = " 📷" if event.file_id else ""
    resident = texts("history-reporter") if reporter is not None and \
        event.actor_telegram_id == reporter.telegram_id else texts("history-follower")
    staff = escape(event.actor_name or texts("history-staff"), quote=False)
    if event.kind == EventKind.created:
        what = texts("history-received")
    elif event.kind == EventKind.status:
        who = resident if event.actor_kind == "resident" else staff
        what = (f"{STATUS_ICONS.get(event.to_status, '•')} {texts(f'status-{event.to_status}')}"
                f" · {who}{note}")
    elif event.kind == EventKind.assigned:
        what = f"🙋 {texts('history-taken-over')} · {staff}"
    elif event.kind == EventKind.reassigned:
        names = [runtime.config.department(d).name.get(texts.lang)
                 if d in {x.id for x in runtime.config.departments} else d
                 for d in (event.note or "→").split("→")]
        what = f"➡️ {texts('history-moved')}: {escape(' → '.join(names), quote=False)} · {staff}"
    elif event.kind == EventKind.merged:
        what = f"🔁 {texts('history-merged')} {escape(event.note or '', quote=False)}"
    elif event.kind == EventKind.staff_reply:
        what = f"💬 {staff} → {texts('history-to-resident')}{note}{photo}"
    elif event.kind == EventKind.resident_reply:
        what = f"💬 {resident}{note}{photo}"
    elif event.kind == EventKind.feedback:
        what = f"👍 {texts('history-confirmed')}"
    elif event.kind in (EventKind.hidden, EventKind.published):  # the public site
        what = f"{'🙈' if event.kind == EventKind.hidden else '👁'} " \
               f"{texts(f'site-history-{event.kind}')} · {staff}{note}"
    else:
        what = f"📝 {staff}{note}"
    return f"{when} — {what}"


def staff_history(report: Report, events: list[ReportEvent], reporter: Resident | None,
                  texts: Texts, runtime: Runtime) -> str:
    category = runtime.config.category(report.category)
    department = runtime.config.department(report.department).name.get(texts.lang)
    status = f"{STATUS_ICONS.get(report.status, '•')} {texts(f'status-{report.status}')}"
    if report.assignee_name:
        status += f" · 👤 {escape(report.assignee_name, quote=False)}"
    erased = [texts("card-resident-erased")] if reporter_erased(report) else []
    head = [f"<b>#{report.id}</b> · {category.emoji} {escape(category.name.get(texts.lang))}",
            f"<i>{escape(report.description, quote=False)}</i>",
            f"📍 {escape(report.address or texts('card-no-address'), quote=False)}",
            f"🏢 {escape(department, quote=False)} · {status}", *erased, "",
            f"<b>{texts('history-title')}</b>"]
    lines = [event_line(e, report, reporter, texts, runtime) for e in events]
    while lines and len("\n".join(head + lines)) > TEXT_LIMIT:  # the latest matter most
        lines.pop(0)
        if lines and not lines[0].startswith("…"):
            lines[0] = "…\n" + lines[0]
    return "\n".join(head + lines)


async def on_report(message: Message, command: CommandObject, session: AsyncSession,
                    runtime: Runtime, texts: Texts, actor: Actor) -> None:
    number = (command.args or "").strip().lstrip("#")
    if not number.isdigit():
        await message.answer(texts("staff-report-usage"))
        return
    report = await session.get(Report, int(number))
    if report is None:
        await message.answer(texts("staff-unknown-report", number=str(int(number))))
        return
    events = await history(session=session, report_id=report.id)
    reporter = await session.get(Resident, report.reporter_id) \
        if report.reporter_id is not None else None  # an Open311 client's report has none
    audit.record(session, official_id=actor.telegram_id, action="report_viewed",
                 report_id=report.id)
    await message.answer(staff_history(report, events, reporter, texts, runtime))


# ---- /stats ---------------------------------------------------------------------------------

async def on_stats(message: Message, session: AsyncSession, runtime: Runtime,
                   texts: Texts) -> None:
    department, name = await where(message, session, runtime, texts)
    counts = await status_counts(session=session, department=department)
    lines = [texts("stats-title", department=name), ""]
    for status in ReportStatus:
        lines.append(f"{STATUS_ICONS[status]} {texts(f'status-{status}')}: "
                     f"{counts.get(status.value, 0)}")
    lines.append("")
    lines.append(texts("stats-open", open=await count_open(session=session, department=department),
                       overdue=await count_overdue(session=session, now=utcnow(),
                                                   department=department)))
    times = await resolution_times(session=session, department=department)
    median = desk.median_duration(times)
    lines.append(texts("stats-median", time=duration(median, texts), count=len(times))
                 if median is not None else texts("stats-no-median"))
    await message.answer("\n".join(lines))


def build_router() -> Router:
    """A new router each time: every Dispatcher gets its own."""
    router = GatedRouter(name="staff_commands")
    router.message.register(on_queue, Command("queue"))
    router.message.register(on_report, Command("report"))
    router.message.register(on_stats, Command("stats"))
    return router
