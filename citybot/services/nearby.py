"""Neighbourhood search: reports are filed in ~100 m grid cells so that finding the open
reports around a point reads a handful of index entries, not the whole table."""

from __future__ import annotations

import math

from geopy.distance import distance
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.storage.models import OPEN_STATUSES, Report

CELL_DEGREES = 0.001  # ~111 m of latitude; less of longitude away from the equator
METRES_PER_DEGREE = 111_320.0
_ROW = 1_000_000  # longitudes index within ±180,000 cells, so rows never collide


def geocell(latitude: float, longitude: float) -> int:
    row = math.floor(latitude / CELL_DEGREES)
    column = math.floor(longitude / CELL_DEGREES)
    return row * _ROW + column


def cells_around(latitude: float, longitude: float, radius_m: float) -> list[int]:
    """Every cell that a circle of `radius_m` around the point touches."""
    d_lat = radius_m / METRES_PER_DEGREE
    d_lon = radius_m / (METRES_PER_DEGREE * max(math.cos(math.radians(latitude)), 0.01))
    rows = range(math.floor((latitude - d_lat) / CELL_DEGREES),
                 math.floor((latitude + d_lat) / CELL_DEGREES) + 1)
    columns = range(math.floor((longitude - d_lon) / CELL_DEGREES),
                    math.floor((longitude + d_lon) / CELL_DEGREES) + 1)
    return [row * _ROW + column for row in rows for column in columns]


def metres_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    return distance(a, b).meters


async def open_reports_nearby(
    *, session: AsyncSession, category: str, latitude: float, longitude: float,
    radius_m: float, limit: int = 3,
) -> list[tuple[Report, float]]:
    """Open reports of the category within `radius_m`, nearest first, with their distance."""
    query = select(Report).where(
        Report.category == category,
        col(Report.geocell).in_(cells_around(latitude, longitude, radius_m)),
        col(Report.status).in_([status.value for status in OPEN_STATUSES]),
    )
    found = []
    for report in (await session.exec(query)).all():
        metres = metres_between((latitude, longitude), (report.latitude, report.longitude))
        if metres <= radius_m:
            found.append((report, metres))
    found.sort(key=lambda pair: pair[1])
    return found[:limit]
