"""The report flow of bench_report_flow.py, all residents at once, against three bots in one
run: (1) CityBot over webhook, `citybot run --webhook --workers 2` on PostgreSQL and Redis;
(2) CityBot polling on SQLite in one process; (3) the bare aiogram echo bot (polling).
Prints throughput (updates/s), p50/p99 latency from a resident's update to the bot's answer,
and the ratios (1)/(3), (2)/(3), (1)/(2). No target: it passes when it completes.
RESIDENTS (default 1000, at most 1598) residents file 6 updates each; 200 take ~40 s on 2 cores.

    RESIDENTS=200 TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        REDIS_URL=redis://127.0.0.1:6379/0 python -m bench bench_webhook

(1) is skipped, with a line saying so, when TEST_DATABASE_URL or REDIS_URL is unset. It runs
on a fresh PostgreSQL database, dropped afterwards, and on Redis database REDIS_DB (default 5),
flushed before and after: nothing else in Redis is touched.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import socket
import statistics
import sys
import tempfile
import uuid
from pathlib import Path

import aiohttp
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench.bench_report_flow import (
    ROOT,
    STEPS_PER_RESIDENT,
    bot_process,
    cpu_seconds,
    crowd,
    echo_one,
    file_one,
    percentile,
)
from citybot.config import load_config
from citybot.emulator import TelegramEmulator

WORKERS = 2
READY_TIMEOUT = 90.0
# file_one places resident i on a grid of 40 columns, rows 0.0011 degrees apart from 56.8800;
# the city ends at 56.9270, so the grid holds 1,600 (crowd also uses two more for warming up).
MAX_RESIDENTS = 1598


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def tree_cpu_seconds(pid: int) -> float:
    """CPU time of a process and its live children (the supervisor and its workers)."""
    total = cpu_seconds(pid)
    with contextlib.suppress(OSError):
        for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
            with contextlib.suppress(OSError):
                total += cpu_seconds(int(child))
    return total


@contextlib.contextmanager
def fresh_postgres(base: str):
    """A database of its own for the run, as tests/conftest.py's postgres_url; dropped after."""
    name = f"citybot_bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


async def flush_redis(url: str) -> None:
    from redis.asyncio import Redis

    client = Redis.from_url(url)
    try:
        await client.flushdb()  # the bench's own database number, nothing else
    finally:
        await client.aclose()


@contextlib.asynccontextmanager
async def webhook_process(emulator: TelegramEmulator, database_url: str, redis_url: str):
    """`citybot run --webhook --workers 2`, ready once both workers called setWebhook and
    /healthz answers; yields the CPU seconds its processes used since."""
    port = free_port()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("WEBHOOK_", "PROMETHEUS_")) and k not in {
               "BOT_TOKEN", "TELEGRAM_API_URL", "DATABASE_URL", "REDIS_URL"}}
    env.update(BOT_TOKEN=emulator.token, TELEGRAM_API_URL=emulator.url,
               DATABASE_URL=database_url, REDIS_URL=redis_url,
               WEBHOOK_URL=f"http://127.0.0.1:{port}/webhook",
               WEBHOOK_SECRET=secrets.token_hex(16), WEBHOOK_LISTEN=f"127.0.0.1:{port}",
               WEB_LISTEN=f"127.0.0.1:{port}")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "citybot", "--log-level", "WARNING", "run", "--webhook",
        "--workers", str(WORKERS), cwd=ROOT, env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
    try:
        await emulator.wait_for_call("setWebhook", count=WORKERS, timeout=READY_TIMEOUT)
        async with aiohttp.ClientSession() as client:
            for _ in range(int(READY_TIMEOUT / 0.1)):
                with contextlib.suppress(aiohttp.ClientError):
                    async with client.get(f"http://127.0.0.1:{port}/healthz") as response:
                        if response.status == 200:
                            break
                await asyncio.sleep(0.1)
        before = tree_cpu_seconds(process.pid)
        yield lambda: tree_cpu_seconds(process.pid) - before
    finally:
        process.terminate()
        _, stderr = await process.communicate()
        if process.returncode not in (0, -15):
            print(stderr.decode()[-2000:])


