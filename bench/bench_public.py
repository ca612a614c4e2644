"""The public site with 100,000 reports (bulk-inserted with SQL into SQLite):

- the map's data for the whole city: server time ≤ 300 ms after reports changed (the markers
  are kept in memory and brought up to date; read whole once, at start), ≤ 2 MB over the wire
  (gzip);
- a report's page: p99 ≤ 50 ms (1,000 pages of random reports, one after another);
- `citybot export --format csv` and `--format geojson` (a process of its own): ≤ 10 s.

    python bench/bench_public.py            (PUBLIC_BENCH_QUICK=1: 10,000 reports, 200 pages)
    python -m bench bench_public
"""

from __future__ import annotations

import asyncio
import os
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

QUICK = os.environ.get("PUBLIC_BENCH_QUICK") == "1"
REPORTS = 10_000 if QUICK else 100_000
PAGES = 200 if QUICK else 1_000
MAP_MS, MAP_BYTES, PAGE_P99_MS, EXPORT_S = 300.0, 2_000_000, 50.0, 10.0
STATUSES = ["new", "acknowledged", "in_progress", "resolved", "resolved", "resolved", "rejected"]


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def seed(path: Path, config, count: int) -> None:
    """`count` reports across the city over a year, with their events, in a few statements."""
    rng = random.Random(14)
    now = datetime.now(UTC)
    center = config.city.center
    departments = {c.id: c.department for c in config.categories}
    categories = list(departments)
    districts = [d.id for d in config.city.districts]
    db = sqlite3.connect(path)
    db.execute("INSERT INTO residents (id, telegram_id, first_name, language, language_chosen,"
               " blocked_bot, created_at, last_seen_at) VALUES (1, 5550001, 'Zinovy', 'en', 0,"
               " 0, ?, ?)", (stamp(now), stamp(now)))
    reports, events = [], []
    for number in range(1, count + 1):
        created = now - timedelta(minutes=rng.randrange(365 * 24 * 60))
        status = rng.choice(STATUSES)
        closed = min(created + timedelta(hours=rng.expovariate(1 / 60)), now) \
            if status in ("resolved", "rejected") else None
        category = rng.choice(categories)
        reports.append((
            number, 1, category, departments[category], status,
            f"Bench report {number}: something is broken here, call +7 912 345 67 89",
            center.lat + rng.uniform(-0.012, 0.012), center.lon + rng.uniform(-0.025, 0.025),
            f"Sadovaya Street, {rng.randrange(1, 80)}", rng.choice(districts), "en",
            stamp(created), stamp(closed or created), stamp(created + timedelta(hours=72)),
            stamp(closed) if closed else None))
        events.append((number, "created", None, "new", "resident", stamp(created)))
        if closed:
            events.append((number, "status", "in_progress", status, "staff", stamp(closed)))
    db.executemany(
        "INSERT INTO reports (id, reporter_id, category, department, status, description,"
        " latitude, longitude, address, district, language, created_at, updated_at, due_at,"
        " closed_at, hidden) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)", reports)
    db.executemany(
        "INSERT INTO report_events (report_id, kind, from_status, to_status, actor_kind,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?)", events)
    db.commit()
    db.close()


async def measure_site(url: str, config) -> dict[str, float]:
    import aiohttp

    from citybot.runtime import build_runtime
    from citybot.settings import Settings
    from citybot.web.app import Site, build_web_app
    from citybot.web.server import serving

    runtime = build_runtime(Settings(DATABASE_URL=url), config)
    app = build_web_app(runtime, Site(public_url="http://127.0.0.1"))
    figures: dict[str, float] = {}
    try:
        async with serving(app, "127.0.0.1:0") as port, \
                aiohttp.ClientSession(auto_decompress=False) as client:
            base = f"http://127.0.0.1:{port}"
            for label in ("map_start_ms", "map_cached_ms", "map_changed_ms"):
                if label == "map_changed_ms":  # an official changes a report meanwhile
                    change(url, rng=random.Random(3))
                started = time.perf_counter()
                async with client.get(base + "/map/reports.json",
                                      headers={"Accept-Encoding": "gzip"}) as response:
                    body = await response.read()
                figures[label] = (time.perf_counter() - started) * 1000
                figures["map_bytes"] = len(body)
            started = time.perf_counter()
            async with client.get(base + "/map/reports.json?category=roads",
                                  headers={"Accept-Encoding": "gzip"}) as response:
                await response.read()
            figures["map_filtered_ms"] = (time.perf_counter() - started) * 1000
            rng = random.Random(7)
            times = []
            for _ in range(PAGES):
                started = time.perf_counter()
                async with client.get(f"{base}/reports/{rng.randrange(1, REPORTS + 1)}") as r:
                    await r.read()
                    assert r.status == 200
                times.append((time.perf_counter() - started) * 1000)
            figures["page_p50_ms"] = statistics.median(times)
            figures["page_p99_ms"] = statistics.quantiles(times, n=100)[98]
    finally:
        await runtime.close()
    return figures


