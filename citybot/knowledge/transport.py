"""Public transport: routes, stops, trips along one route, fares, lost property, night buses.

Data: knowledge/transport.yml (bilingual). Stops are found by lemma ("от Центрального вокзала"),
across alphabets ("Tsentralny vokzal") and fuzzily ("Centrl Station").
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from citybot.nlu.entities import Gazetteer, normalize_route
from citybot.nlu.text import Lemmatizer

LANGS = ("en", "ru")
ICONS = {"bus": "🚌", "tram": "🚋", "trolleybus": "🚎"}


@dataclass(frozen=True, slots=True)
class Stop:
    id: str
    name: dict[str, str]
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Route:
    number: str
    kind: str  # bus, tram, trolleybus
    stops: tuple[str, ...]  # stop ids, terminus to terminus
    interval: dict[str, int]  # minutes: peak, offpeak, weekend
    first: str
    last: str
    night: bool = False

    @property
    def icon(self) -> str:
        return ICONS.get(self.kind, "🚌")


@dataclass(frozen=True, slots=True)
class TripOption:
    """Ride `route` from `board` to `alight` (both stop ids), `stops` stops, towards `towards`."""

    route: Route
    board: str
    alight: str
    stops: int
    towards: str
    minutes: int


@dataclass(frozen=True, slots=True)
class Fare:
    price: int
    name: str


@dataclass(frozen=True, slots=True)
class Fares:
    currency: str
    tickets: tuple[Fare, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LostProperty:
    place: str
    hours: str
    phone: str
    notes: tuple[str, ...]


class TransportGuide:
    def __init__(self, doc: dict, lemmatizer: Lemmatizer | None = None) -> None:
        self._doc = doc
        self.minutes_per_stop = int(doc.get("minutes_per_stop", 2))
        self.stops = {
            sid: Stop(sid, {lang: s[lang] for lang in LANGS}, tuple(s.get("aliases") or ()))
            for sid, s in doc["stops"].items()
        }
        self.routes: dict[str, Route] = {}
        for raw in doc["routes"]:
            route = Route(
                number=str(raw["number"]).upper(),
                kind=raw.get("kind", "bus"),
                stops=tuple(raw["stops"]),
                interval={k: int(v) for k, v in raw["interval"].items()},
                first=str(raw["first"]),
                last=str(raw["last"]),
                night=bool(raw.get("night", False)),
            )
            unknown = [s for s in route.stops if s not in self.stops]
            if unknown:
                raise ValueError(f"route {route.number}: unknown stops {unknown}")
            self.routes[route.number] = route
        self._stop_of: dict[str, str] = {}
        for stop in self.stops.values():
            for name in (*stop.name.values(), *stop.aliases):
                self._stop_of.setdefault(name, stop.id)
        self._names = Gazetteer(self._stop_of, lemmatizer or Lemmatizer(), fuzzy_cutoff=82.0)

    @classmethod
    def load(cls, path: str | Path, lemmatizer: Lemmatizer | None = None) -> TransportGuide:
        return cls(yaml.safe_load(Path(path).read_text(encoding="utf-8")), lemmatizer)

    # --- stops and routes ----------------------------------------------------------------

    def stop_name(self, stop_id: str, lang: str) -> str:
        return self.stops[stop_id].name.get(lang) or self.stops[stop_id].name["en"]

    def find_stops(self, text: str) -> list[Stop]:
        """Every stop named in `text`, in the order written."""
        found: list[Stop] = []
        for _, _, name in self._names.find(text):
            stop = self.stops[self._stop_of[name]]
            if stop not in found:
                found.append(stop)
        return found

    def find_stop(self, text: str) -> Stop | None:
        stops = self.find_stops(text)
        return stops[0] if stops else None

    def route(self, number: str) -> Route | None:
        """A route by its number as residents write it: "7", "12а", "№ 12A", "Н1", "n-1"."""
        key = normalize_route(number.strip().lstrip("№#").strip())
        return self.routes.get(key)

    def routes_via(self, stop_text: str) -> list[Route]:
        stop = self.find_stop(stop_text)
        return self.routes_at(stop.id) if stop else []

    def routes_at(self, stop_id: str) -> list[Route]:
        return [r for r in self.routes.values() if stop_id in r.stops]

    def trip(self, from_stop: str, to_stop: str) -> list[TripOption]:
        """Direct rides from one stop to another (names in any language or alphabet), the
        fewest stops first; empty when the stops are unknown or no single route links them."""
        board, alight = self.find_stop(from_stop), self.find_stop(to_stop)
        if not board or not alight or board == alight:
            return []
        return self.trip_between(board.id, alight.id)

    def trip_between(self, board: str, alight: str) -> list[TripOption]:
        options = []
        for route in self.routes.values():
            if board in route.stops and alight in route.stops:
                i, j = route.stops.index(board), route.stops.index(alight)
                towards = route.stops[-1] if j > i else route.stops[0]
                count = abs(j - i)
                options.append(
                    TripOption(route, board, alight, count, towards, count * self.minutes_per_stop)
                )
        return sorted(options, key=lambda o: (o.route.night, o.stops, o.route.interval["offpeak"]))

    # --- fares, lost property, night buses ---------------------------------------------------

    def fares(self, lang: str) -> Fares:
        raw = self._doc["fares"]
        return Fares(
            currency=raw["currency"][lang],
            tickets=tuple(Fare(int(t["price"]), t[lang]) for t in raw["tickets"]),
            notes=tuple(raw.get("notes", {}).get(lang, ())),
        )

    def lost_property(self, lang: str) -> LostProperty:
        raw = self._doc["lost_property"]
        return LostProperty(
            place=raw[lang]["place"],
            hours=raw[lang]["hours"],
            phone=str(raw.get("phone", "")),
            notes=tuple(raw[lang].get("notes", ())),
        )

    def night_buses(self, lang: str) -> tuple[str, list[Route]]:
        """The note about night service and the night routes."""
        return self._doc.get("night", {}).get(lang, ""), [
            r for r in self.routes.values() if r.night
        ]
