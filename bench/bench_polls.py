"""A city poll at Telegram's paid-broadcast rate, then its answers: CityBot as in production,
`citybot run --webhook --workers 2` on PostgreSQL and Redis, against the emulator (which
enforces 1 message/s per chat and 1000/s for paid broadcasts).

1. `citybot poll create --file` to RESIDENTS subscribers (paid mode, allow_paid_broadcast): the
   running bot's courier sends the native polls. Targets: at least 90% of 1000 polls/s, none
   missed, none twice.
2. Every resident answers within ANSWER_SECONDS (< 60), poll_answer updates over the webhook;
   some answer again (a re-sent update), some change their vote, some retract and vote again.
   Target: within 60 s of the last answer, the database holds exactly one answer per resident
   and the tallies are exactly the expected ones (the bench waits up to 240 s to report when).

    TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        REDIS_URL=redis://127.0.0.1:6379/9 python bench/bench_polls.py
    POLLS_BENCH_QUICK=1 … (2,000 residents, answers within 10 s)

Needs TEST_DATABASE_URL and REDIS_URL (skipped with a line saying so otherwise); runs on a fresh
PostgreSQL database, dropped afterwards, and flushes the Redis database it is given.
"""

from __future__ import annotations

import asyncio
import gc
import os
import random
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml
from sqlalchemy import create_engine, insert, select, text

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from bench.bench_webhook import flush_redis, fresh_postgres, webhook_process  # noqa: E402

PAID_LIMIT, PAID_SHARE = 1000, 0.90
OPTIONS = 4
COUNT_LAG = 60.0  # target: every answer counted within this after the last one arrived
COUNT_WAIT = 240.0  # how long the bench waits for them at most (to report the figure)


def write_config(folder: Path) -> Path:
    data = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    data["broadcast"]["paid"] = True
    data["knowledge"] = {name: str(ROOT / path) for name, path in data["knowledge"].items()}
    path = folder / "config.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def write_poll(folder: Path) -> Path:
    closes = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    options = "\n".join(f"  - {{en: Option {i}, ru: Вариант {i}}}" for i in range(OPTIONS))
    path = folder / "poll.yml"
    path.write_text("question: {en: Which should the city improve first next year?, "
                    "ru: Что городу улучшить в первую очередь?}\n"
                    f"options:\n{options}\naudience: everyone\ncloses: {closes}\n",
                    encoding="utf-8")
    return path


def fill(database_url: str, telegram_ids: list[int]) -> None:
    """Subscribers of announcements (a third in Russian), straight into the database."""
    from citybot.storage.database import upgrade
    from citybot.storage.models import Resident, Subscription

    upgrade(database_url)
    engine = create_engine(database_url)
    now = datetime.now(UTC)
    with engine.begin() as connection:
        connection.execute(insert(Resident), [
            {"telegram_id": tid, "first_name": f"R{i}", "language": "ru" if i % 3 == 0 else "en",
             "language_chosen": True, "blocked_bot": False, "created_at": now,
             "last_seen_at": now} for i, tid in enumerate(telegram_ids)])
        ids = connection.execute(select(Resident.id)).scalars().all()
        connection.execute(insert(Subscription), [
            {"resident_id": rid, "active": True, "frequency": "weekly", "districts": [],
             "new_reports": True, "resolved_reports": True, "announcements": True,
             "created_at": now, "updated_at": now} for rid in ids])
    engine.dispose()


def counted(database_url: str) -> tuple[int, Counter]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT option_ids FROM poll_answers")).all()
    finally:
        engine.dispose()
    tally: Counter = Counter()
    voters = 0
    for (options,) in rows:
        chosen = options if isinstance(options, list) else yaml.safe_load(options)
        voters += bool(chosen)  # a retracted answer is kept empty, not counted
        for option in chosen:
            tally[option] += 1
    return voters, tally


