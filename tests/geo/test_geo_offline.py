"""The offline geocoder over the demo city's streets: both alphabets, typos, house numbers."""

from __future__ import annotations

import time

import pytest

from citybot.config import CityConfig
from citybot.geo import CityMap, OfflineGeocoder, distance_m


@pytest.fixture(scope="module")
def geocoder(city_config: CityConfig) -> OfflineGeocoder:
    return OfflineGeocoder.from_config(city_config)


@pytest.mark.parametrize(
    ("query", "street_id", "house"),
    [
        ("Sadovaya 12", "sadovaya", "12"),
        ("ул. Садовая, 12", "sadovaya", "12"),
        ("Садовая улица д. 12", "sadovaya", "12"),
        ("12 Sadovaya Street", "sadovaya", "12"),
        ("ulitsa Lenina 5", "lenina", "5"),
        ("Lenin st. 5", "lenina", "5"),
        ("УЛИЦА ЛЕНИНА 5", "lenina", "5"),
        ("Липовск, ул. Ленина, д. 5, кв. 3", "lenina", "5"),
        ("prospekt Mira 100", "mira", "100"),
        ("пр-т Мира, 100", "mira", "100"),
        ("Mira Ave 10", "mira", "10"),
        ("пер. Садовый 3", "sadovy", "3"),
        ("Sadovy lane 3", "sadovy", "3"),
        ("Молодежная 2", "molodyozhnaya", "2"),  # е for ё
        ("Molodyozhnaya 2", "molodyozhnaya", "2"),
        ("Krasnoarmejskaja 7", "krasnoarmeyskaya", "7"),  # another transliteration
        ("Tsiolkovskogo 3", "tsiolkovskogo", "3"),
        ("8 Marta 12", "vosmogo_marta", "12"),  # the 8 is part of the name
        ("улица 8 Марта", "vosmogo_marta", None),
        ("Gagarina 10a", "gagarina", "10a"),
        ("Гагарина 10а", "gagarina", "10а"),
        ("Космонавтов 5к2", "kosmonavtov", "5к2"),
        ("Rechnaya nab. 3", "rechnaya", "3"),
        ("Moskovskoe sh 5", "moskovskoye", "5"),
    ],
)
def test_typed_addresses(
    geocoder: OfflineGeocoder, query: str, street_id: str, house: str | None
) -> None:
    match = geocoder.search(query, "en")
    assert match.street is not None, (query, match)
    assert match.street.id == street_id
    assert (match.house.label if match.house else None) == house
    assert match.suggestions == []


@pytest.mark.parametrize(
    ("query", "street_id"),
    [
        ("Sadvaya 12", "sadovaya"),  # a letter missing
        ("Sodovaya 12", "sadovaya"),  # a letter wrong
        ("Sovetskya 5", "sovetskaya"),
        ("Советскя 5", "sovetskaya"),
        ("Циалковского 5", "tsiolkovskogo"),
        ("Ленна 3", "lenina"),
        ("Pushkinskaja", "pushkina"),
        ("Полевой 3", "polevaya"),  # another grammatical case
        ("Zheleznodoroznaya 3", "zheleznodorozhnaya"),
    ],
)
def test_typos(geocoder: OfflineGeocoder, query: str, street_id: str) -> None:
    match = geocoder.search(query, "ru")
    assert match.street is not None and match.street.id == street_id, (query, match)


def test_address_is_written_in_the_asked_language(geocoder: OfflineGeocoder) -> None:
    assert geocoder.search("ulitsa Lenina 5", "ru").address == "улица Ленина, 5"
    assert geocoder.search("улица Ленина 5", "en").address == "Lenina Street, 5"
    assert geocoder.search("Lenina", "en").address == "Lenina Street"


def test_house_numbers_are_interpolated_along_the_street(
    geocoder: OfflineGeocoder, city_config: CityConfig
) -> None:
    street = city_config.city.street("lenina")  # first 1 at the river, last 100 at the south end
    first, last = street.points[0], street.points[-1]
    numbers = street.house_numbers
    assert numbers is not None
    assert distance_m(geocoder.point_on(street, numbers.first), first) < 1
    assert distance_m(geocoder.point_on(street, numbers.last), last) < 1
    assert distance_m(geocoder.point_on(street, 10_000), last) < 1  # beyond the end: clamped
    length = distance_m(first, street.points[1]) + distance_m(street.points[1], last)
    for number in (25, 50, 75):
        fraction = (number - numbers.first) / (numbers.last - numbers.first)
        point = geocoder.point_on(street, number)
        assert distance_m(first, point) == pytest.approx(fraction * length, abs=2)
        assert point[1] == pytest.approx(39.6)
    assert geocoder.search("Lenina 50", "en").point == geocoder.point_on(street, 50)
    middle = geocoder.point_on(street)  # no number: the middle of the street
    assert distance_m(first, middle) == pytest.approx(length / 2, abs=2)


def test_interpolation_follows_a_bent_street(
    geocoder: OfflineGeocoder, city_config: CityConfig
) -> None:
    street = city_config.city.street("lesnoy")  # three points, bent
    numbers = street.house_numbers
    assert numbers is not None
    legs = [distance_m(a, b) for a, b in zip(street.points, street.points[1:], strict=False)]
    number_at_bend = numbers.first + legs[0] / sum(legs) * (numbers.last - numbers.first)
    point = geocoder.point_on(street, round(number_at_bend))
    assert distance_m(point, street.points[1]) < 25


