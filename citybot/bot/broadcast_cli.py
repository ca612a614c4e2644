"""`citybot digest list`, `citybot digest run NAME [--force]` and `citybot broadcast`: digests
and announcements from the command line. A run goes through the same job functions as the
scheduler and is sent by the outbox's one sender: the running bot's courier, or this
process's when no bot holds the lease (so they need BOT_TOKEN and TELEGRAM_API_URL); a
progress bar on a terminal, progress in the log, and the summary in the staff group at the
end. Run again after a crash, a command resumes its run."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

# as in storage.subscriptions
TOPICS = ("new_reports", "resolved_reports", "announcements", "proposals")


class ProgressBar:
    """A one-line bar on a terminal (nothing otherwise: the log has the progress)."""

    def __init__(self, label: str, stream: TextIO = sys.stderr, width: int = 30) -> None:
        self.label, self.stream, self.width = label, stream, width
        self.enabled = stream.isatty()
        self.started = time.monotonic()
        self._drawn = 0.0
        self._last = (0, 0)

    def __call__(self, done: int, total: int) -> None:
        self._last = (done, total)
        now = time.monotonic()
        if not self.enabled or (now - self._drawn < 0.1 and done < total):
            return
        self._drawn = now
        share = done / total if total else 1.0
        filled = round(share * self.width)
        elapsed = max(now - self.started, 1e-9)
        rate = done / elapsed
        eta = (total - done) / rate if rate else 0
        self.stream.write(f"\r{self.label} [{'█' * filled}{'░' * (self.width - filled)}] "
                          f"{done}/{total} {share:4.0%} {rate:6.1f}/s ETA {eta:4.0f}s ")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled and self._drawn:
            self.stream.write("\n")
            self.stream.flush()


# ---- running with a courier -----------------------------------------------------------------

def _setup(*, telegram: bool = True) -> tuple[Any, Any]:
    """Settings (BOT_TOKEN checked first when the command talks to Telegram), the config, and
    the database brought up to date."""
    from citybot.config import load_config
    from citybot.settings import load_settings
    from citybot.storage.database import upgrade

    settings = load_settings()
    if telegram:
        settings.require_token()
    config = load_config(settings.config_path)
    upgrade(settings.database_url)
    return settings, config


async def with_courier(settings: Any, config: Any,
                       work: Callable[[Any], Awaitable[Any]]) -> Any:
    """Run `work(runtime)` while the outbox is delivered by its one sender: the running bot's
    courier when a bot holds the lease (this command then only waits for it), else this
    process's, holding the lease so that a bot started meanwhile does not send beside it — and
    taking over if the bot stops while the run goes on."""
    from citybot.bot.app import build_bot
    from citybot.bot.leadership import Leadership, Singletons, lease_timing, worker_id
    from citybot.runtime import build_runtime
    from citybot.storage.leases import lease_holder

    token = settings.require_token()
    runtime = build_runtime(settings, config)
    bot = build_bot(token, settings.telegram_api_url)
    worker = worker_id()
    courier = Singletons(bot, runtime, worker=worker, courier_idle=0.2, scheduler=False)
    ttl, renew = lease_timing()
    leadership = Leadership(runtime, on_gain=courier.start, on_loss=courier.stop, holder=worker,
                            ttl=ttl, renew_every=renew)
    async with runtime.sessions() as session:
        holder = await lease_holder(session=session, name=leadership.name)
    if holder is not None:
        print(f"the running bot ({holder}) sends it; this command waits and reports",
              file=sys.stderr)
    gc.freeze()  # what start-up built lives on: collections skip it (short pauses, even pace)
    task = asyncio.create_task(leadership.run())
    try:
        return await work(runtime)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await runtime.close()
        await bot.session.close()


def report(summary: Any, what: str) -> None:
    broadcast = summary.broadcast
    if summary.status == "already_sent":
        print(f"{what} was sent already (run {broadcast.run}, period {broadcast.period}); "
              "--force sends it again")
        return
    sent = summary.states.get("sent", 0)
    rate = sent / summary.seconds if summary.seconds else 0.0
    print(f"{what}: delivered to {summary.delivered} of {broadcast.recipients} recipients "
          f"({sent} messages, {rate:.1f}/s, {summary.seconds:.0f} s); "
          f"blocked and unsubscribed: {summary.blocked}; failed: {summary.failed}; "
          f"nothing new, not sent: {broadcast.skipped}")


# ---- citybot digest -------------------------------------------------------------------------

def cmd_digest_list(args: argparse.Namespace) -> int:
    settings, config = _setup(telegram=False)
    rows = asyncio.run(_digest_rows(settings, config))
    if not rows:
        print("no digests in the config (digests: in config.yml)")
        return 0
    header = ("NAME", "AUDIENCE", "SCHEDULE", f"NEXT RUN ({config.city.timezone})", "LAST RUN")
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True))
              .rstrip())
    return 0


async def _digest_rows(settings: Any, config: Any) -> list[tuple[str, ...]]:
    from citybot.config import cron_trigger
    from citybot.storage import broadcasts as runs
    from citybot.storage.database import make_engine, make_sessionmaker

    engine = make_engine(settings.database_url)
    rows = []
    try:
        async with make_sessionmaker(engine)() as session:
            now = datetime.now(config.city.tz)
            for digest in config.digests:
                trigger = cron_trigger(digest.schedule, config.city.tz)
                upcoming = trigger.get_next_fire_time(None, now)
                audience = f"{digest.audience}, {digest.frequency}" if digest.frequency \
                    else digest.audience
                last = "never"
                for run in await runs.recent(session=session, name=digest.name):
                    states = await runs.delivery_states(session=session, broadcast_id=run.id)
                    last = (f"{run.period} {run.state}: {states.get('sent', 0)} sent to "
                            f"{run.recipients} recipients")
                rows.append((digest.name, audience, digest.schedule,
                             upcoming.strftime("%Y-%m-%d %H:%M %a") if upcoming else "—", last))
    finally:
        await engine.dispose()
    return rows


def cmd_digest_run(args: argparse.Namespace) -> int:
    settings, config = _setup()
    if args.name not in (names := [d.name for d in config.digests]):
        print(f"citybot: no digest {args.name!r} in the config (digests: "
              f"{', '.join(names) or 'none configured'})", file=sys.stderr)
        return 2
    from citybot import jobs

    bar = ProgressBar(f"digest {args.name}")

    async def work(runtime: Any) -> Any:
        return await jobs.run_digest(runtime, args.name, force=args.force, progress=bar,
                                     wait_summary=True)

    try:
        summary = asyncio.run(with_courier(settings, config, work))
    finally:
        bar.close()
    report(summary, f"digest {args.name}")
    return 0


# ---- citybot broadcast ----------------------------------------------------------------------

def _announcement_text(args: argparse.Namespace) -> str:
    if args.file:
        return (sys.stdin.read() if args.file == "-" else
                Path(args.file).read_text(encoding="utf-8")).strip()
    return (args.text or "").strip()


def cmd_broadcast(args: argparse.Namespace) -> int:
    settings, config = _setup()
    text = _announcement_text(args)
    if not text:
        print("citybot: nothing to send: give the text, or --file PATH (- for stdin)",
              file=sys.stderr)
        return 2
    known = {d.id for d in config.city.districts}
    if unknown := [d for d in args.district if d not in known]:
        print(f"citybot: no district {', '.join(unknown)} (districts: {', '.join(sorted(known))})",
              file=sys.stderr)
        return 2
    bar = ProgressBar("announcement")

    async def work(runtime: Any) -> Any:
        return await _broadcast(runtime, args, text, bar)

    try:
        summary = asyncio.run(with_courier(settings, config, work))
    finally:
        bar.close()
    if summary is None:
        return 1
    report(summary, "announcement")
    return 0


async def _broadcast(runtime: Any, args: argparse.Namespace, text: str,
                     bar: ProgressBar) -> Any:
    from citybot import jobs
    from citybot.services import broadcasts
    from citybot.storage import broadcasts as runs
    from citybot.storage.models import BroadcastState

    config = runtime.config
    topics = args.topic or ["announcements"]
    day = datetime.now(config.city.tz).strftime("%Y-%m-%d")
    key = broadcasts.announcement_key(text, args.district, topics, day)
    async with runtime.sessions() as session:
        latest = await runs.latest_run(session=session, name="announcement", period=key)
        if latest is not None and latest.state == BroadcastState.done and not args.force:
            return broadcasts.Summary(broadcast=latest, status="already_sent")
        if latest is not None and latest.state in runs.UNFINISHED:
            print(f"resuming the announcement started {latest.created_at:%H:%M} (id "
                  f"{latest.id})")
            broadcast = latest
        else:
            broadcast = await broadcasts.draft_announcement(
                session=session, text=text, key=key, districts=args.district, topics=topics,
                created_by=args.author, run=latest.run + 1 if latest else 1)
            count = await broadcasts.audience_size(session=session, broadcast=broadcast)
            texts = runtime.translator(config.city.default_language)
            print("\n\n".join(broadcasts.announcement_text(broadcast, config, texts)))
            print(f"\nto {count} subscribers of {', '.join(topics)} in "
                  f"{', '.join(args.district) or 'the whole city'}")
            if not count or not (args.yes or _confirm()):
                await broadcasts.cancel_announcement(session=session, broadcast_id=broadcast.id)
                await session.commit()
                print("nothing sent")
                return None
            await broadcasts.start_announcement(session=session, broadcast_id=broadcast.id)
            await session.commit()
    return await jobs.run_announcement(runtime, broadcast.id, progress=bar, wait_summary=True)


def _confirm() -> bool:
    if not sys.stdin.isatty():
        print("citybot: not a terminal: add --yes to send without asking", file=sys.stderr)
        return False
    return input("send it? [y/N] ").strip().lower() in ("y", "yes")


def register(sub: argparse._SubParsersAction) -> None:
    digest = sub.add_parser("digest", help="list digests, or run one now (resumes a crashed run)")
    actions = digest.add_subparsers(dest="action", required=True, metavar="ACTION")
    actions.add_parser("list", help="the digests of config.yml, their next and last runs") \
        .set_defaults(func=cmd_digest_list)
    run = actions.add_parser("run", help="run a digest now, as the scheduler would")
    run.add_argument("name", help="the digest's name in config.yml")
    run.add_argument("--force", action="store_true",
                     help="send again even when this period's digest was sent")
    run.set_defaults(func=cmd_digest_run)

    broadcast = sub.add_parser("broadcast", help="send an announcement to subscribers")
    broadcast.add_argument("text", nargs="?", help="the announcement (plain text)")
    broadcast.add_argument("--file", help="read the text from a file (- for stdin)")
    broadcast.add_argument("--district", action="append", default=[],
                           help="only subscribers of this district (repeatable; default: all)")
    broadcast.add_argument("--topic", action="append", choices=TOPICS,
                           help="subscribers of this topic (repeatable; default: announcements)")
    broadcast.add_argument("--author", default=None, help="who sends it, for the summary")
    broadcast.add_argument("--yes", action="store_true", help="send without asking")
    broadcast.add_argument("--force", action="store_true",
                           help="send again even if the same announcement was sent today")
    broadcast.set_defaults(func=cmd_broadcast)
