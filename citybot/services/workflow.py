"""The report state machine: who may move a report where, each move recorded as an event.

    new → acknowledged → in_progress → resolved | rejected | duplicate | not_responsible

Staff act on the card; the reporter may reopen a resolved or rejected report within
`reports.reopen_days`. Every change is a ReportEvent with its actor, time and note; a change that
is not possible raises `Refused`, whose wording key says why. Nothing is sent from here: the
callers hand the `Change` to citybot.services.notify.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.config import CityConfig
from citybot.storage import audit
from citybot.storage.models import (
    OPEN_STATUSES,
    EventKind,
    Follower,
    Report,
    ReportEvent,
    ReportStatus,
    Resident,
    utcnow,
)
from citybot.storage.reports import followers_of

# The buttons of a card and the status each one leads to.
TARGETS = {
    "take": ReportStatus.acknowledged,
    "progress": ReportStatus.in_progress,
    "resolve": ReportStatus.resolved,
    "reject": ReportStatus.rejected,
    "not_responsible": ReportStatus.not_responsible,
    "duplicate": ReportStatus.duplicate,
}
NEEDS_NOTE = frozenset({"resolve", "reject", "not_responsible"})  # a reason the resident reads
REOPENABLE = frozenset({ReportStatus.resolved, ReportStatus.rejected})
MAX_NOTE = 900  # fits a photo caption with the "#n · Department:" prefix


class Refused(Exception):
    """The change is not possible; `key` is the wording that explains it to the person."""

    def __init__(self, key: str, **details: object) -> None:
        super().__init__(key)
        self.key = key
        self.details = details


@dataclass(frozen=True)
class Actor:
    kind: str  # staff, resident, system
    telegram_id: int | None = None
    name: str | None = None


@dataclass
class Change:
    report: Report
    event: ReportEvent
    before: str  # the status before
    original: Report | None = None  # duplicate: the report it was merged into
    moved_from: str | None = None  # reassign: the department before
    old_card: tuple[int, int] | None = None  # reassign: (chat, message) of the replaced card
    new_followers: list[int] = field(default_factory=list)  # duplicate: resident ids

    @property
    def status_changed(self) -> bool:
        return self.before != self.report.status


def is_open(report: Report) -> bool:
    return report.status in {s.value for s in OPEN_STATUSES}


def _record(session: AsyncSession, report: Report, *, kind: str, actor: Actor, before: str,
            note: str | None = None, file_id: str | None = None) -> ReportEvent:
    event = ReportEvent(report_id=report.id, kind=kind, from_status=before,
                        to_status=report.status, note=note, actor_kind=actor.kind,
                        actor_telegram_id=actor.telegram_id, actor_name=actor.name,
                        file_id=file_id)
    report.updated_at = event.created_at
    session.add(report)
    session.add(event)
    if actor.kind == "staff":
        audit.record(session, official_id=actor.telegram_id, action=kind, report_id=report.id,
                     detail=f"{before}→{report.status}")
    return event


record = _record  # for the services that record events of their own (nlu_feedback)


def _must_be_open(report: Report) -> None:
    if not is_open(report):
        raise Refused("staff-refused-closed", number=str(report.id), status=report.status)


def check(report: Report, action: str) -> None:
    """Refuse at once what cannot be done, before anyone is asked to write a note."""
    _must_be_open(report)
    target = TARGETS.get(action)
    if action != "take" and target is not None and report.status == target:
        raise Refused("staff-refused-already", number=str(report.id), status=report.status)


def _assign(report: Report, actor: Actor) -> None:
    report.assignee_telegram_id = actor.telegram_id
    report.assignee_name = actor.name


async def take(*, session: AsyncSession, report: Report, actor: Actor) -> Change:
    """Take: acknowledged, assigned to the official (who may take over from a colleague)."""
    _must_be_open(report)
    if report.assignee_telegram_id == actor.telegram_id:
        raise Refused("staff-refused-already-yours", number=str(report.id))
    before = report.status
    _assign(report, actor)
    if before == ReportStatus.new:
        report.status = ReportStatus.acknowledged
    kind = EventKind.status if report.status != before else EventKind.assigned
    event = _record(session, report, kind=kind, actor=actor, before=before)
    await session.flush()
    return Change(report=report, event=event, before=before)


async def move(*, session: AsyncSession, report: Report, action: str, actor: Actor,
               note: str | None = None, file_id: str | None = None) -> Change:
    """In progress, resolved, rejected, not our responsibility: forward only, with a note where
    the resident deserves an explanation."""
    target = TARGETS[action]
    _must_be_open(report)
    if report.status == target:
        raise Refused("staff-refused-already", number=str(report.id), status=report.status)
    note = (note or "").strip() or None
    if action in NEEDS_NOTE and note is None:
        raise Refused("staff-refused-note-needed", number=str(report.id))
    before = report.status
    report.status = target
    if report.assignee_telegram_id is None and actor.kind == "staff":
        _assign(report, actor)
    if target not in {s.value for s in OPEN_STATUSES}:
        report.closed_at = utcnow()
    event = _record(session, report, kind=EventKind.status, actor=actor, before=before,
                    note=note[:MAX_NOTE] if note else None, file_id=file_id)
    await session.flush()
    return Change(report=report, event=event, before=before)


async def original_of(*, session: AsyncSession, number: int) -> Report | None:
    """The report #number, or the one it was itself merged into."""
    report = await session.get(Report, number)
    for _ in range(20):  # a chain of duplicates is short; a cycle cannot be made
        if report is None or report.duplicate_of is None:
            return report
        report = await session.get(Report, report.duplicate_of)
    return report


