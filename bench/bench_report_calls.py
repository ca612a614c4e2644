"""What an update of the report flow costs in work that does not drift with the machine's
speed: Python function calls per update, counted by cProfile in the bot over
bench_report_flow's burst (all residents at once), CityBot beside the mimic bot with its claim
(mimic_bot.py); the difference is CityBot's own work. bench_report_flow's CPU figures move by
±15 % between runs on a shared machine; these counts hardly move, so they show what a change
did. No target: it passes when it completes.

    python -m bench bench_report_calls     (RESIDENTS=300 by default; PROFILE_DIR=<folder>
                                            keeps both profiles there)
"""

from __future__ import annotations

import asyncio
import os
import pstats
import signal
import sys
import tempfile
from pathlib import Path

from bench.bench_report_flow import (
    DATABASE,
    STEPS_PER_RESIDENT,
    Clock,
    file_one,
    on_fresh_emulator,
)

CARDS_SETTLE = 3.0  # seconds for the courier to post the last cards before counting stops


async def calls_per_update(module: list[str], residents: int) -> float:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "bot.prof"
        async with on_fresh_emulator(["-m", "bench.profiled", *module], PROFILE_OUT=str(out),
                                     **DATABASE) as (emulator, usage):
            for index in (residents, residents + 1):  # unmeasured: the bot warms up
                await file_one(emulator, Clock(), index)
            await asyncio.sleep(1)
            os.kill(usage.pid, signal.SIGUSR1)
            await asyncio.sleep(0.2)
            await asyncio.gather(*(file_one(emulator, Clock(), index)
                                   for index in range(residents)))
            await asyncio.sleep(CARDS_SETTLE)
            os.kill(usage.pid, signal.SIGUSR2)
            for _ in range(100):
                if out.exists() and out.stat().st_size:
                    break
                await asyncio.sleep(0.1)
            await asyncio.sleep(0.5)  # the file written in full
        if os.environ.get("PROFILE_DIR"):  # kept for reading: python -m pstats <file>
            keep = Path(os.environ["PROFILE_DIR"]) / f"{module[0].replace('.', '_')}.prof"
            keep.parent.mkdir(parents=True, exist_ok=True)
            keep.write_bytes(out.read_bytes())
        return pstats.Stats(str(out)).total_calls / (residents * STEPS_PER_RESIDENT)


async def run(residents: int) -> tuple[float, float]:
    citybot = await calls_per_update(["citybot", "--log-level", "WARNING", "run"], residents)
    mimic = await calls_per_update(["bench.mimic_bot"], residents)
    return citybot, mimic


def main() -> int:
    residents = int(os.environ.get("RESIDENTS", "300"))
    citybot, mimic = asyncio.run(run(residents))
    print(f"{residents} residents x {STEPS_PER_RESIDENT} updates, all at once; "
          "Python calls per update in the bot (cProfile)")
    print(f"mimic bot + claim: {mimic:7.0f}")
    print(f"CityBot:           {citybot:7.0f}  ({citybot / mimic:.2f}x the mimic's; "
          f"its own work {citybot - mimic:.0f} calls)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
