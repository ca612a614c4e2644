"""The Open311 GeoReport v2 server under /open311/v2/ (the spec's paths, each in
.json and .xml), with its OpenAPI 3 document at /open311/v2/openapi.json.

The handlers only parse and render: what a request means is citybot.services.open311. Every
error, whatever raised it (a bad input, an unknown path, a body over the limit, a crash), is
answered in the spec's error shape and in the format the path asked for.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterator, Mapping
from typing import Any

from aiohttp import web

from citybot.i18n import LANGUAGES, Html
from citybot.services import open311
from citybot.storage import apikeys
from citybot.web.app import RUNTIME, SITE
from citybot.web.open311.openapi import openapi_document
from citybot.web.open311.render import FORMATS, dump_json, error, respond

log = logging.getLogger("citybot.open311")

PREFIX = "/open311/v2"
MAX_BODY = 64 * 1024  # a request is a few hundred bytes; a photo comes as media_url


# ---- helpers ----------------------------------------------------------------------------------

def fmt_of(request: web.Request) -> str:
    fmt = request.match_info.get("fmt")
    if fmt is None:
        fmt = request.path.rsplit(".", 1)[-1] if "." in request.path.rsplit("/", 1)[-1] else ""
    return fmt if fmt in FORMATS else "json"


def language(request: web.Request, params: Mapping[str, str]) -> str:
    """From `locale` (en, ru, ru_RU, en-GB), else Accept-Language, else the city's."""
    default = request.app[RUNTIME].config.city.default_language
    wanted = [params.get("locale") or ""]
    for part in request.headers.get("Accept-Language", "").split(","):
        wanted.append(part.split(";")[0])
    for code in wanted:
        base = code.strip().replace("_", "-").split("-")[0].lower()
        if base in LANGUAGES:
            return base
    return default


def say(request: web.Request, lang: str, key: str, **args: object) -> str:
    """Plain text of a wording key (no HTML escaping, no bidi isolation marks)."""
    texts = request.app[RUNTIME].translator(lang)
    text = texts(key, **{name: Html(str(value)) for name, value in args.items()})
    return text.replace("\u2068", "").replace("\u2069", "")


async def params_of(request: web.Request) -> dict[str, str]:
    """The query string, and for a POST its form body too (the body wins)."""
    params = {key: value for key, value in request.query.items()}
    if request.method == "POST":
        if request.content_length is not None and request.content_length > MAX_BODY:
            raise web.HTTPRequestEntityTooLarge(max_size=MAX_BODY,
                                                actual_size=request.content_length)
        try:  # url-encoded or multipart; the app's size limit still holds
            form = await request.post()
        except web.HTTPException:
            raise
        except (ValueError, LookupError, UnicodeError, AssertionError):  # a broken form
            raise open311.ApiError(400, "open311-error-form") from None
        params.update({key: value for key, value in form.items() if isinstance(value, str)})
    return params


