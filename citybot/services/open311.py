"""CityBot as an Open311 GeoReport v2 server: the services (our categories), filing a request
through the same core as the bot (citybot.services.reports.file_new), and reading requests back
as the spec shapes them. No HTTP here: the web layer parses the request into plain strings and
renders what these functions return as JSON or XML; a bad input raises `ApiError`.

Nothing returned here holds a resident's name, Telegram id or username: a request is built from
the report's own columns and the officials' public notes only.
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Container, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from sqlalchemy import String, cast
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.config import CityConfig
from citybot.runtime import Runtime
from citybot.services import public
from citybot.services.nearby import open_reports_nearby
from citybot.services.reports import NewReport, check_description, file_new
from citybot.storage.core import connection_of
from citybot.storage.models import (
    OPEN_STATUSES,
    EventKind,
    Report,
    ReportEvent,
    ReportStatus,
    Resident,
    utcnow,
)

DEFAULT_WINDOW = timedelta(days=90)  # GET requests without dates: the last 90 days
MAX_RESULTS = 1000
MAX_IDS = 1000  # service_request_id list
MAX_ADDRESS = 250
MAX_MEDIA_URL = 1024
OPEN = frozenset(status.value for status in OPEN_STATUSES)


class ApiError(Exception):
    """A bad request: the HTTP status and the wording key of its description."""

    def __init__(self, status: int, key: str, **args: object) -> None:
        super().__init__(key)
        self.status = status
        self.key = key
        self.args_ = args


def public_status(status: str) -> str:
    return "open" if status in OPEN else "closed"


def statuses_of(public: str) -> list[str]:
    """Our statuses behind the spec's `open` or `closed`."""
    return sorted(s.value for s in ReportStatus if public_status(s.value) == public)


# ---- services ---------------------------------------------------------------------------------

def services(config: CityConfig, lang: str, texts: Any) -> list[dict[str, Any]]:
    """One service per report category, named in `lang`."""
    result = []
    for category in config.categories:
        department = config.department(category.department)
        name = category.name.get(lang)
        result.append({
            "service_code": category.id,
            "service_name": name,
            "description": texts("open311-service-description", name=name),
            "metadata": False,  # no category has attributes yet
            "type": "realtime",
            "keywords": category.id,
            "group": department.name.get(lang),
        })
    return result


def service_definition(config: CityConfig, code: str) -> dict[str, Any]:
    known_category(config, code, status=404)
    return {"service_code": code, "attributes": []}


def known_category(config: CityConfig, code: str | None, status: int = 400) -> str:
    if not code:
        raise ApiError(400, "open311-error-service-code-missing")
    if code not in {category.id for category in config.categories}:
        raise ApiError(status, "open311-error-service-code", code=code[:64])
    return code


# ---- reading requests -------------------------------------------------------------------------

@dataclass(frozen=True)
class Filters:
    ids: list[int] | None = None
    codes: list[str] | None = None
    statuses: list[str] | None = None  # ours, behind open / closed
    start: datetime | None = None
    end: datetime | None = None


def parse_date(value: str, field: str, zone: ZoneInfo) -> datetime:
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ApiError(400, "open311-error-date", field=field) from None
    if when.tzinfo is None:  # no offset: the city's local time
        when = when.replace(tzinfo=zone)
    try:
        return when.astimezone(UTC)
    except (OverflowError, ValueError):
        raise ApiError(400, "open311-error-date", field=field) from None


