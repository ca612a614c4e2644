"""Residents' data rights: the notice, a copy of everything held about them, erasure, and the
retention periods of config.yml (`privacy:`)."""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.i18n import Texts
from citybot.runtime import Runtime
from citybot.services import notify, photos, relay
from citybot.storage import privacy as held
from citybot.storage.models import (
    OPEN_STATUSES,
    EventKind,
    HandoffMessage,
    Report,
    ReportEvent,
    ReportPhoto,
    Resident,
    Subscription,
    utcnow,
)
from citybot.storage.reports import history
from citybot.storage.updates import forget_old_updates

log = logging.getLogger("citybot.privacy")

SWEEP_AFTER = 2.0  # seconds after an erasure: its transaction has committed by then


def is_public(report: Report) -> bool:
    """Whether the report is shown publicly (map, pages, exports): unless staff hid it."""
    return not getattr(report, "hidden", False)


def notice(runtime: Runtime, texts: Texts) -> str:
    """The whole privacy notice, with the city's own terms."""
    terms = runtime.config.privacy
    return texts("privacy-notice", controller=terms.controller.get(texts.lang),
                 contact=terms.contact, relayed_days=terms.relayed_messages_days,
                 draft_hours=runtime.config.reports.draft_ttl_hours,
                 updates_days=terms.processed_updates_days,
                 inactive_years=f"{terms.inactive_resident_days / 365:.3g}",
                 notice_days=terms.inactive_notice_days)


# ---- erasure --------------------------------------------------------------------------------

async def erase(*, session: AsyncSession, runtime: Runtime,
                telegram_id: int) -> dict[str, int] | None:
    """Erase the resident with this Telegram id in the caller's transaction (whole or not at
    all); None when there is no such resident. Their reports' cards are re-drawn: "the resident
    has erased their data"."""
    resident = await held.lock_resident(session=session, telegram_id=telegram_id)
    if resident is None:
        return None
    filed = await held.filed_reports(session=session, resident_id=resident.id)
    removed = await held.erase(session=session, resident=resident,
                               keep_photos_of={r.id for r in filed if is_public(r)})
    for report in filed:
        if report.card_message_id is not None:
            await notify.refresh_card(session=session, runtime=runtime, report=report)
    unpublished = [report.id for report in filed if not is_public(report)]
    if unpublished:  # their files leave the disk once the erasure is committed
        runtime.spawn(_sweep_later(runtime, unpublished))
    log.info("resident erased resident_id=%s reports_unlinked=%s removed=%s", resident.id,
             len(filed), {k: v for k, v in removed.items() if v})
    return removed


# ---- a copy of everything -------------------------------------------------------------------

def _when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _event(event: ReportEvent) -> dict[str, Any]:
    return {"when": _when(event.created_at), "kind": event.kind, "status": event.to_status,
            "text": event.note, "photo": bool(event.file_id)}


async def _report(session: AsyncSession, report: Report, resident: Resident,
                  events: list[ReportEvent]) -> dict[str, Any]:
    replies = await relay.replies_sent_to(session=session, report=report, resident=resident)
    photos = (await session.exec(select(ReportPhoto.id).where(
        ReportPhoto.report_id == report.id))).all()
    return {
        "number": report.id, "category": report.category, "status": report.status,
        "description": report.description, "address": report.address,
        "district": report.district, "latitude": report.latitude,
        "longitude": report.longitude, "filed_at": _when(report.created_at),
        "closed_at": _when(report.closed_at), "photos": len(photos),
        "history": [_event(e) for e in events if relay.seen_by(e, resident, replies)],
    }


async def copy_of(*, session: AsyncSession, runtime: Runtime,
                  resident: Resident) -> dict[str, Any]:
    """Everything held about the resident, as JSON-ready data."""
    filed = await held.filed_reports(session=session, resident_id=resident.id)
    followed = await held.followed_reports(session=session, resident_id=resident.id)
    reports = []
    for report in [*filed, *followed]:
        events = await history(session=session, report_id=report.id)
        reports.append({"filed": report in filed,
                        **await _report(session, report, resident, events)})
    handoffs = await held.handoffs_of(session=session, resident_id=resident.id)
    messages = await held.handoff_messages(session=session, handoff_ids=[h.id for h in handoffs])
    subscription = await session.get(Subscription, resident.id)
    draft = await _draft(session, resident)
    ideas = await _ideas(session, resident)
    terms = runtime.config.privacy
    return {
        "controller": terms.controller.get(resident.language), "contact": terms.contact,
        "made_at": _when(utcnow()),
        "profile": {"telegram_id": resident.telegram_id, "first_name": resident.first_name,
                    "language": resident.language, "first_seen": _when(resident.created_at),
                    "last_seen": _when(resident.last_seen_at),
                    "blocked_the_bot": resident.blocked_bot},
        "reports": reports,
        "conversations_with_a_person": [{
            "number": h.id, "opened_at": _when(h.opened_at), "closed_at": _when(h.closed_at),
            "messages": [{"when": _when(m.created_at), "from": m.author, "text": m.text,
                          "photo": bool(m.file_id)} for m in messages if m.handoff_id == h.id],
        } for h in handoffs],
        "subscription": None if subscription is None else {
            "active": subscription.active, "frequency": subscription.frequency,
            "districts": subscription.districts, "new_reports": subscription.new_reports,
            "resolved_reports": subscription.resolved_reports,
            "announcements": subscription.announcements},
        "draft": draft,
        **ideas,
    }