class RateLimits:
    """A token bucket per key, in this process: `per_minute` requests, refilled evenly."""

    def __init__(self) -> None:
        self.buckets: dict[str, tuple[float, float]] = {}  # key name -> (tokens, when)

    def allow(self, name: str, per_minute: int, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        tokens, then = self.buckets.get(name, (float(per_minute), now))
        tokens = min(float(per_minute), tokens + (now - then) * per_minute / 60.0)
        if tokens < 1.0:
            self.buckets[name] = (tokens, now)
            return False
        self.buckets[name] = (tokens - 1.0, now)
        return True


LIMITS = web.AppKey("open311_limits", RateLimits)
NOTICES = web.AppKey("open311_notices", dict)


# ---- handlers ---------------------------------------------------------------------------------

async def discovery(request: web.Request) -> web.Response:
    base = request.app[SITE].link(PREFIX + "/")
    config = request.app[RUNTIME].config
    return respond(fmt_of(request), "discovery", {
        "changeset": "2026-12-03T00:00:00Z",
        "contact": config.city.name.get(config.city.default_language),
        "key_service": "citybot apikey create NAME",
        "endpoints": [{
            "specification": "http://wiki.open311.org/GeoReport_v2",
            "url": base,
            "changeset": "2026-12-03T00:00:00Z",
            "type": "production",
            "formats": list(FORMATS.values()),
        }],
    })


async def service_list(request: web.Request) -> web.Response:
    runtime = request.app[RUNTIME]
    lang = language(request, request.query)
    return respond(fmt_of(request), "services",
                   open311.services(runtime.config, lang, runtime.translator(lang)))


async def service_definition(request: web.Request) -> web.Response:
    definition = open311.service_definition(request.app[RUNTIME].config,
                                            request.match_info["code"])
    return respond(fmt_of(request), "service_definition", definition)


async def request_list(request: web.Request) -> web.Response:
    runtime = request.app[RUNTIME]
    lang = language(request, request.query)
    filters = open311.parse_filters(request.query, runtime.config)
    fmt = fmt_of(request)
    async with runtime.sessions() as session:
        if fmt == "json":
            body = await requests_json(session=session, runtime=runtime, filters=filters,
                                       lang=lang, rendered=request.app[RENDERED])
            return web.Response(body=body, content_type=FORMATS["json"], charset="utf-8")
        found = await open311.requests(session=session, config=runtime.config, filters=filters,
                                       lang=lang)
    return respond(fmt, "service_requests", found)


class Rendered:
    """Requests as JSON, kept by (id, updated_at as stored, language), least recently used out
    first. A report's answer changes only when its updated_at does (every event sets it), so
    what is kept is never stale; a polling client's next page costs an index scan."""

    def __init__(self, size: int = 50_000) -> None:
        self.size = size
        self.items: OrderedDict[tuple[int, Any, str], bytes] = OrderedDict()

    def get(self, key: tuple[int, Any, str]) -> bytes | None:
        found = self.items.get(key)
        if found is not None:
            self.items.move_to_end(key)
        return found

    def put(self, key: tuple[int, Any, str], value: bytes) -> None:
        self.items[key] = value
        if len(self.items) > self.size:
            self.items.popitem(last=False)


RENDERED = web.AppKey("open311_rendered", Rendered)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """While up to a thousand requests are read and rendered (a few milliseconds): the rows,
    tuples and dicts they are made of hold no cycles and are gone with the answer, but the
    cyclic collector would walk them again and again as they are made, and now and then
    promote them and walk every younger object of the process (10-30 ms, in the answer's
    time). Paused, it finds them gone when it runs next."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
FEW = 100  # requests to render by id; more are read by the answer's own filters


async def requests_json(*, session: Any, runtime: Any, filters: open311.Filters, lang: str,
                        rendered: Rendered) -> bytes:
    """GET requests.json: which requests from the index (id, updated), the rest from what was
    rendered before; only the requests not seen in that state are read and rendered."""
    keys = await open311.request_keys(session=session, filters=filters)
    missing = {number for number, updated in keys if rendered.get((number, updated, lang)) is None}
    fresh: dict[int, bytes] = {}
    if missing:
        updated = dict(keys)
        # a few: by id; most of the answer (a window asked for the first time): by the same
        # filters again, one range scan of the index rather than a thousand ids to send
        wanted = open311.Filters(ids=sorted(missing)) if len(missing) <= FEW else filters
        with collector_paused():
            found = await open311.requests(session=session, config=runtime.config, lang=lang,
                                           filters=wanted, only=missing)
        for item in found:
            number = int(item["service_request_id"])
            fresh[number] = dump_json(item, kept=True)
            # kept under the state read first: had it changed since, the next answer reads
            # its new state (updated_at only moves on, so the old key never comes back)
            rendered.put((number, updated[number], lang), fresh[number])
    parts = [fresh.get(number) or rendered.get((number, updated, lang)) for number, updated
             in keys]
    return b"[" + b",".join(part for part in parts if part is not None) + b"]"


async def post_request(request: web.Request) -> web.Response:
    runtime = request.app[RUNTIME]
    params = await params_of(request)
    lang = language(request, params)
    key = (params.get("api_key") or "").strip()
    if not key:
        raise open311.ApiError(400, "open311-error-api-key-missing")
    async with runtime.sessions() as session:
        client = await apikeys.active_key(session=session, key=key)
        if client is None:
            raise open311.ApiError(403, "open311-error-api-key-wrong")
        if not request.app[LIMITS].allow(client.name, client.per_minute):
            raise open311.ApiError(429, "open311-error-rate", limit=client.per_minute)
        created = await open311.create_request(session=session, runtime=runtime, params=params,
                                               client=client.name, lang=lang)
        await session.commit()
    if created.duplicate_m is None:
        runtime.wake_courier()
        log.info("open311 request filed report=%s client=%s", created.report_id, client.name)
    answer: dict[str, Any] = {"service_request_id": str(created.report_id)}
    if created.token:
        answer["token"] = created.token
    if created.duplicate_m is not None:
        answer["service_notice"] = say(request, lang, "open311-notice-duplicate",
                                       metres=round(created.duplicate_m))
    else:
        notices = request.app[NOTICES]  # one per department and language: formatted once
        if (created.department, lang) not in notices:
            department = runtime.config.department(created.department).name.get(lang)
            notices[created.department, lang] = say(request, lang, "open311-notice-created",
                                                    department=department)
        answer["service_notice"] = notices[created.department, lang]
    answer["account_id"] = None
    return respond(fmt_of(request), "service_requests", [answer])


async def one_request(request: web.Request) -> web.Response:
    runtime = request.app[RUNTIME]
    async with runtime.sessions() as session:
        found = await open311.one_request(session=session, config=runtime.config,
                                          request_id=request.match_info["id"],
                                          lang=language(request, request.query))
    return respond(fmt_of(request), "service_requests", found)


async def token(request: web.Request) -> web.Response:
    runtime = request.app[RUNTIME]
    async with runtime.sessions() as session:
        found = await open311.token_status(session=session, token=request.match_info["token"])
    return respond(fmt_of(request), "service_requests", found)


async def openapi(request: web.Request) -> web.Response:
    runtime = request.app[RUNTIME]
    document = openapi_document(runtime.config, request.app[SITE].link(PREFIX),
                                runtime.city_map.bounds)
    return web.json_response(document)


# ---- errors -----------------------------------------------------------------------------------

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
HTTP_KEYS = {404: "open311-error-not-found", 405: "open311-error-method",
             413: "open311-error-body"}


@web.middleware
async def spec_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Under /open311/v2/ every error is the spec's: [{"code", "description"}] or <errors>."""
    if not request.path.startswith(PREFIX + "/"):
        return await handler(request)
    fmt = fmt_of(request)
    lang = language(request, request.query)
    try:
        return await handler(request)
    except open311.ApiError as problem:
        return error(fmt, problem.status, say(request, lang, problem.key, **problem.args_))
    except web.HTTPException as http:
        if http.status < 400:
            raise
        key = HTTP_KEYS.get(http.status, "open311-error-not-found")
        response = error(fmt, http.status, say(request, lang, key))
        if http.status == 405:
            response.headers["Allow"] = http.headers.get("Allow", "")
        return response
    except Exception:
        log.exception("open311 request failed path=%s", request.path)
        return error(fmt, 500, say(request, lang, "open311-error-internal"))


def setup(app: web.Application) -> None:
    app[LIMITS] = RateLimits()
    app[NOTICES] = {}
    app[RENDERED] = Rendered()
    app.middlewares.append(spec_errors)
    fmt = "{fmt:json|xml}"
    routes = app.router
    routes.add_get(f"{PREFIX}/openapi.json", openapi)
    routes.add_get(f"{PREFIX}/discovery.{fmt}", discovery)
    routes.add_get(f"{PREFIX}/services.{fmt}", service_list)
    routes.add_get(f"{PREFIX}/services/{{code:[^/]+?}}.{fmt}", service_definition)
    routes.add_get(f"{PREFIX}/requests.{fmt}", request_list)
    routes.add_post(f"{PREFIX}/requests.{fmt}", post_request)
    routes.add_get(f"{PREFIX}/requests/{{id:[^/]+?}}.{fmt}", one_request)
    routes.add_get(f"{PREFIX}/tokens/{{token:[^/]+?}}.{fmt}", token)