async def run(database_url: str, redis_url: str, count: int, answer_seconds: float) -> dict:
    from citybot.config import load_config
    from citybot.emulator import TelegramEmulator

    folder = Path(tempfile.mkdtemp(prefix="citybot-bench-polls-"))
    config_path, poll_path = write_config(folder), write_poll(folder)
    config = load_config(config_path)
    await flush_redis(redis_url)
    async with TelegramEmulator(port=0, request_log=100) as emu:
        emu.set_limits(per_chat_per_second=1, per_group_per_minute=20, global_per_second=30,
                       paid_per_second=PAID_LIMIT)
        emu.add_group("City staff", is_forum=True, id=config.staff.chat_id)
        people = [emu.add_user(f"R{i}", language_code="ru" if i % 3 == 0 else "en")
                  for i in range(count)]
        await asyncio.to_thread(fill, database_url, [p.id for p in people])
        gc.freeze()
        received: list[tuple[float, int]] = []
        polls: dict[int, dict] = {}

        def on_event(event: str, chat, msg: dict) -> None:
            if event == "sent" and "poll" in msg:
                received.append((time.perf_counter(), chat.id))
                polls[chat.id] = msg

        emu.listeners.append(on_event)
        os.environ["CITYBOT_CONFIG"] = str(config_path)
        async with webhook_process(emu, database_url, redis_url):
            env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
            env.update(BOT_TOKEN=emu.token, TELEGRAM_API_URL=emu.url,
                       DATABASE_URL=database_url, REDIS_URL=redis_url)
            started = time.perf_counter()
            command = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "citybot", "--log-level", "WARNING", "poll", "create",
                "--file", str(poll_path), cwd=ROOT, env=env,
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
            out, err = await asyncio.wait_for(command.communicate(), timeout=count / 20 + 180)
            wall = time.perf_counter() - started
            await asyncio.sleep(1.0)  # anything sent twice would show up now
            if command.returncode != 0:
                print(err.decode()[-3000:])
            per_chat = Counter(chat for _, chat in received)
            first, last = (received[0][0], received[-1][0]) if received else (0.0, 0.0)
            sending = {
                "polls": len(received), "wall": wall, "returncode": command.returncode,
                "rate": (len(received) - 1) / (last - first) if len(received) > 1 else 0.0,
                "duplicates": sum(n - 1 for n in per_chat.values()),
                "missed": len({p.id for p in people} - set(per_chat)),
                "number": out.decode().strip().splitlines()[-1] if out.strip() else "?"}

            # answers: each resident once; some twice (re-sent), some change, some retract
            rng = random.Random(16)
            expected: dict[int, int] = {}
            actions: list[tuple] = []
            for person in people:
                choice = rng.randrange(OPTIONS)
                actions.append((person, [choice]))
                expected[person.id] = choice
                roll = rng.random()
                if roll < 0.05:  # a change of mind
                    choice = (choice + 1) % OPTIONS
                    actions.append((person, [choice]))
                    expected[person.id] = choice
                elif roll < 0.08:  # retracted, then voted again
                    actions.append((person, []))
                    actions.append((person, [choice]))
            resend = rng.sample(range(len(actions)), k=len(actions) // 50)
            pace = answer_seconds / len(actions)
            began = time.perf_counter()
            updates = []
            for index, (person, choice) in enumerate(actions):
                update = emu.answer_poll(person, polls[person.id], choice)
                updates.append(update)
                behind = began + (index + 1) * pace - time.perf_counter()
                if behind > 0:
                    await asyncio.sleep(behind)
            for index in resend:  # Telegram sends some again: the same update, its same id
                emu.update_sink(updates[index])
            sent_in = time.perf_counter() - began
            want = Counter(expected.values())
            deadline = time.perf_counter() + COUNT_WAIT
            rows, tally = 0, Counter()
            while time.perf_counter() < deadline:
                rows, tally = await asyncio.to_thread(counted, database_url)
                if rows == len(expected) and tally == want:
                    break
                if os.environ.get("POLLS_BENCH_TRACE"):
                    print(f"    {time.perf_counter() - began:.1f} s: {rows} counted, "
                          f"{emu.stats.webhook_posts} posted", flush=True)
                await asyncio.sleep(0.5)
            answering = {"answers": len(actions) + len(resend), "residents": len(expected),
                         "sent_in": sent_in, "counted_after": time.perf_counter() - began,
                         "lag": time.perf_counter() - began - sent_in, "rows": rows,
                         "exact": rows == len(expected) and tally == want,
                         "tally": dict(sorted(tally.items())), "want": dict(sorted(want.items()))}
    await flush_redis(redis_url)
    return {**sending, **answering}


def main() -> int:
    from sqlalchemy.engine import make_url

    quick = os.environ.get("POLLS_BENCH_QUICK", "") not in ("", "0")
    count = int(os.environ.get("RESIDENTS", 2000 if quick else 10_000))
    answer_seconds = float(os.environ.get("ANSWER_SECONDS", 10 if quick else 50))
    pg_base, redis_base = os.environ.get("TEST_DATABASE_URL"), os.environ.get("REDIS_URL")
    if not pg_base or not redis_base:
        print("bench_polls: skipped, TEST_DATABASE_URL and REDIS_URL are both needed")
        return 0
    redis_url = make_url(redis_base).render_as_string(hide_password=False)
    print(f"a poll to {count} residents, paid broadcast (emulator: {PAID_LIMIT}/s in all, "
          f"1/s per chat); citybot run --webhook --workers 2, PostgreSQL + Redis", flush=True)
    with fresh_postgres(pg_base) as database_url:
        f = asyncio.run(run(database_url, redis_url, count, answer_seconds))
    target = PAID_LIMIT * PAID_SHARE
    sent_ok = f["rate"] >= target and not f["duplicates"] and not f["missed"] \
        and f["returncode"] == 0
    print(f"  poll {f['number']}: {f['polls']} polls sent at {f['rate']:.1f}/s = "
          f"{f['rate'] / PAID_LIMIT:.1%} of the limit (target >= {target:.0f}/s); "
          f"duplicates {f['duplicates']}, missed {f['missed']}; command {f['wall']:.1f} s")
    print(f"  answers: {f['answers']} poll_answer updates from {f['residents']} residents in "
          f"{f['sent_in']:.1f} s; all counted {f['lag']:.1f} s after the last "
          f"({f['rows']} rows); tallies {f['tally']} expected {f['want']}: "
          f"{'exact' if f['exact'] else 'NOT EXACT'}")
    ok = sent_ok and f["exact"] and f["sent_in"] <= 60 and f["lag"] <= COUNT_LAG
    print(f"  {'targets met' if ok else 'TARGET MISSED'}", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
