"""A strict Open311 GeoReport v2 server for the client's tests: a city's own case-management
system as the spec describes it, refusing whatever the spec does not allow."""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

SPEC_FIELDS = {"api_key", "jurisdiction_id", "service_code", "lat", "long", "address_string",
               "address_id", "email", "device_id", "account_id", "first_name", "last_name",
               "phone", "description", "media_url"}


def _error(status: int, description: str) -> web.Response:
    return web.json_response([{"code": status, "description": description}], status=status)


@dataclass
class StrictOpen311:
    api_key: str = "crm-secret-key"
    jurisdiction_id: str = "lipovsk.example"
    service_codes: tuple[str, ...] = ("POTHOLE", "STREETLIGHT")
    give_tokens: bool = False  # answer a POST with a token, the id known only later
    fail_next: list[int] = field(default_factory=list)  # statuses to answer the next POSTs with
    received: list[dict[str, str]] = field(default_factory=list)  # every POST's fields
    requests: dict[str, dict[str, Any]] = field(default_factory=dict)
    tokens: dict[str, str | None] = field(default_factory=dict)
    url: str = ""
    _ids: Any = field(default_factory=lambda: itertools.count(1001))

    def close(self, request_id: str, notes: str | None = None) -> None:
        """An official of the city's system closes the request."""
        self.requests[request_id].update(status="closed", status_notes=notes)

    def release_tokens(self) -> None:
        for token, known in self.tokens.items():
            if known is None:
                self.tokens[token] = self._new_request(self._pending[token])

    def _new_request(self, fields: dict[str, str]) -> str:
        request_id = f"SR-{next(self._ids)}"
        self.requests[request_id] = {
            "service_request_id": request_id, "status": "open", "status_notes": None,
            "service_code": fields["service_code"], "description": fields.get("description"),
            "lat": float(fields["lat"]) if fields.get("lat") else None,
            "long": float(fields["long"]) if fields.get("long") else None,
            "address": fields.get("address_string"), "requested_datetime": "2026-12-01T10:00:00Z",
        }
        return request_id

    # ---- the API ------------------------------------------------------------------------------

    async def post_request(self, request: web.Request) -> web.Response:
        if request.content_type != "application/x-www-form-urlencoded":
            return _error(400, "the body must be application/x-www-form-urlencoded")
        fields = {key: value for key, value in (await request.post()).items()
                  if isinstance(value, str)}
        self.received.append(fields)
        if self.fail_next:
            return _error(self.fail_next.pop(0), "Service temporarily unavailable")
        unknown = {key for key in fields if key not in SPEC_FIELDS
                   and not key.startswith("attribute[")}
        if unknown:
            return _error(400, f"unknown fields: {', '.join(sorted(unknown))}")
        if fields.get("api_key") != self.api_key:
            return _error(403, "Invalid api_key")
        if fields.get("jurisdiction_id") != self.jurisdiction_id:
            return _error(404, "jurisdiction_id not found")
        if fields.get("service_code") not in self.service_codes:
            return _error(400, f"Service not found: {fields.get('service_code')}")
        located = fields.get("lat") and fields.get("long")
        if not located and not fields.get("address_string"):
            return _error(400, "lat/long or address_string is required")
        try:
            if located:
                float(fields["lat"]), float(fields["long"])
        except ValueError:
            return _error(400, "lat and long must be numbers")
        if len(fields.get("description", "")) > 4000:
            return _error(400, "description is at most 4000 characters")
        if self.give_tokens:
            token = f"tok-{len(self.tokens) + 1}"
            self.tokens[token] = None
            self._pending[token] = fields
            return web.json_response([{"token": token}])
        return web.json_response([{"service_request_id": self._new_request(fields)}])

    async def get_requests(self, request: web.Request) -> web.Response:
        if request.query.get("jurisdiction_id") != self.jurisdiction_id:
            return _error(404, "jurisdiction_id not found")
        wanted = [part for part in request.query.get("service_request_id", "").split(",")
                  if part]
        return web.json_response([self.requests[i] for i in wanted if i in self.requests])

    async def get_token(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        if self.tokens.get(token) is None:
            return _error(404, "token not found")
        return web.json_response([{"service_request_id": self.tokens[token], "token": token}])

    @contextlib.asynccontextmanager
    async def serving(self) -> AsyncIterator[StrictOpen311]:
        self._pending: dict[str, dict[str, str]] = {}
        app = web.Application()
        app.router.add_post("/open311/v2/requests.json", self.post_request)
        app.router.add_get("/open311/v2/requests.json", self.get_requests)
        app.router.add_get("/open311/v2/tokens/{token}.json", self.get_token)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{runner.addresses[0][1]}/open311/v2/"
        try:
            yield self
        finally:
            await runner.cleanup()
