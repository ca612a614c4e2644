"""The OpenAPI 3 document of the Open311 API, built from the city's config (its service codes).
Each path of the spec is two operations, .json and .xml, so each has one content type."""

from __future__ import annotations

from typing import Any

from citybot.config import CityConfig

ERRORS_REF = {"$ref": "#/components/schemas/Errors"}
NULLABLE_STRING = {"type": ["string", "null"]}


def _string(**extra: Any) -> dict[str, Any]:
    return {"type": "string", **extra}


def _query(name: str, description: str, **schema: Any) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": schema or {"type": "string"}}


def _path(name: str, description: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "description": description,
            "schema": {"type": "string", "minLength": 1}}


def _content(fmt: str, schema: dict[str, Any]) -> dict[str, Any]:
    if fmt == "xml":
        return {"text/xml": {"schema": {"type": "string"}}}
    return {"application/json": {"schema": schema}}


def _responses(fmt: str, ok: dict[str, Any], *errors: int) -> dict[str, Any]:
    described = {400: "A bad input", 403: "A wrong or revoked api_key", 404: "Not found",
                 413: "The body is too large", 429: "Too many requests for the key",
                 500: "The server failed"}
    responses = {"200": {"description": "OK", "content": _content(fmt, ok)}}
    for status in sorted({*errors, 500}):
        responses[str(status)] = {"description": described[status],
                                  "content": _content(fmt, ERRORS_REF)}
    return responses


def _array(name: str) -> dict[str, Any]:
    return {"type": "array", "items": {"$ref": f"#/components/schemas/{name}"}}


def _schemas(codes: list[str], bounds: tuple[float, float, float, float],
             center: tuple[float, float]) -> dict[str, Any]:
    south, west, north, east = bounds
    date = {"type": ["string", "null"], "format": "date-time"}
    return {
        "Errors": {"type": "array", "minItems": 1, "items": {
            "type": "object", "required": ["code", "description"],
            "properties": {"code": {"type": "integer"}, "description": _string()}}},
        "Discovery": {"type": "object", "required": ["changeset", "endpoints"], "properties": {
            "changeset": _string(), "contact": _string(), "key_service": _string(),
            "endpoints": {"type": "array", "items": {"type": "object", "properties": {
                "specification": _string(), "url": _string(), "changeset": _string(),
                "type": _string(enum=["production", "test"]),
                "formats": {"type": "array", "items": _string()}}}}}},
        "Service": {"type": "object", "required": ["service_code", "service_name", "metadata",
                                                   "type"], "properties": {
            "service_code": _string(enum=codes), "service_name": _string(),
            "description": _string(), "metadata": {"type": "boolean"},
            "type": _string(enum=["realtime", "batch", "blackbox"]), "keywords": _string(),
            "group": _string()}},
        "ServiceDefinition": {"type": "object", "required": ["service_code", "attributes"],
                              "properties": {"service_code": _string(enum=codes),
                                             "attributes": {"type": "array"}}},
        "Request": {"type": "object", "required": [
            "service_request_id", "status", "service_code", "requested_datetime"],
            "properties": {
                "service_request_id": _string(pattern="^[0-9]+$"),
                "status": _string(enum=["open", "closed"]),
                "status_notes": NULLABLE_STRING, "service_name": _string(),
                "service_code": _string(enum=codes), "description": _string(),
                "agency_responsible": _string(), "service_notice": NULLABLE_STRING,
                "requested_datetime": date, "updated_datetime": date,
                "expected_datetime": date, "address": NULLABLE_STRING,
                "address_id": NULLABLE_STRING, "zipcode": NULLABLE_STRING,
                "lat": {"type": ["number", "null"]}, "long": {"type": ["number", "null"]},
                "media_url": NULLABLE_STRING}},
        "Created": {"type": "object", "required": ["service_request_id"], "properties": {
            "service_request_id": _string(pattern="^[0-9]+$"), "token": _string(),
            "service_notice": NULLABLE_STRING, "account_id": NULLABLE_STRING}},
        "TokenAnswer": {"type": "object", "required": ["service_request_id", "token"],
                        "properties": {"service_request_id": _string(pattern="^[0-9]+$"),
                                       "token": _string()}},
        "NewRequest": {"type": "object", "required": ["service_code", "description"],
                       "properties": {
            "api_key": _string(description="The client's key (or in the query string)"),
            "service_code": _string(enum=codes, example=codes[0]),
            "lat": {"type": "number", "minimum": round(south, 6), "maximum": round(north, 6),
                    "example": center[0], "description": "Inside the city boundary"},
            "long": {"type": "number", "minimum": round(west, 6), "maximum": round(east, 6),
                     "example": center[1], "description": "Inside the city boundary"},
            "address_string": _string(description="Instead of lat/long: geocoded as the "
                                                  "bot does"),
            "description": _string(minLength=10, maxLength=2000,
                                   example="A deep pothole by the bus stop"),
            "media_url": _string(format="uri", example="https://example.org/photo.jpg"),
            "locale": _string(), "jurisdiction_id": _string(),
            "email": _string(description="Accepted and never kept"),
            "first_name": _string(description="Accepted and never kept"),
            "last_name": _string(description="Accepted and never kept"),
            "phone": _string(description="Accepted and never kept")}},
    }


