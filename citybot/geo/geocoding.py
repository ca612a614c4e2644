"""What the bot asks about places: `find` a typed address, `describe` a point.

Nominatim (when configured) answers first; the offline street index answers when Nominatim finds
nothing or fails, and is the one that offers "did you mean ...?" suggestions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from types import TracebackType
from typing import TYPE_CHECKING

from citybot.config import CityConfig, LatLon
from citybot.geo.citymap import CityMap
from citybot.geo.location import GeocoderUnavailable, short_address
from citybot.geo.offline import OfflineGeocoder

if TYPE_CHECKING:
    from citybot.geo.nominatim import NominatimGeocoder

# "56.9001, 39.6002" or "56.9001 39.6002": coordinates pasted instead of an address.
_COORDINATES = re.compile(r"^\s*(-?\d{1,2}\.\d+)\s*[,; ]\s*(-?\d{1,3}\.\d+)\s*$")


@dataclass(frozen=True)
class AddressLookup:
    """The answer to a typed address. `point` is None when nothing was found."""

    point: LatLon | None = None
    address: str | None = None  # readable, in the asked language: "Sadovaya Street, 12"
    suggestions: list[str] = field(default_factory=list)  # street names to offer when unsure
    inside_city: bool = False
    district_id: str | None = None
    unavailable: bool = False  # the online geocoder failed (the offline one still answered)

    @property
    def found(self) -> bool:
        return self.point is not None


class Geocoding:
    """The one geocoding service the bot uses; build it with `build_geocoding(config)`."""

    def __init__(
        self,
        city_map: CityMap,
        offline: OfflineGeocoder,
        nominatim: NominatimGeocoder | None = None,
    ) -> None:
        self.city_map = city_map
        self.offline = offline
        self.nominatim = nominatim

    async def find(self, text: str, lang: str) -> AddressLookup:
        """Where is the typed address? Suggestions instead of a point when unsure."""
        text = text.strip()
        if not text:
            return AddressLookup()
        if match := _COORDINATES.match(text):
            lat, lon = float(match[1]), float(match[2])
            if -90 <= lat <= 90 and -180 <= lon <= 180:
                return self._lookup((lat, lon), await self.describe(lat, lon, lang))
        unavailable, elsewhere = False, None
        if self.nominatim is not None:
            try:
                location = await self.nominatim.geocode(text, lang)
            except GeocoderUnavailable:
                unavailable = True
            else:
                if location is not None:
                    point = (location.latitude, location.longitude)
                    lookup = self._lookup(point, short_address(location))
                    if lookup.inside_city:
                        return lookup
                    elsewhere = lookup  # in the city's box, not in the city: a village nearby?
        found = self.offline.search(text, lang)
        if found.point is not None:
            return self._lookup(found.point, found.address, unavailable=unavailable)
        return elsewhere or AddressLookup(suggestions=found.suggestions, unavailable=unavailable)

    async def describe(self, lat: float, lon: float, lang: str) -> str:
        """A readable address of the point; "lat, lon" when no street is known near it."""
        if self.nominatim is not None:
            try:
                location = await self.nominatim.reverse(lat, lon, lang)
            except GeocoderUnavailable:
                location = None
            if location is not None:
                return short_address(location)
        location = self.offline.reverse((lat, lon), language=lang)
        if location is not None:
            return location.address
        return f"{lat:.5f}, {lon:.5f}"

    def _lookup(self, point: LatLon, address: str | None, **extra: bool) -> AddressLookup:
        district = self.city_map.district_of(*point)
        return AddressLookup(
            point=point,
            address=address,
            inside_city=self.city_map.contains(*point),
            district_id=district.id if district else None,
            **extra,
        )

    async def close(self) -> None:
        if self.nominatim is not None:
            await self.nominatim.close()

    async def __aenter__(self) -> Geocoding:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()


def build_geocoding(config: CityConfig, city_map: CityMap | None = None) -> Geocoding:
    """The geocoding service the config asks for (offline always, Nominatim when configured)."""
    city_map = city_map or CityMap.from_config(config)
    offline = OfflineGeocoder(
        config.city, threshold=config.geocoder.fuzzy_threshold, projection=city_map.projection
    )
    nominatim = None
    if config.geocoder.provider == "nominatim":
        from citybot.geo.nominatim import NominatimGeocoder  # geopy: only for this provider

        nominatim = NominatimGeocoder.from_config(config)
    return Geocoding(city_map, offline, nominatim)
