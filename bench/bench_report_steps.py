"""Where bench_report_flow's CPU goes, step by step: every resident takes a step of the report
flow at once, the next only when all have, and the bot's CPU is read between steps. CityBot
beside the mimic bot with its claim (mimic_bot.py: CityBot's Bot API calls and the one
database write every update needs), so the difference is what CityBot's own work costs at
each step. The Send step includes the card's delivery to the staff group (by the courier;
the mimic posts it in the update). No target: it passes when it completes.

    python -m bench bench_report_steps     (RESIDENTS=300 by default)
"""

from __future__ import annotations

import asyncio
import os
import sys

from bench.bench_report_flow import DATABASE, on_fresh_emulator
from citybot.emulator import TelegramEmulator

STEPS = ("/report", "category", "description", "location", "skip photos", "send")
CARDS_SETTLE = 3.0  # seconds for the courier to post the last cards before CPU is read


def act(emulator: TelegramEmulator, step: str, index: int, user, last: dict):
    """The resident's move at `step`; returns how many answers it waits for."""
    keyboard = (last.get("reply_markup") or {}).get("inline_keyboard")
    if step == "/report":
        emulator.send_text(user, "/report")
    elif step == "category":
        emulator.click(user, last, keyboard[index % 5][0]["callback_data"])
    elif step == "description":
        emulator.send_text(user, f"Problem number {index}: broken bench and a pothole")
    elif step == "location":  # a grid inside Lipovsk: no two within the duplicate radius
        emulator.send_location(user, 56.8800 + (index // 40) * 0.0011,
                               39.5450 + (index % 40) * 0.0025)
        return 2
    else:  # skip photos, send: the first button
        emulator.click(user, last, keyboard[0][0]["callback_data"])
    return 1


async def cpu_per_step(command: list[str], residents: int) -> dict[str, float]:
    async with on_fresh_emulator(command, **DATABASE) as (emulator, usage):
        users = [emulator.add_user(f"Resident{i}", language_code="en" if i % 2 else "ru")
                 for i in range(residents + 2)]
        last: dict[int, dict] = {i: {} for i in range(residents + 2)}

        async def one(step: str, index: int) -> None:
            for _ in range(act(emulator, step, index, users[index], last[index])):
                last[index] = await emulator.wait_for_message(users[index], timeout=30)

        for step in STEPS:  # two residents first, unmeasured, to warm the bot up
            for index in (residents, residents + 1):
                await one(step, index)
        await asyncio.sleep(CARDS_SETTLE)
        figures = {}
        for step in STEPS:
            before = usage()
            await asyncio.gather(*(one(step, i) for i in range(residents)))
            if step == "send":
                await asyncio.sleep(CARDS_SETTLE)
            figures[step] = (usage() - before) * 1000 / residents
    return figures


async def run(residents: int) -> tuple[dict[str, float], dict[str, float]]:
    citybot = await cpu_per_step(["-m", "citybot", "--log-level", "WARNING", "run"], residents)
    mimic = await cpu_per_step(["-m", "bench.mimic_bot"], residents)
    return citybot, mimic


def main() -> int:
    residents = int(os.environ.get("RESIDENTS", "300"))
    citybot, mimic = asyncio.run(run(residents))
    print(f"{residents} residents, one step at a time; bot CPU per update (ms)")
    print(f"{'step':13} {'CityBot':>8} {'mimic+claim':>12} {'difference':>11}")
    for step in STEPS:
        print(f"{step:13} {citybot[step]:8.2f} {mimic[step]:12.2f} "
              f"{citybot[step] - mimic[step]:11.2f}")
    total, base = sum(citybot.values()), sum(mimic.values())
    print(f"{'a report':13} {total:8.2f} {base:12.2f} {total - base:11.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
