"""The delivery of a report to its department's own Open311 system (kind
"open311_forward", queued with the card by citybot.services.reports.file_new).

Never twice: a report that already has the system's id or token is not sent again, and the
answer is committed the moment it arrives (the one window left is a crash between the system's
answer and that commit, as with a Telegram message). A failure is retried by the courier with
backoff; the staff topic hears of it in one line at the first failure and when it is given up.
"""

from __future__ import annotations

from aiogram import Bot
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot import open311_client as client
from citybot.outbox.courier import MAX_ATTEMPTS, DeliveryFailed
from citybot.runtime import Runtime
from citybot.services import forwarding
from citybot.storage.models import OutboxMessage, Report


async def deliver_forward(bot: Bot, runtime: Runtime, session: AsyncSession,
                          message: OutboxMessage) -> int | None:
    report = await session.get(Report, message.payload["report_id"])
    endpoint = forwarding.endpoint_of(runtime, report) if report is not None else None
    if report is None or endpoint is None or forwarding.already_forwarded(report):
        return None  # gone, moved to a department without a system, or sent before
    params = forwarding.request_params(report, endpoint)
    await session.commit()  # the database is not held while the system answers
    try:
        external_id, token = await client.post_request(endpoint, params)
    except client.Open311Failure as failure:
        final = failure.permanent or message.attempts + 1 >= MAX_ATTEMPTS
        await forwarding.not_forwarded(session=session, runtime=runtime, report=report,
                                       reason=failure.reason, final=final)
        raise DeliveryFailed(failure.reason, permanent=failure.permanent) from None
    await forwarding.forwarded(session=session, runtime=runtime, report=report,
                               external_id=external_id, token=token)
    await session.commit()
    runtime.wake_courier()  # the card's re-drawing
    return None
