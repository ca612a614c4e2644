"""Open311 API keys: made once, shown once, kept only as their SHA-256."""

from __future__ import annotations

import hashlib
import secrets

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.storage.models import ApiKey, utcnow


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


async def create_key(*, session: AsyncSession, name: str, per_minute: int = 600) -> str:
    """A new key for `name` (unique among keys ever made); the key itself is returned once."""
    key = secrets.token_urlsafe(32)
    session.add(ApiKey(name=name, key_hash=key_hash(key), per_minute=per_minute))
    await session.flush()
    return key


async def key_named(*, session: AsyncSession, name: str) -> ApiKey | None:
    return (await session.exec(select(ApiKey).where(ApiKey.name == name))).first()


async def active_key(*, session: AsyncSession, key: str) -> ApiKey | None:
    """The key's row when it is known and not revoked."""
    query = select(ApiKey).where(ApiKey.key_hash == key_hash(key),
                                 col(ApiKey.revoked_at).is_(None))
    return (await session.exec(query)).first()


async def all_keys(*, session: AsyncSession) -> list[ApiKey]:
    return list((await session.exec(select(ApiKey).order_by(ApiKey.name))).all())


async def revoke(*, session: AsyncSession, name: str) -> bool:
    """False when there is no such key, or it was revoked already."""
    row = await key_named(session=session, name=name)
    if row is None or row.revoked_at is not None:
        return False
    row.revoked_at = utcnow()
    session.add(row)
    await session.flush()
    return True
