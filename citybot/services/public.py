"""What the public sees of a report: one definition, used by the public pages, the exports, the
digests and the Open311 API.

- A report is public unless an official hid it (`/hide N`); `VISIBLE` is the SQL condition and
  `is_public` the same test on a loaded report. Every public query must use one of them.
- Its public text is the official's replacement (`/publish N text`) or the resident's
  description, with phone numbers, e-mail addresses and long digit runs masked (`mask`); the
  staff card keeps the original.
- Nothing public names a resident: no Telegram id or username is read here, and the reporter's
  name is read only to be masked where it shows in their text or an official's note.
- Residents' proposals (the public site's /ideas): those the bot lets residents see
  (services.proposals.visible / browse), title, description and the city's answer masked,
  the author's name read only to be masked; never the author, the supporters, the moderators'
  reason or the photo's Telegram file id.
"""

from __future__ import annotations

import json
import re
import statistics as stats_math
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import String, false, func
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.config import CityConfig
from citybot.services import proposals
from citybot.services.workflow import Actor, Refused
from citybot.storage import audit
from citybot.storage.core import connection_of
from citybot.storage.models import (
    OPEN_STATUSES,
    EventKind,
    Proposal,
    Report,
    ReportEvent,
    ReportPhoto,
    ReportStatus,
    Resident,
    utcnow,
)

MASK = "***"

# ---- masking --------------------------------------------------------------------------------

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# 7 or more digits with at most two separators between each: +7 (912) 345-67-89,
# 8 912 345 67 89, (555) 123-4567, a card number, a passport
DIGITS = re.compile(r"(?<![\w+])\+?\(?\d(?:[\s().-]{0,2}\d){6,}(?!\w)")
# the heart of DIGITS, without what stops the regular expression engine from skipping ahead to
# a digit (the look-behind): a text it finds nothing in has nothing DIGITS would mask, and it
# is looked through two to three times faster (a resident's paragraph: 3 µs instead of 11)
NUMBER_LIKE = re.compile(r"\d(?:[\s().-]{0,2}\d){6}")
DATE = re.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|\d{4}\s?[-–]\s?\d{4}")  # 12.11.2024, 2019-2024


def _digits(match: re.Match[str]) -> str:
    found = match.group(0)
    return found if DATE.fullmatch(found) else MASK


def mask(text: str | None, names: tuple[str, ...] = ()) -> str:
    """The text with what could identify or reach a person replaced by `***`: phone numbers,
    e-mail addresses, long digit runs, and `names` (the reporter's, where the caller knows it:
    an official's note may greet them by name)."""
    if not text:
        return ""
    if "@" in text:
        text = EMAIL.sub(MASK, text)
    for name in names:
        if len(name) >= 2 and name.casefold() in text.casefold():
            text = _name_pattern(name).sub(MASK, text)
    if NUMBER_LIKE.search(text) is None:
        return text
    return DIGITS.sub(_digits, text)


@lru_cache(maxsize=1024)
def _name_pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", re.IGNORECASE)


async def reporter_names(*, session: AsyncSession, report_ids: Iterable[int]
                         ) -> dict[int, tuple[str, ...]]:
    """Report id → its reporter's name, to be masked wherever it shows in public text."""
    ids = list(report_ids)
    if not ids:
        return {}
    query = select(Report.id, Resident.first_name).join(
        Resident, Resident.id == Report.reporter_id).where(col(Report.id).in_(ids))
    return {number: tuple(name.split()) for number, name in (await session.exec(query)).all()
            if name}


# ---- what is public -------------------------------------------------------------------------

VISIBLE = col(Report.hidden) == false()  # the SQL condition every public query uses


def is_public(report: Report) -> bool:
    return not report.hidden


def public_text(report: Report, names: tuple[str, ...] = ()) -> str:
    """The text the public reads: an official's replacement, else the description, masked."""
    return mask(report.public_text if report.public_text else report.description, names)


def public_address(report: Report) -> str:
    return mask(report.address)


@dataclass(frozen=True)
class Filters:
    """The map's and the exports' filters; None: any."""

    category: str | None = None
    status: str | None = None
    district: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    def where(self) -> list[Any]:
        conditions: list[Any] = [VISIBLE]
        if self.category:
            conditions.append(Report.category == self.category)
        if self.status == "open":
            conditions.append(col(Report.status).in_([s.value for s in OPEN_STATUSES]))
        elif self.status:
            conditions.append(Report.status == self.status)
        if self.district:
            conditions.append(Report.district == self.district)
        if self.since is not None:
            conditions.append(Report.created_at >= self.since)
        if self.until is not None:
            conditions.append(Report.created_at < self.until)
        return conditions

    @property
    def empty(self) -> bool:
        return self == Filters()


