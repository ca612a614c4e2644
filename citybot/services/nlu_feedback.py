"""Learning from the officials: a category changed on a card, or a message marked "not a
report", becomes a labelled example for the NLU (masked of personal data, in the resident's
language), kept until a person accepts or drops it with `citybot nlu review`."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.config import CityConfig
from citybot.nlu.contract import OUT_OF_SCOPE, REPORT
from citybot.nlu.masking import mask
from citybot.services import workflow
from citybot.services.workflow import Actor, Change, Refused
from citybot.storage.models import EventKind, NluExample, Report, Resident

NOT_A_REPORT = "not_a_report"
CATEGORY_CHANGED = "category_changed"


async def learn(
    *, session: AsyncSession, report: Report, intent: str, category: str | None, source: str
) -> NluExample | None:
    """Store the report's text as an example of `intent` / `category` (none when empty)."""
    resident = await session.get(Resident, report.reporter_id)
    text = mask(report.description or "", names=[resident.first_name] if resident else [])
    if not text.strip():
        return None
    example = NluExample(text=text.strip(), language=report.language, intent=intent,
                         category=category, source=source, report_id=report.id)
    session.add(example)
    await session.flush()
    return example


async def change_category(
    *, session: AsyncSession, report: Report, category: str, actor: Actor, config: CityConfig
) -> Change:
    """Staff put the report in another category: recorded as an event and as an example."""
    workflow.check(report, "recategorise")
    if category not in {c.id for c in config.categories}:
        raise Refused("staff-refused-no-category")
    if category == report.category:
        raise Refused("staff-refused-same-category", number=str(report.id))
    old = report.category
    report.category = category
    event = workflow.record(session, report, kind=EventKind.recategorised, actor=actor,
                            before=report.status, note=f"{old}→{category}")
    await session.flush()
    await learn(session=session, report=report, intent=REPORT, category=category,
                source=CATEGORY_CHANGED)
    return Change(report=report, event=event, before=report.status)


async def not_a_report(
    *, session: AsyncSession, report: Report, actor: Actor, note: str
) -> Change:
    """Staff say the message was no report at all: it is rejected with `note` for the resident,
    and its text becomes an example of an out-of-scope message."""
    change = await workflow.move(session=session, report=report, action="reject", actor=actor,
                                 note=note)
    await learn(session=session, report=report, intent=OUT_OF_SCOPE, category=None,
                source=NOT_A_REPORT)
    return change
