"""The city's configuration: config.yml read into pydantic models, refused with readable errors.

`load_config(path)` is the only way in; it returns a frozen `CityConfig` or raises `ConfigError`
whose str() lists every problem as `config.yml: <key path>: <reason> (line N)`, one a line.
"""

from __future__ import annotations

import difflib
import re
import typing
from collections.abc import Hashable, Iterable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import shapely
import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

CATEGORY_IDS = (
    "roads", "lighting", "waste", "dumping", "graffiti", "water",
    "greenery", "noise", "vehicles", "snow", "other",
)  # fmt: skip
LANGUAGES = ("en", "ru")
_ID = re.compile(r"[a-z][a-z0-9_]*")
# How far (in degrees, ~30-50 m here) a street or district point may stray outside the boundary.
BOUNDARY_TOLERANCE_DEG = 0.0005

LatLon = tuple[float, float]
Language = Literal["en", "ru"]


class ConfigError(Exception):
    """The configuration cannot be used; str() is one human line per problem."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class _CrossFieldProblems(ValueError):
    """Problems found across sections, each with its key path (raised inside validation)."""

    def __init__(self, problems: list[tuple[tuple[str | int, ...], str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{_key_path(loc)}: {reason}" for loc, reason in problems))


# ---------------------------------------------------------------- field types


def _check_id(value: str) -> str:
    if not _ID.fullmatch(value):
        raise ValueError(f"ids are lowercase latin letters, digits and _, like 'roads': {value!r}")
    return value


def _check_text(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("must not be empty")
    return value


def _check_coordinate(value: Any) -> LatLon:
    pair = isinstance(value, list | tuple) and len(value) == 2
    if not pair or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value):
        raise ValueError(f"expected a point [lat, lon] of two numbers, got {value!r}")
    lat, lon = float(value[0]), float(value[1])
    if not -90 <= lat <= 90:
        raise ValueError(f"latitude {lat} is out of range -90..90 (points are [lat, lon])")
    if not -180 <= lon <= 180:
        raise ValueError(f"longitude {lon} is out of range -180..180")
    return lat, lon


def _check_polygon(points: list[LatLon]) -> list[LatLon]:
    if len(points) > 1 and points[0] == points[-1]:
        points = points[:-1]  # closed or not: stored open
    if len(set(points)) < 3:
        raise ValueError("a polygon needs at least 3 distinct points [lat, lon]")
    if not _shape(points).is_valid:
        raise ValueError("the polygon crosses itself: list its points in order around the edge")
    return points


def _check_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"expected an http(s) URL like https://example.org, got {value!r}")
    return value.rstrip("/")


_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


def _crontab_weekdays(field: str) -> str:
    """A crontab weekday field (0 or 7 is Sunday) in APScheduler 3's terms (0 is Monday there),
    as day names: "1-5" -> "mon,tue,wed,thu,fri"."""
    if field == "*" or not any(ch.isdigit() for ch in field):
        return field
    days: list[str] = []
    for part in field.split(","):
        span, _, step = part.partition("/")
        if span == "*":
            first, last = 0, 6
        elif "-" in span:
            first, last = (int(x) for x in span.split("-", 1))
        else:
            first = last = int(span)
        if not (0 <= first <= 7 and 0 <= last <= 7 and first <= last):
            raise ValueError(f"weekday {span!r} is out of range 0-7")
        for day in range(first, last + 1, int(step or 1)):
            name = _WEEKDAYS[day % 7]
            if name not in days:
                days.append(name)
    return ",".join(days)


def cron_trigger(expr: str, timezone: str | ZoneInfo) -> Any:
    """APScheduler's trigger for a standard crontab line "minute hour day month weekday"."""
    from apscheduler.triggers.cron import CronTrigger

    values = expr.split()
    if len(values) != 5:
        raise ValueError(f"expected 5 fields, got {len(values)}")
    minute, hour, day, month, weekday = values
    return CronTrigger(minute=minute, hour=hour, day=day, month=month,
                       day_of_week=_crontab_weekdays(weekday), timezone=timezone)


def _check_cron(value: str) -> str:
    try:
        cron_trigger(value, "UTC")
    except ValueError as error:
        raise ValueError(
            f"expected a cron schedule 'minute hour day month weekday' like '0 8 * * 1': {error}"
        ) from None
    return value


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


Id = Annotated[str, AfterValidator(_check_id)]
Text = Annotated[str, AfterValidator(_check_text)]
Coordinate = Annotated[tuple[float, float], BeforeValidator(_check_coordinate)]
Polygon = Annotated[list[Coordinate], AfterValidator(_check_polygon)]
Url = Annotated[str, AfterValidator(_check_url)]