async def mark_duplicate(*, session: AsyncSession, report: Report, original_number: int,
                         actor: Actor) -> Change:
    """Duplicate of #m: closed, and its followers now follow #m."""
    _must_be_open(report)
    original = await original_of(session=session, number=original_number)
    if original is None:
        raise Refused("staff-refused-no-report", number=str(original_number))
    if original.id == report.id:
        raise Refused("staff-refused-duplicate-self", number=str(report.id))
    before = report.status
    report.status = ReportStatus.duplicate
    report.duplicate_of = original.id
    report.closed_at = utcnow()
    event = _record(session, report, kind=EventKind.status, actor=actor, before=before,
                    note=f"#{original.id}")
    added = []
    for resident in await followers_of(session=session, report_id=report.id):
        if await session.get(Follower, (original.id, resident.id)) is None:
            session.add(Follower(report_id=original.id, resident_id=resident.id))
            added.append(resident.id)
    _record(session, original, kind=EventKind.merged, actor=actor, before=original.status,
            note=f"#{report.id}")
    await session.flush()
    return Change(report=report, event=event, before=before, original=original,
                  new_followers=added)


async def reassign(*, session: AsyncSession, report: Report, department: str, actor: Actor,
                   config: CityConfig) -> Change:
    """Another department's queue: the card moves to its topic and waits to be taken there."""
    _must_be_open(report)
    if department not in {d.id for d in config.departments}:
        raise Refused("staff-refused-no-department")
    if department == report.department:
        raise Refused("staff-refused-same-department", number=str(report.id))
    before, moved_from = report.status, report.department
    old_card = (report.card_chat_id, report.card_message_id) \
        if report.card_message_id is not None else None
    report.department = department
    report.card_chat_id = report.card_thread_id = report.card_message_id = None
    report.assignee_telegram_id = report.assignee_name = None
    event = _record(session, report, kind=EventKind.reassigned, actor=actor, before=before,
                    note=f"{moved_from}→{department}")
    await session.flush()
    return Change(report=report, event=event, before=before, moved_from=moved_from,
                  old_card=old_card)


def reopen_deadline(report: Report, config: CityConfig) -> datetime | None:
    if report.status not in REOPENABLE or report.closed_at is None:
        return None
    return report.closed_at + timedelta(days=config.reports.reopen_days)


def can_reopen(report: Report, resident: Resident, config: CityConfig,
               now: datetime | None = None) -> bool:
    deadline = reopen_deadline(report, config)
    return report.reporter_id == resident.id and deadline is not None and \
        (now or utcnow()) <= deadline


async def reopen(*, session: AsyncSession, report: Report, resident: Resident, reason: str,
                 config: CityConfig, now: datetime | None = None) -> Change:
    """The reporter says it is not fixed (or disagrees): open again, with a fresh SLA."""
    now = now or utcnow()
    if report.reporter_id != resident.id:
        raise Refused("followup-not-reporter", number=str(report.id))
    deadline = reopen_deadline(report, config)
    if deadline is None:
        raise Refused("followup-cannot-reopen", number=str(report.id), status=report.status)
    if now > deadline:
        raise Refused("followup-too-late", number=str(report.id), days=config.reports.reopen_days)
    before = report.status
    report.status = ReportStatus.acknowledged if report.assignee_telegram_id else ReportStatus.new
    report.closed_at = None
    report.due_at = now + timedelta(hours=config.category(report.category).sla_hours)
    report.sla_reminded_at = None
    actor = Actor(kind="resident", telegram_id=resident.telegram_id)
    event = _record(session, report, kind=EventKind.status, actor=actor, before=before,
                    note=reason.strip()[:MAX_NOTE] or None)
    await session.flush()
    return Change(report=report, event=event, before=before)


async def confirm_fixed(*, session: AsyncSession, report: Report, resident: Resident) -> bool:
    """👍 from the reporter on a resolved report; False when there is nothing to confirm."""
    if report.reporter_id != resident.id or report.status != ReportStatus.resolved:
        return False
    actor = Actor(kind="resident", telegram_id=resident.telegram_id)
    _record(session, report, kind=EventKind.feedback, actor=actor, before=report.status,
            note="fixed")
    await session.flush()
    return True
