"""The city map: boundary, districts, distances, and the demo city's geography being coherent."""

from __future__ import annotations

import time

import pytest
import shapely

from citybot.config import CityConfig
from citybot.geo import CityMap, distance_m
from citybot.geo.citymap import polygon_of


@pytest.fixture(scope="module")
def city_map(city_config: CityConfig) -> CityMap:
    return CityMap.from_config(city_config)


def test_each_district_owns_its_interior(city_map: CityMap, city_config: CityConfig) -> None:
    for district in city_config.city.districts:
        polygon = polygon_of(district.polygon)
        for point in (polygon.representative_point(), polygon.centroid):
            lat, lon = point.y, point.x
            assert city_map.contains(lat, lon), district.id
            assert city_map.district_of(lat, lon) == district, district.id


def test_known_places(city_map: CityMap) -> None:
    assert city_map.district_of(*city_map.center).id == "central"
    assert city_map.district_of(56.918, 39.600).id == "zarechny"  # across the river
    assert city_map.district_of(56.882, 39.600).id == "zavodskoy"  # by the station
    assert city_map.district_of(56.900, 39.557).id == "sloboda"
    assert city_map.district_of(56.900, 39.643).id == "vostochny"


@pytest.mark.parametrize(
    "point",
    [
        (56.950, 39.600),  # north of the city
        (55.7539, 37.6208),  # Moscow
        (56.9265, 39.5350),  # inside the bounding box, but beyond the cut north-west corner
        (-56.900, 39.600),  # wrong hemisphere
    ],
)
def test_outside_the_boundary_is_refused(city_map: CityMap, point: tuple[float, float]) -> None:
    assert not city_map.contains(*point)
    assert city_map.district_of(*point) is None


def test_districts_cover_the_boundary_without_overlapping(city_config: CityConfig) -> None:
    boundary = polygon_of(city_config.city.boundary)
    districts = [polygon_of(d.polygon) for d in city_config.city.districts]
    union = shapely.union_all(districts)
    assert boundary.difference(union).area / boundary.area < 1e-6
    assert sum(d.area for d in districts) == pytest.approx(union.area, rel=1e-6)


def test_streets_lie_inside_the_city(city_map: CityMap, city_config: CityConfig) -> None:
    for street in city_config.city.streets:
        assert all(city_map.contains(lat, lon) for lat, lon in street.points), street.id


def test_the_city_is_about_8_by_6_km(city_map: CityMap) -> None:
    south, west, north, east = city_map.bounds
    assert 7_000 < distance_m((56.9, west), (56.9, east)) < 9_000
    assert 5_000 < distance_m((south, 39.6), (north, 39.6)) < 7_000


def test_distance_m() -> None:
    assert distance_m((56.9, 39.6), (56.9, 39.6)) == 0
    assert distance_m((0.0, 0.0), (1.0, 0.0)) == pytest.approx(111_195, rel=1e-3)
    # Moscow Kremlin to Saint Isaac's Cathedral, St Petersburg: about 634 km.
    assert distance_m((55.7520, 37.6175), (59.9343, 30.3061)) == pytest.approx(634_000, rel=0.01)
    assert CityMap.distance_m((56.9, 39.6), (56.9, 39.6009)) == pytest.approx(55, abs=1)


def test_lookups_are_fast(city_map: CityMap) -> None:
    start = time.perf_counter()
    for i in range(2_000):
        city_map.district_of(56.875 + i * 0.00002, 39.54 + i * 0.00006)
    assert (time.perf_counter() - start) / 2_000 < 100e-6