def _shape(points: Iterable[LatLon]) -> shapely.Polygon:
    """A shapely polygon in (x=lon, y=lat) order from [lat, lon] points."""
    return shapely.Polygon([(lon, lat) for lat, lon in points])


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# ---------------------------------------------------------------- sections


class LocalizedText(_Model):
    """A text in both languages of the bot."""

    en: Text
    ru: Text

    def get(self, lang: str | None) -> str:
        """The text in `lang` ('ru', 'ru-RU', 'en'...); English for any other language."""
        code = (lang or "en").split("-")[0].lower()
        return self.ru if code == "ru" else self.en

    def __str__(self) -> str:
        return self.en


class Point(_Model):
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)

    @property
    def latlon(self) -> LatLon:
        return self.lat, self.lon


class District(_Model):
    id: Id
    name: LocalizedText
    polygon: Polygon


class HouseNumbers(_Model):
    """House numbers along a street: `first` at its first point, `last` at its last one."""

    first: int = Field(ge=0)
    last: int = Field(ge=1)

    @model_validator(mode="after")
    def _ordered(self) -> HouseNumbers:
        if self.last <= self.first:
            raise ValueError(f"last ({self.last}) must be greater than first ({self.first})")
        return self


class Street(_Model):
    id: Id
    name: LocalizedText
    aliases: list[Text] = []
    points: Annotated[list[Coordinate], Field(min_length=2)]
    house_numbers: HouseNumbers | None = None


class City(_Model):
    name: LocalizedText
    timezone: str
    default_language: Language
    center: Point
    boundary: Polygon
    districts: Annotated[list[District], Field(min_length=1)]
    streets: list[Street] = []

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r}: use an IANA name like Europe/Moscow"
            ) from None
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def district(self, district_id: str) -> District:
        return _find(self.districts, district_id, "district")

    def street(self, street_id: str) -> Street:
        return _find(self.streets, street_id, "street")


class Staff(_Model):
    chat_id: int = Field(lt=0)
    show_official_names: bool = False
    helpdesk_topic_id: int | None = Field(default=None, gt=0)
    digest_topic_id: int | None = Field(default=None, gt=0)


class Department(_Model):
    id: Id
    name: LocalizedText
    topic_id: int | None = Field(default=None, gt=0)
    hashtag: str

    @field_validator("hashtag")
    @classmethod
    def _one_word(cls, value: str) -> str:
        word = value.strip().removeprefix("#")
        if not word or not all(ch.isalnum() or ch == "_" for ch in word):
            raise ValueError(f"a hashtag is one word of letters, digits and _, got {value!r}")
        return f"#{word}"


class Category(_Model):
    id: str
    name: LocalizedText
    emoji: Text
    department: Id
    sla_hours: int = Field(gt=0)
    district_overrides: dict[Id, Id] = {}

    @property
    def sla(self) -> timedelta:
        return timedelta(hours=self.sla_hours)


class Reports(_Model):
    duplicate_radius_m: float = Field(default=50, gt=0)
    reopen_days: int = Field(default=14, ge=0)
    max_photos: int = Field(default=5, ge=0, le=10)
    draft_ttl_hours: int = Field(default=24, gt=0)
    draft_reminder_hours: int = Field(default=20, gt=0)
    min_description_chars: int = Field(default=10, ge=0)
    max_description_chars: int = Field(default=2000, gt=0, le=4096)
    max_reports_per_hour: int = Field(default=5, gt=0)
    max_messages_per_minute: int = Field(default=60, gt=0)


class Geocoder(_Model):
    provider: Literal["offline", "nominatim"] = "offline"
    nominatim_url: Url = "https://nominatim.openstreetmap.org"
    user_agent: Text = "citybot/0.1"
    timeout_s: float = Field(default=5, gt=0)
    fuzzy_threshold: float = Field(default=80, ge=0, le=100)
    min_interval_s: float = Field(default=1.0, ge=0)


class Nlu(_Model):
    backend: Literal["builtin", "rasa"] = "builtin"
    rasa_url: Url | None = None
    timeout_s: float = Field(default=2, gt=0)
    confidence_threshold: float = Field(default=0.55, ge=0, le=1)


