"""Broadcasts: digest runs and announcements, queued as outbox deliveries and sent by the one
courier under Telegram's limits (no Telegram here).

A run is a `Broadcast` row and lives through three states:
- preparing: deliveries are queued in chunks, each under a dedupe key
  (`digest:<name>:<period>:<recipient>:<part>`), so a run resumed after a crash queues only what
  is missing and a re-run of the same period queues nothing;
- sending: every delivery is queued; the courier claims, sends and records each one (a 403
  unsubscribes the resident);
- done: every delivery is recorded; a summary is queued for the staff group, once.
The courier is in `citybot run`, or in the command that started the run.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from html import escape
from typing import Any

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.config import CityConfig, Digest
from citybot.i18n import Texts
from citybot.runtime import Runtime
from citybot.services import digests
from citybot.services.digests import Period, ResidentDigest, split_message
from citybot.services.notify import staff_texts
from citybot.storage import broadcasts as runs
from citybot.storage import outbox
from citybot.storage.broadcasts import IN_FLIGHT, UNFINISHED
from citybot.storage.models import (
    Broadcast,
    BroadcastState,
    OutboxMessage,
    OutboxState,
    Poll,
    utcnow,
)
from citybot.storage.subscriptions import announcement_audience, digest_audience

log = logging.getLogger("citybot.broadcasts")

CHUNK = 50  # recipients queued per transaction (short, so sending goes on evenly meanwhile)
POLL_SECONDS = 0.5
LOG_EVERY = 10.0  # seconds between progress lines in the log
STALE_PREPARING = timedelta(minutes=5)  # a run preparing this long was left by a crash
SUMMARY_WAIT = 90.0  # seconds a command waits for its summary to be posted

# (deliveries recorded, deliveries queued): the command line draws a bar with it.
Progress = Callable[[int, int], None]


class UnknownDigest(KeyError):
    def __init__(self, name: str, config: CityConfig) -> None:
        names = ", ".join(d.name for d in config.digests) or "none configured"
        super().__init__(f"no digest {name!r} in the config (digests: {names})")

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass
class Recipient:
    key: str  # stable within a run: "r<resident id>", "d:<department>"
    chat_id: int
    kind: str  # outbox kind
    payloads: list[dict[str, Any]]
    method: str = "sendMessage"


@dataclass
class Summary:
    broadcast: Broadcast
    status: str  # sent | already_sent | running_elsewhere
    states: dict[str, int] = field(default_factory=dict)  # deliveries by outbox state
    delivered: int = 0  # recipients with every message sent
    blocked: int = 0  # recipients who blocked the bot (unsubscribed)
    failed: int = 0
    seconds: float = 0.0


def find_digest(config: CityConfig, name: str) -> Digest:
    for digest in config.digests:
        if digest.name == name:
            return digest
    raise UnknownDigest(name, config)


def digest_period(config: CityConfig, digest: Digest, now: datetime) -> Period:
    return digests.period_at(digest.schedule, config.city.timezone, now)


# ---- digests --------------------------------------------------------------------------------

async def open_digest_run(runtime: Runtime, digest: Digest, *, now: datetime,
                          force: bool = False) -> tuple[Broadcast, str]:
    """The run of this period: the unfinished one (resumed), the finished one (already_sent),
    or a new one (started; with force, even when this period was sent)."""
    period = digest_period(runtime.config, digest, now)
    async with runtime.sessions() as session:
        latest = await runs.latest_run(session=session, name=digest.name, period=period.key)
        if latest is not None and latest.state in UNFINISHED:
            return latest, "resumed"
        if latest is not None and latest.state == BroadcastState.done and not force:
            return latest, "already_sent"
        created = await runs.create_run(session=session, broadcast=Broadcast(
            kind="digest", name=digest.name, period=period.key,
            run=latest.run + 1 if latest else 1, started_at=utcnow()))
        await session.commit()
        if created is None:  # another process started it a moment ago: join it
            latest = await runs.latest_run(session=session, name=digest.name, period=period.key)
            return latest, "resumed"
    log.info("digest run started name=%s period=%s run=%s id=%s", digest.name, period.key,
             created.run, created.id)
    return created, "started"


async def run_digest(runtime: Runtime, name: str, *, now: datetime | None = None,
                     force: bool = False, progress: Progress | None = None,
                     wait_summary: bool = False) -> Summary:
    """The scheduled job and `citybot digest run NAME`: this period's digest to everyone not
    yet served, then the summary."""
    digest = find_digest(runtime.config, name)
    broadcast, status = await open_digest_run(runtime, digest, now=now or utcnow(),
                                              force=force)
    if status == "already_sent":
        log.info("digest already sent name=%s period=%s (force to send again)", name,
                 broadcast.period)
        return Summary(broadcast=broadcast, status=status)
    if status == "resumed":
        log.info("digest run resumed name=%s period=%s id=%s", name, broadcast.period,
                 broadcast.id)
    return await run(runtime, broadcast, progress=progress, wait_summary=wait_summary)


async def _digest_recipients(runtime: Runtime, session: AsyncSession, broadcast: Broadcast,
                             digest: Digest, counts: dict[str, int]) -> AsyncIterator[Recipient]:
    config = runtime.config
    period = _stored_period(config, digest, broadcast)
    now = utcnow()
    if digest.for_residents:
        news = await digests.city_news(session=session, period=period, digest=digest)
        renderer = ResidentDigest(config=config, translator=runtime.translator, digest=digest,
                                  period=period, news=news)
        paid = {"allow_paid_broadcast": True} if config.broadcast.paid else {}
        audience = await digest_audience(session=session, frequency=digest.frequency)
        for resident, subscription in audience:
            messages = renderer.render(resident, subscription)
            if not messages:
                counts["skipped"] += 1
                continue
            yield Recipient(key=f"r{resident.id}", chat_id=resident.telegram_id, kind="digest",
                            payloads=[{"text": text, **paid} for text in messages])
        return
    departments = [d.id for d in config.departments] if digest.audience == "staff" \
        else [digest.audience]
    texts = staff_texts(runtime)
    for department in departments:
        messages = await digests.staff_digest(session=session, config=config, texts=texts,
                                              digest=digest, period=period,
                                              department=department, now=now)
        if not messages:
            counts["skipped"] += 1
            continue
        yield Recipient(key=f"d:{department}", chat_id=runtime.staff_chat_id,
                        kind="staff_digest",
                        payloads=[*({"text": text, "department": department} for text in messages),
                                  {"chart": True, "department": department}])  # the charts


def _stored_period(config: CityConfig, digest: Digest, broadcast: Broadcast) -> Period:
    """The period of a run from its key (a resumed run covers what it covered at first)."""
    zone = config.city.tz
    end = datetime.strptime(broadcast.period, "%Y-%m-%dT%H:%M").replace(tzinfo=zone)
    return digests.period_at(digest.schedule, config.city.timezone, end)


# ---- announcements --------------------------------------------------------------------------

def announcement_key(text: str, districts: list[str], topics: list[str], day: str) -> str:
    """The same announcement to the same audience on the same day is one broadcast."""
    digest = hashlib.sha1("\x1f".join([text, *sorted(districts), "|", *sorted(topics)])
                          .encode()).hexdigest()[:12]
    return f"{day}:{digest}"


async def draft_announcement(*, session: AsyncSession, text: str, key: str,
                             districts: list[str] | None = None,
                             topics: list[str] | None = None,
                             created_by: str | None = None, run: int = 1,
                             state: str = BroadcastState.draft) -> Broadcast | None:
    """A new announcement (None when `key` with this run exists)."""
    return await runs.create_run(session=session, broadcast=Broadcast(
        kind="announcement", name="announcement", period=key, run=run, state=state, text=text,
        audience={"districts": districts or [], "topics": topics or ["announcements"]},
        created_by=created_by))


async def audience_size(*, session: AsyncSession, broadcast: Broadcast) -> int:
    return len(await announcement_audience(session=session, **_audience(broadcast)))


def _audience(broadcast: Broadcast) -> dict[str, list[str]]:
    return {"districts": list(broadcast.audience.get("districts", [])),
            "topics": list(broadcast.audience.get("topics", ["announcements"]))}


def announcement_text(broadcast: Broadcast, config: CityConfig, texts: Texts) -> list[str]:
    """The announcement as a resident reads it, in their language around the staff's words."""
    head = texts("announce-header", city=config.city.name.get(texts.lang))
    return split_message([head, escape(broadcast.text or "", quote=False),
                          texts("announce-footer")])


