"""The city's configuration as pydantic models: each section, its fields and their checks.
Checks across sections are in checks.py; reading the file is in loading.py."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationInfo,
    field_validator,
    model_validator,
)

from citybot.config.checks import cross_field_problems
from citybot.config.constants import (
    RESIDENT_CONTENT,
    STAFF_CONTENT,
    Language,
    LatLon,
    shape,
)
from citybot.config.cron import cron_trigger
from citybot.config.errors import CrossFieldProblems

_ID = re.compile(r"[a-z][a-z0-9_]*")

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
    if not shape(points).is_valid:
        raise ValueError("the polygon crosses itself: list its points in order around the edge")
    return points


def _check_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"expected an http(s) URL like https://example.org, got {value!r}")
    return value.rstrip("/")


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
    language: Language | None = None  # everything posted in the staff group; None: the city's


class Open311Endpoint(_Model):
    """A department's own case-management system speaking Open311 GeoReport v2: its reports
    are POSTed there too, and its status changes come back (citybot.services.forwarding)."""

    endpoint: Url  # the base, e.g. https://crm.example.org/open311/v2/
    api_key: str = Field(min_length=1)
    jurisdiction_id: str | None = None
    name: str = "Open311"  # how the card and the staff notices call the system
    service_codes: dict[str, str] = {}  # our category id -> their service_code

    def service_code(self, category: str) -> str:
        return self.service_codes.get(category, category)


class Department(_Model):
    id: Id
    name: LocalizedText
    topic_id: int | None = Field(default=None, gt=0)
    hashtag: str
    open311: Open311Endpoint | None = None

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
    conversation_quiet_minutes: int = Field(default=30, gt=0)


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
    card_confidence_below: float = Field(default=0.8, ge=0, le=1)


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


class Proposals(_Model):
    """Residents' proposals: how many supports within how many days send one to its department,
    which department answers them and in how many days."""

    threshold: int = Field(default=100, gt=0)
    window_days: int = Field(default=90, gt=0)
    department: Id | None = None  # answers proposals that reach the threshold (default: first)
    answer_days: int = Field(default=30, gt=0)  # the department's time to answer
    topic_id: int | None = Field(default=None, gt=0)  # the "Proposals" topic (else created)


class Web(_Model):
    """The public site: its base map and where report photos are kept."""

    tiles_url: Text | None = None  # {z}/{x}/{y} tile URL; none: the offline plan of the city
    tiles_attribution: str = ""  # shown on the map, as the tile provider's terms ask
    photos_dir: Path = Path("data/photos")  # re-encoded photos and thumbnails (from the cwd)


# ---------------------------------------------------------------- the whole file


class Privacy(_Model):
    """The privacy notice (/privacy) and how long personal data is kept (the retention job)."""

    controller: LocalizedText  # who is responsible for residents' data: the city's office
    contact: Text  # where residents write about their data (an e-mail, an address)
    relayed_messages_days: int = Field(default=180, gt=0)  # after the report is closed
    processed_updates_days: int = Field(default=2, gt=0)  # update ids kept against re-delivery
    inactive_resident_days: int = Field(default=1095, gt=0)  # then the resident is erased
    inactive_notice_days: int = Field(default=30, gt=0)  # the warning, this long before


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
    proposals: Proposals = Proposals()
    web: Web = Web()
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
        problems = list(cross_field_problems(self))
        if problems:
            raise CrossFieldProblems(problems)
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


