"""What one bot process loads: libraries only a command, a trainer or another provider needs stay
out of its memory (issue #12: Alembic, Mako and Pygments ~12 MB, scikit-learn and SciPy ~90 MB,
geopy with requests ~7 MB), and of aiogram's ~400 Telegram types only those in use are built
(~100 MB: citybot/lazy_types.py)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOT_IN_THE_BOT = ("alembic", "mako", "pygments", "sklearn", "scipy", "geopy", "requests")

PROBE = f"""
import asyncio, sys
import citybot.bot.app, citybot.bot.polling, citybot.web.app
from citybot.config import load_config
from citybot.runtime import build_runtime
from citybot.settings import Settings

config = load_config("config.yml")
assert config.geocoder.provider == "offline"
runtime = build_runtime(Settings(BOT_TOKEN="1:x", DATABASE_URL=sys.argv[1]), config)
asyncio.run(runtime.nlu.parse("на ул. Садовой 12 яма, the streetlight is out"))
from citybot.bot.memory import COLLECTOR_THRESHOLDS, settle_memory
settle_memory()
import gc
assert gc.get_freeze_count() > 100_000 and gc.get_threshold() == COLLECTOR_THRESHOLDS
import aiogram.types
built = [t for t in vars(aiogram.types).values()
         if isinstance(t, type) and issubclass(t, aiogram.types.TelegramObject)
         and t.__pydantic_complete__]
assert aiogram.types.Update in built, built
assert aiogram.types.Giveaway not in built and len(built) < 300, len(built)
print(sorted(m for m in {NOT_IN_THE_BOT!r} if m in sys.modules))
"""

# every Telegram type and method builds on first use, each in a process of its own making
EVERY_MODEL = """
import citybot, sys
import aiogram.methods, aiogram.types
from aiogram.methods.base import TelegramMethod
models = [m for module in (aiogram.types, aiogram.methods) for m in vars(module).values()
          if isinstance(m, type) and issubclass(m, (aiogram.types.TelegramObject, TelegramMethod))]
assert not aiogram.types.Message.__pydantic_complete__
failed = []
for model in models:
    try:
        model.__pydantic_validator__.title  # pydantic builds the model here, on first use
        assert model.__pydantic_complete__
    except Exception as error:
        failed.append(f"{model.__name__}: {error}")
print(len(models), failed)
"""


def test_the_bot_process_loads_no_migrations_trainer_or_online_geocoder(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, f"sqlite:///{tmp_path}/bot.db"], cwd=ROOT,
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]", result.stdout


def test_every_telegram_type_and_method_builds_on_first_use() -> None:
    result = subprocess.run([sys.executable, "-c", EVERY_MODEL], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    count, failed = result.stdout.split(" ", 1)
    assert int(count) > 500 and failed.strip() == "[]", result.stdout


def test_a_rare_update_is_read_in_full() -> None:
    """A type no start-up builds (a giveaway inside a message) is validated on first sight."""
    from aiogram.types import Update

    update = Update.model_validate({"update_id": 7, "message": {
        "message_id": 1, "date": 0, "chat": {"id": 5, "type": "private"},
        "giveaway": {"chats": [{"id": -100, "type": "channel", "title": "City"}],
                     "winners_selection_date": 0, "winner_count": 3}}})
    assert update.message.giveaway.winner_count == 3
    assert update.message.giveaway.chats[0].title == "City"


def test_the_nominatim_geocoder_is_still_found_where_it_was() -> None:
    from citybot.geo import NominatimGeocoder
    from citybot.geo.nominatim import NominatimGeocoder as same

    assert NominatimGeocoder is same
