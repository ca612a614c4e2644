"""The public site: the map (`/`), a report's page (`/reports/{n}`), statistics (`/stats`) and
the exports (`/exports/reports.geojson`, `.csv`). What is public is decided in
citybot.services.public, never here; pages are Jinja2 templates (autoescaped) in
web/templates/, their wording in locales/*/site.ftl."""

from __future__ import annotations

import asyncio
import gzip
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web
from babel.dates import format_date, format_datetime
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from yarl import URL

from citybot.i18n import LANGUAGES, Texts
from citybot.runtime import Runtime
from citybot.services import charts, exports, photos, public
from citybot.storage.models import ReportStatus
from citybot.web.app import RUNTIME, SITE

log = logging.getLogger("citybot.web")
TEMPLATES = Path(__file__).parent / "templates"
LANG_COOKIE = "lang"
STATUS_COLOURS = {
    "new": "#d7263d", "acknowledged": "#f18f01", "in_progress": "#2e86ab",
    "resolved": "#3b9c3b", "rejected": "#6c757d", "duplicate": "#9e9e9e",
    "not_responsible": "#8e6c8a",
}


@dataclass
class MapCache:
    """The whole city's map data (services.public.MapIndex), serialised again only when a
    marker changed."""

    index: public.MapIndex
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    changes: int = -1  # of the index, when `body` was made
    body: bytes = b""
    gzipped: bytes = b""

    async def current(self, runtime: Runtime) -> tuple[bytes, bytes]:
        async with self.lock:  # one refresh at a time; the others wait for it
            async with runtime.sessions() as session:
                await self.index.refresh(session=session)
            if self.index.changes != self.changes:
                self.body = self.index.document().encode()
                self.gzipped = gzip.compress(self.body, compresslevel=1)
                self.changes = self.index.changes
            return self.body, self.gzipped


STATS_SECONDS = 60.0


@dataclass
class StatsCache:
    """The statistics (and their charts) read from every report at most once a minute: the page
    and its two charts are three requests."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    stats: public.Statistics | None = None
    at: float = 0.0
    charts: dict[tuple[str, str], bytes] = field(default_factory=dict)  # (chart, lang) → PNG

    async def current(self, runtime: Runtime) -> public.Statistics:
        async with self.lock:
            if self.stats is None or time.monotonic() - self.at > STATS_SECONDS:
                async with runtime.sessions() as session:
                    self.stats = await public.statistics(session=session)
                self.at, self.charts = time.monotonic(), {}
            return self.stats


@dataclass
class Public:
    templates: Environment
    map_cache: MapCache
    stats_cache: StatsCache = field(default_factory=StatsCache)


PUBLIC = web.AppKey("public", Public)


# ---- language -------------------------------------------------------------------------------

def choose_language(request: web.Request, default: str) -> str:
    """?lang= (remembered in a cookie), the cookie, Accept-Language, the city's language."""
    for candidate in (request.query.get("lang"), request.cookies.get(LANG_COOKIE)):
        if candidate in LANGUAGES:
            return candidate
    ranked = []  # (weight, earlier first, language)
    for position, part in enumerate(request.headers.get("Accept-Language", "").split(",")):
        tag, _, quality = part.strip().partition(";q=")
        try:
            weight = float(quality) if quality else 1.0
        except ValueError:
            weight = 0.0
        base = tag.split("-")[0].lower()
        if base in LANGUAGES and weight > 0:
            ranked.append((weight, -position, base))
    return max(ranked)[2] if ranked else default


# ---- rendering ------------------------------------------------------------------------------

def build_templates() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(),
                       trim_blocks=True, lstrip_blocks=True, auto_reload=False)


