"""Residents' proposals: put forward, moderated, supported until the city must answer.

    pending ──approve──▶ published ──supports ≥ threshold in time──▶ threshold ──answer──▶ answered
       └──reject──▶ rejected      └──window over──▶ expired

Every change of state is one conditional UPDATE (`WHERE status = …`), so a decision or a support
that arrives twice (a re-sent update, two workers, a double tap) is applied once; a support is a
row unique per (proposal, resident). What residents and staff are told is queued in the outbox in
the same transaction: `proposal_news` (a ready message, in the reader's language) and
`proposal_card` (drawn when sent: the moderation card, or the department's card).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.runtime import Runtime
from citybot.storage import outbox
from citybot.storage.models import (
    Proposal,
    ProposalStatus,
    ProposalSupport,
    Resident,
    utcnow,
)

log = logging.getLogger("citybot.proposals")

MIN_TITLE, MAX_TITLE = 5, 120
MIN_DESCRIPTION, MAX_DESCRIPTION = 10, 2000
MAX_REASON = 1000
ANSWERS = ("accepted", "planned", "rejected")
SORTS = ("new", "top")
PAGE = 8
OPEN = (ProposalStatus.published,)


class Refused(Exception):
    """What a person asked cannot be done; `key` names the polite answer (ideas.ftl)."""

    def __init__(self, key: str, **args: object) -> None:
        super().__init__(key)
        self.key = key
        self.args_ = args


@dataclass
class Supported:
    proposal: Proposal
    reached: bool  # this support made it reach the threshold


def link(bot_username: str, proposal_id: int) -> str:
    return f"https://t.me/{bot_username}?start=idea_{proposal_id}"


def check_title(text: str | None) -> str:
    title = " ".join((text or "").split())
    if not MIN_TITLE <= len(title) <= MAX_TITLE:
        raise Refused("idea-title-length", min=MIN_TITLE, max=MAX_TITLE, length=len(title))
    return title


def check_description(text: str | None) -> str:
    description = (text or "").strip()
    if not MIN_DESCRIPTION <= len(description) <= MAX_DESCRIPTION:
        raise Refused("idea-description-length", min=MIN_DESCRIPTION, max=MAX_DESCRIPTION,
                      length=len(description))
    return description


def department_of(runtime: Runtime) -> str:
    return runtime.config.proposals.department or runtime.config.departments[0].id


# ---- telling people -------------------------------------------------------------------------

async def tell(*, session: AsyncSession, runtime: Runtime, resident: Resident, key: str,
               dedupe: str, **args: object) -> None:
    """A message to a resident, in their language, queued once under `dedupe`."""
    if resident.blocked_bot:
        return
    texts = runtime.translator(resident.language)
    await outbox.enqueue(session=session, kind="proposal_news", chat_id=resident.telegram_id,
                         payload={"text": texts(key, **args)}, dedupe_key=dedupe)


async def _card(session: AsyncSession, runtime: Runtime, proposal: Proposal, stage: str) -> None:
    await outbox.enqueue(session=session, kind="proposal_card", chat_id=runtime.staff_chat_id,
                         payload={"proposal": proposal.id, "stage": stage},
                         dedupe_key=f"idea:{proposal.id}:{stage}")


# ---- lifecycle ------------------------------------------------------------------------------

async def submit(*, session: AsyncSession, runtime: Runtime, resident: Resident, key: str,
                 title: str, description: str, district: str,
                 photo_file_id: str | None = None) -> Proposal | None:
    """A new proposal, queued for moderation (None when `key` was sent before)."""
    runtime.config.city.district(district)  # KeyError for a district that does not exist
    proposal = Proposal(key=key[:64], author_id=resident.id, title=check_title(title),
                        description=check_description(description), district=district,
                        photo_file_id=photo_file_id)
    try:
        async with session.begin_nested():
            session.add(proposal)
            await session.flush()
    except IntegrityError:
        return None
    await _card(session, runtime, proposal, "moderation")
    log.info("proposal submitted id=%s district=%s", proposal.id, district)
    return proposal


async def _move(session: AsyncSession, proposal_id: int, before: ProposalStatus,
                **values: object) -> Proposal | None:
    """The one conditional change of state: None when the proposal was not in `before`."""
    result = await session.exec(update(Proposal).where(
        Proposal.id == proposal_id, Proposal.status == before).values(**values))
    if result.rowcount != 1:
        return None
    proposal = await session.get(Proposal, proposal_id, populate_existing=True)
    return proposal


async def approve(*, session: AsyncSession, runtime: Runtime, proposal_id: int,
                  bot_username: str, now: datetime | None = None) -> Proposal:
    now = now or utcnow()
    window = timedelta(days=runtime.config.proposals.window_days)
    proposal = await _move(session, proposal_id, ProposalStatus.pending,
                           status=ProposalStatus.published, published_at=now,
                           deadline_at=now + window)
    if proposal is None:
        raise Refused("idea-already-decided")
    author = await session.get(Resident, proposal.author_id)
    await tell(session=session, runtime=runtime, resident=author, key="idea-published",
               dedupe=f"idea:{proposal.id}:published", number=str(proposal.id),
               title=proposal.title, link=link(bot_username, proposal.id),
               threshold=runtime.config.proposals.threshold,
               days=runtime.config.proposals.window_days)
    return proposal


async def reject(*, session: AsyncSession, runtime: Runtime, proposal_id: int,
                 reason: str) -> Proposal:
    reason = reason.strip()
    if not reason or len(reason) > MAX_REASON:
        raise Refused("idea-reason-length", max=MAX_REASON)
    proposal = await _move(session, proposal_id, ProposalStatus.pending,
                           status=ProposalStatus.rejected, reject_reason=reason,
                           closed_at=utcnow())
    if proposal is None:
        raise Refused("idea-already-decided")
    author = await session.get(Resident, proposal.author_id)
    await tell(session=session, runtime=runtime, resident=author, key="idea-rejected",
               dedupe=f"idea:{proposal.id}:rejected", number=str(proposal.id),
               title=proposal.title, reason=reason)
    return proposal


def supportable(proposal: Proposal | None, now: datetime | None = None) -> Proposal:
    if proposal is None or proposal.status == ProposalStatus.pending:
        raise Refused("idea-not-found")
    if proposal.status != ProposalStatus.published or \
            (proposal.deadline_at is not None and proposal.deadline_at <= (now or utcnow())):
        raise Refused("idea-closed")
    return proposal


async def support(*, session: AsyncSession, runtime: Runtime, proposal_id: int,
                  resident: Resident, now: datetime | None = None) -> Supported:
    """One support per resident; the one that reaches the threshold sends it to the city."""
    now = now or utcnow()
    supportable(await session.get(Proposal, proposal_id), now)
    try:
        async with session.begin_nested():
            session.add(ProposalSupport(proposal_id=proposal_id, resident_id=resident.id))
            await session.flush()
    except IntegrityError:
        raise Refused("idea-already-supported") from None
    await session.exec(update(Proposal).where(Proposal.id == proposal_id)
                       .values(supports=Proposal.supports + 1))
    threshold = runtime.config.proposals.threshold
    reached = await _move_if_reached(session, proposal_id, threshold, now, runtime)
    proposal = await session.get(Proposal, proposal_id, populate_existing=True)
    if reached:
        await _card(session, runtime, proposal, "department")
        author = await session.get(Resident, proposal.author_id)
        await tell(session=session, runtime=runtime, resident=author, key="idea-reached",
                   dedupe=f"idea:{proposal.id}:reached", number=str(proposal.id),
                   title=proposal.title, count=proposal.supports)
        log.info("proposal reached the threshold id=%s supports=%s", proposal.id,
                 proposal.supports)
    return Supported(proposal=proposal, reached=reached)


async def _move_if_reached(session: AsyncSession, proposal_id: int, threshold: int,
                           now: datetime, runtime: Runtime) -> bool:
    due = now + timedelta(days=runtime.config.proposals.answer_days)
    result = await session.exec(update(Proposal).where(
        Proposal.id == proposal_id, Proposal.status == ProposalStatus.published,
        Proposal.supports >= threshold).values(
        status=ProposalStatus.threshold, reached_at=now, department=department_of(runtime),
        answer_due_at=due))
    return result.rowcount == 1


async def withdraw(*, session: AsyncSession, proposal_id: int, resident: Resident) -> Proposal:
    proposal = supportable(await session.get(Proposal, proposal_id))
    result = await session.exec(delete(ProposalSupport).where(
        ProposalSupport.proposal_id == proposal_id, ProposalSupport.resident_id == resident.id))
    if result.rowcount != 1:
        raise Refused("idea-not-supported")
    await session.exec(update(Proposal).where(Proposal.id == proposal_id)
                       .values(supports=Proposal.supports - 1))
    return await session.get(Proposal, proposal.id, populate_existing=True)


def parse_planned(note: str) -> date:
    """A planned answer starts with its date (YYYY-MM-DD)."""
    first = (note.split() or [""])[0]
    try:
        return date.fromisoformat(first)
    except ValueError:
        raise Refused("idea-answer-needs-date") from None


async def answer(*, session: AsyncSession, runtime: Runtime, proposal_id: int, decision: str,
                 note: str) -> Proposal:
    """The department's answer: the author and every supporter are told, once."""
    note = note.strip()
    if decision not in ANSWERS:
        raise Refused("idea-already-decided")
    if not note or len(note) > MAX_REASON:
        raise Refused("idea-reason-length", max=MAX_REASON)
    if decision == "planned":
        parse_planned(note)
    proposal = await _move(session, proposal_id, ProposalStatus.threshold,
                           status=ProposalStatus.answered, answer=decision, answer_note=note,
                           closed_at=utcnow())
    if proposal is None:
        raise Refused("idea-already-decided")
    supporters = select(Resident).join(
        ProposalSupport, col(ProposalSupport.resident_id) == col(Resident.id)).where(
        ProposalSupport.proposal_id == proposal_id)
    people = {proposal.author_id: await session.get(Resident, proposal.author_id)}
    for resident in (await session.exec(supporters)).all():
        people.setdefault(resident.id, resident)
    for resident in people.values():
        texts = runtime.translator(resident.language)
        await tell(session=session, runtime=runtime, resident=resident,
                   key="idea-answered", dedupe=f"idea:{proposal.id}:answer:{resident.id}",
                   number=str(proposal.id), title=proposal.title,
                   decision=texts(f"idea-decision-{decision}"), note=note)
    log.info("proposal answered id=%s decision=%s told=%s", proposal.id, decision, len(people))
    return proposal