def test_suggestions_for_near_misses(geocoder: OfflineGeocoder) -> None:
    match = geocoder.search("Savetskya", "en")
    assert match.street is None and match.point is None
    assert match.suggestions[0] == "Sovetskaya Street"
    assert len(match.suggestions) <= 3
    match = geocoder.search("Gogolevskaya 5", "ru")  # the house number is kept
    assert match.point is None and match.suggestions[0] == "улица Гоголя, 5"
    chosen = geocoder.search(match.suggestions[0], "ru")  # the resident taps the suggestion
    assert chosen.street.id == "gogolya" and chosen.house.label == "5"


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize("house", [None, "7"])
def test_every_official_name_finds_its_street(
    geocoder: OfflineGeocoder, city_config: CityConfig, language: str, house: str | None
) -> None:
    """What the bot writes (addresses, suggestions) must lead back to the same street."""
    for street in city_config.city.streets:
        written = street.name.get(language) + (f", {house}" if house else "")
        match = geocoder.search(written, language)
        assert match.street == street, (written, match.suggestions)
        assert match.address == written


def test_ambiguous_names_are_asked_about(geocoder: OfflineGeocoder) -> None:
    match = geocoder.search("Садова", "ru")  # Садовая улица or Садовый переулок?
    assert match.point is None
    assert set(match.suggestions[:2]) == {"Садовая улица", "Садовый переулок"}
    # The kind of street settles it.
    assert geocoder.search("Садовая улица", "ru").street.id == "sadovaya"
    assert geocoder.search("Sadovaya", "ru").street.id == "sadovaya"


@pytest.mark.parametrize(
    "query",
    ["", "   ", "12", "qwerty", "asdf", "привет", "тест", "яма на дороге", "pothole on the road",
     "Tverskaya 5", "Nevsky prospekt", "!!!"],
)  # fmt: skip
def test_nothing_for_garbage(geocoder: OfflineGeocoder, query: str) -> None:
    match = geocoder.search(query, "en")
    assert match.point is None and match.suggestions == [], match
    assert geocoder.geocode(query) is None


def test_geopy_style_geocode(geocoder: OfflineGeocoder) -> None:
    location = geocoder.geocode("Sadovaya 12", language="en")
    assert location.address == "Sadovaya Street, 12"
    assert (location.latitude, location.longitude) == geocoder.search("Sadovaya 12").point
    assert location.raw["street_id"] == "sadovaya" and location.raw["house_number"] == "12"
    assert geocoder.geocode("Sadovaya 12", exactly_one=False) == [
        geocoder.geocode("Sadovaya 12")
    ]
    assert geocoder.geocode("Sadovaya 12").address == "Садовая улица, 12"  # city default: ru


def test_reverse_gives_nearest_street_and_house(
    geocoder: OfflineGeocoder, city_config: CityConfig
) -> None:
    street = city_config.city.street("sadovaya")
    lat, lon = geocoder.point_on(street, 45)  # mid-block, 200 m from the next crossing
    location = geocoder.reverse((lat + 0.0002, lon), language="en")  # ~20 m off the street
    assert location.raw["street_id"] == "sadovaya"
    assert location.address.startswith("Sadovaya Street, ")
    assert abs(int(location.raw["house_number"]) - 45) <= 1
    assert location.raw["distance_m"] == pytest.approx(22, abs=3)
    assert geocoder.reverse(f"{lat}, {lon}", language="ru").address == "Садовая улица, 45"


def test_reverse_round_trips_typed_addresses(geocoder: OfflineGeocoder) -> None:
    for query in ("Kirova 40", "Mostovaya 20", "Vokzalnaya 10", "Slobodskaya 60"):
        match = geocoder.search(query, "en")
        assert geocoder.reverse(match.point, language="en").address == match.address


def test_reverse_far_from_streets(geocoder: OfflineGeocoder) -> None:
    assert geocoder.reverse((56.95, 39.60)) is None
    assert geocoder.reverse((55.75, 37.62)) is None


def test_fast_enough(geocoder: OfflineGeocoder, city_config: CityConfig) -> None:
    queries = ["Sadovaya 12", "ул. Садовая, 12", "Krasnoarmejskaja 7", "Savetskya", "qwerty",
               "8 Marta 12", "Липовск, ул. Ленина, д. 5, кв. 3"]  # fmt: skip
    for query in queries:
        geocoder.search(query)  # warm up
    rounds = 30
    start = time.perf_counter()
    for _ in range(rounds):
        for query in queries:
            geocoder.search(query, "en")
    per_query = (time.perf_counter() - start) / (rounds * len(queries))
    assert per_query < 1e-3, f"{per_query * 1e6:.0f} µs per query"
    assert len(city_config.city.streets) >= 40

    city_map = CityMap.from_config(city_config)
    start = time.perf_counter()
    for i in range(200):
        geocoder.reverse((56.875 + i * 0.00025, 39.54 + i * 0.0006))
    assert (time.perf_counter() - start) / 200 < 1e-3
    assert city_map.contains(*geocoder.search("Sadovaya 12").point)