class Page:
    """What every template is given: wording, names of things, formatting of times."""

    def __init__(self, request: web.Request, runtime: Runtime, lang: str) -> None:
        self.request = request
        self.runtime = runtime
        self.config = runtime.config
        self.lang = lang
        self.texts: Texts = runtime.translator(lang)
        self.zone = ZoneInfo(self.config.city.timezone)

    def t(self, key: str, **args: object) -> Markup:
        """Texts HTML-escapes the arguments; the message itself is ours."""
        return Markup(_formatted(self.texts, key, tuple(sorted(args.items()))))

    def category(self, category_id: str) -> str:
        try:
            category = self.config.category(category_id)
        except KeyError:
            return category_id
        return f"{category.emoji} {category.name.get(self.lang)}"

    def department(self, department_id: str | None) -> str:
        try:
            return self.config.department(department_id).name.get(self.lang)
        except KeyError:
            return department_id or ""

    def district(self, district_id: str | None) -> str:
        try:
            return self.config.city.district(district_id).name.get(self.lang)
        except KeyError:
            return district_id or ""

    def city_name(self, _key: str = "") -> str:
        return self.config.city.name.get(self.lang)

    def status(self, status: str) -> str:
        return self.texts(f"status-{status}")

    def when(self, moment: datetime | None, with_time: bool = True) -> str:
        if moment is None:
            return ""
        local = moment.astimezone(self.zone)
        if with_time:
            return format_datetime(local, "d MMM y, HH:mm", locale=self.lang)
        return format_date(local, "d MMM y", locale=self.lang)

    def day(self, value: date) -> str:
        """A date without a time (a planned answer's)."""
        return format_date(value, "d MMM y", locale=self.lang)

    def hours(self, value: float | None) -> str:
        if value is None:
            return self.texts("stats-none")
        if value < 48:
            return self.texts("stats-hours", hours=round(value, 1 if value < 10 else None))
        return self.texts("stats-days", days=round(value / 24, 1))

    def share(self, value: float | None) -> str:
        return self.texts("stats-none") if value is None else f"{value:.0%}"

    def switch(self, lang: str) -> str:
        """This page's address in another language."""
        query = dict(self.request.query)
        query["lang"] = lang
        return str(self.request.rel_url.with_query(query))

    def with_query(self, path: str) -> str:
        """`path` with this page's filters."""
        query = {k: v for k, v in self.request.query.items() if k != "lang"}
        return str(URL(path).with_query(query)) if query else path


@lru_cache(maxsize=4096)
def _formatted(texts: Texts, key: str, args: tuple[tuple[str, Any], ...]) -> str:
    """Fluent formats a message with arguments in a fraction of a millisecond, many times a
    page: the same message with the same arguments is formatted once."""
    return texts(key, **dict(args))


def render(request: web.Request, template: str, *, status: int = 200,
           **context: Any) -> web.Response:
    runtime = request.app[RUNTIME]
    lang = choose_language(request, runtime.config.city.default_language)
    page = Page(request, runtime, lang)
    html = request.app[PUBLIC].templates.get_template(template).render(
        page=page, t=page.t, config=runtime.config, lang=lang, languages=LANGUAGES,
        colours=STATUS_COLOURS, statuses=[s.value for s in ReportStatus],
        city=runtime.config.city.name.get(lang), **context)
    response = web.Response(text=html, content_type="text/html", status=status)
    if request.query.get("lang") in LANGUAGES:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="Lax")
    response.headers.update({"Content-Language": lang, "X-Content-Type-Options": "nosniff",
                             "Referrer-Policy": "same-origin", "X-Frame-Options": "DENY"})
    return response


def _filters(request: web.Request) -> public.Filters:
    return public.parse_filters(dict(request.query), request.app[RUNTIME].config)


# ---- the map --------------------------------------------------------------------------------

async def index(request: web.Request) -> web.Response:
    runtime = request.app[RUNTIME]
    filters = _filters(request)
    async with runtime.sessions() as session:
        listed = await public.latest(session=session, filters=filters)
    lang = choose_language(request, runtime.config.city.default_language)
    page = Page(request, runtime, lang)
    query = {k: v for k, v in request.query.items() if k != "lang"}
    map_config = {
        "data": str(URL("/map/reports.json").with_query(query)),
        "plan": "/plan.geojson",
        "tiles": runtime.config.web.tiles_url,
        "attribution": runtime.config.web.tiles_attribution,
        "colours": STATUS_COLOURS,
        "statusNames": {s.value: page.status(s.value) for s in ReportStatus},
        "categoryNames": {c.id: page.category(c.id) for c in runtime.config.categories},
        "countText": page.texts("map-count"),
    }
    return render(request, "map.html", listed=listed, query=request.query,
                  map_config=map_config)


async def map_reports(request: web.Request) -> web.Response:
    """The markers' data (see services.public.map_data); the whole city's is cached until a
    report changes, and sent gzipped to whoever accepts it."""
    runtime = request.app[RUNTIME]
    filters = _filters(request)
    cache = request.app[PUBLIC].map_cache
    if filters.empty:
        body, gzipped = await cache.current(runtime)
    elif cache.index.answers(filters):
        await cache.current(runtime)  # up to date
        body, gzipped = cache.index.document(filters).encode(), None
    else:
        async with runtime.sessions() as session:
            data = await public.map_data(session=session, config=runtime.config,
                                         filters=filters)
        body, gzipped = data.encode(), None
    response = web.Response(body=body, content_type="application/json",
                            headers={"Cache-Control": "no-cache", "Vary": "Accept-Encoding"})
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        if gzipped is not None:
            response.body = gzipped
            response.headers["Content-Encoding"] = "gzip"
        else:
            response.enable_compression()
    return response


