"""The Nominatim provider against a local stand-in that answers /search and /reverse the way
Nominatim does (format=json), including its failures."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from citybot.config import CityConfig
from citybot.geo import (
    GeocoderUnavailable,
    Geocoding,
    NominatimGeocoder,
    build_geocoding,
    short_address,
)

LICENCE = "Data © OpenStreetMap contributors, ODbL 1.0. http://osm.org/copyright"
SADOVAYA_12 = {
    "place_id": 318000012, "licence": LICENCE, "osm_type": "way", "osm_id": 512000012,
    "lat": "56.8960412", "lon": "39.5856670", "class": "building", "type": "house",
    "place_rank": 30, "importance": 9.99999999995449e-06, "addresstype": "building", "name": "",
    "display_name": "12, Садовая улица, Центральный район, Липовск, Ярославская область, "
                    "Центральный федеральный округ, 152000, Россия",
    "address": {
        "house_number": "12", "road": "Садовая улица", "suburb": "Центральный район",
        "city": "Липовск", "state": "Ярославская область", "ISO3166-2-lvl4": "RU-YAR",
        "region": "Центральный федеральный округ", "postcode": "152000", "country": "Россия",
        "country_code": "ru",
    },
    "boundingbox": ["56.8959912", "56.8960912", "39.5856170", "39.5857170"],
}  # fmt: skip
SADOVAYA_VILLAGE = {  # in the city's box, beyond its cut north-west corner: not the city's
    **SADOVAYA_12, "place_id": 2, "lat": "56.9262", "lon": "39.5355",
    "display_name": "3, Садовая улица, Ивановка, Ярославская область, Россия",
    "address": {"house_number": "3", "road": "Садовая улица", "village": "Ивановка",
                "country": "Россия"},
}  # fmt: skip
TVERSKAYA = {  # a real street, far outside the city: a bounded search must not return it
    **SADOVAYA_12, "place_id": 1, "lat": "55.7602", "lon": "37.6085",
    "display_name": "Тверская улица, Москва, Россия",
    "address": {"road": "Тверская улица", "city": "Москва", "country": "Россия"},
}  # fmt: skip
SADOVAYA_ROAD = {
    "place_id": 318000001, "licence": LICENCE, "osm_type": "way", "osm_id": 512000001,
    "lat": "56.8962000", "lon": "39.5968000", "class": "highway", "type": "residential",
    "place_rank": 26, "importance": 0.0533, "addresstype": "road", "name": "Садовая улица",
    "display_name": "Садовая улица, Центральный район, Липовск, Ярославская область, Россия",
    "address": {"road": "Садовая улица", "suburb": "Центральный район", "city": "Липовск",
                "country": "Россия", "country_code": "ru"},
    "boundingbox": ["56.8960000", "56.8962000", "39.5820000", "39.6180000"],
}  # fmt: skip


class StandIn:
    """A Nominatim stand-in: a few places, a request log and switchable failures."""

    def __init__(self, prefix: str = "") -> None:
        self.requests: list[dict[str, Any]] = []
        self.mode = "ok"  # ok | slow | unavailable | rate_limited | garbage
        self.places = [SADOVAYA_12, TVERSKAYA]
        self.app = web.Application()
        self.app.router.add_get(f"{prefix}/search", self.search)
        self.app.router.add_get(f"{prefix}/reverse", self.reverse)

    async def _fail(self) -> web.Response | None:
        if self.mode == "slow":
            await asyncio.sleep(2)
        if self.mode == "unavailable":
            return web.Response(status=503, text="<html>Service Unavailable</html>")
        if self.mode == "rate_limited":
            return web.Response(status=429, text="Too Many Requests")
        if self.mode == "garbage":
            return web.Response(text="<html>not json</html>", content_type="text/html")
        return None

    def _log(self, request: web.Request) -> dict[str, str]:
        params = dict(request.query)
        self.requests.append({"path": request.path, "params": params,
                              "user_agent": request.headers.get("User-Agent")})  # fmt: skip
        return params

    async def search(self, request: web.Request) -> web.Response:
        params = self._log(request)
        if failure := await self._fail():
            return failure
        query = params["q"].lower()
        places = [p for p in self.places
                  if p["address"]["road"].split()[0].lower()[:5] in query]  # fmt: skip
        if params.get("bounded") == "1":  # viewbox=<x1>,<y1>,<x2>,<y2>: any two opposite corners
            x1, y1, x2, y2 = map(float, params["viewbox"].split(","))
            places = [p for p in places if min(y1, y2) <= float(p["lat"]) <= max(y1, y2)
                      and min(x1, x2) <= float(p["lon"]) <= max(x1, x2)]
        return web.json_response(places[: int(params.get("limit", 10))])

    async def reverse(self, request: web.Request) -> web.Response:
        params = self._log(request)
        if failure := await self._fail():
            return failure
        lat, lon = float(params["lat"]), float(params["lon"])
        if abs(lat - 56.8962) < 0.001 and abs(lon - 39.5968) < 0.01:
            return web.json_response(SADOVAYA_ROAD)
        return web.json_response({"error": "Unable to geocode"})


@pytest.fixture
async def stand_in() -> AsyncIterator[tuple[StandIn, str]]:
    nominatim = StandIn()
    server = TestServer(nominatim.app, host="127.0.0.1")
    await server.start_server()
    try:
        yield nominatim, str(server.make_url("")).rstrip("/")
    finally:
        await server.close()


def provider_for(config: CityConfig, url: str, **settings: Any) -> NominatimGeocoder:
    geocoder = config.geocoder.model_copy(
        update={"provider": "nominatim", "nominatim_url": url, "min_interval_s": 0, **settings}
    )
    return NominatimGeocoder.from_config(config.model_copy(update={"geocoder": geocoder}))


async def test_geocode(stand_in: tuple[StandIn, str], city_config: CityConfig) -> None:
    nominatim, url = stand_in
    provider = provider_for(city_config, url)
    try:
        location = await provider.geocode("Садовая улица, 12", "ru")
    finally:
        await provider.close()
    assert (location.latitude, location.longitude) == (56.8960412, 39.585667)
    assert short_address(location) == "Садовая улица, 12"
    [request] = nominatim.requests
    assert request["path"] == "/search"
    assert request["user_agent"] == city_config.geocoder.user_agent
    params = request["params"]
    assert params["format"] == "json" and params["q"] == "Садовая улица, 12"
    assert params["accept-language"] == "ru" and params["addressdetails"] == "1"
    assert params["bounded"] == "1" and params["limit"] == "1"
    x1, y1, x2, y2 = map(float, params["viewbox"].split(","))
    assert sorted([x1, x2]) == [39.534, 39.666] and sorted([y1, y2]) == [56.873, 56.927]


async def test_geocode_nothing_found_or_outside_the_city(
    stand_in: tuple[StandIn, str], city_config: CityConfig
) -> None:
    _, url = stand_in
    provider = provider_for(city_config, url)
    try:
        assert await provider.geocode("Nowhere Street 1", "en") is None
        assert await provider.geocode("Тверская улица", "ru") is None  # bounded to the city
    finally:
        await provider.close()


async def test_reverse(stand_in: tuple[StandIn, str], city_config: CityConfig) -> None:
    nominatim, url = stand_in
    provider = provider_for(city_config, url)
    try:
        location = await provider.reverse(56.8962, 39.5968, "ru")
        nothing = await provider.reverse(56.95, 39.60, "ru")  # {"error": "Unable to geocode"}
    finally:
        await provider.close()
    assert short_address(location) == "Садовая улица"
    assert nothing is None
    params = nominatim.requests[0]["params"]
    assert nominatim.requests[0]["path"] == "/reverse"
    assert (params["lat"], params["lon"]) == ("56.8962", "39.5968")
    assert params["format"] == "json" and params["zoom"] == "18"


@pytest.mark.parametrize("mode", ["slow", "unavailable", "rate_limited", "garbage"])
async def test_failures_become_geocoder_unavailable(
    stand_in: tuple[StandIn, str], city_config: CityConfig, mode: str
) -> None:
    nominatim, url = stand_in
    nominatim.mode = mode
    provider = provider_for(city_config, url, timeout_s=0.1)
    start = time.monotonic()
    try:
        with pytest.raises(GeocoderUnavailable):
            await provider.geocode("Садовая 12", "ru")
        with pytest.raises(GeocoderUnavailable):
            await provider.reverse(56.8962, 39.5968, "ru")
    finally:
        await provider.close()
    assert time.monotonic() - start < 1.0  # the timeout is honoured


async def test_nobody_listening(city_config: CityConfig) -> None:
    provider = provider_for(city_config, "http://127.0.0.1:9", timeout_s=0.5)
    try:
        with pytest.raises(GeocoderUnavailable):
            await provider.geocode("Садовая 12", "ru")
    finally:
        await provider.close()


async def test_answers_are_cached_and_requests_spaced(
    stand_in: tuple[StandIn, str], city_config: CityConfig
) -> None:
    nominatim, url = stand_in
    provider = provider_for(city_config, url, min_interval_s=0.15)
    try:
        start = time.monotonic()
        first = await provider.geocode("Садовая 12", "ru")
        again = await provider.geocode("  садовая 12", "ru")
        assert again == first and len(nominatim.requests) == 1  # cached, no wait
        assert time.monotonic() - start < 0.15
        await provider.reverse(56.8962, 39.5968, "ru")
        assert time.monotonic() - start >= 0.15  # the second request waited its turn
        assert len(nominatim.requests) == 2
    finally:
        await provider.close()


async def test_url_with_a_path_prefix(city_config: CityConfig) -> None:
    nominatim = StandIn(prefix="/osm/nominatim")
    server = TestServer(nominatim.app, host="127.0.0.1")
    await server.start_server()
    provider = provider_for(city_config, str(server.make_url("/osm/nominatim/")))
    try:
        assert await provider.geocode("Садовая 12", "ru") is not None
        assert nominatim.requests[0]["path"] == "/osm/nominatim/search"
    finally:
        await provider.close()
        await server.close()


# ---------------------------------------------------------------- the facade with Nominatim


@pytest.fixture
async def online(city_config: CityConfig) -> AsyncIterator[tuple[StandIn, Geocoding]]:
    nominatim = StandIn()
    server = TestServer(nominatim.app, host="127.0.0.1")
    await server.start_server()
    settings: dict[str, Any] = {"provider": "nominatim", "timeout_s": 0.1, "min_interval_s": 0,
                                "nominatim_url": str(server.make_url(""))}  # fmt: skip
    config = city_config.model_copy(
        update={"geocoder": city_config.geocoder.model_copy(update=settings)}
    )
    try:
        async with build_geocoding(config) as geocoding:
            assert geocoding.nominatim is not None
            yield nominatim, geocoding
    finally:
        await server.close()


async def test_nominatim_answers_first(online: tuple[StandIn, Geocoding]) -> None:
    nominatim, geocoding = online
    found = await geocoding.find("Садовая улица, 12", "ru")
    assert found.point == (56.8960412, 39.585667)
    assert found.address == "Садовая улица, 12"
    assert found.inside_city and found.district_id == "central" and not found.unavailable
    assert await geocoding.describe(56.8962, 39.5968, "ru") == "Садовая улица"
    assert [r["path"] for r in nominatim.requests] == ["/search", "/reverse"]


async def test_offline_streets_when_nominatim_finds_nothing(
    online: tuple[StandIn, Geocoding],
) -> None:
    nominatim, geocoding = online
    found = await geocoding.find("Kirova 40", "en")  # the stand-in knows only Sadovaya
    assert found.address == "Kirova Street, 40" and not found.unavailable
    near_miss = await geocoding.find("Savetskya 5", "en")
    assert near_miss.point is None and near_miss.suggestions[0] == "Sovetskaya Street, 5"
    assert len(nominatim.requests) == 2
    # Nominatim knows no address there: the offline streets describe the point.
    assert await geocoding.describe(*found.point, "en") == "Kirova Street, 40"


@pytest.mark.parametrize("mode", ["slow", "unavailable"])
async def test_nominatim_down(online: tuple[StandIn, Geocoding], mode: str) -> None:
    nominatim, geocoding = online
    nominatim.mode = mode
    found = await geocoding.find("Sadovaya 12", "en")
    assert found.unavailable and found.address == "Sadovaya Street, 12"  # offline answered
    missing = await geocoding.find("qwerty", "en")
    assert missing.unavailable and missing.point is None
    assert await geocoding.describe(*found.point, "en") == "Sadovaya Street, 12"


async def test_a_match_outside_the_city_yields_to_the_citys_own_street(
    online: tuple[StandIn, Geocoding],
) -> None:
    nominatim, geocoding = online
    nominatim.places = [SADOVAYA_VILLAGE]
    found = await geocoding.find("Садовая 3", "ru")
    assert found.inside_city and found.address == "Садовая улица, 3"  # the offline streets
    assert found.point != (56.9262, 39.5355)
    nominatim.places = [{**SADOVAYA_VILLAGE, "address": {"road": "Лесная улица"}}]
    elsewhere = await geocoding.find("Лесная 3, Ивановка", "ru")  # not a street of the city
    assert elsewhere.found and not elsewhere.inside_city