def summary(rate: float, samples: list[float], cpu_ms: float) -> dict[str, float]:
    return {"rate": rate, "p50": statistics.median(samples), "p99": percentile(samples, 0.99),
            "cpu_ms": cpu_ms}


async def run_echo(residents: int) -> dict[str, float]:
    async with TelegramEmulator() as emulator, \
            bot_process(emulator, ["-m", "bench.echo_bot"]) as cpu:
        rate, samples = await crowd(emulator, residents, echo_one, None)
        cpu_ms = cpu() * 1000 / len(samples)
    return summary(rate, samples, cpu_ms)


async def run_sqlite(residents: int, config) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        async with TelegramEmulator() as emulator:
            emulator.add_group("City staff", is_forum=True, id=config.staff.chat_id)
            async with bot_process(emulator, ["-m", "citybot", "--log-level", "WARNING", "run"],
                                   DATABASE_URL=f"sqlite:///{folder}/bench.db") as cpu:
                rate, samples = await crowd(emulator, residents, file_one, None)
                cpu_ms = cpu() * 1000 / len(samples)
    return summary(rate, samples, cpu_ms)


async def run_webhook(residents: int, config, database_url: str,
                      redis_url: str) -> dict[str, float]:
    await flush_redis(redis_url)
    try:
        async with TelegramEmulator() as emulator:
            emulator.add_group("City staff", is_forum=True, id=config.staff.chat_id)
            async with webhook_process(emulator, database_url, redis_url) as cpu:
                rate, samples = await crowd(emulator, residents, file_one, None)
                cpu_ms = cpu() * 1000 / len(samples)
    finally:
        await flush_redis(redis_url)
    return summary(rate, samples, cpu_ms)


def line(label: str, f: dict[str, float]) -> str:
    return (f"{label:<42} {f['rate']:7.1f} updates/s  p50 {f['p50']:6.1f} ms  "
            f"p99 {f['p99']:6.1f} ms  bot CPU {f['cpu_ms']:.2f} ms/update")


def ratio(label: str, a: dict[str, float], b: dict[str, float]) -> str:
    return (f"{label:<42} throughput {a['rate'] / b['rate']:5.2f}  "
            f"p50 {a['p50'] / b['p50']:5.2f}  p99 {a['p99'] / b['p99']:5.2f}")


def main() -> int:
    residents = int(os.environ.get("RESIDENTS", "1000"))
    if not 1 <= residents <= MAX_RESIDENTS:
        print(f"RESIDENTS must be 1..{MAX_RESIDENTS}: bench_report_flow.file_one puts "
              f"resident {MAX_RESIDENTS + 2} and later outside the city limits")
        return 2
    config = load_config(ROOT / "config.yml")
    pg_base, redis_base = os.environ.get("TEST_DATABASE_URL"), os.environ.get("REDIS_URL")
    redis_db = os.environ.get("REDIS_DB", "5")
    print(f"{residents} residents x {STEPS_PER_RESIDENT} updates, all at once; "
          f"each bot in its own process(es)", flush=True)

    echo = asyncio.run(run_echo(residents))
    print(line("(3) echo bot, polling:", echo), flush=True)
    polling = asyncio.run(run_sqlite(residents, config))
    print(line("(2) CityBot polling, SQLite, 1 process:", polling), flush=True)
    webhook = None
    if not pg_base or not redis_base:
        print("(1) CityBot webhook: skipped, TEST_DATABASE_URL and REDIS_URL are both needed")
    else:
        redis_url = make_url(redis_base).set(database=redis_db).render_as_string(
            hide_password=False)
        with fresh_postgres(pg_base) as database_url:
            webhook = asyncio.run(run_webhook(residents, config, database_url, redis_url))
        print(line(f"(1) CityBot webhook, {WORKERS} workers, PG+Redis:", webhook))

    if webhook:
        print(ratio("(1)/(3) webhook / echo:", webhook, echo))
    print(ratio("(2)/(3) polling / echo:", polling, echo))
    if webhook:
        print(ratio("(1)/(2) webhook / polling:", webhook, polling))
    return 0


if __name__ == "__main__":
    sys.exit(main())