async def _announcement_recipients(runtime: Runtime, session: AsyncSession,
                                   broadcast: Broadcast) -> AsyncIterator[Recipient]:
    paid = {"allow_paid_broadcast": True} if runtime.config.broadcast.paid else {}
    rendered: dict[str, list[str]] = {}
    audience = await announcement_audience(session=session, **_audience(broadcast))
    for resident, _ in audience:
        lang = runtime.translator(resident.language).lang
        if lang not in rendered:
            rendered[lang] = announcement_text(broadcast, runtime.config,
                                               runtime.translator(lang))
        yield Recipient(key=f"r{resident.id}", chat_id=resident.telegram_id,
                        kind="announcement",
                        payloads=[{"text": text, **paid} for text in rendered[lang]])


# ---- city polls (citybot.services.polls) ----------------------------------------------------

async def _poll_recipients(runtime: Runtime, session: AsyncSession,
                           broadcast: Broadcast) -> AsyncIterator[Recipient]:
    """A native poll (sendPoll, named so answers arrive) in each resident's language."""
    poll = (await session.exec(select(Poll).where(Poll.broadcast_id == broadcast.id))).one()
    paid = {"allow_paid_broadcast": True} if runtime.config.broadcast.paid else {}
    rendered: dict[str, dict[str, Any]] = {}
    audience = await announcement_audience(session=session, **_audience(broadcast))
    for resident, _ in audience:
        lang = runtime.translator(resident.language).lang
        if lang not in rendered:
            rendered[lang] = {"question": poll.question.get(lang) or poll.question["en"],
                              "options": [{"text": o.get(lang) or o["en"]}
                                          for o in poll.options],
                              "is_anonymous": False, **paid}
        yield Recipient(key=f"r{resident.id}", chat_id=resident.telegram_id, kind="poll",
                        payloads=[rendered[lang]], method="sendPoll")