async def expire_due(runtime: Runtime, *, now: datetime | None = None) -> int:
    """Published proposals whose window ended without the threshold close; authors are told.
    The scheduled job (hourly) and tests call it."""
    now = now or utcnow()
    closed = 0
    async with runtime.sessions() as session:
        due = select(Proposal.id).where(Proposal.status == ProposalStatus.published,
                                        col(Proposal.deadline_at) <= now)
        for proposal_id in list((await session.exec(due)).all()):
            proposal = await _move(session, proposal_id, ProposalStatus.published,
                                   status=ProposalStatus.expired, closed_at=now)
            if proposal is None:
                continue
            author = await session.get(Resident, proposal.author_id)
            await tell(session=session, runtime=runtime, resident=author, key="idea-expired",
                       dedupe=f"idea:{proposal.id}:expired", number=str(proposal.id),
                       title=proposal.title, count=proposal.supports,
                       threshold=runtime.config.proposals.threshold)
            closed += 1
        await session.commit()
    if closed:
        runtime.wake_courier()
        log.info("proposals expired count=%s", closed)
    return closed


async def remind_overdue(runtime: Runtime, *, now: datetime | None = None) -> int:
    """A proposal its department has not answered in time: its card is posted again in the
    department's topic, once (the outbox's dedupe key)."""
    now = now or utcnow()
    reminded = 0
    async with runtime.sessions() as session:
        due = select(Proposal).where(Proposal.status == ProposalStatus.threshold,
                                     col(Proposal.answer_due_at) <= now)
        for proposal in (await session.exec(due)).all():
            reminded += await outbox.enqueue(
                session=session, kind="proposal_card", chat_id=runtime.staff_chat_id,
                payload={"proposal": proposal.id, "stage": "overdue"},
                dedupe_key=f"idea:{proposal.id}:overdue") is not None
        await session.commit()
    if reminded:
        runtime.wake_courier()
    return reminded