# ---- a report -------------------------------------------------------------------------------

async def report_page(request: web.Request) -> web.Response:
    runtime = request.app[RUNTIME]
    number = request.match_info["number"]
    report = None
    if number.isascii() and number.isdigit() and len(number) < 12:  # "²" is a digit too
        async with runtime.sessions() as session:
            report = await public.public_report(session=session, number=int(number))
            if report is not None:
                names = (await public.reporter_names(session=session,
                                                     report_ids=[report.id])).get(report.id, ())
                history = await public.public_history(session=session, report=report,
                                                      names=names)
                photos = await public.photos_of(session=session, report_id=report.id)
    if report is None:
        return render(request, "not_found.html", status=404, number=number[:12])
    return render(request, "report.html", report=report, history=history,
                  photos=photos, text=public.public_text(report, names),
                  address=public.public_address(report),
                  deep_link=request.app[SITE].deep_link(f"report_{report.id}"))


async def photo(request: web.Request) -> web.StreamResponse:
    """A public report's stored photo (re-encoded, no metadata), or its thumbnail."""
    runtime = request.app[RUNTIME]
    number, position = int(request.match_info["number"]), int(request.match_info["position"])
    async with runtime.sessions() as session:
        report = await public.public_report(session=session, number=number)
        stored = report is not None and \
            position in await public.photos_of(session=session, report_id=number)
    if not stored:
        raise web.HTTPNotFound()
    path = photos.photo_path(runtime.config.web.photos_dir, number, position,
                             thumb=bool(request.match_info["thumb"]))
    if not path.is_file():
        raise web.HTTPNotFound()
    return web.FileResponse(path, headers={"Content-Type": "image/jpeg",
                                           "Cache-Control": "public, max-age=300"})


# ---- statistics -----------------------------------------------------------------------------

async def stats_page(request: web.Request) -> web.Response:
    figures = await request.app[PUBLIC].stats_cache.current(request.app[RUNTIME])
    return render(request, "stats.html", stats=figures)


async def stats_chart(request: web.Request) -> web.Response:
    runtime = request.app[RUNTIME]
    lang = choose_language(request, runtime.config.city.default_language)
    cache = request.app[PUBLIC].stats_cache
    figures = await cache.current(runtime)
    chart = request.match_info["chart"]
    png = cache.charts.get((chart, lang))
    if png is None:
        draw: Callable[..., bytes] = charts.weekly_png if chart == "weekly" \
            else charts.resolution_png
        png = cache.charts[(chart, lang)] = await asyncio.to_thread(
            draw, figures, runtime.translator(lang))
    return web.Response(body=png, content_type="image/png",
                        headers={"Cache-Control": "public, max-age=60"})


# ---- exports --------------------------------------------------------------------------------

async def export(request: web.Request) -> web.StreamResponse:
    runtime = request.app[RUNTIME]
    kind = request.match_info["format"]
    filters = _filters(request)
    response = web.StreamResponse(headers={
        "Content-Type": "application/geo+json" if kind == "geojson" else "text/csv; charset=utf-8",
        "Content-Disposition": f'attachment; filename="reports.{kind}"',
    })
    response.enable_compression()
    await response.prepare(request)
    writer = exports.writer_for(kind)
    await response.write(writer.start().encode())
    async with runtime.sessions() as session:
        async for page in public.export_rows(session=session, filters=filters):
            await response.write(writer.rows(page).encode())
    await response.write(writer.end().encode())
    await response.write_eof()
    return response


async def prepare_map(app: web.Application) -> None:
    """The whole city's map data is read once at start, not by the first visitor."""
    async def build() -> None:
        try:
            await app[PUBLIC].map_cache.current(app[RUNTIME])
        except Exception:  # the first visitor tries again
            log.exception("map data not prepared")

    app[RUNTIME].spawn(build())


def setup(app: web.Application) -> None:
    markers = public.MapIndex(compact=public.Compact(app[RUNTIME].config))
    app[PUBLIC] = Public(templates=build_templates(), map_cache=MapCache(index=markers))
    app.on_startup.append(prepare_map)
    app.router.add_get("/", index)
    app.router.add_get("/map/reports.json", map_reports)
    app.router.add_get(r"/reports/{number}", report_page)
    app.router.add_get(r"/photos/{number:\d{1,11}}/{position:\d{1,2}}{thumb:(-thumb)?}.jpg", photo)
    app.router.add_get("/stats", stats_page)
    app.router.add_get(r"/stats/{chart:weekly|resolution}.png", stats_chart)
    app.router.add_get(r"/exports/reports.{format:geojson|csv}", export)
