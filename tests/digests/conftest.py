"""Digests and broadcasts through the emulator: subscribers, reports of the period, and the bot
with its courier paced at Telegram's limits (which the emulator enforces)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

import pytest
from sqlmodel import select

from citybot.services.broadcasts import digest_period, find_digest
from citybot.services.digests import Period
from citybot.storage.models import (
    Broadcast,
    EventKind,
    Follower,
    OutboxMessage,
    Report,
    ReportEvent,
    Resident,
    Subscription,
    utcnow,
)

CENTRAL, ZARECHNY = "central", "zarechny"


@pytest.fixture
def limits(emulator):
    """Telegram's flood limits, enforced by the emulator (the courier's pacer keeps to them)."""
    emulator.set_limits(per_chat_per_second=1, per_group_per_minute=20, global_per_second=30)
    return emulator.limits


async def add_subscriber(runtime, user, *, frequency: str = "weekly",
                         districts: Iterable[str] = (), active: bool = True,
                         **topics: bool) -> Resident:
    async with runtime.sessions() as session:
        resident = Resident(telegram_id=user.id, first_name=user.first_name,
                            language=user.language_code or "en", language_chosen=True)
        session.add(resident)
        await session.flush()
        session.add(Subscription(resident_id=resident.id, frequency=frequency,
                                 districts=sorted(districts), active=active, **topics))
        await session.commit()
    return resident


async def add_report(runtime, reporter: Resident, *, description: str, created: datetime,
                     category: str = "roads", district: str | None = CENTRAL,
                     status: str = "new", closed: datetime | None = None,
                     due: datetime | None = None, department: str | None = None) -> Report:
    async with runtime.sessions() as session:
        report = Report(reporter_id=reporter.id, category=category,
                        department=department or runtime.config.department_for(category).id,
                        status=status, description=description, district=district,
                        created_at=created, updated_at=created, closed_at=closed,
                        due_at=due or created + timedelta(days=3))
        session.add(report)
        await session.flush()
        session.add(Follower(report_id=report.id, resident_id=reporter.id))
        session.add(ReportEvent(report_id=report.id, kind=EventKind.created, created_at=created))
        if closed is not None:
            session.add(ReportEvent(report_id=report.id, kind=EventKind.status,
                                    from_status="new", to_status=status, created_at=closed))
        await session.commit()
    return report


def period(runtime, name: str, now: datetime | None = None) -> Period:
    config = runtime.config
    return digest_period(config, find_digest(config, name), now or utcnow())


def during(span: Period, share: float = 0.5) -> datetime:
    """A moment inside the period."""
    return span.start + (span.end - span.start) * share


async def runs(runtime, name: str) -> list[Broadcast]:
    async with runtime.sessions() as session:
        query = select(Broadcast).where(Broadcast.name == name).order_by(Broadcast.id)
        return list((await session.exec(query)).all())


async def deliveries(runtime, broadcast_id: int) -> list[OutboxMessage]:
    async with runtime.sessions() as session:
        query = select(OutboxMessage).where(OutboxMessage.broadcast_id == broadcast_id) \
            .order_by(OutboxMessage.id)
        return list((await session.exec(query)).all())


def texts_to(emulator, user, marker: str) -> list[str]:
    return [m.get("text", "") for m in emulator.messages(user) if marker in m.get("text", "")]
