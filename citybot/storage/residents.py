"""Queries about residents."""

from __future__ import annotations

from datetime import timedelta
from functools import cache
from typing import Any

from sqlalchemy import bindparam
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.storage.core import insert_new
from citybot.storage.models import ReportDraft, Resident, utcnow

SEEN_RESOLUTION = timedelta(minutes=10)
NEW_RESIDENTS = "new_residents"  # Session.info: Telegram ids first seen in this transaction


def is_new_resident(session: AsyncSession, telegram_id: int) -> bool:
    """Whether this update is the person's first (or first since they erased their data)."""
    return telegram_id in session.info.get(NEW_RESIDENTS, ())


@cache
def _by_telegram_id() -> Any:
    """Built once: every update reads its resident, and building a query costs more than
    running it."""
    return select(Resident).where(Resident.telegram_id == bindparam("telegram_id"))


async def get_resident(*, session: AsyncSession, telegram_id: int) -> Resident | None:
    return (await session.exec(_by_telegram_id(), params={"telegram_id": telegram_id})).first()


@cache
def _with_draft() -> Any:
    """The resident and their report draft (at most one, `resident_id` is unique) in one
    statement, built once: a resident's every update reads the one, most read the other."""
    return (select(Resident, ReportDraft)
            .outerjoin(ReportDraft, ReportDraft.resident_id == Resident.id)
            .where(Resident.telegram_id == bindparam("telegram_id")))


async def get_or_create_resident(
    *, session: AsyncSession, telegram_id: int, first_name: str, language: str
) -> Resident:
    """The resident behind a Telegram user; the first visit records their language."""
    resident = await get_resident(session=session, telegram_id=telegram_id)
    if resident is None:
        return await _create(session, telegram_id, first_name, language)
    return _seen(resident, first_name, language)


async def resident_with_draft(
    *, session: AsyncSession, telegram_id: int, first_name: str, language: str
) -> tuple[Resident, ReportDraft | None]:
    """get_or_create_resident, and the resident's report draft read in the same statement."""
    row = (await session.exec(_with_draft(), params={"telegram_id": telegram_id})).first()
    if row is None:
        return await _create(session, telegram_id, first_name, language), None
    resident, draft = row
    return _seen(resident, first_name, language), draft


async def _create(session: AsyncSession, telegram_id: int, first_name: str,
                  language: str) -> Resident:
    resident = await insert_new(session, Resident, telegram_id=telegram_id,
                                first_name=first_name[:128], language=language)
    session.info.setdefault(NEW_RESIDENTS, set()).add(telegram_id)
    return resident


def _seen(resident: Resident, first_name: str, language: str) -> Resident:
    # written only when something changed: most updates then read the resident, never write
    now = utcnow()
    if now - resident.last_seen_at > SEEN_RESOLUTION:
        resident.last_seen_at = now
    if resident.first_name != first_name[:128]:
        resident.first_name = first_name[:128]
    if not resident.language_chosen and resident.language != language:
        resident.language = language
    if resident.blocked_bot:
        resident.blocked_bot = False  # they wrote to us again, so they unblocked the bot
    return resident


async def set_language(*, session: AsyncSession, resident: Resident, language: str) -> None:
    resident.language = language
    resident.language_chosen = True
    session.add(resident)


async def mark_blocked(*, session: AsyncSession, telegram_id: int) -> None:
    """Telegram answered 403: the person blocked the bot (groups have no resident row)."""
    resident = await get_resident(session=session, telegram_id=telegram_id)
    if resident is not None and not resident.blocked_bot:
        resident.blocked_bot = True
        session.add(resident)
