"""Geocoding through an OpenStreetMap Nominatim server (geopy's Nominatim over aiohttp).

Searches are bounded to the city's box, spaced `min_interval_s` apart (the public server allows
one request a second) and cached, as Nominatim's usage policy asks.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from geopy.adapters import AioHTTPAdapter
from geopy.exc import GeopyError
from geopy.geocoders import Nominatim
from geopy.location import Location

from citybot.config import CityConfig, LatLon
from citybot.geo.location import GeocoderUnavailable, short_address

__all__ = ["GeocoderUnavailable", "NominatimGeocoder", "short_address"]

log = logging.getLogger(__name__)

CACHE_SIZE = 1024


class NominatimGeocoder:
    """Async geocode/reverse against a Nominatim server; `await close()` when done."""

    def __init__(
        self,
        *,
        url: str,
        user_agent: str,
        timeout_s: float = 5.0,
        viewbox: tuple[LatLon, LatLon] | None = None,
        min_interval_s: float = 1.0,
    ) -> None:
        parts = urlsplit(url)
        self._geolocator = Nominatim(
            domain=f"{parts.netloc}{parts.path}".rstrip("/"),
            scheme=parts.scheme or "https",
            user_agent=user_agent,
            timeout=timeout_s,
            adapter_factory=AioHTTPAdapter,
        )
        self.viewbox = viewbox
        self.min_interval_s = min_interval_s
        self._lock: asyncio.Lock | None = None
        self._last_request = 0.0
        self._cache: OrderedDict[tuple[Any, ...], Location | None] = OrderedDict()

    @classmethod
    def from_config(cls, config: CityConfig) -> NominatimGeocoder:
        lats = [lat for lat, _ in config.city.boundary]
        lons = [lon for _, lon in config.city.boundary]
        settings = config.geocoder
        return cls(
            url=settings.nominatim_url,
            user_agent=settings.user_agent,
            timeout_s=settings.timeout_s,
            viewbox=((max(lats), min(lons)), (min(lats), max(lons))),
            min_interval_s=settings.min_interval_s,
        )

    async def geocode(self, query: str, language: str) -> Location | None:
        """The best match for a typed address inside the city's box, or None."""
        options: dict[str, Any] = {"exactly_one": True, "language": language,
                                   "addressdetails": True}  # fmt: skip
        if self.viewbox:
            options.update(viewbox=self.viewbox, bounded=True)
        return await self._call(("search", query.strip().lower(), language),
                                self._geolocator.geocode, query, **options)  # fmt: skip

    async def reverse(self, lat: float, lon: float, language: str) -> Location | None:
        """The address nearest to a point, or None."""
        key = ("reverse", round(lat, 5), round(lon, 5), language)
        return await self._call(key, self._geolocator.reverse, (lat, lon), exactly_one=True,
                                language=language, addressdetails=True, zoom=18)  # fmt: skip

    async def _call(self, key: tuple[Any, ...], method: Any, *args: Any, **kwargs: Any) -> Any:
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        await self._wait_turn()
        try:
            result = await method(*args, **kwargs)
        except (GeopyError, aiohttp.ClientError, TimeoutError, ValueError, KeyError,
                TypeError) as error:  # fmt: skip
            log.warning("nominatim request failed: %s: %s", type(error).__name__, error)
            raise GeocoderUnavailable(str(error) or type(error).__name__) from error
        self._cache[key] = result
        if len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        return result

    async def _wait_turn(self) -> None:
        if self.min_interval_s <= 0:
            return
        self._lock = self._lock or asyncio.Lock()
        async with self._lock:
            delay = self._last_request + self.min_interval_s - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            self._last_request = time.monotonic()

    async def close(self) -> None:
        adapter = self._geolocator.adapter
        if "session" in vars(adapter):  # the adapter opens its session lazily
            await adapter.session.close()
            del vars(adapter)["session"]
