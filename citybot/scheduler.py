"""APScheduler inside `citybot run`: it only calls the job functions of citybot.jobs."""

from __future__ import annotations

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from citybot import jobs
from citybot.context import Services


def build_scheduler(services: Services) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(
        timezone=services.config.city.timezone,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300},
    )
    scheduler.add_job(jobs.remind_idle_drafts, "interval", minutes=10, args=[services],
                      id="remind_idle_drafts", replace_existing=True)
    scheduler.add_job(jobs.drop_expired_drafts, "interval", minutes=10, args=[services],
                      id="drop_expired_drafts", replace_existing=True)
    scheduler.add_job(jobs.forget_processed_updates, "interval", hours=6, args=[services],
                      id="forget_processed_updates", replace_existing=True)
    scheduler.add_job(jobs.remind_overdue_reports, "interval", minutes=5, args=[services],
                      id="remind_overdue_reports", replace_existing=True)
    return scheduler