def openapi_document(config: CityConfig, base_url: str,
                     bounds: tuple[float, float, float, float]) -> dict[str, Any]:
    codes = [category.id for category in config.categories]
    locale = _query("locale", "en or ru (else Accept-Language, else the city's language)")
    paths: dict[str, Any] = {}
    for fmt in ("json", "xml"):
        paths[f"/discovery.{fmt}"] = {"get": {
            "operationId": f"discovery_{fmt}", "summary": "Where and how to reach this API",
            "responses": _responses(fmt, {"$ref": "#/components/schemas/Discovery"})}}
        paths[f"/services.{fmt}"] = {"get": {
            "operationId": f"services_{fmt}", "summary": "The report categories",
            "parameters": [locale, _query("jurisdiction_id", "Ignored: one city")],
            "responses": _responses(fmt, _array("Service"))}}
        paths[f"/services/{{service_code}}.{fmt}"] = {"get": {
            "operationId": f"service_definition_{fmt}", "summary": "A service's attributes",
            "parameters": [_path("service_code", "A service_code of services")],
            "responses": _responses(fmt, {"$ref": "#/components/schemas/ServiceDefinition"},
                                    404)}}
        paths[f"/requests.{fmt}"] = {
            "get": {
                "operationId": f"requests_{fmt}",
                "summary": "Requests, newest first: at most 1000, the last 90 days by default",
                "parameters": [
                    _query("service_request_id", "Comma-separated ids (the rest is ignored)"),
                    _query("service_code", "Comma-separated service codes"),
                    _query("start_date", "W3C date-time"),
                    _query("end_date", "W3C date-time"),
                    _query("status", "open, closed or open,closed"),
                    locale, _query("jurisdiction_id", "Ignored: one city")],
                "responses": _responses(fmt, _array("Request"), 400)},
            "post": {
                "operationId": f"create_request_{fmt}",
                "summary": "File a request (a report in the department's queue)",
                "parameters": [_query("api_key", "The client's key (or in the form)")],
                "requestBody": {"required": True, "content": {
                    "application/x-www-form-urlencoded": {
                        "schema": {"$ref": "#/components/schemas/NewRequest"}}}},
                "responses": _responses(fmt, _array("Created"), 400, 403, 413, 429)}}
        paths[f"/requests/{{service_request_id}}.{fmt}"] = {"get": {
            "operationId": f"request_{fmt}", "summary": "One request",
            "parameters": [_path("service_request_id", "A request's id"), locale],
            "responses": _responses(fmt, _array("Request"), 404)}}
        paths[f"/tokens/{{token}}.{fmt}"] = {"get": {
            "operationId": f"token_{fmt}", "summary": "The request id behind a token",
            "parameters": [_path("token", "A token a POST answered")],
            "responses": _responses(fmt, _array("TokenAnswer"), 404)}}
    return {
        "openapi": "3.1.0",
        "info": {"title": f"{config.city.name.get('en')} Open311 GeoReport v2",
                 "version": "2", "description": "CityBot's Open311 GeoReport v2 API."},
        "servers": [{"url": base_url}],
        "paths": paths,
        "components": {"schemas": _schemas(
            codes, bounds, (config.city.center.lat, config.city.center.lon))},
    }
