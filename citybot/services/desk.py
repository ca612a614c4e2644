"""The staff desk's read side: which queue a topic is, SLA state, and resolution times."""

from __future__ import annotations

import math
import statistics
from datetime import datetime, timedelta

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.config import CityConfig
from citybot.storage.models import DepartmentTopic, Report


async def department_of_thread(*, session: AsyncSession, config: CityConfig, chat_id: int,
                               thread_id: int | None) -> str | None:
    """The department whose queue is this forum topic (None: the General topic, or no forum)."""
    if thread_id is None:
        return None
    for department in config.departments:
        if department.topic_id == thread_id:
            return department.id
    query = select(DepartmentTopic.department).where(DepartmentTopic.chat_id == chat_id,
                                                     DepartmentTopic.thread_id == thread_id)
    found = (await session.exec(query)).first()
    return found if found is not None and found in {d.id for d in config.departments} else None


def sla_state(report: Report, now: datetime) -> tuple[bool, int] | None:
    """(overdue, whole hours late or left), or None without a due time."""
    if report.due_at is None:
        return None
    left = report.due_at - now
    if left < timedelta(0):
        return True, max(math.floor(-left.total_seconds() / 3600), 0)
    return False, math.floor(left.total_seconds() / 3600)


def median_duration(pairs: list[tuple[datetime, datetime]]) -> timedelta | None:
    """Median time from filed to resolved."""
    if not pairs:
        return None
    return timedelta(seconds=statistics.median((end - start).total_seconds()
                                               for start, end in pairs))
