"""CityBot's Open311 GeoReport v2: the server (`api`), its OpenAPI document (`openapi`), the
two formats (`render`) and `citybot apikey` (`cli`); the client of a department's own system
is citybot.open311_client. Importing the package costs nothing: the CLI stays fast."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aiohttp import web


def setup(app: web.Application) -> None:
    """The part of the HTTP app under /open311/v2/ (see citybot.web.open311.api)."""
    from citybot.web.open311.api import setup as setup_api

    setup_api(app)