class Knowledge(_Model):
    """Knowledge files, resolved against the directory of config.yml; they need not exist yet."""

    waste: Path = Field(default=Path("knowledge/waste.yml"), validate_default=True)
    transport: Path = Field(default=Path("knowledge/transport.yml"), validate_default=True)

    @field_validator("waste", "transport")
    @classmethod
    def _absolute(cls, value: Path, info: ValidationInfo) -> Path:
        base = (info.context or {}).get("base_dir") or Path.cwd()
        return (Path(base) / value.expanduser()).resolve()


# What a digest may list, by audience: residents get reports of their districts and their own;
# staff get one message per department, in its queue topic.
RESIDENT_CONTENT = ("resolved", "new", "my_reports")
STAFF_CONTENT = ("new", "open", "overdue", "oldest_overdue")


class Digest(_Model):
    """A scheduled digest. `audience` is `residents` (the subscribers of `frequency`), `staff`
    (every department's topic) or one department's id."""

    name: Annotated[Id, Field(max_length=32)]
    audience: Id
    schedule: Annotated[str, AfterValidator(_check_cron)]
    content: Annotated[list[Text], BeforeValidator(_as_list)] = []  # empty: all of its audience
    frequency: Literal["daily", "weekly"] | None = None  # residents only: who subscribed to it
    max_items: int = Field(default=10, ge=1, le=50)  # reports listed per section

    @property
    def for_residents(self) -> bool:
        return self.audience == "residents"

    @property
    def sections(self) -> tuple[str, ...]:
        """The content, in the order it is shown."""
        allowed = RESIDENT_CONTENT if self.for_residents else STAFF_CONTENT
        return tuple(c for c in allowed if not self.content or c in self.content)


class BroadcastLimits(_Model):
    """The one sender of digests, announcements and notifications, under Telegram's limits."""

    per_second: float = Field(default=30, gt=0, le=30)
    paid: bool = False
    paid_per_second: float = Field(default=1000, gt=0, le=1000)
    misfire_grace_hours: float = Field(default=12, gt=0)

    @property
    def rate(self) -> float:
        """Messages a second a broadcast may use."""
        return self.paid_per_second if self.paid else self.per_second


class Privacy(_Model):
    """The privacy notice (/privacy) and how long personal data is kept (the retention job)."""

    controller: LocalizedText  # who is responsible for residents' data: the city's office
    contact: Text  # where residents write about their data (an e-mail, an address)
    relayed_messages_days: int = Field(default=180, gt=0)  # after the report is closed
    processed_updates_days: int = Field(default=2, gt=0)  # update ids kept against re-delivery
    inactive_resident_days: int = Field(default=1095, gt=0)  # then the resident is erased
    inactive_notice_days: int = Field(default=30, gt=0)  # the warning, this long before


# ---------------------------------------------------------------- the whole file


