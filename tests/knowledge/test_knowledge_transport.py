"""Public transport data: routes, stops in any alphabet, trips along one route, the rest."""

from __future__ import annotations

from pathlib import Path

import pytest

from citybot.knowledge import TransportGuide

TRANSPORT_YML = Path(__file__).resolve().parents[2] / "knowledge" / "transport.yml"


@pytest.fixture(scope="module")
def guide() -> TransportGuide:
    return TransportGuide.load(TRANSPORT_YML)


def test_at_least_ten_routes_with_everything(guide) -> None:
    assert len(guide.routes) >= 10
    for route in guide.routes.values():
        assert len(route.stops) >= 3
        assert {"peak", "offpeak", "weekend"} <= set(route.interval)
        assert route.first and route.last
    assert any(r.night for r in guide.routes.values())
    assert {r.kind for r in guide.routes.values()} == {"bus", "tram", "trolleybus"}


@pytest.mark.parametrize(
    ("written", "number"),
    [("7", "7"), ("12a", "12A"), ("12А", "12A"), ("№ 21", "21"), ("Н1", "N1"), ("n-2", "N2")],
)
def test_route_numbers_as_written(guide, written, number) -> None:
    assert guide.route(written).number == number


def test_unknown_route(guide) -> None:
    assert guide.route("99") is None


@pytest.mark.parametrize(
    "text",
    ["Central Station", "центральный вокзал", "от Центрального вокзала", "Tsentralny vokzal",
     "Centrl Station", "railway station", "вокзал"],
)  # fmt: skip
def test_stops_in_any_form(guide, text) -> None:
    assert guide.find_stop(text).id == "central_station"


def test_routes_via(guide) -> None:
    numbers = [r.number for r in guide.routes_via("Рыночная площадь")]
    assert numbers == ["1", "5", "12A", "15"]
    assert guide.routes_via("Nowhere Lane") == []


def test_trip_on_one_route(guide) -> None:
    options = guide.trip("Центрального вокзала", "зоопарка")
    assert [(o.route.number, o.stops, o.towards) for o in options] == [("12A", 2, "zoo")]
    back = guide.trip("Zoo", "Central Station")[0]
    assert (back.stops, back.towards, back.minutes) == (2, "industrial_zone", 4)


def test_trip_prefers_day_routes_and_fewer_stops(guide) -> None:
    options = guide.trip("University", "North District")
    assert [o.route.number for o in options] == ["1", "N1"]


def test_no_trip(guide) -> None:
    assert guide.trip("Airport", "Green Hill") == []  # no single route links them
    assert guide.trip("Airport", "Atlantis") == []
    assert guide.trip("Airport", "аэропорт") == []


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_fares_lost_property_night_buses(guide, lang) -> None:
    fares = guide.fares(lang)
    assert fares.currency and len(fares.tickets) >= 3 and fares.notes
    lost = guide.lost_property(lang)
    assert lost.place and lost.hours and lost.phone
    note, routes = guide.night_buses(lang)
    assert note and [r.number for r in routes] == ["N1", "N2"]