async def start_announcement(*, session: AsyncSession, broadcast_id: int) -> bool:
    """A previewed announcement confirmed: preparing it once committed (False if it was not
    a draft: sent or cancelled already)."""
    return await runs.mark(session=session, broadcast_id=broadcast_id,
                           state=BroadcastState.preparing, before=[BroadcastState.draft],
                           started_at=utcnow())


async def cancel_announcement(*, session: AsyncSession, broadcast_id: int) -> bool:
    return await runs.mark(session=session, broadcast_id=broadcast_id,
                           state=BroadcastState.cancelled, before=[BroadcastState.draft],
                           finished_at=utcnow())


async def run_by_id(runtime: Runtime, broadcast_id: int, *, progress: Progress | None = None,
                    wait_summary: bool = False) -> Summary:
    async with runtime.sessions() as session:
        broadcast = await session.get(Broadcast, broadcast_id)
    return await run(runtime, broadcast, progress=progress, wait_summary=wait_summary)


# ---- one run, whatever it sends -------------------------------------------------------------

def _dedupe_prefix(broadcast: Broadcast) -> str:
    if broadcast.kind == "digest":
        again = f"#{broadcast.run}" if broadcast.run > 1 else ""
        return f"digest:{broadcast.name}:{broadcast.period}{again}"
    if broadcast.kind == "poll":
        return broadcast.period  # poll:<number>
    return f"announce:{broadcast.id}"


async def run(runtime: Runtime, broadcast: Broadcast, *, progress: Progress | None = None,
              wait_summary: bool = False) -> Summary:
    """Queue what is missing, wait until the courier has recorded every delivery, finish."""
    if broadcast.id in runtime.broadcasts_running:
        return Summary(broadcast=broadcast, status="running_elsewhere")
    runtime.broadcasts_running.add(broadcast.id)
    try:
        if broadcast.state == BroadcastState.preparing:
            await prepare(runtime, broadcast)
        runtime.wake_courier()
        states = await wait_delivered(runtime, broadcast, progress)
        summary = await finish(runtime, broadcast, states)
        if wait_summary:
            await _wait_summary(runtime, broadcast.id)
        return summary
    finally:
        runtime.broadcasts_running.discard(broadcast.id)


