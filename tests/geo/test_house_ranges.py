"""Every street knows its house numbers (config: house_numbers first..last): "did you mean"
never offers a house the street does not have (issue #19)."""

from __future__ import annotations

import pytest

from citybot.config import CityConfig
from citybot.geo import OfflineGeocoder
from citybot.geo.streetnames import split


@pytest.fixture(scope="module")
def geocoder(city_config: CityConfig) -> OfflineGeocoder:
    return OfflineGeocoder.from_config(city_config)


@pytest.mark.parametrize(("query", "language"), [
    ("Sadovy Lane 40", "en"), ("Sadov lane 40", "en"), ("Садовый переулок 40", "ru"),
])
def test_a_house_the_street_lacks_is_not_offered(geocoder, query, language) -> None:
    match = geocoder.search(query, language)  # Sadovy Lane's houses stop at 15
    assert match.street is None and match.point is None
    lane = {"en": "Sadovy Lane", "ru": "Садовый переулок"}[language]
    assert f"{lane}, 40" not in match.suggestions
    assert lane in match.suggestions  # the lane itself, without a number it lacks
    street = {"en": "Sadovaya Street, 40", "ru": "Садовая улица, 40"}[language]
    assert match.suggestions[0] == street  # first, a street that has house 40


def test_every_suggested_house_exists(geocoder, city_config: CityConfig) -> None:
    ranges = {s.name.get(lang): s.house_numbers for s in city_config.city.streets
              for lang in ("en", "ru")}
    for query in ("Садова 12", "Садова 40", "Sadov 90", "Sovetsk 200", "Gogol 5", "Lenin 300"):
        for suggestion in geocoder.search(query, "en").suggestions:
            name, _, house = suggestion.partition(", ")
            numbers = ranges[name]
            if house and numbers is not None:
                assert numbers.first <= split(house).numbers[0].value <= numbers.last, suggestion


def test_a_house_only_one_of_two_streets_has_settles_it(geocoder) -> None:
    assert geocoder.search("Sadov 40", "en").address == "Sadovaya Street, 40"
    assert geocoder.search("Sadov 12", "en").street.id == "sadovy"  # both have 12: as before