# ---- reading --------------------------------------------------------------------------------

# what a list of proposals shows: the bot's /ideas shows "active"; the public site all five
LISTS = {
    "active": (ProposalStatus.published, ProposalStatus.threshold, ProposalStatus.answered),
    "open": (ProposalStatus.published,),
    "threshold": (ProposalStatus.threshold,),
    "answered": (ProposalStatus.answered,),
    "closed": (ProposalStatus.expired,),
}


async def browse(*, session: AsyncSession, sort: str = "new", district: str | None = None,
                 page: int = 0, shown: str = "active", per_page: int = PAGE
                 ) -> tuple[list[Proposal], int]:
    """Published proposals (and those the city must answer), a page at a time, and how many;
    `shown` names another of LISTS (e.g. the closed ones)."""
    where = [col(Proposal.status).in_(LISTS[shown])]
    if district:
        where.append(Proposal.district == district)
    order = (col(Proposal.supports).desc(), col(Proposal.id).desc()) if sort == "top" \
        else (col(Proposal.id).desc(),)
    query = select(Proposal).where(*where).order_by(*order).offset(page * per_page) \
        .limit(per_page)
    total = (await session.exec(select(func.count()).select_from(Proposal).where(*where))).one()
    return list((await session.exec(query)).all()), total


async def visible(*, session: AsyncSession, proposal_id: int) -> Proposal | None:
    """A proposal residents may see (not one waiting for moderation or rejected)."""
    proposal = await session.get(Proposal, proposal_id)
    if proposal is None or proposal.status in (ProposalStatus.pending, ProposalStatus.rejected):
        return None
    return proposal


async def has_supported(*, session: AsyncSession, proposal_id: int, resident_id: int) -> bool:
    query = select(ProposalSupport.id).where(ProposalSupport.proposal_id == proposal_id,
                                             ProposalSupport.resident_id == resident_id)
    return (await session.exec(query)).first() is not None
