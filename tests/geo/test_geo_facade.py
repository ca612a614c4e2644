"""The facade the bot uses, offline: `Geocoding.find` and `describe`.

(With Nominatim in front of it: test_geo_nominatim.py.)
"""

from __future__ import annotations

import pytest

from citybot.config import CityConfig
from citybot.geo import AddressLookup, Geocoding, build_geocoding


@pytest.fixture(scope="module")
def offline(city_config: CityConfig) -> Geocoding:
    geocoding = build_geocoding(city_config)
    assert geocoding.nominatim is None  # the demo city is configured offline
    return geocoding


async def test_find_in_english_and_russian(offline: Geocoding) -> None:
    found = await offline.find("Sadovaya 12", "en")
    assert found.found and found.address == "Sadovaya Street, 12"
    assert found.inside_city and found.district_id == "central"
    assert found.suggestions == [] and not found.unavailable
    in_russian = await offline.find("ул. Садовая, 12", "ru")
    assert in_russian.point == found.point and in_russian.address == "Садовая улица, 12"
    across_the_river = await offline.find("Mostovaya 20", "ru")
    assert across_the_river.address == "Мостовая улица, 20"
    assert across_the_river.district_id == "zarechny"


async def test_find_suggests_or_gives_nothing(offline: Geocoding) -> None:
    near_miss = await offline.find("Savetskya 5", "ru")
    assert near_miss.point is None and not near_miss.inside_city
    assert near_miss.suggestions[0] == "Советская улица, 5"
    assert await offline.find("qwerty", "en") == AddressLookup()
    assert await offline.find("   ", "en") == AddressLookup()


async def test_find_pasted_coordinates(offline: Geocoding) -> None:
    inside = await offline.find("56.90001, 39.59990", "en")
    assert inside.point == (56.90001, 39.5999) and inside.inside_city
    assert inside.address.startswith(("Lenina Street", "Mira Avenue"))
    outside = await offline.find("55.7539 37.6208", "en")
    assert outside.found and not outside.inside_city and outside.district_id is None
    assert outside.address == "55.75390, 37.62080"


async def test_describe(offline: Geocoding) -> None:
    point = (await offline.find("Kirova 40", "en")).point
    assert await offline.describe(*point, "en") == "Kirova Street, 40"
    assert await offline.describe(*point, "ru") == "улица Кирова, 40"
    assert await offline.describe(56.95, 39.6, "en") == "56.95000, 39.60000"
