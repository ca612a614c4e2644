"""The exports' formats — CSV and GeoJSON — written a page of public rows at a time, for
`/exports/reports.*` and `citybot export` alike (the rows: citybot.services.public)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import IO, Any

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from citybot.services import public


class CSVWriter:
    """Public rows as CSV, a page at a time (also used by `citybot export`)."""

    def start(self) -> str:
        return self._line(public.COLUMNS)

    def rows(self, page: list[tuple[Any, ...]]) -> str:
        buffer = io.StringIO()
        out = csv.writer(buffer, lineterminator="\n")
        out.writerows(page)  # None is written as an empty field
        return buffer.getvalue()

    def end(self) -> str:
        return ""

    @staticmethod
    def _line(values: Any) -> str:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerow(values)
        return buffer.getvalue()


class GeoJSONWriter:
    """Public rows as a GeoJSON FeatureCollection (reports without a place have no geometry)."""

    def __init__(self) -> None:
        self.first = True

    def start(self) -> str:
        generated = datetime.now(UTC).isoformat(timespec="seconds")
        return f'{{"type":"FeatureCollection","generated":"{generated}","features":[\n'

    def rows(self, page: list[tuple[Any, ...]]) -> str:
        parts = []
        for row in page:
            properties = dict(zip(public.COLUMNS, row, strict=True))
            lat, lon = properties.pop("latitude"), properties.pop("longitude")
            geometry = {"type": "Point", "coordinates": [lon, lat]} if lat is not None else None
            parts.append(json.dumps({"type": "Feature", "id": row[0], "geometry": geometry,
                                     "properties": properties}, ensure_ascii=False))
        text = ",\n".join(parts)
        if text and not self.first:
            text = ",\n" + text
        if text:
            self.first = False
        return text

    def end(self) -> str:
        return "\n]}\n"


def writer_for(kind: str) -> CSVWriter | GeoJSONWriter:
    return GeoJSONWriter() if kind == "geojson" else CSVWriter()


async def export_to(out: IO[str], *, sessions: async_sessionmaker[AsyncSession], kind: str,
                    filters: public.Filters,
                    progress: Callable[[int, int], None] | None = None) -> int:
    """Write every public report matching `filters` to `out`; `progress(done, total)` after
    each page. Returns how many were written."""
    writer = writer_for(kind)
    done = 0
    async with sessions() as session:
        total = await public.export_count(session=session, filters=filters)
        out.write(writer.start())
        async for page in public.export_rows(session=session, filters=filters):
            text = writer.rows(page)
            out.write(text)
            done += len(page)
            if progress is not None:
                progress(done, total)
        out.write(writer.end())
    return done
