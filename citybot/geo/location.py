"""A place a geocoder found, and what both geocoders share — without geopy.

The offline geocoder answers geopy-style (`geocode`, `reverse`, a `Location` with `address`,
`latitude`, `longitude`, `point`, `raw`) without loading geopy: importing any part of geopy
imports every geocoder it has and `requests` with them (~7 MB in every bot process), which
only a city on Nominatim needs (`nominatim.py` loads it then).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

# Keys of Nominatim's `address` object naming the street, best first.
ROAD_KEYS = ("road", "pedestrian", "footway", "path", "square", "residential", "place")


class GeocoderUnavailable(Exception):
    """The geocoding service did not answer usefully (timeout, HTTP error, bad JSON)."""


class Place(Protocol):
    """What the bot reads of a found place: geopy's Location and ours alike."""

    @property
    def address(self) -> str: ...

    @property
    def latitude(self) -> float: ...

    @property
    def longitude(self) -> float: ...

    @property
    def raw(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Location:
    """geopy's Location as the offline geocoder gives it: an address, (lat, lon), raw data."""

    address: str
    point: tuple[float, float]
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def latitude(self) -> float:
        return self.point[0]

    @property
    def longitude(self) -> float:
        return self.point[1]

    @property
    def altitude(self) -> float:
        return 0.0

    def __iter__(self):  # geopy's: `address, (lat, lon) = location`
        return iter((self.address, self.point))

    def __getitem__(self, index: int):
        return (self.address, self.point)[index]

    def __len__(self) -> int:
        return 2


def short_address(location: Place) -> str:
    """'Street, house' from a Nominatim result, else the first parts of its display name."""
    raw = location.raw or {}
    parts = raw.get("address") or {}
    road = next((parts[key] for key in ROAD_KEYS if parts.get(key)), None)
    if road:
        house = parts.get("house_number")
        return f"{road}, {house}" if house else road
    name = raw.get("name") or ""
    display = [p.strip() for p in (location.address or "").split(",") if p.strip()]
    return name or ", ".join(display[:2]) or f"{location.latitude:.5f}, {location.longitude:.5f}"