def change(url: str, rng: random.Random) -> None:
    db = sqlite3.connect(url.removeprefix("sqlite:///"))
    db.execute("UPDATE reports SET status = 'resolved', updated_at = ? WHERE id = ?",
               (stamp(datetime.now(UTC)), rng.randrange(1, REPORTS + 1)))
    db.execute("UPDATE reports SET hidden = 1, updated_at = ? WHERE id = ?",
               (stamp(datetime.now(UTC)), rng.randrange(1, REPORTS + 1)))
    db.commit()
    db.close()


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure_export(url: str, folder: Path, kind: str) -> tuple[float, float]:
    """Wall time and CPU time of `citybot export` in a process of its own."""
    env = {**os.environ, "DATABASE_URL": url, "CITYBOT_CONFIG": str(ROOT / "config.yml")}
    started, cpu = time.perf_counter(), children_cpu()
    subprocess.run([sys.executable, "-m", "citybot", "export", "--format", kind, "--out",
                    str(folder / f"reports.{kind}"), "--no-progress"], env=env, check=True,
                   cwd=ROOT)
    return time.perf_counter() - started, children_cpu() - cpu


def main() -> int:
    from citybot.config import load_config
    from citybot.storage.database import upgrade

    config = load_config(ROOT / "config.yml")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url = f"sqlite:///{folder / 'bench.db'}"
        upgrade(url)
        started = time.perf_counter()
        seed(folder / "bench.db", config, REPORTS)
        print(f"seeded {REPORTS:,} reports in {time.perf_counter() - started:.1f} s")
        site = asyncio.run(measure_site(url, config))
        csv_s, csv_cpu = measure_export(url, folder, "csv")
        geojson_s, geojson_cpu = measure_export(url, folder, "geojson")
        lines = sum(1 for _ in (folder / "reports.csv").open(encoding="utf-8")) - 1
    print(f"map data, whole city: {site['map_changed_ms']:.0f} ms after a change, "
          f"{site['map_cached_ms']:.0f} ms unchanged, {site['map_start_ms']:.0f} ms the first "
          f"(read whole at start); {site['map_bytes'] / 1e6:.2f} MB gzipped "
          f"(one category, read afresh: {site['map_filtered_ms']:.0f} ms)")
    print(f"report page: p50 {site['page_p50_ms']:.1f} ms, p99 {site['page_p99_ms']:.1f} ms "
          f"({PAGES} pages)")
    print(f"citybot export: csv {csv_s:.1f} s (CPU {csv_cpu:.1f} s, {lines:,} rows), geojson "
          f"{geojson_s:.1f} s (CPU {geojson_cpu:.1f} s); load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} CPUs")
    missed = []
    if site["map_changed_ms"] > MAP_MS:
        missed.append(f"map data {site['map_changed_ms']:.0f} ms > {MAP_MS:.0f}")
    if site["map_bytes"] > MAP_BYTES:
        missed.append(f"map data {site['map_bytes']} bytes > {MAP_BYTES}")
    if site["page_p99_ms"] > PAGE_P99_MS:
        missed.append(f"report page p99 {site['page_p99_ms']:.1f} ms > {PAGE_P99_MS:.0f}")
    if max(csv_s, geojson_s) > EXPORT_S:
        missed.append(f"export {max(csv_s, geojson_s):.1f} s > {EXPORT_S:.0f}")
    if lines != REPORTS - 1:  # one was hidden by change()
        missed.append(f"export has {lines} rows, not {REPORTS - 1}")
    for problem in missed:
        print(f"MISSED: {problem}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
