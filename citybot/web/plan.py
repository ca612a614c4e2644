"""The city plan drawn from config.yml — boundary, districts, streets — as GeoJSON, so that
every map CityBot serves (the public map, a report's page, the sandbox's location picker)
works with no internet at all; and the static files (Leaflet, served by CityBot, no CDN)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from aiohttp import web

from citybot.config import CityConfig
from citybot.web.app import RUNTIME

STATIC = Path(__file__).parent / "static"


def _ring(points: list[tuple[float, float]] | list[list[float]]) -> list[list[float]]:
    """GeoJSON wants [lon, lat] and a closed ring."""
    ring = [[lon, lat] for lat, lon in points]
    return ring if ring[0] == ring[-1] else [*ring, ring[0]]


def plan_geojson(config: CityConfig) -> dict[str, Any]:
    """Features with `kind` boundary | district | street and names in both languages."""
    city = config.city
    features: list[dict[str, Any]] = [{
        "type": "Feature",
        "properties": {"kind": "boundary", "name": dict(city.name)},
        "geometry": {"type": "Polygon", "coordinates": [_ring(city.boundary)]},
    }]
    for district in city.districts:
        features.append({
            "type": "Feature",
            "properties": {"kind": "district", "id": district.id, "name": dict(district.name)},
            "geometry": {"type": "Polygon", "coordinates": [_ring(district.polygon)]},
        })
    for street in city.streets:
        features.append({
            "type": "Feature",
            "properties": {"kind": "street", "id": street.id, "name": dict(street.name)},
            "geometry": {"type": "LineString",
                         "coordinates": [[lon, lat] for lat, lon in street.points]},
        })
    south, west, north, east = _bounds(city.boundary)
    return {"type": "FeatureCollection", "features": features,
            "center": [city.center.lat, city.center.lon],
            "bounds": [[south, west], [north, east]]}


def _bounds(points: Any) -> tuple[float, float, float, float]:
    lats = [lat for lat, _ in points]
    lons = [lon for _, lon in points]
    return min(lats), min(lons), max(lats), max(lons)


PLAN = web.AppKey("plan", bytes)


async def plan(request: web.Request) -> web.Response:
    return web.Response(body=request.app[PLAN], content_type="application/geo+json",
                        headers={"Cache-Control": "public, max-age=300"})


def setup(app: web.Application) -> None:
    """`/plan.geojson` (built once from the config) and `/static/…`."""
    app[PLAN] = json.dumps(plan_geojson(app[RUNTIME].config), ensure_ascii=False).encode()
    app.router.add_get("/plan.geojson", plan)
    app.router.add_static("/static/", STATIC, name="static", append_version=False)
