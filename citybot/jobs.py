"""Scheduled jobs: plain async functions of the runtime; the scheduler only calls them,
and so do the tests."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from citybot.runtime import Runtime
from citybot.services import (
    broadcasts,
    conversations,
    notify,
    polls,
    privacy,
    proposals,
    reports,
)
from citybot.storage import outbox
from citybot.storage.models import Resident, utcnow
from citybot.storage.updates import forget_old_updates

log = logging.getLogger("citybot.jobs")


async def remind_idle_drafts(runtime: Runtime) -> int:
    """One reminder for a draft left alone for `draft_reminder_hours`."""
    limits = runtime.config.reports
    async with runtime.sessions() as session:
        drafts = await reports.drafts_to_remind(
            session=session, idle=timedelta(hours=limits.draft_reminder_hours))
        for draft in drafts:
            resident = await session.get(Resident, draft.resident_id)
            left = max(limits.draft_ttl_hours - limits.draft_reminder_hours, 1)
            await outbox.enqueue(  # drawn when sent: citybot.outbox.residents
                session=session, kind="draft_reminder", chat_id=resident.telegram_id,
                payload={"hours": left}, dedupe_key=f"draft-reminder:{draft.token}",
            )
            draft.reminded_at = utcnow()
            session.add(draft)
        await session.commit()
    if drafts:
        log.info("draft reminders queued count=%s", len(drafts))
        runtime.wake_courier()
    return len(drafts)


async def drop_expired_drafts(runtime: Runtime) -> int:
    """Drafts untouched for `draft_ttl_hours` are dropped (after their one reminder)."""
    ttl = timedelta(hours=runtime.config.reports.draft_ttl_hours)
    async with runtime.sessions() as session:
        drafts = await reports.expired_drafts(session=session, ttl=ttl)
        for draft in drafts:
            await session.delete(draft)
        await session.commit()
    if drafts:
        log.info("expired drafts dropped count=%s", len(drafts))
    return len(drafts)


async def forget_processed_updates(runtime: Runtime) -> int:
    """Telegram re-sends an update for at most a day; older ids need not be kept."""
    days = runtime.config.privacy.processed_updates_days
    async with runtime.sessions() as session:
        removed = await forget_old_updates(session=session, older_than=timedelta(days=days))
        await session.commit()
    return removed


async def apply_retention(runtime: Runtime, now: datetime | None = None) -> privacy.Retention:
    """The retention periods of config.yml (`privacy:`): relayed messages of long-closed reports,
    processed-update records, inactive residents (warned a month before, then erased); logs
    what it removed. Drafts expire in drop_expired_drafts."""
    return await privacy.enforce_retention(runtime, now=now)


async def remind_overdue_reports(runtime: Runtime) -> int:
    """SLA: an overdue report's card is flagged and one reminder is posted in its thread."""
    return await notify.remind_overdue(runtime)


async def close_quiet_conversations(runtime: Runtime, now: datetime | None = None) -> int:
    """A resident's conversation about a report closes after its quiet period (told once)."""
    return await conversations.close_quiet(runtime, now)


async def pull_open311_statuses(runtime: Runtime) -> int:
    """Status changes of the departments' own Open311 systems, applied as the reports' events
    (residents and followers are told as when an official acts); a token is resolved to its
    request id first. A system that fails is logged in one line and asked again next time."""
    from citybot import open311_client as client
    from citybot.services import forwarding

    changed = 0
    for department in runtime.config.departments:
        endpoint = department.open311
        if endpoint is None:
            continue
        try:
            async with runtime.sessions() as session:
                reports = await forwarding.open_forwarded(session=session,
                                                          department=department.id)
                for report in [r for r in reports if r.external_id is None]:
                    report.external_id = await client.request_of_token(endpoint,
                                                                       report.external_token)
                    session.add(report)
                await session.commit()
                known = {r.external_id: r for r in reports if r.external_id is not None}
                ids = sorted(known)
                for start in range(0, len(ids), 50):
                    for request in await client.get_requests(endpoint, ids[start:start + 50]):
                        report = known.get(str(request.get("service_request_id")))
                        if report is not None and await forwarding.apply_external(
                                session=session, runtime=runtime, report=report,
                                request=request):
                            changed += 1
                    await session.commit()
        except client.Open311Failure as failure:
            log.warning("open311 status pull failed department=%s system=%s error=%s",
                        department.id, endpoint.name, failure.reason)
    if changed:
        log.info("open311 status changes applied count=%s", changed)
        runtime.wake_courier()
    return changed


async def run_digest(runtime: Runtime, name: str, *, force: bool = False,
                     now: datetime | None = None, progress: broadcasts.Progress | None = None,
                     wait_summary: bool = False) -> broadcasts.Summary:
    """The digest `name` of the period begun by `now`, to every recipient not yet served; run
    by the scheduler at the digest's times and by `citybot digest run NAME`."""
    return await broadcasts.run_digest(runtime, name, now=now, force=force, progress=progress,
                                       wait_summary=wait_summary)


async def run_announcement(runtime: Runtime, broadcast_id: int, *,
                           progress: broadcasts.Progress | None = None,
                           wait_summary: bool = False) -> broadcasts.Summary:
    """A confirmed announcement (/announce or `citybot broadcast`) to its subscribers."""
    return await broadcasts.run_by_id(runtime, broadcast_id, progress=progress,
                                      wait_summary=wait_summary)


async def resume_broadcasts(runtime: Runtime) -> int:
    """Digest runs and announcements a stopped process left unfinished are taken up again."""
    return await broadcasts.resume_unfinished(runtime)


async def close_proposals_and_polls(runtime: Runtime) -> int:
    """Proposals whose window ended without the threshold close (their authors are told), those
    their department has not answered in time are reminded in its topic;
    polls whose time came close (stopped, their results sent)."""
    return await proposals.expire_due(runtime) + await proposals.remind_overdue(runtime) + \
        await polls.close_due(runtime)
