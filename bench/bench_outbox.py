"""The outbox at Telegram's pace: 10,000 pending notifications to 2,500 residents, delivered by
the courier against the emulator with Telegram's flood limits on (1 message/s per chat, 30/s in
all). Targets: an achieved rate of at least 90% of the global limit, no duplicate, none lost.

    python bench/bench_outbox.py                 (NOTIFICATIONS=1000 for a quick run)
    python bench/bench_outbox.py --count 1000
    python -m bench bench_outbox
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

GLOBAL_LIMIT = 30  # messages a second, Telegram's bulk limit
TARGET_SHARE = 0.90
PER_CHAT = 4  # notifications per resident, in random order


def parse_count(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int,
                        default=int(os.environ.get("NOTIFICATIONS", "10000")))
    known, _ = parser.parse_known_args(argv)
    return max(known.count, PER_CHAT)


async def fill(runtime, people: list[int], count: int, rng: random.Random) -> None:
    from citybot.storage.models import OutboxMessage

    order = [people[i // PER_CHAT] for i in range(count)]
    rng.shuffle(order)
    async with runtime.sessions() as session:
        session.add_all(OutboxMessage(kind="notification", chat_id=chat_id,
                                      payload={"text": f"bench notification {n}"})
                        for n, chat_id in enumerate(order))
        await session.commit()


async def measure(count: int) -> dict[str, float]:
    from citybot.bot.app import build_bot, build_courier
    from citybot.config import load_config
    from citybot.emulator import TelegramEmulator
    from citybot.runtime import build_runtime
    from citybot.settings import Settings
    from citybot.storage.database import upgrade
    from citybot.storage.outbox import backlog

    rng = random.Random(7)
    folder = tempfile.mkdtemp(prefix="citybot-bench-outbox-")
    url = f"sqlite:///{folder}/bench.db"
    await asyncio.to_thread(upgrade, url)
    config = load_config(ROOT / "config.yml")
    async with TelegramEmulator(port=0, request_log=100) as emu:
        emu.set_limits(per_chat_per_second=1, per_group_per_minute=20,
                       global_per_second=GLOBAL_LIMIT)
        people = [emu.add_user(f"R{i}").id for i in range((count + PER_CHAT - 1) // PER_CHAT)]
        settings = Settings(BOT_TOKEN=emu.token, TELEGRAM_API_URL=emu.url, DATABASE_URL=url)
        runtime = build_runtime(settings, config)
        await fill(runtime, people, count, rng)
        received: list[tuple[float, str]] = []
        emu.listeners.append(lambda event, chat, msg: event == "sent" and received.append(
            (time.perf_counter(), msg.get("text", ""))))
        bot = build_bot(emu.token, emu.url)
        courier = build_courier(bot, runtime, worker="bench")
        started = time.perf_counter()
        task = asyncio.create_task(courier.run(runtime.courier_wakeup, idle_seconds=0.1))
        deadline = started + count / (GLOBAL_LIMIT * 0.5) + 30
        while len(received) < count and time.perf_counter() < deadline:
            await asyncio.sleep(0.2)
        await asyncio.sleep(1.5)  # anything sent twice would show up now
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        async with runtime.sessions() as session:
            left = await backlog(session=session)
        await bot.session.close()
        await runtime.close()
        markers = Counter(text for _, text in received if text.startswith("bench"))
        elapsed = (max(at for at, _ in received) - started) if received else float("inf")
        return {
            "count": count, "chats": len(people), "seconds": elapsed,
            "rate": len(markers) / elapsed if received else 0.0,
            "duplicates": sum(n - 1 for n in markers.values()),
            "lost": count - len(markers), "backlog": left,
            "retry_after_served": emu.stats.retry_after_served,
        }


def main() -> int:
    count = parse_count(sys.argv[1:])
    logging.basicConfig(level=logging.ERROR)
    print(f"delivering {count} notifications to {(count + PER_CHAT - 1) // PER_CHAT} residents; "
          f"limits: {GLOBAL_LIMIT}/s in all, 1/s per chat", flush=True)
    figures = asyncio.run(measure(count))
    target = GLOBAL_LIMIT * TARGET_SHARE
    print(f"delivered in {figures['seconds']:.1f} s: {figures['rate']:.2f} messages/s "
          f"= {figures['rate'] / GLOBAL_LIMIT:.1%} of the limit (target ≥ {target:.0f}/s)")
    print(f"duplicates: {figures['duplicates']}, lost: {figures['lost']}, "
          f"left in the outbox: {figures['backlog']}, "
          f"429s served by the emulator: {figures['retry_after_served']}")
    ok = figures["rate"] >= target and figures["duplicates"] == 0 and figures["lost"] == 0
    print("target met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
