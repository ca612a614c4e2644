"""The Open311 API under load, with 100,000 reports in the database (bulk-inserted with SQL):

- `GET requests.json?status=open&start_date=…&end_date=…` (30-day windows, so most answers
  hold the full 1,000 requests), each window asked twice: the first time every request in it
  is rendered (cold), the second time the answers kept are used, as a polling client gets
  them: target p99 ≤ 50 ms (judged on the first, cold pass);
- `POST requests.json` by 8 concurrent clients for a while: target ≥ 100 requests/s sustained,
  every card then in the staff group exactly once.

The bot runs here against the emulator (no flood limits: the cards' pace is Telegram's business
in production, not the API's); the HTTP clients run in a process of their own, so their work is
not counted as the server's. SQLite always; PostgreSQL too when BENCH_DATABASE_URL or
TEST_DATABASE_URL is set (a database is created and dropped).

    python bench/bench_open311.py                     (OPEN311_QUICK=1: 10,000 reports, short;
                                                       OPEN311_BACKENDS=sqlite: one backend)
    python -m bench bench_open311
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import math
import multiprocessing
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

QUICK = os.environ.get("OPEN311_QUICK", "") not in ("", "0")
REPORTS = 10_000 if QUICK else 100_000
GETS = 50 if QUICK else 200  # windows, each asked twice
POST_SECONDS = 3.0 if QUICK else 10.0
CLIENTS = 8
P99_TARGET_MS = 50.0
POST_TARGET = 100.0
NOW = datetime.now(UTC)
SPAN = timedelta(days=365)


def rows(config, city_map, count: int, rng: random.Random) -> tuple[list[dict], list[dict]]:
    """Reports spread over the last year, 40% of them open; a public note on a closed third."""
    from citybot.services.nearby import geocell

    south, west, north, east = city_map.bounds
    categories = [category.id for category in config.categories]
    statuses = ["new", "acknowledged", "in_progress", "new", "resolved", "rejected", "resolved",
                "duplicate", "not_responsible", "resolved"]
    reports, events = [], []
    times = sorted(NOW - SPAN * rng.random() for _ in range(count))  # ids in filing order
    for number, created in enumerate(times, start=1):
        lat, lon = rng.uniform(south, north), rng.uniform(west, east)
        category = rng.choice(categories)
        status = rng.choice(statuses)
        reports.append({
            "id": number, "reporter_id": None, "category": category,
            "department": config.department_for(category).id, "status": status,
            "description": f"Bench report {number}: something to fix here", "latitude": lat,
            "longitude": lon, "geocell": geocell(lat, lon), "address": f"{lat:.5f}, {lon:.5f}",
            "district": None, "language": "en", "draft_token": None,
            "created_at": created, "updated_at": created, "due_at": created + timedelta(days=2),
            "closed_at": None, "source": "open311/bench",
        })
        if status == "resolved" and number % 3 == 0:
            events.append({"report_id": number, "kind": "status", "from_status": "new",
                           "to_status": status, "note": "Fixed by the crew",
                           "actor_kind": "staff", "created_at": created})
    return reports, events


def bulk_insert(url: str, config, city_map, count: int) -> None:
    from sqlalchemy import insert, text

    from citybot.storage.database import make_sync_engine
    from citybot.storage.models import Report, ReportEvent

    reports, events = rows(config, city_map, count, random.Random(311))
    engine = make_sync_engine(url)
    with engine.begin() as connection:
        for start in range(0, len(reports), 5000):
            connection.execute(insert(Report.__table__), reports[start:start + 5000])
        for start in range(0, len(events), 5000):
            connection.execute(insert(ReportEvent.__table__), events[start:start + 5000])
        if engine.dialect.name == "postgresql":  # the ids were given: move the sequence on
            connection.execute(text("SELECT setval('reports_id_seq', (SELECT max(id) FROM "
                                    "reports))"))
        else:
            connection.execute(text("ANALYZE"))
    if engine.dialect.name == "postgresql":  # as autovacuum leaves a table after a bulk load
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE reports"))
            connection.execute(text("VACUUM ANALYZE report_events"))
    engine.dispose()


# ---- the clients (in a process of their own) ---------------------------------------------------

def run_gets(api: str, count: int) -> tuple[list[float], list[float]]:
    """Milliseconds per GET: the windows asked once (each request rendered for the first time:
    cold), then the same windows again (as a polling client asks: warm)."""
    async def go() -> tuple[list[float], list[float]]:
        import aiohttp

        rng = random.Random(5)
        windows = []
        for _ in range(count):
            end = NOW - timedelta(days=rng.uniform(0, 330))
            windows.append({"status": "open", "end_date": end.isoformat(timespec="seconds"),
                            "start_date": (end - timedelta(days=30)).isoformat(
                                timespec="seconds")})
        passes: list[list[float]] = [[], []]
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{api}/services.json") as response:  # a connection, warmed
                await response.read()
            for took in passes:
                for params in windows:
                    started = time.perf_counter()
                    async with http.get(f"{api}/requests.json", params=params) as response:
                        body = await response.read()
                        assert response.status == 200, body[:300]
                    took.append((time.perf_counter() - started) * 1000)
        return passes[0], passes[1]

    return asyncio.run(go())


def run_posts(api: str, key: str, seconds: float, clients: int) -> tuple[int, int, float]:
    """(filed, refused, elapsed): each client posts in turn until the time is up."""
    async def client(http, rng: random.Random, deadline: float, city_map,
                     counts: Counter) -> None:
        south, west, north, east = city_map.bounds
        while time.perf_counter() < deadline:
            lat, lon = rng.uniform(south, north), rng.uniform(west, east)
            if not city_map.contains(lat, lon):
                continue  # a point the API would refuse, rightly
            data = {"api_key": key, "service_code": rng.choice(["roads", "lighting", "waste"]),
                    "lat": f"{lat:.6f}", "long": f"{lon:.6f}",
                    "description": "Bench request: a problem to look at"}
            async with http.post(f"{api}/requests.json", data=data) as response:
                await response.read()
                counts[response.status] += 1

    async def go() -> tuple[int, int, float]:
        import aiohttp

        from citybot.config import load_config
        from citybot.geo import CityMap

        city_map = CityMap.from_config(load_config(ROOT / "config.yml"))
        counts: Counter = Counter()
        started = time.perf_counter()
        async with aiohttp.ClientSession() as http:
            await asyncio.gather(*(client(http, random.Random(n), started + seconds, city_map,
                                          counts) for n in range(clients)))
        return counts[200], sum(n for status, n in counts.items() if status != 200), \
            time.perf_counter() - started

    return asyncio.run(go())


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(len(ordered) * share / 100) - 1))]


def card_numbers(emu, group) -> Counter:
    """How many cards of each report the staff group got (a card's first line: "🆕 #12 · …")."""
    return Counter(m["text"].split("\n")[0].split(" · ")[0].split()[-1]
                   for m in emu.messages(group) if " · " in m.get("text", "").split("\n")[0])


# ---- one backend ------------------------------------------------------------------------------

async def measure(url: str, count: int) -> dict[str, float]:
    from sqlmodel import func, select

    from citybot.bot.memory import settle_memory
    from citybot.config import load_config
    from citybot.emulator import TelegramEmulator
    from citybot.geo import CityMap
    from citybot.services.pacing import Pacer
    from citybot.storage.apikeys import create_key
    from citybot.storage.database import upgrade
    from citybot.storage.models import Report
    from citybot.testing import running_bot

    config = load_config(ROOT / "config.yml")
    await asyncio.to_thread(upgrade, url)
    started = time.perf_counter()
    await asyncio.to_thread(bulk_insert, url, config, CityMap.from_config(config), count)
    inserted = time.perf_counter() - started
    loop = asyncio.get_running_loop()
    async with TelegramEmulator(port=0) as emu:
        official = emu.add_user("Olga")
        group = emu.add_group("City staff", [official], is_forum=True, id=config.staff.chat_id)
        async with running_bot(api_url=emu.url, token=emu.token, database_url=url,
                               config=config, web_listen="127.0.0.1:0", migrate=False) as bot:
            bot.courier.pacer = Pacer(per_chat_interval=0.0, per_group_per_minute=1_000_000)
            settle_memory()  # as `citybot run` does once the bot is built
            api = f"http://127.0.0.1:{bot.web_port}/open311/v2"
            async with bot.runtime.sessions() as session:
                key = await create_key(session=session, name="bench", per_minute=1_000_000)
                await session.commit()
            spawn = multiprocessing.get_context("spawn")  # not a fork of this running loop
            with concurrent.futures.ProcessPoolExecutor(1, mp_context=spawn) as pool:
                cold, warm = await loop.run_in_executor(pool, run_gets, api, GETS)
                filed, refused, elapsed = await loop.run_in_executor(
                    pool, run_posts, api, key, POST_SECONDS, CLIENTS)
            async with bot.runtime.sessions() as session:
                new = (await session.exec(select(Report.id).where(Report.id > count))).all()
            wanted = {f"#{number}" for number in new}
            deadline = time.perf_counter() + 120
            while time.perf_counter() < deadline:
                cards = card_numbers(emu, group)
                if wanted <= set(cards):
                    break
                await asyncio.sleep(0.5)
            await asyncio.sleep(1.0)  # a card sent twice would show now
            cards = card_numbers(emu, group)
            async with bot.runtime.sessions() as session:
                total = (await session.exec(select(func.count()).select_from(Report))).one()
    return {
        "reports": total, "inserted_s": inserted,
        "cold_p50": percentile(cold, 50), "cold_p99": percentile(cold, 99),
        "warm_p50": percentile(warm, 50), "warm_p99": percentile(warm, 99), "gets": len(cold),
        "filed": filed, "refused": refused, "post_rate": filed / elapsed,
        "duplicates": sum(n - 1 for card, n in cards.items() if card in wanted and n > 1),
        "missing": len(wanted - set(cards)), "duplicate_answers": filed - len(new),
    }


def postgres_database() -> tuple[str, object] | None:
    base = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    if not base:
        return None
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"citybot_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(base).set(database=name).render_as_string(hide_password=False), drop


def report(backend: str, figures: dict[str, float]) -> bool:
    print(f"[{backend}] {figures['reports']:,} reports (bulk insert "
          f"{figures['inserted_s']:.1f} s)")
    print(f"[{backend}] GET requests.json status+30-day window ({figures['gets']} windows, "
          f"up to 1,000 requests each): first asked p50 {figures['cold_p50']:.1f} ms, p99 "
          f"{figures['cold_p99']:.1f} ms; asked again p50 {figures['warm_p50']:.1f} ms, p99 "
          f"{figures['warm_p99']:.1f} ms (target p99 ≤ {P99_TARGET_MS:.0f} ms)")
    new = figures["filed"] - figures["duplicate_answers"]
    print(f"[{backend}] POST requests.json: {figures['post_rate']:.0f} answers/s "
          f"({figures['filed']} answered 200: {new} new reports, "
          f"{figures['duplicate_answers']} the id of an open report nearby; "
          f"{figures['refused']} refused; target ≥ {POST_TARGET:.0f}/s); "
          f"cards missing {figures['missing']}, sent twice {figures['duplicates']}")
    return figures["cold_p99"] <= P99_TARGET_MS and figures["post_rate"] >= POST_TARGET and \
        figures["missing"] == 0 and figures["duplicates"] == 0 and figures["refused"] == 0


def main() -> int:
    logging.basicConfig(level=logging.ERROR)
    ok = True
    backends = os.environ.get("OPEN311_BACKENDS", "sqlite,postgresql").split(",")
    if len(backends) == 1:
        print(f"[{backends[0]}] {REPORTS:,} reports{' (quick)' if QUICK else ''}", flush=True)
    if len(backends) > 1:  # each in a process of its own, as a city runs one: nothing carried
        for backend in backends:
            done = subprocess.run([sys.executable, __file__], check=False,
                                  env={**os.environ, "OPEN311_BACKENDS": backend})
            ok &= done.returncode == 0
        print("targets met" if ok else "TARGET MISSED")
        return 0 if ok else 1
    if "sqlite" in backends:
        folder = tempfile.mkdtemp(prefix="citybot-bench-open311-")
        ok &= report("sqlite", asyncio.run(measure(f"sqlite:///{folder}/bench.db", REPORTS)))
    postgres = postgres_database() if "postgresql" in backends else None
    if postgres is not None:
        url, drop = postgres
        try:
            ok &= report("postgresql", asyncio.run(measure(url, REPORTS)))
        finally:
            drop()
    else:
        print("[postgresql] skipped: set BENCH_DATABASE_URL or TEST_DATABASE_URL")
    print("targets met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