PERIODS = {"week": 7, "month": 31, "year": 366}


def parse_filters(query: dict[str, str], config: CityConfig,
                  now: datetime | None = None) -> Filters:
    """Filters from a query string (`category`, `status`, `district`, `period` week|month|year,
    `since` YYYY-MM-DD); values it does not know are ignored, never an error."""
    categories = {c.id for c in config.categories}
    districts = {d.id for d in config.city.districts}
    statuses = {s.value for s in ReportStatus} | {"open"}
    since = parse_date(query.get("since", ""))
    period = PERIODS.get(query.get("period", ""))
    if period is not None:
        since = max(filter(None, [since, (now or utcnow()) - timedelta(days=period)]))
    return Filters(
        category=query.get("category") if query.get("category") in categories else None,
        status=query.get("status") if query.get("status") in statuses else None,
        district=query.get("district") if query.get("district") in districts else None,
        since=since,
    )


def parse_date(text: str) -> datetime | None:
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        return None
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


# ---- one report -----------------------------------------------------------------------------

async def public_report(*, session: AsyncSession, number: int) -> Report | None:
    report = await session.get(Report, number)
    return report if report is not None and is_public(report) else None


@dataclass(frozen=True)
class Step:
    """One line of a report's public history."""

    at: datetime
    kind: str  # created, status, reassigned
    status: str | None = None
    note: str = ""  # an official's note (masked); never a resident's words
    department: str | None = None


PUBLIC_NOTES = frozenset({ReportStatus.resolved, ReportStatus.rejected,
                          ReportStatus.not_responsible, ReportStatus.in_progress})


async def public_history(*, session: AsyncSession, report: Report,
                         names: tuple[str, ...] = ()) -> list[Step]:
    query = select(ReportEvent).where(
        ReportEvent.report_id == report.id,
        col(ReportEvent.kind).in_([EventKind.created, EventKind.status, EventKind.reassigned]),
    ).order_by(col(ReportEvent.id))
    steps = []
    for event in (await session.exec(query)).all():
        if event.kind == EventKind.created:
            steps.append(Step(at=event.created_at, kind="created", status=event.to_status))
        elif event.kind == EventKind.status:
            note = mask(event.note, names) if event.actor_kind == "staff" and \
                event.to_status in PUBLIC_NOTES else ""
            steps.append(Step(at=event.created_at, kind="status", status=event.to_status,
                              note=note))
        else:
            steps.append(Step(at=event.created_at, kind="reassigned",
                              department=(event.note or "").rpartition("→")[2] or None))
    return steps


# ---- hide and publish (staff) ---------------------------------------------------------------

MAX_PUBLIC_TEXT = 2000


async def hide(*, session: AsyncSession, report: Report, actor: Actor) -> ReportEvent:
    """Off the map, the exports, the digests and the Open311 API, at once."""
    if report.hidden:
        raise Refused("public-refused-hidden", number=str(report.id))
    report.hidden = True
    return await _record(session, report, EventKind.hidden, actor, None)


async def publish(*, session: AsyncSession, report: Report, actor: Actor,
                  text: str | None = None) -> ReportEvent:
    """Public again; with `text`, that text replaces the description for the public."""
    text = (text or "").strip()[:MAX_PUBLIC_TEXT] or None
    if not report.hidden and text is None:
        raise Refused("public-refused-public", number=str(report.id))
    report.hidden = False
    if text is not None:
        report.public_text = text
    return await _record(session, report, EventKind.published, actor, text)


async def _record(session: AsyncSession, report: Report, kind: str, actor: Actor,
                  note: str | None) -> ReportEvent:
    event = ReportEvent(report_id=report.id, kind=kind, from_status=report.status,
                        to_status=report.status, note=note, actor_kind=actor.kind,
                        actor_telegram_id=actor.telegram_id, actor_name=actor.name)
    report.updated_at = event.created_at
    session.add(report)
    session.add(event)
    if actor.kind == "staff":  # the audit trail of officials' access (citybot audit)
        audit.record(session, official_id=actor.telegram_id, action=kind, report_id=report.id)
    await session.flush()
    return event


