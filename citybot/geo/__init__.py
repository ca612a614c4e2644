"""The city map and geocoding: where a point is, what a typed address means. No Telegram here."""

from citybot.geo.citymap import CityMap, LocalProjection, distance_m
from citybot.geo.geocoding import AddressLookup, Geocoding, build_geocoding
from citybot.geo.location import GeocoderUnavailable, Location, short_address
from citybot.geo.offline import OfflineGeocoder, StreetMatch, format_address

__all__ = [
    "AddressLookup",
    "CityMap",
    "GeocoderUnavailable",
    "Geocoding",
    "LocalProjection",
    "Location",
    "NominatimGeocoder",
    "OfflineGeocoder",
    "StreetMatch",
    "build_geocoding",
    "distance_m",
    "format_address",
    "short_address",
]


def __getattr__(name: str):
    """NominatimGeocoder loads geopy (and requests): only when someone asks for it."""
    if name == "NominatimGeocoder":
        from citybot.geo.nominatim import NominatimGeocoder

        return NominatimGeocoder
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
