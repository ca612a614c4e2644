"""Reports from draft to filed: validation, routing to a department, SLA, the queue card."""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cache
from typing import Any

from sqlalchemy import bindparam, delete
from sqlalchemy.ext.asyncio import async_object_session
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.config import CityConfig
from citybot.services.nearby import geocell
from citybot.storage import outbox
from citybot.storage.core import connection_of, insert_new, update_row
from citybot.storage.models import (
    EventKind,
    Follower,
    Report,
    ReportDraft,
    ReportEvent,
    ReportPhoto,
    Resident,
    utcnow,
)


class DescriptionProblem(StrEnum):
    too_short = "too_short"
    no_words = "no_words"  # emoji, punctuation, nothing to read
    too_long = "too_long"


def check_description(text: str, *, min_chars: int, max_chars: int) -> DescriptionProblem | None:
    stripped = text.strip()
    if len(stripped) > max_chars:
        return DescriptionProblem.too_long
    letters = [ch for ch in stripped if unicodedata.category(ch).startswith(("L", "N"))]
    if not letters:
        return DescriptionProblem.no_words
    if len(stripped) < min_chars or not re.search(r"\w{2,}", stripped):
        return DescriptionProblem.too_short
    return None


# ---- drafts ---------------------------------------------------------------------------------

@cache
def _draft_of() -> Any:
    """Built once: most updates of a resident read their draft."""
    return select(ReportDraft).where(ReportDraft.resident_id == bindparam("resident_id"))


async def get_draft(*, session: AsyncSession, resident_id: int) -> ReportDraft | None:
    return (await session.exec(_draft_of(), params={"resident_id": resident_id})).first()


async def start_draft(
    *, session: AsyncSession, resident: Resident, step: str, category: str | None = None,
    suggested_category: str | None = None, description: str | None = None,
    nlu_confidence: float | None = None, replaces: bool = True,
) -> ReportDraft:
    """A fresh draft for the resident; an unfinished one is replaced (`replaces=False`: the
    caller read in this transaction that there is none)."""
    if replaces:
        await session.exec(delete(ReportDraft).where(ReportDraft.resident_id == resident.id))
    return await insert_new(
        session, ReportDraft, resident_id=resident.id, token=secrets.token_hex(16), step=step,
        category=category, suggested_category=suggested_category, description=description,
        nlu_confidence=nlu_confidence, language=resident.language,
    )


def _session_of(draft: ReportDraft) -> AsyncSession:
    session = async_object_session(draft)
    if session is None:
        raise ValueError("the draft is not in a session: read it, or start_draft, first")
    return session


async def touch(draft: ReportDraft, **changes: object) -> None:
    """Change the draft (it was just used, so no reminder is due) and write the change in the
    transaction of the session it was read in. Every step of the report flow does this: a Core
    UPDATE of the changed columns costs a third of the ORM's flush of the object (bench/micro:
    SQLite, one step's read and write 540 → 300 µs), and the object takes the values as saved."""
    await update_row(_session_of(draft), draft, **{**changes, "updated_at": utcnow(),
                                                   "reminded_at": None})


@cache
def _draft_delete() -> Any:
    table = ReportDraft.__table__
    return table.delete().where(table.c.id == bindparam("draft_id"))


async def drop_draft(draft: ReportDraft) -> None:
    """The draft is done with (filed, cancelled, or a report followed instead): deleted in the
    transaction of the session it was read in, with a Core statement (as `touch`), and out of
    that session."""
    session = _session_of(draft)
    connection = await connection_of(session)
    await connection.execute(_draft_delete(), {"draft_id": draft.id})
    session.expunge(draft)


async def drafts_to_remind(
    *, session: AsyncSession, idle: timedelta, now: datetime | None = None
) -> list[ReportDraft]:
    cutoff = (now or utcnow()) - idle
    query = select(ReportDraft).where(
        ReportDraft.updated_at < cutoff, col(ReportDraft.reminded_at).is_(None)
    )
    return list((await session.exec(query)).all())


async def expired_drafts(
    *, session: AsyncSession, ttl: timedelta, now: datetime | None = None
) -> list[ReportDraft]:
    cutoff = (now or utcnow()) - ttl
    query = select(ReportDraft).where(ReportDraft.updated_at < cutoff)
    return list((await session.exec(query)).all())


# ---- filing ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Filed:
    report: Report
    new: bool  # False when this draft had already been filed (a double tap on Send)


@cache
def _by_draft_token() -> Any:
    """Built once, as the next: every Send runs both."""
    return select(Report).where(Report.draft_token == bindparam("token"))


async def report_from_draft(*, session: AsyncSession, token: str) -> Report | None:
    return (await session.exec(_by_draft_token(), params={"token": token})).first()


@cache
def _count_since() -> Any:
    return select(func.count()).select_from(Report).where(
        Report.reporter_id == bindparam("resident_id"), Report.created_at >= bindparam("since"))


