"""The fixed terms a city's config is written in: the categories, the languages."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

import shapely

CATEGORY_IDS = (
    "roads", "lighting", "waste", "dumping", "graffiti", "water",
    "greenery", "noise", "vehicles", "snow", "other",
)  # fmt: skip
LANGUAGES = ("en", "ru")
# How far (in degrees, ~30-50 m here) a street or district point may stray outside the boundary.
BOUNDARY_TOLERANCE_DEG = 0.0005

LatLon = tuple[float, float]
Language = Literal["en", "ru"]
# what a digest may list, by its audience
RESIDENT_CONTENT = ("resolved", "new", "my_reports", "proposals")
STAFF_CONTENT = ("new", "open", "overdue", "oldest_overdue")


def shape(points: Iterable[LatLon]) -> shapely.Polygon:
    """A shapely polygon in (x=lon, y=lat) order from [lat, lon] points."""
    return shapely.Polygon([(lon, lat) for lat, lon in points])
