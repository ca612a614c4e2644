"""Department queues: the forum topic of each department in the staff group."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.storage.models import DepartmentTopic


async def get_topic(*, session: AsyncSession, department: str, chat_id: int) -> int | None:
    topic = await session.get(DepartmentTopic, (department, chat_id))
    return topic.thread_id if topic else None


async def remember_topic(
    *, session: AsyncSession, department: str, chat_id: int, thread_id: int
) -> None:
    session.add(DepartmentTopic(department=department, chat_id=chat_id, thread_id=thread_id))
    await session.flush()
