"""What one bot process loads: libraries only a command, a trainer or another provider needs stay
out of its memory (issue #12: Alembic, Mako and Pygments ~12 MB, scikit-learn and SciPy ~90 MB,
geopy with requests ~7 MB)."""

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
print(sorted(m for m in {NOT_IN_THE_BOT!r} if m in sys.modules))
"""


def test_the_bot_process_loads_no_migrations_trainer_or_online_geocoder(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, f"sqlite:///{tmp_path}/bot.db"], cwd=ROOT,
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]", result.stdout


def test_the_nominatim_geocoder_is_still_found_where_it_was() -> None:
    from citybot.geo import NominatimGeocoder
    from citybot.geo.nominatim import NominatimGeocoder as same

    assert NominatimGeocoder is same
