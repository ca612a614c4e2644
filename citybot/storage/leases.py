"""Named leases in the database: at most one holder at a time, taken over once expired."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import case, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.storage.models import Lease, utcnow


async def acquire_lease(*, session: AsyncSession, name: str, holder: str,
                        ttl: timedelta) -> bool:
    """Take or renew the lease `name` for `ttl`; True when `holder` holds it afterwards.
    One conditional UPDATE (ours, or expired), else an INSERT that loses to a concurrent one."""
    now = utcnow()
    renewed = await session.exec(
        update(Lease)
        .where(Lease.name == name, (Lease.holder == holder) | (Lease.expires_at < now))
        .values(holder=holder, expires_at=now + ttl,
                acquired_at=case((Lease.holder == holder, Lease.acquired_at), else_=now))
        .returning(Lease.name)
    )
    row = renewed.first()
    if row is None:
        insert = postgresql.insert if session.bind.dialect.name == "postgresql" else sqlite.insert
        created = await session.exec(
            insert(Lease).values(name=name, holder=holder, expires_at=now + ttl, acquired_at=now)
            .on_conflict_do_nothing().returning(Lease.name)
        )
        row = created.first()
    await session.commit()
    return row is not None


async def release_lease(*, session: AsyncSession, name: str, holder: str) -> None:
    """Give the lease up now (a clean stop), so another worker takes it at once."""
    await session.exec(
        update(Lease).where(Lease.name == name, Lease.holder == holder)
        .values(expires_at=utcnow() - timedelta(seconds=1))
    )
    await session.commit()


async def lease_holder(*, session: AsyncSession, name: str) -> str | None:
    """Who holds the lease now (None when no one, or when it expired)."""
    lease = (await session.exec(select(Lease).where(Lease.name == name))).first()
    if lease is None or lease.expires_at < utcnow():
        return None
    return lease.holder
