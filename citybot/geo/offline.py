"""An offline geocoder over the streets of config.yml: typed address <-> point, no network.

geopy-like: `geocode(query)` and `reverse((lat, lon))` return a geopy-style `Location`
(location.py: geopy itself is not loaded);
`search(query, language)` also says which streets the resident may have meant.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import shapely
from rapidfuzz import fuzz, process

from citybot.config import City, CityConfig, LatLon, Street
from citybot.geo.citymap import LocalProjection
from citybot.geo.location import Location
from citybot.geo.streetnames import HouseNumber, Words, as_text, split

SUGGESTION_MARGIN = 15.0  # suggest streets scoring down to (threshold - this)
AMBIGUITY_MARGIN = 3.0  # two streets closer than this are a question, not an answer
KIND_MISMATCH_PENALTY = 12.0  # "Sadovy lane" typed, "Sadovaya street" scored
MAX_SUGGESTIONS = 3
HOUSE_MISSING_PENALTY = 10.0  # "Sadovy Lane 40" scored, though its houses stop at 15
REVERSE_MAX_DISTANCE_M = 250.0  # farther than this from every street: no address


@dataclass(frozen=True)
class StreetMatch:
    """What a typed address was found to be (street is None when nothing matched well)."""

    street: Street | None = None
    score: float = 0.0
    house: HouseNumber | None = None
    point: LatLon | None = None
    address: str | None = None
    suggestions: list[str] = field(default_factory=list)  # "Street, house" to offer instead


def format_address(street: Street, house: str | None, language: str) -> str:
    name = street.name.get(language)
    return f"{name}, {house}" if house else name


class OfflineGeocoder:
    """Fuzzy street search in both alphabets; indexes are built once, queries are CPU-only."""

    def __init__(
        self, city: City, *, threshold: float = 80.0, projection: LocalProjection | None = None
    ) -> None:
        self.city = city
        self.threshold = threshold
        self.projection = projection or LocalProjection(city.center.lat, city.center.lon)
        self._streets = list(city.streets)
        self._index_of = {street.id: i for i, street in enumerate(self._streets)}
        ranges = [(s.house_numbers.first, s.house_numbers.last) if s.house_numbers
                  else (-np.inf, np.inf) for s in self._streets]  # no range: any number
        self._first = np.array([low for low, _ in ranges], dtype=float)
        self._last = np.array([high for _, high in ranges], dtype=float)
        city_names = (city.name.en, city.name.ru)
        self._noise = frozenset(word for name in city_names for word in split(name).letters)
        self._build_name_index()
        self._build_line_index()

    @classmethod
    def from_config(cls, config: CityConfig) -> OfflineGeocoder:
        return cls(config.city, threshold=config.geocoder.fuzzy_threshold)

    # ------------------------------------------------------------ indexes

    def _build_name_index(self) -> None:
        entries: list[tuple[Words, int, str | None, bool]] = []
        for index, street in enumerate(self._streets):
            names = (street.name.ru, street.name.en, *street.aliases)
            variants = [(split(name), _is_cyrillic(name)) for name in names]
            street_kind = next((words.kind for words, _ in variants if words.kind), None)
            for words, cyrillic in variants:
                entries.append((words, index, words.kind or street_kind, cyrillic))
        self._any_alphabet = _NameIndex(entries)
        # A query typed in Cyrillic is never an English translation ("East Street"): skip those.
        self._cyrillic = _NameIndex([entry for entry in entries if entry[3]])

    def _build_line_index(self) -> None:
        to_xy = self.projection.to_xy
        self._lines = np.array(
            [shapely.LineString([to_xy(lat, lon) for lat, lon in s.points]) for s in self._streets]
        )
        shapely.prepare(self._lines)

    # ------------------------------------------------------------ forward

    def search(self, query: str, language: str = "en") -> StreetMatch:
        """Find the street and house of a typed address; suggestions when unsure."""
        parsed = split(query, extra_noise=self._noise)
        if not parsed.letters or not self._streets:
            return StreetMatch()
        cyrillic = _is_cyrillic(query) and self._cyrillic.plain
        spellings = self._cyrillic if cyrillic else self._any_alphabet
        best: tuple[float, int, HouseNumber | None] | None = None
        scores = None
        for words, house in _readings(parsed):
            street_scores = spellings.score(words, parsed.kind, len(self._streets))
            if house is not None:
                street_scores = street_scores - HOUSE_MISSING_PENALTY * ~self._has(house)
            top = int(np.argmax(street_scores))
            if best is None or street_scores[top] > best[0]:
                best, scores = (float(street_scores[top]), top, house), street_scores
        assert best is not None and scores is not None
        score, index, house = best
        ranked = [int(i) for i in np.argsort(-scores, kind="stable")]
        close = [i for i in ranked[1:] if scores[i] >= score - AMBIGUITY_MARGIN]
        if score >= self.threshold and not close and (house is None or self._has(house)[index]):
            street = self._streets[index]
            return StreetMatch(
                street=street, score=score, house=house,
                point=self.point_on(street, house.value if house else None),
                address=format_address(street, house.label if house else None, language),
            )  # fmt: skip
        # Suggestions keep the typed house number where the street has that house, so that
        # choosing one finds it; a street without it is offered alone, after the others.
        floor = self.threshold - SUGGESTION_MARGIN
        has = self._has(house) if house else np.ones(len(self._streets), dtype=bool)
        near = [i for i in ranked[:10] if scores[i] >= floor]
        names = [format_address(self._streets[i], house.label if house and has[i] else None,
                                language)
                 for i in sorted(near, key=lambda i: not has[i])]  # fmt: skip
        unique = list(dict.fromkeys(names))
        return StreetMatch(score=score, house=house, suggestions=unique[:MAX_SUGGESTIONS])

    def _has(self, house: HouseNumber) -> np.ndarray:
        """Which streets have this house number (any number, when the range is unknown)."""
        return (self._first <= house.value) & (house.value <= self._last)

    def point_on(self, street: Street, house_number: int | None = None) -> LatLon:
        """The point of a house number along the street (the street's middle without one)."""
        fraction = 0.5
        numbers = street.house_numbers
        if house_number is not None and numbers is not None:
            fraction = (house_number - numbers.first) / (numbers.last - numbers.first)
            fraction = min(1.0, max(0.0, fraction))
        line = self._lines[self._index_of[street.id]]
        point = line.interpolate(fraction, normalized=True)
        lat, lon = self.projection.to_latlon(point.x, point.y)
        return round(lat, 6), round(lon, 6)

    def geocode(
        self, query: str, exactly_one: bool = True, language: str | None = None
    ) -> Location | list[Location] | None:
        """geopy-style: the Location of a typed address, or None."""
        match = self.search(query, language or self.city.default_language)
        if match.street is None or match.point is None:
            return None
        raw = {
            "street_id": match.street.id,
            "house_number": match.house.label if match.house else None,
            "score": match.score,
        }
        location = Location(match.address, match.point, raw)
        return location if exactly_one else [location]

    # ------------------------------------------------------------ reverse

    def reverse(
        self, query: LatLon | str, exactly_one: bool = True, language: str | None = None
    ) -> Location | list[Location] | None:
        """geopy-style: the nearest street and approximate house number of a point, or None."""
        lat, lon = _latlon(query)
        if not self._streets:
            return None
        point = shapely.Point(self.projection.to_xy(lat, lon))
        distances = shapely.distance(self._lines, point)
        index = int(np.argmin(distances))
        if distances[index] > REVERSE_MAX_DISTANCE_M:
            return None
        street, line = self._streets[index], self._lines[index]
        fraction = line.project(point, normalized=True)
        house = None
        if numbers := street.house_numbers:
            house = str(round(numbers.first + fraction * (numbers.last - numbers.first)))
        snapped = line.interpolate(fraction, normalized=True)
        found = self.projection.to_latlon(snapped.x, snapped.y)
        raw = {
            "street_id": street.id,
            "house_number": house,
            "distance_m": round(float(distances[index]), 1),
        }
        address = format_address(street, house, language or self.city.default_language)
        location = Location(address, (round(found[0], 6), round(found[1], 6)), raw)
        return location if exactly_one else [location]


class _NameIndex:
    """Every spelling of every street, folded, plain and stemmed, for vectorised scoring."""

    def __init__(self, entries: list[tuple[Words, int, str | None, bool]]) -> None:
        self.plain = [as_text(words.words) for words, *_ in entries]
        self.stemmed = [as_text(words.words, stemmed=True) for words, *_ in entries]
        self.owner = np.array([street for _, street, *_ in entries], dtype=np.intp)
        self.kinds = np.array([kind or "" for _, _, kind, _ in entries], dtype=object)

    def score(self, words: list[str | HouseNumber], kind: str | None, streets: int) -> np.ndarray:
        """The best score (0..100) of each street for these words."""
        plain = process.cdist([as_text(words)], self.plain, scorer=fuzz.token_sort_ratio)[0]
        stemmed = process.cdist(
            [as_text(words, stemmed=True)], self.stemmed, scorer=fuzz.token_sort_ratio
        )[0]
        scores = (plain + stemmed) / 2.0
        if kind:
            mismatch = (self.kinds != kind) & (self.kinds != "")
            scores = scores - KIND_MISMATCH_PENALTY * mismatch
        per_street = np.zeros(streets)
        np.maximum.at(per_street, self.owner, scores)
        return per_street


def _is_cyrillic(text: str) -> bool:
    return any("\u0400" <= ch <= "\u04ff" for ch in text)


def _readings(parsed: Words) -> list[tuple[list[str | HouseNumber], HouseNumber | None]]:
    """Ways to read the words: which number (if any) is the house, the rest being the name.

    "Sadovaya 12": the house is 12. "8 Marta 12": 8 belongs to the name, 12 is the house.
    "ulitsa 8 Marta": no house at all. The best-scoring reading wins; earlier ones win ties.
    """
    numbers = parsed.numbers
    readings: list[tuple[list[str | HouseNumber], HouseNumber | None]] = []
    if numbers:
        readings.append((parsed.letters, numbers[0]))
        if len(numbers) > 1:
            last = numbers[-1]
            readings.append(([w for w in parsed.words if w is not last], last))
    readings.append((parsed.words, None))
    return readings


def _latlon(query: LatLon | str) -> LatLon:
    if isinstance(query, str):
        lat, lon = (float(part) for part in query.replace(";", ",").split(","))
        return lat, lon
    if hasattr(query, "latitude"):
        return float(query.latitude), float(query.longitude)
    return float(query[0]), float(query[1])