async def _ideas(session: AsyncSession, resident: Resident) -> dict[str, Any]:
    """Their proposals, the proposals they support and their answers to city polls."""
    from citybot.storage.models import Poll, PollAnswer, Proposal, ProposalSupport

    lang = resident.language
    written = (await session.exec(select(Proposal).where(
        Proposal.author_id == resident.id).order_by(col(Proposal.id)))).all()
    supported = (await session.exec(select(ProposalSupport.proposal_id,
                                            ProposalSupport.created_at).where(
        ProposalSupport.resident_id == resident.id).order_by(col(ProposalSupport.id)))).all()
    answers = (await session.exec(select(Poll, PollAnswer.option_ids).join(
        PollAnswer, PollAnswer.poll_id == Poll.id).where(
        PollAnswer.user_id == resident.telegram_id).order_by(col(Poll.id)))).all()
    return {
        "proposals": [{"number": f"idea_{p.id}", "title": p.title, "description": p.description,
                       "district": p.district, "status": p.status} for p in written],
        "supports": [{"proposal": f"idea_{number}", "when": _when(when)}
                     for number, when in supported],
        "poll_answers": [{
            "poll": poll.id, "question": _localized(poll.question, lang),
            "answers": [_localized(poll.options[index], lang) for index in option_ids
                        if 0 <= index < len(poll.options)],
        } for poll, option_ids in answers if option_ids],
    }


def _localized(text: Any, lang: str) -> str:
    return text.get(lang) or text.get("en") or "" if isinstance(text, dict) else str(text)


async def _draft(session: AsyncSession, resident: Resident) -> dict[str, Any] | None:
    from citybot.services.reports import get_draft

    draft = await get_draft(session=session, resident_id=resident.id)
    if draft is None:
        return None
    return {"category": draft.category, "description": draft.description,
            "address": draft.address, "latitude": draft.latitude, "longitude": draft.longitude,
            "photos": len(draft.photos), "started_at": _when(draft.created_at)}


def as_json(copy: dict[str, Any]) -> bytes:
    return json.dumps(copy, ensure_ascii=False, indent=2).encode()


def as_text(copy: dict[str, Any], texts: Texts) -> bytes:
    """The copy for people: one line a fact, headings in the resident's language."""
    profile = copy["profile"]
    lines = [texts("mydata-text-title"), texts("mydata-text-controller",
                                                controller=copy["controller"],
                                                contact=copy["contact"]), "",
             texts("mydata-text-profile"),
             *(f"  {key}: {value}" for key, value in profile.items()), ""]
    for report in copy["reports"]:
        key = "mydata-text-report-filed" if report["filed"] else "mydata-text-report-followed"
        lines.append(texts(key, number=str(report["number"]), status=report["status"]))
        lines.append(f"  {report['description']}")
        if report["address"]:
            lines.append(f"  {report['address']}")
        for event in report["history"]:
            text = f" — {event['text']}" if event["text"] else ""
            lines.append(f"  {event['when']} {event['kind']} {event['status'] or ''}{text}")
        lines.append("")
    for conversation in copy["conversations_with_a_person"]:
        lines.append(texts("mydata-text-conversation", number=str(conversation["number"])))
        lines.extend(f"  {m['when']} {m['from']}: {m['text'] or ''}"
                     for m in conversation["messages"])
        lines.append("")
    if copy["subscription"] is not None:
        lines.append(texts("mydata-text-subscription"))
        lines.extend(f"  {key}: {value}" for key, value in copy["subscription"].items())
        lines.append("")
    if copy["draft"] is not None:
        lines.append(texts("mydata-text-draft"))
        lines.extend(f"  {key}: {value}" for key, value in copy["draft"].items())
        lines.append("")
    for proposal in copy["proposals"]:
        lines.append(texts("mydata-text-proposal", number=proposal["number"],
                           status=proposal["status"]))
        lines.append(f"  {proposal['title']}: {proposal['description']}")
    if copy["supports"]:
        lines.append(texts("mydata-text-supports"))
        lines.extend(f"  {s['proposal']} {s['when']}" for s in copy["supports"])
    for answer in copy["poll_answers"]:
        lines.append(texts("mydata-text-poll", number=str(answer["poll"])))
        lines.append(f"  {answer['question']} — {', '.join(answer['answers'])}")
    return "\n".join(lines).encode()


# ---- retention ------------------------------------------------------------------------------

@dataclass
class Retention:
    """What one run of the retention job removed (and warned)."""

    relayed_messages: int = 0
    processed_updates: int = 0
    residents_warned: int = 0
    residents_erased: int = 0
    photo_folders: int = 0  # photo files of reports whose photos an erasure removed

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