async def reports_since(*, session: AsyncSession, resident_id: int, since: datetime) -> int:
    result = await (await connection_of(session)).execute(_count_since(), {
        "resident_id": resident_id, "since": since})
    return result.scalar_one()


@dataclass(frozen=True)
class NewReport:
    """What a report is filed from, whoever files it: a resident's draft or an API client."""

    category: str
    description: str
    language: str
    token: str  # one report per token: a draft's, or an Open311 request's
    latitude: float | None = None
    longitude: float | None = None
    address: str | None = None
    district: str | None = None
    reporter_id: int | None = None  # None: a city system, not a resident
    source: str | None = None  # None: the bot; "open311/<key name>"
    media_url: str | None = None
    photos: tuple[dict[str, Any], ...] = ()
    nlu_category: str | None = None  # what the NLU read, when it chose the category
    nlu_confidence: float | None = None

    @classmethod
    def from_draft(cls, draft: ReportDraft) -> NewReport:
        guessed = draft.nlu_confidence is not None
        return cls(category=draft.category, description=draft.description or "",
                   language=draft.language, token=draft.token, latitude=draft.latitude,
                   longitude=draft.longitude, address=draft.address, district=draft.district,
                   reporter_id=draft.resident_id, photos=tuple(draft.photos),
                   nlu_category=draft.suggested_category if guessed else None,
                   nlu_confidence=draft.nlu_confidence)


async def file_new(
    *, session: AsyncSession, new: NewReport, config: CityConfig, staff_chat_id: int,
    unfiled: bool = False,
) -> Filed:
    """File a report, routed to its department with its SLA, its card queued in the outbox
    (and, for a department with its own Open311 system, its forwarding), in the caller's
    transaction. The one way a report comes into being. `unfiled`: the caller knows that no
    report has the token yet (a draft still there: it goes with the report it becomes), so it
    is not looked up (the unique token would still refuse a second report)."""
    existing = None if unfiled else await report_from_draft(session=session, token=new.token)
    if existing is not None:
        return Filed(report=existing, new=False)
    category = config.category(new.category)
    department = config.department_for(new.category, new.district)
    now = utcnow()
    located = new.latitude is not None and new.longitude is not None
    report = await insert_new(
        session,
        Report,
        reporter_id=new.reporter_id,
        category=new.category,
        department=department.id,
        description=new.description,
        latitude=new.latitude,
        longitude=new.longitude,
        geocell=geocell(new.latitude, new.longitude) if located else None,
        address=new.address,
        district=new.district,
        language=new.language,
        draft_token=new.token,
        source=new.source,
        media_url=new.media_url,
        created_at=now,
        updated_at=now,
        due_at=now + timedelta(hours=category.sla_hours),
        nlu_category=new.nlu_category,
        nlu_confidence=new.nlu_confidence,
    )
    for position, photo in enumerate(new.photos):
        await insert_new(session, ReportPhoto, report_id=report.id, position=position,
                         file_id=photo["file_id"], file_unique_id=photo.get("file_unique_id"))
    if new.photos:  # kept for the public site by the courier (citybot/outbox/photos.py)
        await outbox.enqueue(session=session, kind="store_photos", method="getFile",
                             chat_id=staff_chat_id, payload={"report_id": report.id},
                             dedupe_key=f"photos:{report.id}", report_id=report.id, fresh=True)
    if new.reporter_id is not None:
        await insert_new(session, Follower, report_id=report.id, resident_id=new.reporter_id)
    await insert_new(session, ReportEvent, report_id=report.id, kind=EventKind.created,
                     to_status=report.status, note=None,
                     actor_kind="resident" if new.reporter_id is not None else "system")
    await outbox.enqueue(session=session, kind="card", chat_id=staff_chat_id,
                         payload={"report_id": report.id, "photos": len(new.photos)},
                         dedupe_key=f"card:{report.id}", report_id=report.id, fresh=True)
    if department.open311 is not None:  # the department's own system gets it too
        await outbox.enqueue(session=session, kind="open311_forward", method="open311_forward",
                             chat_id=staff_chat_id, payload={"report_id": report.id},
                             dedupe_key=f"open311_forward:{report.id}", report_id=report.id,
                             fresh=True)
    return Filed(report=report, new=True)


async def file_report(
    *, session: AsyncSession, draft: ReportDraft, config: CityConfig, staff_chat_id: int
) -> Filed:
    """Turn a complete draft into a report (see file_new); the draft is gone afterwards."""
    filed = await file_new(session=session, new=NewReport.from_draft(draft), config=config,
                           staff_chat_id=staff_chat_id, unfiled=True)
    if filed.new:
        await drop_draft(draft)
    return filed


async def follow(*, session: AsyncSession, report_id: int, resident_id: int) -> bool:
    """Make the resident a follower; False when they already were."""
    if await session.get(Follower, (report_id, resident_id)) is not None:
        return False
    session.add(Follower(report_id=report_id, resident_id=resident_id))
    await session.flush()
    return True
