"""CityBot as an Open311 GeoReport v2 client: POST a request to a department's own system, read
the status of requests back, resolve a token. HTTP only, like the geocoder's client: what it
means is citybot.services.forwarding; the outbox's delivery and the status job call it. Every
failure is an `Open311Failure` with one readable line."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp

from citybot.config import Open311Endpoint

TIMEOUT = 20.0  # seconds: well under the outbox's claim timeout
MAX_ANSWER = 1024 * 1024


class Open311Failure(Exception):
    """`reason` is one line for the staff topic; `permanent` when sending again cannot help
    (the system refused the request itself, e.g. an unknown service code or a wrong key)."""

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


def url(endpoint: Open311Endpoint, path: str) -> str:
    return f"{str(endpoint.endpoint).rstrip('/')}/{path}"


def _one_line(text: str, limit: int = 200) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[:limit - 1] + "…"


def _described(status: int, body: str) -> str:
    """"HTTP 400: Unknown service_code" from the spec's error answer, else the status alone."""
    try:
        errors = json.loads(body)
        descriptions = [str(item.get("description", "")) for item in errors
                        if isinstance(item, dict)]
    except (ValueError, AttributeError, TypeError):
        descriptions = []
    detail = "; ".join(d for d in descriptions if d)
    return _one_line(f"HTTP {status}: {detail}" if detail else f"HTTP {status}")


async def _call(method: str, address: str, *, params: dict[str, str] | None = None,
                data: dict[str, str] | None = None, timeout: float = TIMEOUT) -> Any:
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as http, \
                http.request(method, address, params=params, data=data) as response:
            body = (await response.content.read(MAX_ANSWER)).decode("utf-8", "replace")
            if response.status >= 400:
                permanent = 400 <= response.status < 500 and response.status not in (408, 429)
                raise Open311Failure(_described(response.status, body), permanent=permanent)
    except TimeoutError:
        raise Open311Failure(f"no answer within {timeout:.0f} s") from None
    except aiohttp.ClientConnectorError as error:
        raise Open311Failure(_one_line(f"cannot connect to {error.host}:{error.port}")) \
            from None
    except aiohttp.ClientError as error:
        raise Open311Failure(_one_line(f"{type(error).__name__}: {error}")) from None
    except asyncio.CancelledError:
        raise
    try:
        return json.loads(body)
    except ValueError:
        raise Open311Failure(_one_line(f"not an Open311 answer: {body[:80]!r}")) from None


def _items(answer: Any) -> list[dict[str, Any]]:
    if not isinstance(answer, list) or not all(isinstance(item, dict) for item in answer):
        raise Open311Failure("not an Open311 answer: a list of requests was expected")
    return answer


async def post_request(endpoint: Open311Endpoint,
                       params: dict[str, str]) -> tuple[str | None, str | None]:
    """(service_request_id, token): one of them at least."""
    items = _items(await _call("POST", url(endpoint, "requests.json"), data=params))
    first = items[0] if items else {}
    number = first.get("service_request_id")
    token = first.get("token")
    if number in (None, "") and token in (None, ""):
        raise Open311Failure("not an Open311 answer: no service_request_id and no token")
    return (str(number) if number not in (None, "") else None,
            str(token) if token not in (None, "") else None)


async def get_requests(endpoint: Open311Endpoint, ids: list[str]) -> list[dict[str, Any]]:
    params = {"service_request_id": ",".join(ids)}
    if endpoint.jurisdiction_id:
        params["jurisdiction_id"] = endpoint.jurisdiction_id
    return _items(await _call("GET", url(endpoint, "requests.json"), params=params))


async def request_of_token(endpoint: Open311Endpoint, token: str) -> str | None:
    """The request id behind a token; None while the system has not made the request yet."""
    params = {"jurisdiction_id": endpoint.jurisdiction_id} if endpoint.jurisdiction_id else {}
    try:
        items = _items(await _call("GET", url(endpoint, f"tokens/{token}.json"), params=params))
    except Open311Failure as failure:
        if failure.reason.startswith("HTTP 404"):
            return None
        raise
    number = items[0].get("service_request_id") if items else None
    return str(number) if number not in (None, "") else None