# ---- the map's data -------------------------------------------------------------------------

SCALE = 100_000  # coordinates in 1e-5 degrees (about a metre)


class Compact:
    """The map's data as compact arrays: `r` holds five integers a report (its number, latitude
    and longitude in 1e-5 degrees from `origin`, index in `categories`, index in `statuses`),
    about 25 bytes each; each report's part is made once and kept (see MapIndex)."""

    def __init__(self, config: CityConfig) -> None:
        self.categories = [c.id for c in config.categories]
        self.statuses = [s.value for s in ReportStatus]
        self._category = {c: i for i, c in enumerate(self.categories)}
        self._status = {s: i for i, s in enumerate(self.statuses)}
        self.origin = (config.city.center.lat, config.city.center.lon)

    def part(self, number: int, lat: float, lon: float, category: str, status: str) -> str:
        return (f"{number},{round((lat - self.origin[0]) * SCALE)},"
                f"{round((lon - self.origin[1]) * SCALE)},{self._category.get(category, -1)},"
                f"{self._status.get(status, -1)}")

    def document(self, parts: Iterable[str]) -> str:
        head = json.dumps({"origin": list(self.origin), "scale": SCALE,
                           "categories": self.categories, "statuses": self.statuses},
                          separators=(",", ":"))
        return head[:-1] + ',"r":[' + ",".join(parts) + "]}"


async def map_data(*, session: AsyncSession, config: CityConfig, filters: Filters) -> str:
    """Every public report with a place matching `filters`, as JSON (see Compact)."""
    query = select(Report.id, Report.latitude, Report.longitude, Report.category,
                   Report.status).where(*filters.where(), col(Report.latitude).is_not(None)) \
        .order_by(col(Report.id))
    connection = await connection_of(session)
    compact = Compact(config)
    return compact.document(compact.part(*row) for row in (await connection.execute(query)).all())


SLACK = timedelta(minutes=5)  # a transaction may commit a little after its updated_at


@dataclass
class MapIndex:
    """The whole city's markers in memory, brought up to date with the reports changed lately
    (reports.updated_at, indexed; the last few minutes are read again each time, for
    transactions that committed after a later one), so the map's data for the whole city is
    not read from 100,000 rows at every change. A deleted report shows as a count that does not
    add up: then everything is read again."""

    compact: Compact
    # number → (category, status, its part of the data)
    markers: dict[int, tuple[str, str, str]] = field(default_factory=dict)
    known: set[int] = field(default_factory=set)  # every report seen, public or not
    seen: datetime | None = None  # the latest updated_at read
    changes: int = 0  # bumped whenever `markers` changed

    async def refresh(self, *, session: AsyncSession, again: bool = True) -> bool:
        """Bring the markers up to date; True when they changed."""
        connection = await connection_of(session)
        total = (await connection.execute(select(func.count()).select_from(Report))).scalar_one()
        columns = (Report.id, Report.latitude, Report.longitude, Report.category,
                   Report.status, Report.hidden)
        full = self.seen is None or total < len(self.known)
        if full:  # everything, without the 100,000 times it would take to read updated_at
            self.seen = (await connection.execute(select(func.max(Report.updated_at)))).scalar()
            self.markers, self.known = {}, set()
            rows = (await connection.execute(select(*columns))).all()
        else:
            since = min(self.seen, utcnow()) - SLACK  # a clock ahead must not hide changes
            rows = (await connection.execute(select(*columns, Report.updated_at).where(
                Report.updated_at >= since))).all()
        changed = full
        for number, lat, lon, category, status, hidden, *updated in rows:
            self.known.add(number)
            if updated and updated[0] > self.seen:
                self.seen = updated[0]
            marker = None if hidden or lat is None else \
                (category, status, self.compact.part(number, lat, lon, category, status))
            if self.markers.get(number) != marker:
                changed = True
                if marker is None:
                    self.markers.pop(number, None)
                else:
                    self.markers[number] = marker
        if len(self.known) != total and again:  # deleted and added since: read it all again
            self.seen = None
            return await self.refresh(session=session, again=False)
        if changed:
            self.changes += 1
        return changed

    def document(self, filters: Filters | None = None) -> str:
        """All the markers, or those of `filters` (category and status only: see `answers`)."""
        markers = self.markers
        if filters is None or filters.empty:
            return self.compact.document(markers[n][2] for n in sorted(markers))
        wanted = {s.value for s in OPEN_STATUSES} if filters.status == "open" else \
            {filters.status} if filters.status else None
        return self.compact.document(
            part for n in sorted(markers)
            for category, status, part in (markers[n],)
            if (filters.category is None or category == filters.category)
            and (wanted is None or status in wanted))

    @staticmethod
    def answers(filters: Filters) -> bool:
        """Whether the markers in memory can answer these filters (district and period: no)."""
        return filters.district is None and filters.since is None and filters.until is None


