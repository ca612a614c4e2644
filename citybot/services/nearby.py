"""Neighbourhood search: reports are filed in ~100 m grid cells so that finding the open
reports around a point reads a handful of index entries, not the whole table."""

from __future__ import annotations

import math
from functools import cache
from typing import Any

from sqlalchemy import bindparam
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.geo import distance_m
from citybot.storage.core import connection_of
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


@cache
def _candidates() -> Any:
    """Built once: every report filed asks it (building costs more than running it)."""
    return select(Report.id, Report.latitude, Report.longitude).where(
        Report.category == bindparam("category"),
        col(Report.geocell).in_(bindparam("cells", expanding=True)),
        col(Report.status).in_([status.value for status in OPEN_STATUSES]),
    )


async def open_reports_nearby(
    *, session: AsyncSession, category: str, latitude: float, longitude: float,
    radius_m: float, limit: int = 3,
) -> list[tuple[Report, float]]:
    """Open reports of the category within `radius_m`, nearest first, with their distance."""
    rows = await (await connection_of(session)).execute(_candidates(), {  # Core: no ORM rows
        "category": category, "cells": cells_around(latitude, longitude, radius_m)})
    near = sorted(
        (metres, report_id)
        for report_id, lat, lon in rows.all()
        if (metres := distance_m((latitude, longitude), (lat, lon))) <= radius_m
    )[:limit]
    if not near:
        return []
    reports = await session.exec(select(Report).where(col(Report.id).in_([i for _, i in near])))
    by_id = {report.id: report for report in reports.all()}
    return [(by_id[report_id], metres) for metres, report_id in near]
