"""How long a resident's conversation with staff about a report lasts (citybot.services.relay
opens it): it ends when its reason ends — the report is resolved, rejected or closed, the
resident confirms or reopens it — and after `reports.conversation_quiet_minutes` without a
message either way. The resident is told once that it ended, unless they ended it themselves.

While it is open, text the NLU reads confidently as something else (a new problem, a question,
a status check, a subscription) is not relayed blindly: the resident is asked which it is.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.config import CityConfig
from citybot.nlu import Parse
from citybot.runtime import Runtime
from citybot.services import notify
from citybot.services.workflow import Change
from citybot.storage.models import Report, ReportStatus, Resident, utcnow

log = logging.getLogger("citybot.conversations")

# A report in one of these has nothing left to talk about.
ENDING_STATUSES = frozenset({ReportStatus.resolved, ReportStatus.rejected,
                             ReportStatus.not_responsible, ReportStatus.duplicate})
# What the NLU may read in a conversation's text that makes it worth asking "about #n, or new?"
ASIDE_INTENTS = frozenset({"report_problem", "faq_waste", "faq_transport", "check_status",
                           "subscribe"})


def quiet_period(config: CityConfig) -> timedelta:
    return timedelta(minutes=config.reports.conversation_quiet_minutes)


def key_of(report_id: int) -> str:
    return f"report:{report_id}"


def reads_as_new(parse: Parse, report: Report, threshold: float) -> bool:
    """Whether text in the conversation about `report` confidently means something else. A
    problem of the report's own kind ("it is on the pavement" about a pothole) is an answer."""
    if parse.needs_fallback(threshold) or parse.intent not in ASIDE_INTENTS:
        return False
    if parse.intent == "report_problem":
        return parse.category not in (None, "other", report.category)
    return True


def forget(session: AsyncSession, resident: Resident) -> None:
    resident.conversation = resident.conversation_until = None
    session.add(resident)


async def tell_ended(*, session: AsyncSession, runtime: Runtime, resident: Resident,
                     report: Report, key: str, why: str) -> None:
    """The one notice that the conversation ended (`why` keeps it one when retried)."""
    texts = runtime.translator(resident.language)
    text = texts(key, number=str(report.id), status=texts(f"status-{report.status}"))
    await notify.tell_resident(session=session, resident=resident, report=report, text=text,
                               dedupe_key=f"conversation-ended:{resident.id}:{report.id}:{why}")


async def end_with_report(*, session: AsyncSession, runtime: Runtime, change: Change) -> int:
    """The report reached an ending status: every conversation about it closes, and each
    resident in one hears it once. Returns how many closed."""
    report = change.report
    if not change.status_changed or report.status not in ENDING_STATUSES:
        return 0
    talking = await session.exec(select(Resident).where(
        Resident.conversation == key_of(report.id)))
    residents = talking.all()
    for resident in residents:
        forget(session, resident)
        await tell_ended(session=session, runtime=runtime, resident=resident, report=report,
                         key="conversation-ended-report-closed", why=f"event{change.event.id}")
    return len(residents)


def end_by_resident(session: AsyncSession, resident: Resident, report: Report) -> bool:
    """The resident confirmed or reopened the report: their conversation about it ends (the
    caller says so in its answer). False when none was open."""
    if resident.conversation != key_of(report.id):
        return False
    forget(session, resident)
    return True


async def close_quiet(runtime: Runtime, now: datetime | None = None) -> int:
    """Job: conversations about reports quiet for the quiet period close, each resident told
    once. `now` lets tests step past the period without waiting."""
    now = now or utcnow()
    async with runtime.sessions() as session:
        quiet = await session.exec(select(Resident).where(
            Resident.conversation.startswith("report:"), Resident.conversation_until < now))
        closed = 0
        for resident in quiet.all():
            ident = (resident.conversation or "").partition(":")[2]
            report = await session.get(Report, int(ident)) if ident.isdigit() else None
            why = f"quiet{int(resident.conversation_until.timestamp())}"
            forget(session, resident)
            if report is not None:
                await tell_ended(session=session, runtime=runtime, resident=resident,
                                 report=report, key="conversation-ended-quiet", why=why)
                closed += 1
        await session.commit()
    if closed:
        log.info("quiet conversations closed count=%s", closed)
        runtime.wake_courier()
    return closed