def _list(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def parse_filters(params: Mapping[str, str], config: CityConfig,
                  now: datetime | None = None) -> Filters:
    """The spec's filters; `service_request_id` given, the others are ignored (as it says)."""
    if ids := _list(params.get("service_request_id")):
        if len(ids) > MAX_IDS or not all(part.isdigit() and len(part) < 12 for part in ids):
            raise ApiError(400, "open311-error-number", field="service_request_id")
        return Filters(ids=sorted({int(part) for part in ids}))
    zone = config.city.tz
    codes = _list(params.get("service_code")) or None
    for code in codes or ():
        known_category(config, code)
    statuses = None
    if wanted := _list(params.get("status")):
        if not set(wanted) <= {"open", "closed"}:
            raise ApiError(400, "open311-error-status")
        statuses = sorted({s for public in wanted for s in statuses_of(public)})
    start = parse_date(params["start_date"], "start_date", zone) \
        if params.get("start_date") else None
    end = parse_date(params["end_date"], "end_date", zone) if params.get("end_date") else None
    if start is None and end is None:
        end = now or utcnow()
    if start is None:
        start = end - DEFAULT_WINDOW
    return Filters(codes=codes, statuses=statuses, start=start, end=end)


class utc_text(FunctionElement):
    """A stored time as W3C text in UTC ("2026-12-01T11:00:00Z"), formatted by the database:
    a 1,000-request answer then makes no datetime objects at all."""

    type = String()
    inherit_cache = True
    name = "utc_text"


@compiles(utc_text, "postgresql")
def _utc_text_postgresql(element: utc_text, compiler: Any, **kw: Any) -> str:
    column = compiler.process(element.clauses, **kw)
    return f"""to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')"""


@compiles(utc_text)
def _utc_text_sqlite(element: utc_text, compiler: Any, **kw: Any) -> str:
    return f"strftime('%Y-%m-%dT%H:%M:%SZ', {compiler.process(element.clauses, **kw)})"


REQUEST_COLUMNS = (
    Report.id, Report.status, Report.category, Report.department, Report.description,
    utc_text(Report.created_at), utc_text(Report.updated_at), utc_text(Report.due_at),
    Report.address, Report.latitude, Report.longitude, Report.media_url, Report.public_text,
)


def _matching(filters: Filters, limit: int, *columns: Any) -> Any:
    """The public reports the filters ask for (never a hidden one), newest first, in the order
    of ix_reports_created_status, which holds `hidden` too (the scan stops at `limit`)."""
    query = select(*columns).where(public.VISIBLE)
    if filters.ids is not None:
        query = query.where(col(Report.id).in_(filters.ids))
    else:
        if filters.codes:
            query = query.where(col(Report.category).in_(filters.codes))
        if filters.statuses:
            query = query.where(col(Report.status).in_(filters.statuses))
        if filters.start is not None:
            query = query.where(Report.created_at >= filters.start)
        if filters.end is not None:
            query = query.where(Report.created_at <= filters.end)
    return query.order_by(col(Report.created_at).desc()).limit(limit)


async def request_keys(*, session: AsyncSession, filters: Filters,
                       limit: int = MAX_RESULTS) -> list[tuple[int, Any]]:
    """(id, updated_at as text) of the requests the filters ask for, newest first: read from
    ix_reports_created_status alone when only status and dates filter."""
    query = _matching(filters, limit, Report.id, cast(Report.updated_at, String))
    rows = await (await connection_of(session)).execute(query)  # Core: no ORM result to build
    return [(number, updated) for number, updated in rows.all()]


# the latest note an official (or the city's own system) gave with a status change: what the
# residents were told; internal comments and the residents' own words are left out
LATEST_NOTE = select(ReportEvent.note).where(
    ReportEvent.report_id == Report.id, ReportEvent.kind == EventKind.status,
    col(ReportEvent.note).is_not(None), ReportEvent.actor_kind != "resident",
).order_by(col(ReportEvent.id).desc()).limit(1).correlate(Report).scalar_subquery()


async def find_requests(*, session: AsyncSession, filters: Filters, limit: int = MAX_RESULTS,
                        only: Container[int] | None = None) -> list[tuple[Any, ...]]:
    """Rows of REQUEST_COLUMNS as the public may read them, each with its public note last,
    newest first, in one statement; `only`: the ids to make public (the caller has the rest)."""
    query = _matching(filters, limit, *REQUEST_COLUMNS, LATEST_NOTE, Resident.first_name
                      ).outerjoin(Resident, Resident.id == Report.reporter_id)  # to be masked
    found = []
    for row in (await (await connection_of(session)).execute(query)).all():
        if only is None or row[0] in only:
            names = tuple(row[-1].split()) if row[-1] else ()
            note = row[-2]
            found.append((*_public_row(row[:-2], names),
                          public.mask(note, names) if note else None))
    return found


def _public_row(row: Any, names: tuple[str, ...]) -> tuple[Any, ...]:
    """REQUEST_COLUMNS as the public may read them (services/public.py, as the report's page
    shows them): the official's public text else the description, and the address, masked;
    the public text column itself dropped."""
    (number, status, category, department, description, created, updated, due, address,
     lat, lon, media_url, replacement) = row
    return (number, status, category, department,
            public.mask(replacement or description, names), created, updated, due,
            public.mask(address) if address else address, lat, lon, media_url)


@dataclass(frozen=True)
class Names:
    """Categories' and departments' names in one language, looked up once per answer."""

    services: dict[str, str]
    agencies: dict[str, str]

    @classmethod
    def of(cls, config: CityConfig, lang: str) -> Names:
        return cls({c.id: c.name.get(lang) for c in config.categories},
                   {d.id: d.name.get(lang) for d in config.departments})


def request_of(row: Any, names: Names) -> dict[str, Any]:
    (number, status, category, department, description, created, updated, due, address,
     lat, lon, media_url, note) = row
    return {
        "service_request_id": str(number),
        "status": public_status(status),
        "status_notes": note,
        "service_name": names.services.get(category, category),
        "service_code": category,
        "description": description,
        "agency_responsible": names.agencies.get(department, department),
        "service_notice": None,
        "requested_datetime": created,
        "updated_datetime": updated,
        "expected_datetime": due,
        "address": address,
        "address_id": None,
        "zipcode": None,
        "lat": lat,
        "long": lon,
        "media_url": media_url,
    }


async def requests(*, session: AsyncSession, config: CityConfig, filters: Filters,
                   lang: str, only: Container[int] | None = None) -> list[dict[str, Any]]:
    names = Names.of(config, lang)
    return [request_of(row, names)
            for row in await find_requests(session=session, filters=filters, only=only)]


def parse_id(value: str) -> int:
    if not value.isdigit() or len(value) > 11:
        raise ApiError(404, "open311-error-request-id", id=value[:32])
    return int(value)


async def one_request(*, session: AsyncSession, config: CityConfig, request_id: str,
                      lang: str) -> list[dict[str, Any]]:
    found = await requests(session=session, config=config, lang=lang,
                           filters=Filters(ids=[parse_id(request_id)]))
    if not found:
        raise ApiError(404, "open311-error-request-id", id=request_id[:32])
    return found


async def token_status(*, session: AsyncSession, token: str) -> list[dict[str, Any]]:
    """A request is filed at once, so a token always has its id; only an API client's own
    tokens are answered (a resident's draft token is never handed out)."""
    query = select(Report.id).where(Report.draft_token == token[:64],
                                    col(Report.source).is_not(None))
    report_id = (await session.exec(query)).first()
    if report_id is None:
        raise ApiError(404, "open311-error-token")
    return [{"service_request_id": str(report_id), "token": token}]


# ---- filing a request -------------------------------------------------------------------------

def _number(params: Mapping[str, str], field: str, low: float, high: float) -> float | None:
    value = (params.get(field) or "").strip()
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        raise ApiError(400, "open311-error-number", field=field) from None
    if not math.isfinite(number):
        raise ApiError(400, "open311-error-number", field=field)
    if not low <= number <= high:
        raise ApiError(400, "open311-error-outside")
    return number


def _media_url(value: str | None) -> str | None:
    value = (value or "").strip()
    if not value:
        return None
    if len(value) > MAX_MEDIA_URL:
        raise ApiError(400, "open311-error-too-long", field="media_url", max=MAX_MEDIA_URL)
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ApiError(400, "open311-error-media-url")
    return value


async def locate(runtime: Runtime, params: Mapping[str, str],
                 lang: str) -> tuple[float, float, str]:
    """(lat, long, address): from the point (its address described) or the address_string
    (geocoded as the bot does); outside the city boundary is refused."""
    lat = _number(params, "lat", -90, 90)
    lon = _number(params, "long", -180, 180)
    typed = (params.get("address_string") or "").strip()
    if lat is not None and lon is not None:
        if not runtime.city_map.contains(lat, lon):
            raise ApiError(400, "open311-error-outside")
        return lat, lon, typed[:MAX_ADDRESS] or await runtime.geocoding.describe(lat, lon, lang)
    if not typed or lat is not None or lon is not None:
        raise ApiError(400, "open311-error-location")
    if len(typed) > MAX_ADDRESS:
        raise ApiError(400, "open311-error-too-long", field="address_string", max=MAX_ADDRESS)
    lookup = await runtime.geocoding.find(typed, lang)
    if lookup.point is None:
        raise ApiError(400, "open311-error-address", address=typed)
    if not lookup.inside_city:
        raise ApiError(400, "open311-error-outside")
    return lookup.point[0], lookup.point[1], lookup.address or typed


@dataclass(frozen=True)
class Created:
    report_id: int
    token: str | None
    department: str
    duplicate_m: float | None = None  # an open report of the kind this near: nothing new filed


async def create_request(*, session: AsyncSession, runtime: Runtime, params: Mapping[str, str],
                         client: str, lang: str) -> Created:
    """File the request as a report from `client` (the key's name), in the caller's
    transaction. The duplicate rule of the bot holds: an open report of the same kind within
    `reports.duplicate_radius_m` is answered with its id and nothing new is filed (an API
    client cannot be asked, as a resident is, whether it is the same problem). The personal
    fields of the spec (email, first_name, last_name, phone, device_id, account_id) are not
    kept."""
    config = runtime.config
    category = known_category(config, (params.get("service_code") or "").strip())
    limits = config.reports
    description = (params.get("description") or "").strip()
    if check_description(description, min_chars=limits.min_description_chars,
                         max_chars=limits.max_description_chars) is not None:
        raise ApiError(400, "open311-error-description", min=limits.min_description_chars,
                       max=limits.max_description_chars)
    media_url = _media_url(params.get("media_url"))
    lat, lon, address = await locate(runtime, params, lang)
    nearby = await open_reports_nearby(session=session, category=category, latitude=lat,
                                       longitude=lon, radius_m=limits.duplicate_radius_m,
                                       limit=1)
    if nearby:
        report, metres = nearby[0]
        return Created(report_id=report.id, token=None, department=report.department,
                       duplicate_m=metres)
    district = runtime.city_map.district_of(lat, lon)
    new = NewReport(category=category, description=description, language=lang,
                    token=secrets.token_hex(16), latitude=lat, longitude=lon,
                    address=address[:512], district=district.id if district else None,
                    source=f"open311/{client}", media_url=media_url)
    filed = await file_new(session=session, new=new, config=config,
                           staff_chat_id=runtime.staff_chat_id)
    return Created(report_id=filed.report.id, token=new.token,
                   department=filed.report.department)
