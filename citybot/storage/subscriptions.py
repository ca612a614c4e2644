"""Residents' subscriptions to digests and announcements."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.storage.models import Frequency, Resident, Subscription, utcnow

TOPICS = ("new_reports", "resolved_reports", "announcements", "proposals")


async def get_subscription(*, session: AsyncSession, resident_id: int) -> Subscription | None:
    return await session.get(Subscription, resident_id)


async def subscribe(*, session: AsyncSession, resident_id: int) -> tuple[Subscription, bool]:
    """Subscribed at once to the city-wide weekly digest and every topic; returns the
    subscription and whether it was off before (an active one is left as it is)."""
    subscription = await get_subscription(session=session, resident_id=resident_id)
    if subscription is not None and subscription.active:
        return subscription, False
    if subscription is None:
        subscription = Subscription(resident_id=resident_id)
    subscription.active = True
    subscription.frequency = Frequency.weekly
    subscription.districts = []
    for topic in TOPICS:
        setattr(subscription, topic, True)
    subscription.updated_at = utcnow()
    session.add(subscription)
    await session.flush()
    return subscription, True


async def unsubscribe(*, session: AsyncSession, resident_id: int) -> bool:
    """Nothing more is sent; returns whether the resident was subscribed."""
    subscription = await get_subscription(session=session, resident_id=resident_id)
    if subscription is None or not subscription.active:
        return False
    subscription.active = False
    subscription.updated_at = utcnow()
    session.add(subscription)
    return True


async def unsubscribe_chat(*, session: AsyncSession, telegram_id: int) -> None:
    """Telegram answered 403 (the resident blocked the bot): no more digests."""
    resident_id = select(Resident.id).where(Resident.telegram_id == telegram_id) \
        .scalar_subquery()
    await session.exec(update(Subscription).where(Subscription.resident_id == resident_id,
                                                  Subscription.active)
                       .values(active=False, updated_at=utcnow()))


def touch(subscription: Subscription) -> None:
    subscription.updated_at = utcnow()


async def digest_audience(
    *, session: AsyncSession, frequency: str
) -> list[tuple[Resident, Subscription]]:
    """Active subscribers of a digest frequency who have not blocked the bot, by resident id."""
    query = select(Resident, Subscription).join(
        Subscription, Subscription.resident_id == Resident.id
    ).where(Subscription.active, Subscription.frequency == frequency,
            col(Resident.blocked_bot).is_(False)).order_by(col(Resident.id))
    return [(resident, subscription) for resident, subscription in
            (await session.exec(query)).all()]


def covers(subscription: Subscription, districts: Iterable[str]) -> bool:
    """Whether the subscriber hears about these districts (none given: the whole city)."""
    chosen = set(districts)
    return not chosen or not subscription.districts or bool(chosen & set(subscription.districts))


async def announcement_audience(
    *, session: AsyncSession, districts: list[str], topics: list[str]
) -> list[tuple[Resident, Subscription]]:
    """Active subscribers of any of `topics` (default: announcements) whose districts meet
    `districts` (empty: everyone); a city-wide subscriber hears about every district."""
    wanted = [getattr(Subscription, topic) for topic in (topics or ["announcements"])]
    query = select(Resident, Subscription).join(
        Subscription, Subscription.resident_id == Resident.id
    ).where(Subscription.active, col(Resident.blocked_bot).is_(False), or_(*wanted)) \
        .order_by(col(Resident.id))
    return [(resident, subscription) for resident, subscription in
            (await session.exec(query)).all() if covers(subscription, districts)]
