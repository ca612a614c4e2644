"""The city's configuration: config.yml read into pydantic models, refused with readable errors.

`load_config(path)` is the only way in; it returns a frozen `CityConfig` or raises `ConfigError`
whose str() lists every problem as `config.yml: <key path>: <reason> (line N)`, one a line.

- schema.py: the models, section by section, and the checks of single fields;
- checks.py: the checks across sections (ids that must exist, points inside the city, ...);
- loading.py: reading the YAML and telling what is wrong, with key paths and lines;
- cron.py: the crontab parser digests are scheduled with;
- constants.py, errors.py: the fixed terms, `ConfigError`.
"""

from citybot.config.constants import CATEGORY_IDS, LANGUAGES, Language, LatLon
from citybot.config.cron import cron_trigger
from citybot.config.errors import ConfigError
from citybot.config.loading import load_config
from citybot.config.schema import (
    BroadcastLimits,
    Category,
    City,
    CityConfig,
    Department,
    Digest,
    District,
    Geocoder,
    HouseNumbers,
    Knowledge,
    LocalizedText,
    Nlu,
    Open311Endpoint,
    Point,
    Proposals,
    Reports,
    Staff,
    Street,
)

__all__ = [
    "CATEGORY_IDS", "LANGUAGES", "BroadcastLimits", "Category", "City", "CityConfig",
    "ConfigError", "Department", "Digest", "District", "Geocoder", "HouseNumbers", "Knowledge",
    "Language", "LatLon", "LocalizedText", "Nlu", "Open311Endpoint", "Point", "Proposals",
    "Reports", "Staff", "Street",
    "cron_trigger", "load_config",
]
