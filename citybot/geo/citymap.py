"""The city's map: its boundary, its districts and distances, from config.yml."""

from __future__ import annotations

import math
from collections.abc import Sequence

import shapely

from citybot.config import City, CityConfig, District, LatLon

EARTH_RADIUS_M = 6_371_008.8  # mean radius (IUGG)
METRES_PER_DEGREE_LAT = 111_132.0


def distance_m(a: Sequence[float], b: Sequence[float]) -> float:
    """Great-circle (haversine) distance in metres between two (lat, lon) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


class LocalProjection:
    """Flat metres around a reference point (equirectangular): exact enough across one city."""

    def __init__(self, lat0: float, lon0: float) -> None:
        self.lat0, self.lon0 = lat0, lon0
        self.kx = METRES_PER_DEGREE_LAT * math.cos(math.radians(lat0))
        self.ky = METRES_PER_DEGREE_LAT

    def to_xy(self, lat: float, lon: float) -> tuple[float, float]:
        return (lon - self.lon0) * self.kx, (lat - self.lat0) * self.ky

    def to_latlon(self, x: float, y: float) -> LatLon:
        return self.lat0 + y / self.ky, self.lon0 + x / self.kx


def polygon_of(points: Sequence[LatLon]) -> shapely.Polygon:
    """A prepared shapely polygon (x=lon, y=lat) from [lat, lon] points."""
    polygon = shapely.Polygon([(lon, lat) for lat, lon in points])
    shapely.prepare(polygon)
    return polygon


class CityMap:
    """Where the city is: `contains`, `district_of`, `distance_m`. Built once, then read-only."""

    def __init__(self, city: City) -> None:
        self.city = city
        self.boundary = polygon_of(city.boundary)
        self._districts = [(district, polygon_of(district.polygon)) for district in city.districts]
        self.projection = LocalProjection(city.center.lat, city.center.lon)

    @classmethod
    def from_config(cls, config: CityConfig) -> CityMap:
        return cls(config.city)

    @property
    def center(self) -> LatLon:
        return self.city.center.lat, self.city.center.lon

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(south, west, north, east) of the boundary, in degrees."""
        west, south, east, north = self.boundary.bounds
        return south, west, north, east

    def contains(self, lat: float, lon: float) -> bool:
        """Is the point inside the city limits (the edge counts as inside)?"""
        return bool(shapely.intersects_xy(self.boundary, lon, lat))

    def district_of(self, lat: float, lon: float) -> District | None:
        """The district the point lies in, or None outside every district."""
        for district, polygon in self._districts:
            if shapely.intersects_xy(polygon, lon, lat):
                return district
        return None

    @staticmethod
    def distance_m(a: Sequence[float], b: Sequence[float]) -> float:
        return distance_m(a, b)
