"""APScheduler inside `citybot run`: it only calls the job functions of citybot.jobs.

Jobs live in a persistent job store on the bot's own database (table `apscheduler_jobs`), so a
restart knows when each job was due. A digest whose time passed while the bot was down runs
once at start when it is within `broadcast.misfire_grace_hours` (however many times were
missed: coalesced), and is never sent twice for one period (the broadcasts table knows which
periods were sent). The store pickles jobs, so they are registered by textual reference with
names as their only arguments; the running bot's runtime reach them through `bind()`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from citybot import jobs
from citybot.config import cron_trigger
from citybot.runtime import Runtime
from citybot.storage.database import make_sync_engine, sync_url

JOB_TABLE = "apscheduler_jobs"
MAINTENANCE_GRACE = 300  # seconds: a housekeeping job late by more waits for its next turn
MAINTENANCE = {  # job function of citybot.jobs -> how often
    "remind_idle_drafts": timedelta(minutes=10),
    "drop_expired_drafts": timedelta(minutes=10),
    "forget_processed_updates": timedelta(hours=6),
    "remind_overdue_reports": timedelta(minutes=5),
    "resume_broadcasts": timedelta(minutes=1),
    "close_quiet_conversations": timedelta(minutes=1),
    "close_proposals_and_polls": timedelta(minutes=1),
    "pull_open311_statuses": timedelta(minutes=5),
    "apply_retention": timedelta(hours=6),
}

_bound: dict[str, Runtime] = {}


def bind(runtime: Runtime) -> None:
    """The runtime the scheduled jobs of this process run with."""
    _bound["runtime"] = runtime


def _runtime() -> Runtime:
    try:
        return _bound["runtime"]
    except KeyError:
        raise RuntimeError("scheduler jobs need bind(runtime) first") from None


async def run_job(name: str) -> Any:
    """A housekeeping job: citybot.jobs.<name>(runtime)."""
    return await getattr(jobs, name)(_runtime())


async def run_digest(name: str) -> Any:
    """A digest at its scheduled time."""
    return await jobs.run_digest(_runtime(), name)


def build_scheduler(runtime: Runtime) -> AsyncIOScheduler:
    bind(runtime)
    url = sync_url(runtime.engine.url.render_as_string(hide_password=False))
    store = SQLAlchemyJobStore(engine=make_sync_engine(url), tablename=JOB_TABLE)
    return AsyncIOScheduler(
        jobstores={"default": store}, timezone=runtime.config.city.timezone,
        job_defaults={"coalesce": True, "max_instances": 1,
                      "misfire_grace_time": MAINTENANCE_GRACE},
    )


def start(scheduler: AsyncIOScheduler, runtime: Runtime) -> None:
    """Start with the jobs the config asks for. A job whose schedule is unchanged keeps the next
    run time stored before the restart, so a run missed while the bot was down is made up (or
    skipped, past its grace); a changed one is rescheduled; one no longer configured goes."""
    scheduler.start(paused=True)
    zone = runtime.config.city.tz
    wanted = set()
    for name, every in MAINTENANCE.items():
        wanted.add(_schedule(scheduler, f"job:{name}", "citybot.scheduler:run_job", name,
                             IntervalTrigger(seconds=int(every.total_seconds()), timezone=zone),
                             misfire_grace_time=MAINTENANCE_GRACE))
    grace = int(runtime.config.broadcast.misfire_grace_hours * 3600)
    for digest in runtime.config.digests:
        wanted.add(_schedule(scheduler, f"digest:{digest.name}", "citybot.scheduler:run_digest",
                             digest.name, cron_trigger(digest.schedule, zone),
                             misfire_grace_time=grace))
    for job in scheduler.get_jobs():
        if job.id not in wanted:
            job.remove()
    scheduler.resume()


def _schedule(scheduler: AsyncIOScheduler, job_id: str, func: str, name: str, trigger: Any,
              misfire_grace_time: int) -> str:
    existing = scheduler.get_job(job_id)
    same = existing is not None and existing.func_ref == func and existing.args == (name,) \
        and str(existing.trigger) == str(trigger) \
        and str(getattr(existing.trigger, "timezone", "")) == str(trigger.timezone) \
        and existing.misfire_grace_time == misfire_grace_time and existing.coalesce
    if not same:
        scheduler.add_job(func, trigger, args=[name], id=job_id, name=job_id,
                          replace_existing=True, coalesce=True,
                          misfire_grace_time=misfire_grace_time)
    return job_id
