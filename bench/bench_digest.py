"""Digests at Telegram's limits: `citybot digest run weekly` in a process of its own against the
emulator, which enforces the limits (1 message/s per chat, 30/s in all, 1000/s for paid
broadcasts).

- paid mode (broadcast.paid: true, allow_paid_broadcast): 10,000 subscribers; targets: at least
  90% of 1000 messages/s, no duplicate, none missed; the bot's CPU time per message is reported;
- free mode: 600 subscribers at 30/s; target: at least 28 messages/s.

    python bench/bench_digest.py                   (DIGEST_BENCH_QUICK=1: 2,000 and 150)
    python -m bench bench_digest
"""

from __future__ import annotations

import asyncio
import gc
import os
import re
import resource
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

PAID_LIMIT, FREE_LIMIT = 1000, 30
PAID_SHARE = 0.90
FREE_TARGET = 28.0
MARKER = "Bench pothole"


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has used (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children_cpu() -> float:
    """CPU time of the finished child processes (the command, once it has exited)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def write_config(folder: Path, paid: bool) -> Path:
    data = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    data["broadcast"]["paid"] = paid
    data["knowledge"] = {name: str(ROOT / path) for name, path in data["knowledge"].items()}
    path = folder / "config.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def fill(path: Path, telegram_ids: list[int], config_path: Path) -> None:
    """Subscribers (a third in Russian) and reports of the current week, straight into SQLite."""
    from citybot.config import load_config
    from citybot.services.broadcasts import digest_period, find_digest

    config = load_config(config_path)
    week = digest_period(config, find_digest(config, "weekly"), datetime.now(UTC))
    now = datetime.now(UTC).isoformat(sep=" ")
    connection = sqlite3.connect(path)
    connection.executemany(
        "INSERT INTO residents (telegram_id, first_name, language, language_chosen, blocked_bot,"
        " created_at, last_seen_at) VALUES (?, ?, ?, 1, 0, ?, ?)",
        [(tid, f"R{i}", "ru" if i % 3 == 0 else "en", now, now)
         for i, tid in enumerate(telegram_ids)])
    connection.execute(
        "INSERT INTO subscriptions (resident_id, active, frequency, districts, new_reports,"
        " resolved_reports, announcements, created_at, updated_at)"
        " SELECT id, 1, 'weekly', '[]', 1, 1, 1, ?, ? FROM residents", (now, now))
    for n in range(12):
        created = (week.start + (week.end - week.start) * (n + 1) / 14).isoformat(sep=" ")
        connection.execute(
            "INSERT INTO reports (reporter_id, category, department, status, description,"
            " district, language, created_at, updated_at, due_at) VALUES"
            " (1, 'roads', 'roads', 'new', ?, 'central', 'en', ?, ?, ?)",
            (f"{MARKER} number {n} outside the school", created, created,
             (week.end + timedelta(days=3)).isoformat(sep=" ")))
    connection.commit()
    connection.close()


async def measure(count: int, paid: bool) -> dict[str, float]:
    from citybot.emulator import TelegramEmulator
    from citybot.storage.database import upgrade

    folder = Path(tempfile.mkdtemp(prefix="citybot-bench-digest-"))
    database = folder / "bench.db"
    config_path = write_config(folder, paid)
    await asyncio.to_thread(upgrade, f"sqlite:///{database}")
    async with TelegramEmulator(port=0, request_log=100) as emu:
        emu.set_limits(per_chat_per_second=1, per_group_per_minute=20,
                       global_per_second=FREE_LIMIT, paid_per_second=PAID_LIMIT)
        emu.add_group("City staff", is_forum=True, id=-1001234567890)
        people = [emu.add_user(f"R{i}").id for i in range(count)]
        await asyncio.to_thread(fill, database, people, config_path)
        gc.freeze()  # the emulator's 10,000 people: no long collections while it answers
        received: list[tuple[float, int]] = []
        cpu_at_first: list[float] = []
        process: asyncio.subprocess.Process | None = None

        def on_event(event: str, chat, msg: dict) -> None:
            if event == "sent" and MARKER in (msg.get("text") or ""):
                if not received and process is not None:
                    cpu_at_first.append(cpu_seconds(process.pid))
                received.append((time.perf_counter(), chat.id))

        emu.listeners.append(on_event)
        environment = {**os.environ, "BOT_TOKEN": emu.token, "TELEGRAM_API_URL": emu.url,
                       "DATABASE_URL": f"sqlite:///{database}",
                       "CITYBOT_CONFIG": str(config_path)}
        environment.pop("REDIS_URL", None)
        cpu_before = children_cpu()
        started = time.perf_counter()
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "citybot", "digest", "run", "weekly", cwd=ROOT,
            env=environment, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        waiter = asyncio.ensure_future(process.communicate())
        while not waiter.done() and len(received) < count:
            await asyncio.sleep(0.05)
        cpu_at_last = cpu_seconds(process.pid) if not waiter.done() else None
        _, err = await asyncio.wait_for(waiter, timeout=count / 10 + 120)
        wall = time.perf_counter() - started
        await asyncio.sleep(1.0)  # anything sent twice would show up now
        if process.returncode != 0:
            print(err.decode()[-3000:])
        per_chat = Counter(chat for _, chat in received)
        first, last = (received[0][0], received[-1][0]) if received else (0.0, 0.0)
        queued = re.search(r"broadcast queued .* seconds=([\d.]+)", err.decode())
        delivery_cpu = (cpu_at_last - cpu_at_first[0]) if cpu_at_first and cpu_at_last else \
            float("nan")
        return {
            "count": count, "messages": len(received),
            "rate": (len(received) - 1) / (last - first) if len(received) > 1 else 0.0,
            "duplicates": sum(n - 1 for n in per_chat.values()),
            "missed": len(set(people) - set(per_chat)),
            "retry_after": emu.stats.retry_after_served, "wall": wall,
            "prepare": float(queued.group(1)) if queued else float("nan"),
            "delivery_cpu_ms": delivery_cpu * 1000 / max(len(received), 1),
            "total_cpu_ms": (children_cpu() - cpu_before) * 1000 / max(len(received), 1),
            "returncode": process.returncode or 0,
        }


def main() -> int:
    quick = os.environ.get("DIGEST_BENCH_QUICK", "") not in ("", "0")
    paid_count = int(os.environ.get("PAID_RECIPIENTS", 2000 if quick else 10_000))
    free_count = int(os.environ.get("FREE_RECIPIENTS", 150 if quick else 600))
    ok = True
    for paid, count in ((True, paid_count), (False, free_count)):
        limit = PAID_LIMIT if paid else FREE_LIMIT
        target = PAID_LIMIT * PAID_SHARE if paid else FREE_TARGET
        print(f"{'paid' if paid else 'free'} mode: the weekly digest to {count} subscribers; "
              f"emulator limits {limit}/s in all, 1/s per chat", flush=True)
        f = asyncio.run(measure(count, paid))
        met = (f["rate"] >= target and f["duplicates"] == 0 and f["missed"] == 0
               and f["returncode"] == 0)
        ok = ok and met
        print(f"  delivered {f['messages']} messages: {f['rate']:.1f} messages/s "
              f"= {f['rate'] / limit:.1%} of the limit (target >= {target:.0f}/s)")
        print(f"  duplicates: {f['duplicates']}, missed: {f['missed']}, "
              f"429s: {f['retry_after']}, queued in {f['prepare']:.2f} s, "
              f"command wall time {f['wall']:.1f} s")
        print(f"  bot CPU per message: {f['delivery_cpu_ms']:.3f} ms while sending, "
              f"{f['total_cpu_ms']:.3f} ms with start-up and queueing")
        print(f"  {'target met' if met else 'TARGET MISSED'}", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
