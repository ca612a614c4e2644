"""Checks across sections of a config, each problem with its key path: ids that must exist,
duplicates, points outside the city, settings that contradict each other. Run by
`CityConfig`'s validation (schema.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import shapely

from citybot.config.constants import (
    BOUNDARY_TOLERANCE_DEG,
    CATEGORY_IDS,
    RESIDENT_CONTENT,
    STAFF_CONTENT,
    shape,
)
from citybot.config.errors import Problem, key_path

if TYPE_CHECKING:
    from citybot.config.schema import City, CityConfig


def cross_field_problems(config: CityConfig) -> Iterator[Problem]:
    yield from _city_problems(config.city)
    yield from _duplicates(config.departments, ("departments",), "id")
    yield from _duplicates(config.departments, ("departments",), "hashtag")
    yield from _category_problems(config)
    yield from _duplicates(config.digests, ("digests",), "name")
    yield from _digest_problems(config)
    reports = config.reports
    if reports.draft_reminder_hours >= reports.draft_ttl_hours:
        yield ("reports", "draft_reminder_hours"), (
            f"must be less than draft_ttl_hours ({reports.draft_ttl_hours}): the reminder "
            "comes before the draft expires"
        )
    if reports.min_description_chars >= reports.max_description_chars:
        yield ("reports", "min_description_chars"), (
            f"must be less than max_description_chars ({reports.max_description_chars})"
        )
    department = config.proposals.department
    if department is not None and department not in {d.id for d in config.departments}:
        yield ("proposals", "department"), f"no department {department!r} in departments"
    if config.nlu.backend == "rasa" and not config.nlu.rasa_url:
        yield ("nlu", "rasa_url"), "required when backend is rasa (e.g. http://localhost:5005)"
    categories = {category.id for category in config.categories}
    for index, department in enumerate(config.departments):
        for category in (department.open311.service_codes if department.open311 else {}):
            if category not in categories:
                yield ("departments", index, "open311", "service_codes", category), (
                    f"is not a category id (one of: {', '.join(sorted(categories))})")


def _city_problems(city: City) -> Iterator[Problem]:
    yield from _duplicates(city.districts, ("city", "districts"), "id")
    yield from _duplicates(city.streets, ("city", "streets"), "id")
    boundary = shape(city.boundary)
    inside = boundary.buffer(BOUNDARY_TOLERANCE_DEG)
    shapely.prepare(inside)

    def outside(lat: float, lon: float) -> str | None:
        if inside.covers(shapely.Point(lon, lat)):
            return None
        hint = " (lat and lon swapped?)" if inside.covers(shapely.Point(lat, lon)) else ""
        return f"[{lat}, {lon}] is outside the city boundary{hint}"

    if not boundary.covers(shapely.Point(city.center.lon, city.center.lat)):
        yield ("city", "center"), outside(city.center.lat, city.center.lon) or (
            "is on the edge of the city boundary, not inside it"
        )
    for items, key, field in ((city.districts, "districts", "polygon"),
                              (city.streets, "streets", "points")):  # fmt: skip
        for i, item in enumerate(items):
            for j, (lat, lon) in enumerate(getattr(item, field)):
                if reason := outside(lat, lon):
                    yield ("city", key, i, field, j), reason
                    break  # one line per district or street is enough


def _category_problems(config: CityConfig) -> Iterator[Problem]:
    departments = {d.id for d in config.departments}
    districts = {d.id for d in config.city.districts}
    known_departments = ", ".join(sorted(departments))
    yield from _duplicates(config.categories, ("categories",), "id")
    for i, category in enumerate(config.categories):
        if category.id not in CATEGORY_IDS:
            yield ("categories", i, "id"), (
                f"unknown category {category.id!r}: the categories are fixed "
                f"({', '.join(CATEGORY_IDS)})"
            )
        if category.department not in departments:
            yield ("categories", i, "department"), (
                f"no department {category.department!r} (departments: {known_departments})"
            )
        for district, department in category.district_overrides.items():
            loc = ("categories", i, "district_overrides", district)
            if district not in districts:
                yield loc, f"no district {district!r} (districts: {', '.join(sorted(districts))})"
            if department not in departments:
                yield loc, f"no department {department!r} (departments: {known_departments})"
    configured = {c.id for c in config.categories}
    if missing := [c for c in CATEGORY_IDS if c not in configured]:
        yield ("categories",), (
            f"missing {', '.join(missing)}: every category of {', '.join(CATEGORY_IDS)} "
            "needs an entry"
        )


def _digest_problems(config: CityConfig) -> Iterator[Problem]:
    departments = {d.id for d in config.departments}
    audiences = ", ".join(["residents", "staff", *sorted(departments)])
    for i, digest in enumerate(config.digests):
        loc = ("digests", i)
        if digest.audience not in {"residents", "staff", *departments}:
            yield (*loc, "audience"), (
                f"unknown audience {digest.audience!r} (one of: {audiences})")
            continue
        if digest.for_residents and digest.frequency is None:
            yield (*loc, "frequency"), (
                "required when audience is residents: daily or weekly (the subscribers who "
                "get it)")
        if not digest.for_residents and digest.frequency is not None:
            yield (*loc, "frequency"), "only digests for residents have a frequency"
        allowed = RESIDENT_CONTENT if digest.for_residents else STAFF_CONTENT
        for j, item in enumerate(digest.content):
            if item not in allowed:
                yield (*loc, "content", j), (
                    f"unknown content {item!r} for this audience (one of: {', '.join(allowed)})")


def _duplicates(items: list[Any], loc: tuple[str, ...], field: str) -> Iterator[Problem]:
    seen: dict[Any, int] = {}
    for i, item in enumerate(items):
        value = getattr(item, field)
        if value in seen:
            first = key_path((*loc, seen[value], field))
            yield (*loc, i, field), f"duplicate {field} {value!r} (also at {first})"
        else:
            seen[value] = i
