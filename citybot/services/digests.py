"""Digests: the period a run covers, what each recipient reads in their language, and how a long
one is cut into Telegram messages. No Telegram here: citybot.services.broadcasts queues what
this renders, and an empty digest renders as nothing.

A digest run covers one period of its schedule: from the scheduled time before the latest one
that has come (`start`) to that latest one (`end`, whose local time is the period's key). A run
started late, by hand or resumed after a crash covers the same period, so the same period is
never sent twice (unless forced).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from html import escape
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from sqlalchemy import or_
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.config import CityConfig, Digest, cron_trigger
from citybot.i18n import Html, Texts, Translator
from citybot.services import public
from citybot.storage.models import (
    OPEN_STATUSES,
    EventKind,
    Follower,
    Proposal,
    ProposalStatus,
    Report,
    ReportEvent,
    ReportStatus,
    Resident,
    Subscription,
)
from citybot.storage.reports import count_open, count_overdue

TEXT_LIMIT = 4096  # Telegram's limit of a message, in UTF-16 code units
SNIPPET = 60
STATUS_ICONS = {
    "new": "🆕", "acknowledged": "👀", "in_progress": "🛠", "resolved": "✅",
    "rejected": "⛔", "duplicate": "🔁", "not_responsible": "↪️",
}
CHANGES = (EventKind.status, EventKind.reassigned, EventKind.merged, EventKind.staff_reply)
_LOOKBACK = (timedelta(hours=1), timedelta(days=1), timedelta(days=8), timedelta(days=32),
             timedelta(days=367))


# ---- periods --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Period:
    key: str  # local time of `end`, e.g. "2026-11-28T10:00"
    start: datetime  # UTC
    end: datetime  # UTC


def _last_fire(trigger, moment: datetime) -> datetime | None:
    """The latest time the schedule fires at or before `moment`."""
    for lookback in _LOOKBACK:
        fire = trigger.get_next_fire_time(None, moment - lookback)
        if fire is None or fire > moment:
            continue
        while (following := trigger.get_next_fire_time(fire, fire + timedelta(microseconds=1))) \
                is not None and following <= moment:
            fire = following
        return fire
    return None


def period_at(schedule: str, timezone: str, now: datetime) -> Period:
    """The period of `schedule` that has most recently begun by `now`."""
    zone = ZoneInfo(timezone)
    trigger = cron_trigger(schedule, zone)
    local_now = now.astimezone(zone)
    end = _last_fire(trigger, local_now) or local_now.replace(second=0, microsecond=0)
    start = _last_fire(trigger, end - timedelta(microseconds=1)) or end - timedelta(days=7)
    return Period(key=end.strftime("%Y-%m-%dT%H:%M"), start=start.astimezone(ZoneInfo("UTC")),
                  end=end.astimezone(ZoneInfo("UTC")))


# ---- cutting into messages ------------------------------------------------------------------

def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _cut(line: str, limit: int) -> list[str]:
    """A line too long for one message, cut at spaces (never inside an HTML entity)."""
    pieces = []
    while utf16_len(line) > limit:
        end = min(limit, len(line))
        while (excess := utf16_len(line[:end]) - limit) > 0:  # an emoji is two units
            end -= excess
        cut = line.rfind(" ", 0, end)
        cut = cut if cut > end // 2 else end
        amp = line.rfind("&", 0, cut)
        if amp != -1 and ";" not in line[amp:cut] and cut - amp < 10:
            cut = amp  # "&amp;" stays whole
        pieces.append(line[:cut].rstrip())
        line = line[cut:].lstrip()
    return [*pieces, line] if line else pieces


def split_message(blocks: list[str], limit: int = TEXT_LIMIT) -> list[str]:
    """Blocks (paragraphs: a title and its lines) packed into as few messages as fit under
    `limit`: a block stays whole when it can, else it breaks between lines; HTML tags never span
    lines, so every message is well formed."""
    messages: list[str] = []
    current = ""

    def add(piece: str, separator: str) -> None:
        nonlocal current
        joined = f"{current}{separator}{piece}" if current else piece
        if utf16_len(joined) <= limit:
            current = joined
            return
        if current:
            messages.append(current)
        current = piece

    for block in filter(None, (b.strip("\n") for b in blocks)):
        if utf16_len(block) <= limit:
            add(block, "\n\n")
            continue
        first = True
        for line in block.split("\n"):
            for piece in _cut(line, limit) if utf16_len(line) > limit else [line]:
                add(piece, "\n\n" if first else "\n")
                first = False
    if current:
        messages.append(current)
    return messages


# ---- wording shared by every digest ---------------------------------------------------------

def snippet(text: str, limit: int = SNIPPET) -> str:
    text = " ".join(text.split())
    return escape(text if len(text) <= limit else text[:limit - 1] + "…", quote=False)


def _district_name(config: CityConfig, district_id: str | None, lang: str) -> str | None:
    if district_id is None:
        return None
    try:
        return config.city.district(district_id).name.get(lang)
    except KeyError:
        return None


def report_line(report: Report, config: CityConfig, texts: Texts) -> str:
    category = config.category(report.category)
    line = f"{category.emoji} <b>#{report.id}</b> {snippet(public.public_text(report))}"
    district = _district_name(config, report.district, texts.lang)
    return f"{line} · {escape(district, quote=False)}" if district else line


def _section(title: str, lines: list[str], total: int, texts: Texts) -> str:
    if total > len(lines):
        lines = [*lines, texts("digest-more", count=total - len(lines))]
    return "\n".join([title, *lines])


def period_text(period: Period, timezone: str, lang: str) -> str:
    zone = ZoneInfo(timezone)
    start, end = period.start.astimezone(zone), period.end.astimezone(zone)
    if end - start <= timedelta(days=1):
        return format_datetime(start, "d MMM, HH:mm", locale=lang) + " – " + \
            format_datetime(end, "d MMM, HH:mm", locale=lang)
    return format_date(start, "d MMM", locale=lang) + " – " + format_date(end, "d MMM",
                                                                           locale=lang)


# ---- residents ------------------------------------------------------------------------------

@dataclass
class CityNews:
    """What happened in the period, read once for every recipient of a run."""

    resolved: list[Report]  # newest first
    new: list[Report]
    changed: dict[int, list[Report]]  # resident id -> their reports that changed
    proposals: list[Proposal] = field(default_factory=list)  # published or answered, newest first


async def city_news(*, session: AsyncSession, period: Period, digest: Digest) -> CityNews:
    sections = digest.sections
    resolved, new = [], []
    if "resolved" in sections:
        query = select(Report).where(
            public.VISIBLE,
            Report.status == ReportStatus.resolved, col(Report.closed_at).is_not(None),
            Report.closed_at >= period.start, Report.closed_at < period.end,
        ).order_by(col(Report.closed_at).desc(), col(Report.id).desc())
        resolved = list((await session.exec(query)).all())
    if "new" in sections:
        query = select(Report).where(
            public.VISIBLE,
            Report.created_at >= period.start, Report.created_at < period.end,
            Report.status != ReportStatus.duplicate,
        ).order_by(col(Report.created_at).desc(), col(Report.id).desc())
        new = list((await session.exec(query)).all())
    changed: dict[int, list[Report]] = defaultdict(list)
    if "my_reports" in sections:
        touched = select(ReportEvent.report_id).where(
            ReportEvent.created_at >= period.start, ReportEvent.created_at < period.end,
            col(ReportEvent.kind).in_(CHANGES))
        query = select(Follower.resident_id, Report).join(
            Report, Report.id == Follower.report_id
        ).where(col(Report.id).in_(touched)).order_by(col(Report.id))
        for resident_id, report in (await session.exec(query)).all():
            changed[resident_id].append(report)
    proposals: list[Proposal] = []
    if "proposals" in sections:
        published = (col(Proposal.published_at) >= period.start) & \
            (col(Proposal.published_at) < period.end)
        answered = (Proposal.status == ProposalStatus.answered) & \
            (col(Proposal.closed_at) >= period.start) & (col(Proposal.closed_at) < period.end)
        query = select(Proposal).where(or_(published, answered)).order_by(
            col(Proposal.id).desc())
        proposals = list((await session.exec(query)).all())
    return CityNews(resolved=resolved, new=new, changed=dict(changed), proposals=proposals)


class ResidentDigest:
    """Renders a residents' digest per recipient; the city's part is the same for everyone with
    the same language, districts and topics, so it is rendered once for them."""

    def __init__(self, *, config: CityConfig, translator: Translator, digest: Digest,
                 period: Period, news: CityNews) -> None:
        self.config, self.translator, self.digest = config, translator, digest
        self.period, self.news = period, news
        self._city: dict[tuple, list[str]] = {}

    def render(self, resident: Resident, subscription: Subscription) -> list[str]:
        """The messages for this resident; none when there is nothing to tell."""
        texts = self.translator(resident.language)
        blocks = list(self._city_blocks(texts, subscription))
        if mine := self.news.changed.get(resident.id):
            lines = [self._my_line(report, texts) for report in mine[:self.digest.max_items]]
            blocks.append(_section(texts("digest-mine-title", count=len(mine)), lines, len(mine),
                                   texts))
        if not blocks:
            return []
        return split_message([self._header(texts, subscription), *blocks,
                              texts("digest-footer")])

    def _city_blocks(self, texts: Texts, subscription: Subscription) -> list[str]:
        districts = tuple(sorted(subscription.districts))
        key = (texts.lang, districts, subscription.resolved_reports, subscription.new_reports,
               subscription.proposals)
        if key not in self._city:
            blocks = []
            if subscription.resolved_reports and self.news.resolved:
                blocks.append(self._reports_block("digest-resolved-title", self.news.resolved,
                                                  districts, texts))
            if subscription.new_reports and self.news.new:
                blocks.append(self._reports_block("digest-new-title", self.news.new, districts,
                                                  texts))
            if subscription.proposals and self.news.proposals:
                blocks.append(self._proposals_block(districts, texts))
            self._city[key] = [b for b in blocks if b]
        return self._city[key]

    def _reports_block(self, title: str, reports: list[Report], districts: tuple[str, ...],
                       texts: Texts) -> str | None:
        if districts:
            reports = [r for r in reports if r.district in districts]
        if not reports:
            return None
        lines = [report_line(r, self.config, texts) for r in reports[:self.digest.max_items]]
        return _section(texts(title, count=len(reports)), lines, len(reports), texts)

    def _proposals_block(self, districts: tuple[str, ...], texts: Texts) -> str | None:
        """Proposals published or answered in the period (of the resident's districts)."""
        found = [p for p in self.news.proposals if not districts or p.district in districts]
        if not found:
            return None
        lines = []
        for proposal in found[:self.digest.max_items]:
            if proposal.status == ProposalStatus.answered:
                lines.append(texts("digest-proposal-answered", number=str(proposal.id),
                                   title=Html(snippet(proposal.title, 60)),
                                   decision=texts(f"idea-decision-{proposal.answer}")))
            else:
                lines.append(texts("digest-proposal-published", number=str(proposal.id),
                                   title=Html(snippet(proposal.title, 60)),
                                   supports=proposal.supports))
        return _section(texts("digest-proposals-title", count=len(found)), lines, len(found),
                        texts)

    def _my_line(self, report: Report, texts: Texts) -> str:
        icon = STATUS_ICONS.get(report.status, "•")
        return f"{icon} <b>#{report.id}</b> {snippet(report.description, 40)} — " \
               f"{texts(f'status-{report.status}')}"

    def _header(self, texts: Texts, subscription: Subscription) -> str:
        city = self.config.city.name.get(texts.lang)
        names = [_district_name(self.config, d, texts.lang) or d for d in subscription.districts]
        where = ", ".join(names) if names else texts("digest-whole-city")
        return "\n".join([
            texts("digest-title", city=city, frequency=self.digest.frequency or "weekly"),
            texts("digest-period", period=period_text(self.period, self.config.city.timezone,
                                                      texts.lang), districts=where),
        ])


# ---- staff ----------------------------------------------------------------------------------

async def staff_digest(*, session: AsyncSession, config: CityConfig, texts: Texts,
                       digest: Digest, period: Period, department: str,
                       now: datetime) -> list[str]:
    """One department's view of its queue; none when it has nothing new and nothing open."""
    sections = digest.sections
    new = await _count_new(session=session, department=department, period=period)
    open_ = await count_open(session=session, department=department)
    if not new and not open_:
        return []
    overdue = await count_overdue(session=session, now=now, department=department)
    name = config.department(department).name.get(texts.lang)
    head = [texts("digest-staff-title", department=name),
            texts("digest-staff-period", period=period_text(period, config.city.timezone,
                                                            texts.lang))]
    counts = []
    if "new" in sections:
        counts.append(texts("digest-staff-new", count=new))
    if "open" in sections:
        counts.append(texts("digest-staff-open", count=open_))
    if "overdue" in sections:
        counts.append(texts("digest-staff-overdue", count=overdue))
    blocks = ["\n".join(head), " · ".join(counts)]
    if "oldest_overdue" in sections and overdue:
        oldest = await _oldest_overdue(session=session, department=department, now=now,
                                       limit=digest.max_items)
        lines = [_overdue_line(report, config, texts, now) for report in oldest]
        blocks.append(_section(texts("digest-staff-oldest-title"), lines, overdue, texts))
    return split_message(blocks)


def _overdue_line(report: Report, config: CityConfig, texts: Texts, now: datetime) -> str:
    hours = max(math.floor((now - report.due_at).total_seconds() / 3600), 0)
    return f"{report_line(report, config, texts)} · {texts('queue-overdue', hours=hours)}"


async def _count_new(*, session: AsyncSession, department: str, period: Period) -> int:
    query = select(func.count()).select_from(Report).where(
        Report.department == department, Report.created_at >= period.start,
        Report.created_at < period.end)
    return (await session.exec(query)).one()


async def _oldest_overdue(*, session: AsyncSession, department: str, now: datetime,
                          limit: int) -> list[Report]:
    query = select(Report).where(
        Report.department == department,
        col(Report.status).in_([s.value for s in OPEN_STATUSES]),
        col(Report.due_at).is_not(None), Report.due_at < now,
    ).order_by(col(Report.due_at), col(Report.id)).limit(limit)
    return list((await session.exec(query)).all())