class CityConfig(_Model):
    city: City
    staff: Staff
    departments: Annotated[list[Department], Field(min_length=1)]
    categories: list[Category]
    reports: Reports = Reports()
    geocoder: Geocoder = Geocoder()
    nlu: Nlu = Nlu()
    knowledge: Knowledge
    digests: list[Digest] = []
    broadcast: BroadcastLimits = BroadcastLimits()
    privacy: Privacy = Privacy(controller=LocalizedText(en="The city administration",
                                                        ru="Администрация города"),
                               contact="the city administration")

    _departments: dict[str, Department] = PrivateAttr(default_factory=dict)
    _categories: dict[str, Category] = PrivateAttr(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _knowledge_defaults(cls, data: Any) -> Any:
        # Validated even when absent, so its default paths resolve against the config's folder.
        if isinstance(data, dict) and data.get("knowledge") is None:
            data = {**data, "knowledge": {}}
        return data

    def model_post_init(self, context: Any) -> None:
        self._departments.update({d.id: d for d in self.departments})
        self._categories.update({c.id: c for c in self.categories})

    @model_validator(mode="after")
    def _consistent(self) -> CityConfig:
        problems = list(_cross_field_problems(self))
        if problems:
            raise _CrossFieldProblems(problems)
        return self

    def department(self, department_id: str) -> Department:
        try:
            return self._departments[department_id]
        except KeyError:
            raise KeyError(f"no department {department_id!r} in the config") from None

    def category(self, category_id: str) -> Category:
        try:
            return self._categories[category_id]
        except KeyError:
            raise KeyError(f"no category {category_id!r} in the config") from None

    def department_for(self, category_id: str, district_id: str | None = None) -> Department:
        """The department that handles `category_id`, in `district_id` when one is known."""
        category = self.category(category_id)
        override = category.district_overrides.get(district_id) if district_id else None
        return self.department(override or category.department)


def _find(items: list[Any], item_id: str, kind: str) -> Any:
    for item in items:
        if item.id == item_id:
            return item
    raise KeyError(f"no {kind} {item_id!r} in the config")


# ---------------------------------------------------------------- cross-field checks

Problem = tuple[tuple[str | int, ...], str]


def _cross_field_problems(config: CityConfig) -> Iterator[Problem]:
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
    if config.nlu.backend == "rasa" and not config.nlu.rasa_url:
        yield ("nlu", "rasa_url"), "required when backend is rasa (e.g. http://localhost:5005)"


def _city_problems(city: City) -> Iterator[Problem]:
    yield from _duplicates(city.districts, ("city", "districts"), "id")
    yield from _duplicates(city.streets, ("city", "streets"), "id")
    boundary = _shape(city.boundary)
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
            first = _key_path((*loc, seen[value], field))
            yield (*loc, i, field), f"duplicate {field} {value!r} (also at {first})"
        else:
            seen[value] = i


# ---------------------------------------------------------------- loading


# libyaml's parser when PyYAML was built with it: about 7 times faster on the demo city.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_SafeLoader):  # type: ignore[valid-type, misc]
    """A YAML loader that refuses a key given twice in one mapping (PyYAML keeps the last)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, Hashable):
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"the key {key!r} appears twice", key_node.start_mark
                    )
                seen.add(key)
        return super().construct_mapping(node, deep=deep)


def load_config(path: str | Path) -> CityConfig:
    """Read and validate the city's config file; ConfigError lists what is wrong, one a line."""
    path = Path(path)
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError([
            f"{name}: no such file (looked for {path.resolve()}); set CITYBOT_CONFIG to the "
            "city's config file"
        ]) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError([f"{name}: cannot read the file: {error}"]) from None

    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        what = ": ".join(filter(None, [error.context, error.problem]))
        raise ConfigError([f"{name}: {where}YAML syntax error: {what}"]) from None
    except yaml.YAMLError as error:
        raise ConfigError([f"{name}: YAML syntax error: {error}"]) from None

    if not isinstance(data, dict):
        raise ConfigError([
            f"{name}: expected sections (city:, staff:, departments:, categories:, ...) at the "
            "top level"
        ])
    try:
        return CityConfig.model_validate(data, context={"base_dir": path.resolve().parent})
    except ValidationError as error:
        raise ConfigError(_format_errors(name, error, node)) from None


def _format_errors(name: str, error: ValidationError, root: yaml.Node) -> list[str]:
    lines = []
    for item in error.errors():
        cause = (item.get("ctx") or {}).get("error")
        if isinstance(cause, _CrossFieldProblems):
            problems = cause.problems
        else:
            problems = [(tuple(item["loc"]), _reason(item))]
        for loc, reason in problems:
            line = _line_of(root, loc)
            suffix = f" (line {line})" if line else ""
            lines.append(f"{name}: {_key_path(loc) or '(top level)'}: {reason}{suffix}")
    return lines


def _reason(item: dict[str, Any]) -> str:
    kind, msg, value = item["type"], item["msg"], item.get("input")
    if kind == "missing":
        return "missing (this key is required)"
    if kind == "extra_forbidden":
        allowed = _allowed_keys(item["loc"][:-1])
        close = difflib.get_close_matches(str(item["loc"][-1]), allowed, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        return f"unknown key; {hint}allowed here: {', '.join(allowed)}"
    if kind == "value_error":
        return msg.removeprefix("Value error, ")
    reason = msg.removeprefix("Input ")
    reason = reason[:1].lower() + reason[1:]
    if isinstance(value, str | int | float | bool) or value is None:
        reason += f", got {value!r}"
    return reason


def _allowed_keys(loc: tuple[str | int, ...]) -> list[str]:
    """The keys the model at `loc` accepts (for "did you mean" on a typo)."""
    model: type[BaseModel] | None = CityConfig
    for part in loc:
        if model is None:
            break
        if isinstance(part, str):
            field = model.model_fields.get(part)
            model = _model_in(field.annotation) if field else None
    return list(model.model_fields) if model else []


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        if found := _model_in(arg):
            return found
    return None


def _key_path(loc: Iterable[str | int]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def _line_of(root: yaml.Node | None, loc: Iterable[str | int]) -> int | None:
    """The line of config.yml where the deepest existing key of `loc` is written."""
    node, line = root, None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = [(k, v) for k, v in node.value if k.value == str(part)]
            if not match:
                break
            key, node = match[0]
            line = key.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                break
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line