@dataclass(frozen=True)
class Listed:
    """A report in the list beside the map."""

    id: int
    category: str
    status: str
    text: str
    address: str
    created_at: datetime


async def latest(*, session: AsyncSession, filters: Filters, limit: int = 50) -> list[Listed]:
    query = select(Report.id, Report.category, Report.status, Report.description,
                   Report.public_text, Report.address, Report.created_at) \
        .where(*filters.where()).order_by(col(Report.id).desc()).limit(limit)
    rows = (await session.exec(query)).all()
    names = await reporter_names(session=session, report_ids=[row[0] for row in rows])
    return [Listed(id=n, category=c, status=s, text=mask(p or d, names.get(n, ())),
                   address=mask(a), created_at=when)
            for n, c, s, d, p, a, when in rows]


# ---- exports --------------------------------------------------------------------------------

COLUMNS = ("id", "category", "department", "status", "description", "address", "district",
           "latitude", "longitude", "created_at", "closed_at", "due_at")


async def export_count(*, session: AsyncSession, filters: Filters) -> int:
    query = select(func.count()).select_from(Report).where(*filters.where())
    return (await session.exec(query)).one()


async def export_rows(*, session: AsyncSession, filters: Filters,
                      batch: int = 5000) -> AsyncIterator[list[tuple[Any, ...]]]:
    """The public fields (`COLUMNS`, in that order) of every public report matching `filters`,
    oldest first, in batches (keyset pages: no long transaction, no memory)."""
    after = 0
    connection = await connection_of(session)  # plain rows, not ORM objects: a third faster
    while True:
        query = select(Report.id, Report.category, Report.department, Report.status,
                       Report.description, Report.public_text, Report.address, Report.district,
                       Report.latitude, Report.longitude, iso_utc(Report.created_at),
                       iso_utc(Report.closed_at), iso_utc(Report.due_at), Resident.first_name) \
            .outerjoin(Resident, Resident.id == Report.reporter_id) \
            .where(*filters.where(), col(Report.id) > after).order_by(col(Report.id)) \
            .limit(batch)
        rows = (await connection.execute(query)).all()
        if not rows:
            return
        yield [(number, category, department, status,
                mask(replaced or description, tuple(name.split()) if name else ()),
                mask(address) or None, district, lat, lon, _iso(created), _iso(closed), _iso(due))
               for (number, category, department, status, description, replaced, address,
                    district, lat, lon, created, closed, due, name) in rows]
        after = rows[-1][0]


def _iso(moment: datetime | str | None) -> str | None:
    """ISO 8601 in UTC: made by the database (iso_utc), else from a datetime (UTC already)."""
    if moment is None or isinstance(moment, str):
        return moment
    return moment.isoformat(timespec="seconds")


class iso_utc(FunctionElement):
    """A timestamp as ISO 8601 text in UTC, made by the database: 100,000 of them cost a
    second in Python. Other databases than SQLite and PostgreSQL hand back the datetime."""

    type = String()
    inherit_cache = True
    name = "iso_utc"


