"""The city map and geocoding: where a point is, what a typed address means. No Telegram here."""

from citybot.geo.citymap import CityMap, LocalProjection, distance_m
from citybot.geo.geocoding import AddressLookup, Geocoding, build_geocoding
from citybot.geo.nominatim import GeocoderUnavailable, NominatimGeocoder, short_address
from citybot.geo.offline import OfflineGeocoder, StreetMatch, format_address

__all__ = [
    "AddressLookup",
    "CityMap",
    "GeocoderUnavailable",
    "Geocoding",
    "LocalProjection",
    "NominatimGeocoder",
    "OfflineGeocoder",
    "StreetMatch",
    "build_geocoding",
    "distance_m",
    "format_address",
    "short_address",
]