async def prepare(runtime: Runtime, broadcast: Broadcast) -> None:
    """Queue every recipient's deliveries, CHUNK recipients a transaction, skipping what an
    earlier attempt queued; then the run is sending."""
    counts = {"recipients": 0, "messages": 0, "skipped": 0}
    prefix = _dedupe_prefix(broadcast)
    started = time.monotonic()
    async with runtime.sessions() as session:
        if broadcast.kind == "digest":
            digest = find_digest(runtime.config, broadcast.name)
            recipients = _digest_recipients(runtime, session, broadcast, digest, counts)
        elif broadcast.kind == "poll":
            recipients = _poll_recipients(runtime, session, broadcast)
        else:
            recipients = _announcement_recipients(runtime, session, broadcast)
        chunk: list[Recipient] = []
        async for recipient in recipients:
            counts["recipients"] += 1
            counts["messages"] += len(recipient.payloads)
            chunk.append(recipient)
            if len(chunk) >= CHUNK:
                await _queue(session, broadcast, prefix, chunk)
                runtime.wake_courier()
                chunk = []
        await _queue(session, broadcast, prefix, chunk)
        await runs.mark(session=session, broadcast_id=broadcast.id, state=BroadcastState.sending,
                        before=[BroadcastState.preparing], **counts)
        await session.commit()
    broadcast.state = BroadcastState.sending
    for key, value in counts.items():
        setattr(broadcast, key, value)
    log.info("broadcast queued id=%s name=%s recipients=%s messages=%s skipped_empty=%s "
             "seconds=%.1f", broadcast.id, broadcast.name, counts["recipients"],
             counts["messages"], counts["skipped"], time.monotonic() - started)


async def _queue(session: AsyncSession, broadcast: Broadcast, prefix: str,
                 chunk: list[Recipient]) -> None:
    rows = [{"kind": r.kind, "method": r.method, "chat_id": r.chat_id, "payload": payload,
             "dedupe_key": f"{prefix}:{r.key}:{part}", "broadcast_id": broadcast.id}
            for r in chunk for part, payload in enumerate(r.payloads)]
    queued = await runs.queued_keys(session=session, keys=[row["dedupe_key"] for row in rows])
    await runs.queue_deliveries(session=session,
                                rows=[row for row in rows if row["dedupe_key"] not in queued])
    await session.commit()


async def wait_delivered(runtime: Runtime, broadcast: Broadcast,
                         progress: Progress | None = None) -> dict[str, int]:
    """Until the courier has recorded every delivery of the run (sent, or given up on)."""
    logged = started = time.monotonic()
    while True:
        async with runtime.sessions() as session:
            states = await runs.delivery_states(session=session, broadcast_id=broadcast.id)
        total = sum(states.values())
        left = sum(states.get(state, 0) for state in IN_FLIGHT)
        if progress is not None:
            progress(total - left, total)
        now = time.monotonic()
        if now - logged >= LOG_EVERY or not left:
            rate = (total - left) / max(now - started, 1e-9)
            log.info("broadcast progress id=%s name=%s recorded=%s of=%s sent=%s rate=%.1f/s",
                     broadcast.id, broadcast.name, total - left, total,
                     states.get(OutboxState.sent, 0), rate)
            logged = now
        if not left:
            return states
        await asyncio.sleep(POLL_SECONDS)


