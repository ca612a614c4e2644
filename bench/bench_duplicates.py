"""Duplicate lookup with 1,000,000 reports in SQLite: p99 of `open_reports_nearby` ≤ 10 ms.

    python -m bench bench_duplicates            (REPORTS=200000 for a quicker run)
"""

from __future__ import annotations

import asyncio
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

TARGET_P99_MS = 10.0
CATEGORIES = ["roads", "lighting", "waste", "dumping", "graffiti", "water", "greenery",
              "noise", "vehicles", "snow", "other"]
STATUSES = ["new", "acknowledged", "in_progress", "resolved", "resolved", "resolved", "rejected"]
BOX = (56.8730, 56.9270, 39.5340, 39.6660)  # the demo city's bounding box


def fill(path: Path, count: int, rng: random.Random) -> None:
    from citybot.services.nearby import geocell

    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("INSERT INTO residents (telegram_id, first_name, language, language_chosen,"
                       " blocked_bot, created_at, last_seen_at) VALUES (1, 'Bench', 'en', 0, 0,"
                       " '2026-01-01', '2026-01-01')")
    now = datetime.now(UTC).isoformat(sep=" ")
    rows = []
    for _ in range(count):
        lat, lon = rng.uniform(BOX[0], BOX[1]), rng.uniform(BOX[2], BOX[3])
        rows.append((1, rng.choice(CATEGORIES), "roads", rng.choice(STATUSES), "bench report",
                     lat, lon, geocell(lat, lon), "en", now, now))
    connection.executemany(
        "INSERT INTO reports (reporter_id, category, department, status, description, latitude,"
        " longitude, geocell, language, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        rows)
    connection.commit()
    connection.execute("ANALYZE")
    connection.close()


async def measure(url: str, lookups: int, rng: random.Random) -> list[float]:
    from citybot.services.nearby import open_reports_nearby
    from citybot.storage.database import make_engine, make_sessionmaker

    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    timings = []
    async with sessions() as session:
        for _ in range(lookups):
            lat, lon = rng.uniform(BOX[0], BOX[1]), rng.uniform(BOX[2], BOX[3])
            started = time.perf_counter()
            await open_reports_nearby(session=session, category=rng.choice(CATEGORIES),
                                      latitude=lat, longitude=lon, radius_m=50)
            timings.append((time.perf_counter() - started) * 1000)
    await engine.dispose()
    return timings


def main() -> int:
    from citybot.storage.database import upgrade

    count = int(os.environ.get("REPORTS", "1000000"))
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        url = f"sqlite:///{path}"
        upgrade(url)
        started = time.perf_counter()
        fill(path, count, rng)
        print(f"filled {count:,} reports in {time.perf_counter() - started:.1f} s")
        timings = asyncio.run(measure(url, 2000, rng))
    timings.sort()
    p50 = statistics.median(timings)
    p99 = timings[int(len(timings) * 0.99) - 1]
    print(f"duplicate lookup over {count:,} reports, radius 50 m, 2,000 lookups: "
          f"p50 {p50:.2f} ms, p99 {p99:.2f} ms, max {timings[-1]:.2f} ms "
          f"(target p99 <= {TARGET_P99_MS} ms)")
    return 0 if p99 <= TARGET_P99_MS else 1


if __name__ == "__main__":
    sys.exit(main())