async def expire_relayed_messages(*, session: AsyncSession, older_than: datetime) -> int:
    """Messages relayed between residents and officials about reports closed before
    `older_than` (the reports and their status history stay)."""
    closed = select(Report.id).where(col(Report.closed_at) < older_than,
                                     col(Report.status).not_in([s.value for s in OPEN_STATUSES]))
    result = await session.exec(delete(ReportEvent).where(
        col(ReportEvent.kind).in_((EventKind.staff_reply, EventKind.resident_reply)),
        col(ReportEvent.report_id).in_(closed)))
    return max(result.rowcount or 0, 0)


async def expire_handoff_messages(*, session: AsyncSession, older_than: datetime) -> int:
    """Conversations with a person closed before `older_than` lose their messages."""
    from citybot.storage.models import Handoff

    closed = select(Handoff.id).where(col(Handoff.closed_at) < older_than)
    result = await session.exec(delete(HandoffMessage).where(
        col(HandoffMessage.handoff_id).in_(closed)))
    return max(result.rowcount or 0, 0)


async def inactive_residents(*, session: AsyncSession, seen_before: datetime,
                             limit: int = 500) -> list[Resident]:
    query = select(Resident).where(Resident.last_seen_at < seen_before) \
        .order_by(col(Resident.id)).limit(limit)
    return list((await session.exec(query)).all())


async def sweep_photos(runtime: Runtime, report_ids: list[int] | None = None) -> int:
    """Photo files on disk whose rows are gone (an erasure removed them: the report was not
    public) are deleted; `report_ids` None: every report with files. Files are deleted only
    after their rows, so an erasure rolled back keeps them."""
    folder = runtime.config.web.photos_dir
    ids = photos.stored_reports(folder) if report_ids is None else report_ids
    if not ids:
        return 0
    async with runtime.sessions() as session:
        kept = set((await session.exec(select(ReportPhoto.report_id).where(
            col(ReportPhoto.report_id).in_(ids)).distinct())).all())
    gone = [number for number in ids if number not in kept]
    for number in gone:
        photos.remove(folder, number)
    return len(gone)


async def _sweep_later(runtime: Runtime, report_ids: list[int]) -> None:
    """After the erasing update's commit (a moment later; what is missed here, the retention
    job sweeps)."""
    await asyncio.sleep(SWEEP_AFTER)
    await sweep_photos(runtime, report_ids)


async def enforce_retention(runtime: Runtime, now: datetime | None = None) -> Retention:
    """Everything past its period in config.yml is removed; residents inactive for
    `inactive_resident_days` are erased, after a notice `inactive_notice_days` before."""
    now = now or utcnow()
    terms = runtime.config.privacy
    done = Retention()
    async with runtime.sessions() as session:
        old = now - timedelta(days=terms.relayed_messages_days)
        done.relayed_messages = await expire_relayed_messages(session=session, older_than=old)
        done.relayed_messages += await expire_handoff_messages(session=session, older_than=old)
        done.processed_updates = await forget_old_updates(
            session=session, older_than=timedelta(days=terms.processed_updates_days))
        await session.commit()
    done.residents_warned = await _warn_inactive(runtime, now)
    done.residents_erased = await _erase_inactive(runtime, now)
    done.photo_folders = await sweep_photos(runtime)
    log.info("retention applied %s", " ".join(f"{k}={v}" for k, v in done.as_dict().items()))
    return done


async def _warn_inactive(runtime: Runtime, now: datetime) -> int:
    terms = runtime.config.privacy
    seen_before = now - timedelta(days=terms.inactive_resident_days - terms.inactive_notice_days)
    warned = 0
    async with runtime.sessions() as session:
        for resident in await inactive_residents(session=session, seen_before=seen_before):
            notice_at = resident.retention_notice_at
            if notice_at is not None and notice_at > resident.last_seen_at:
                continue  # warned since they were last seen
            texts = runtime.translator(resident.language)
            await notify.tell_resident(
                session=session, resident=resident, kind="retention_notice",
                text=texts("privacy-inactive-notice", days=terms.inactive_notice_days),
                dedupe_key=f"retention:{resident.id}:{resident.last_seen_at.timestamp():.0f}")
            resident.retention_notice_at = now
            session.add(resident)
            warned += 1
        await session.commit()
    if warned:
        runtime.wake_courier()
    return warned


async def _erase_inactive(runtime: Runtime, now: datetime) -> int:
    terms = runtime.config.privacy
    seen_before = now - timedelta(days=terms.inactive_resident_days)
    noticed_before = now - timedelta(days=terms.inactive_notice_days)
    erased = 0
    async with runtime.sessions() as session:
        candidates = await inactive_residents(session=session, seen_before=seen_before)
        due = [r.telegram_id for r in candidates if r.retention_notice_at is not None
               and r.last_seen_at < r.retention_notice_at <= noticed_before]
        await session.commit()
    for telegram_id in due:  # one transaction each: one failure stops no one else's
        async with runtime.sessions() as session:
            if await erase(session=session, runtime=runtime, telegram_id=telegram_id):
                erased += 1
            await session.commit()
    return erased