async def finish(runtime: Runtime, broadcast: Broadcast, states: dict[str, int]) -> Summary:
    """The run is done: the summary goes to the staff group (once, whoever finishes it)."""
    async with runtime.sessions() as session:
        summary = Summary(
            broadcast=broadcast, status="sent", states=states,
            blocked=await runs.recipients_in_state(session=session, broadcast_id=broadcast.id,
                                                   state=OutboxState.undeliverable),
            failed=await runs.recipients_in_state(session=session, broadcast_id=broadcast.id,
                                                  state=OutboxState.failed))
        stored = await session.get(Broadcast, broadcast.id)
        summary.delivered = max(stored.recipients - summary.blocked - summary.failed, 0)
        finished = utcnow()
        summary.seconds = (finished - (stored.started_at or stored.created_at)).total_seconds()
        if await runs.mark(session=session, broadcast_id=broadcast.id,
                           state=BroadcastState.done, before=[BroadcastState.sending],
                           finished_at=finished):
            await outbox.enqueue(session=session, kind="broadcast_summary",
                                 chat_id=runtime.staff_chat_id,
                                 payload={"text": summary_text(runtime, stored, summary)},
                                 dedupe_key=f"summary:{broadcast.id}")
            log.info("broadcast done id=%s name=%s delivered=%s blocked=%s failed=%s "
                     "skipped_empty=%s seconds=%.1f", broadcast.id, broadcast.name,
                     summary.delivered, summary.blocked, summary.failed, stored.skipped,
                     summary.seconds)
        await session.commit()
    broadcast.state = BroadcastState.done
    runtime.wake_courier()
    return summary


def summary_text(runtime: Runtime, broadcast: Broadcast, summary: Summary) -> str:
    texts = staff_texts(runtime)
    minutes, seconds = divmod(round(summary.seconds), 60)
    if broadcast.kind == "digest":
        period = broadcast.period
        if any(d.name == broadcast.name for d in runtime.config.digests):
            digest = find_digest(runtime.config, broadcast.name)
            period = digests.period_text(_stored_period(runtime.config, digest, broadcast),
                                         runtime.config.city.timezone, texts.lang)
        title = texts("summary-digest", name=broadcast.name, period=period)
    elif broadcast.kind == "poll":
        title = texts("summary-poll", number=broadcast.period.removeprefix("poll:"))
    else:
        title = texts("summary-announcement", author=broadcast.created_by or "—")
    lines = [title, texts("summary-delivered", delivered=summary.delivered,
                          recipients=broadcast.recipients)]
    if summary.blocked:
        lines.append(texts("summary-blocked", count=summary.blocked))
    if summary.failed:
        lines.append(texts("summary-failed", count=summary.failed))
    if broadcast.skipped:
        lines.append(texts("summary-skipped", count=broadcast.skipped))
    lines.append(texts("summary-took", minutes=minutes, seconds=seconds))
    return "\n".join(lines)


async def _wait_summary(runtime: Runtime, broadcast_id: int) -> None:
    deadline = time.monotonic() + SUMMARY_WAIT
    while time.monotonic() < deadline:
        async with runtime.sessions() as session:
            state = (await session.exec(select(OutboxMessage.state).where(
                OutboxMessage.dedupe_key == f"summary:{broadcast_id}"))).first()
        if state is None or state not in IN_FLIGHT:
            return
        await asyncio.sleep(POLL_SECONDS)
    log.warning("summary not posted yet broadcast_id=%s (the bot will post it)", broadcast_id)


# ---- after a crash --------------------------------------------------------------------------

async def resume_unfinished(runtime: Runtime) -> int:
    """Runs left unfinished by a stopped process are taken up again (in the background);
    returns how many."""
    now = utcnow()
    async with runtime.sessions() as session:
        left = await runs.unfinished(session=session)
    resumed = 0
    for broadcast in left:
        if broadcast.id in runtime.broadcasts_running:
            continue
        if broadcast.state == BroadcastState.preparing and \
                now - (broadcast.started_at or broadcast.created_at) < STALE_PREPARING:
            continue  # being prepared by another command right now
        if broadcast.kind == "digest" and broadcast.state == BroadcastState.preparing and \
                broadcast.name not in {d.name for d in runtime.config.digests}:
            async with runtime.sessions() as session:
                await runs.mark(session=session, broadcast_id=broadcast.id,
                                state=BroadcastState.cancelled,
                                before=[BroadcastState.preparing], finished_at=now)
                await session.commit()
            continue
        log.info("resuming broadcast id=%s name=%s state=%s", broadcast.id, broadcast.name,
                 broadcast.state)
        runtime.spawn(run(runtime, broadcast))
        resumed += 1
    return resumed