@compiles(iso_utc)
def _iso_utc_default(element: iso_utc, compiler: Any, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(iso_utc, "sqlite")
def _iso_utc_sqlite(element: iso_utc, compiler: Any, **kw: Any) -> str:
    return f"strftime('%Y-%m-%dT%H:%M:%S+00:00', {compiler.process(element.clauses, **kw)})"


@compiles(iso_utc, "postgresql")
def _iso_utc_postgresql(element: iso_utc, compiler: Any, **kw: Any) -> str:
    column = compiler.process(element.clauses, **kw)
    return f"""to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"')"""


# ---- statistics -----------------------------------------------------------------------------

@dataclass(frozen=True)
class StatRow:
    department: str
    category: str
    status: str
    created_at: datetime
    closed_at: datetime | None
    due_at: datetime | None


@dataclass
class Figures:
    """One line of the statistics table (a department, a category, or the whole city)."""

    key: str
    reports_in: int = 0
    resolved: int = 0
    open_now: int = 0
    overdue_now: int = 0
    hours: list[float] = field(default_factory=list)  # time to resolve, per resolved report
    within_sla: int = 0

    @property
    def median_hours(self) -> float | None:
        return stats_math.median(self.hours) if self.hours else None

    @property
    def p90_hours(self) -> float | None:
        return percentile(self.hours, 90) if self.hours else None

    @property
    def sla_share(self) -> float | None:
        return self.within_sla / self.resolved if self.resolved else None


def percentile(values: list[float], pct: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    ordered = sorted(values)
    rank = (len(ordered) - 1) * pct / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass
class Statistics:
    city: Figures
    departments: list[Figures]
    categories: list[Figures]
    weeks: list[tuple[date, int, int]]  # Monday, reports in, resolved: the last `weeks` weeks
    resolution_buckets: list[tuple[str, int]]  # time to resolve: bucket key, reports


BUCKETS = ((24, "day"), (72, "3days"), (168, "week"), (336, "2weeks"), (720, "month"),
           (float("inf"), "longer"))  # hours, and the key of the label (stats-bucket-…)


def compute_statistics(rows: Iterable[StatRow], *, now: datetime, weeks: int = 12) -> Statistics:
    """Per department, per category and for the city, from the public reports."""
    city = Figures("city")
    departments: dict[str, Figures] = {}
    categories: dict[str, Figures] = {}
    this_monday = (now.date() - timedelta(days=now.weekday()))
    first = this_monday - timedelta(weeks=weeks - 1)
    filed: Counter[date] = Counter()
    fixed: Counter[date] = Counter()
    open_values = {s.value for s in OPEN_STATUSES}
    buckets: dict[str, int] = defaultdict(int)
    for row in rows:
        targets = (city, departments.setdefault(row.department, Figures(row.department)),
                   categories.setdefault(row.category, Figures(row.category)))
        resolved = row.status == ReportStatus.resolved and row.closed_at is not None
        hours = (row.closed_at - row.created_at).total_seconds() / 3600 if resolved else 0.0
        for figures in targets:
            figures.reports_in += 1
            if row.status in open_values:
                figures.open_now += 1
                if row.due_at is not None and row.due_at < now:
                    figures.overdue_now += 1
            if resolved:
                figures.resolved += 1
                figures.hours.append(hours)
                if row.due_at is None or row.closed_at <= row.due_at:
                    figures.within_sla += 1
        monday = row.created_at.date() - timedelta(days=row.created_at.weekday())
        if monday >= first:
            filed[monday] += 1
        if resolved:
            closed_monday = row.closed_at.date() - timedelta(days=row.closed_at.weekday())
            if closed_monday >= first:
                fixed[closed_monday] += 1
            buckets[next(label for limit, label in BUCKETS if hours < limit)] += 1
    week_list = [(first + timedelta(weeks=i), filed[first + timedelta(weeks=i)],
                  fixed[first + timedelta(weeks=i)]) for i in range(weeks)]
    return Statistics(
        city=city,
        departments=sorted(departments.values(), key=lambda f: f.key),
        categories=sorted(categories.values(), key=lambda f: f.key),
        weeks=week_list,
        resolution_buckets=[(label, buckets.get(label, 0)) for _, label in BUCKETS],
    )


async def statistics(*, session: AsyncSession, now: datetime | None = None,
                     department: str | None = None) -> Statistics:
    """The statistics of every public report (of one department, when given)."""
    query = select(Report.department, Report.category, Report.status, Report.created_at,
                   Report.closed_at, Report.due_at).where(VISIBLE)
    if department is not None:
        query = query.where(Report.department == department)
    rows = [StatRow(*row) for row in (await session.exec(query)).all()]
    return compute_statistics(rows, now=now or utcnow())


# ---- photos ---------------------------------------------------------------------------------

async def photos_of(*, session: AsyncSession, report_id: int) -> list[int]:
    """The positions of a public report's photos that are stored and may be served."""
    query = select(ReportPhoto.position).where(
        ReportPhoto.report_id == report_id, col(ReportPhoto.stored_at).is_not(None)
    ).order_by(col(ReportPhoto.position))
    return list((await session.exec(query)).all())


# ---- residents' proposals -------------------------------------------------------------------

IDEAS_PER_PAGE = 20
MAX_IDEAS_PAGE = 10_000


@dataclass(frozen=True)
class PublicProposal:
    """What the public sees of a proposal: never its author, their key or the moderators'
    reason; title, description and the city's answer masked (the author's name too). Its photo
    is a Telegram file id, not a file of ours: only whether it has one."""

    id: int
    title: str
    description: str
    district: str
    status: str  # published, threshold, answered, expired
    supports: int
    has_photo: bool
    published_at: datetime | None
    deadline_at: datetime | None
    reached_at: datetime | None
    answer_due_at: datetime | None
    answer: str | None  # accepted, planned, rejected
    answer_note: str
    planned_for: date | None
    closed_at: datetime | None


def public_proposal_of(proposal: Proposal, names: tuple[str, ...] = (),
                       now: datetime | None = None) -> PublicProposal:
    status = proposal.status
    if status == "published" and proposal.deadline_at is not None and \
            proposal.deadline_at <= (now or utcnow()):
        status = "expired"  # its window is over; the hourly job has not closed it yet
    planned, note = None, proposal.answer_note or ""
    if proposal.answer == "planned":  # "2027-05-01 Benches go in …": the date shown apart
        try:
            planned = proposals.parse_planned(note)
            note = ([*note.split(None, 1), ""][1]).lstrip(" ,.;:-–—")
        except proposals.Refused:
            planned = None
    return PublicProposal(
        id=proposal.id, title=mask(proposal.title, names),
        description=mask(proposal.description, names), district=proposal.district,
        status=status, supports=proposal.supports, has_photo=bool(proposal.photo_file_id),
        published_at=proposal.published_at, deadline_at=proposal.deadline_at,
        reached_at=proposal.reached_at, answer_due_at=proposal.answer_due_at,
        answer=proposal.answer, answer_note=mask(note, names),
        planned_for=planned, closed_at=proposal.closed_at)


async def author_names(*, session: AsyncSession, author_ids: Iterable[int]
                       ) -> dict[int, tuple[str, ...]]:
    """Author (resident id) → their name, read only to be masked in public text."""
    ids = set(author_ids)
    if not ids:
        return {}
    query = select(Resident.id, Resident.first_name).where(col(Resident.id).in_(ids))
    return {rid: tuple(name.split()) for rid, name in (await session.exec(query)).all() if name}


@dataclass(frozen=True)
class IdeaFilters:
    """The public list of proposals: `shown` one of services.proposals.LISTS, `page` from 0."""

    sort: str = "new"
    district: str | None = None
    shown: str = "active"
    page: int = 0


def parse_idea_filters(query: dict[str, str], config: CityConfig) -> IdeaFilters:
    """From a query string (`sort` new|top, `district`, `show`, `page` from 1); values it does
    not know are ignored, never an error."""
    page = query.get("page", "")
    digits = page.isascii() and page.isdigit()
    number = 1 if not digits else int(page) if len(page) < 6 else MAX_IDEAS_PAGE
    districts = {d.id for d in config.city.districts}
    return IdeaFilters(
        sort=query.get("sort", "") if query.get("sort") in proposals.SORTS else "new",
        district=query.get("district") if query.get("district") in districts else None,
        shown=query.get("show", "") if query.get("show") in proposals.LISTS else "active",
        page=min(max(number, 1), MAX_IDEAS_PAGE) - 1)


async def public_proposals(*, session: AsyncSession, filters: IdeaFilters,
                           per_page: int = IDEAS_PER_PAGE) -> tuple[list[PublicProposal], int]:
    """A page of the proposals the public sees (as the bot's /ideas lists them, or the closed
    ones), and how many match."""
    found, total = await proposals.browse(session=session, sort=filters.sort,
                                          district=filters.district, page=filters.page,
                                          shown=filters.shown, per_page=per_page)
    names = await author_names(session=session, author_ids=[p.author_id for p in found])
    now = utcnow()
    return [public_proposal_of(p, names.get(p.author_id, ()), now) for p in found], total


async def public_proposal(*, session: AsyncSession, number: int) -> PublicProposal | None:
    """A proposal the public may see (not one waiting for moderation or rejected), masked."""
    proposal = await proposals.visible(session=session, proposal_id=number)
    if proposal is None:
        return None
    names = await author_names(session=session, author_ids=[proposal.author_id])
    return public_proposal_of(proposal, names.get(proposal.author_id, ()))
