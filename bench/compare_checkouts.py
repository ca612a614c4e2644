"""Two checkouts of CityBot, A and B, each filing bench_report_flow's burst of reports in turn
(A B, B A, A B, ...): the CPU per update of each, and B's over A's for each pair. On a shared
machine one bot's CPU per update drifts by 5–15 % between runs minutes apart, so two separate
benchmark runs cannot tell a 5 % change; bursts a few seconds apart, in alternating order, can.
Not one of the `bench_` benchmarks (`make bench` does not run it): a tool for a change in hand.

    git worktree add /tmp/before <commit>
    python -m bench.compare_checkouts /tmp/before .        (PAIRS=6 by default)

Each checkout's own code runs (the bot starts in its folder); the Python environment is this
one, so the two must need the same packages.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
from pathlib import Path

from bench.bench_report_flow import (
    DATABASE,
    STEPS_PER_RESIDENT,
    Clock,
    file_one,
    on_fresh_emulator,
)

RESIDENTS = 300


async def burst(checkout: Path, residents: int) -> float:
    """CPU milliseconds per update of the checkout's bot over one burst (after two residents
    filed unmeasured, to warm it up)."""
    command = ["-m", "citybot", "--log-level", "WARNING", "run"]
    async with on_fresh_emulator(command, root=checkout, **DATABASE) as (emulator, usage):
        for index in (residents, residents + 1):
            await file_one(emulator, Clock(), index)
        await asyncio.sleep(1)
        before = usage()
        await asyncio.gather(*(file_one(emulator, Clock(), index) for index in range(residents)))
        await asyncio.sleep(3)  # the courier posts the last cards
        return (usage() - before) * 1000 / (residents * STEPS_PER_RESIDENT)


async def compare(a: Path, b: Path, pairs: int, residents: int) -> list[tuple[float, float]]:
    results = []
    for pair in range(pairs):
        order = (a, b) if pair % 2 == 0 else (b, a)
        first, second = [await burst(checkout, residents) for checkout in order]
        cpu_a, cpu_b = (first, second) if pair % 2 == 0 else (second, first)
        results.append((cpu_a, cpu_b))
        print(f"pair {pair + 1}: A {cpu_a:.3f} ms  B {cpu_b:.3f} ms  B/A {cpu_b / cpu_a:.3f}",
              flush=True)
    return results


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    a, b = (Path(arg).resolve() for arg in sys.argv[1:])
    pairs = int(os.environ.get("PAIRS", "6"))
    results = asyncio.run(compare(a, b, pairs, int(os.environ.get("RESIDENTS", RESIDENTS))))
    ratios = [cpu_b / cpu_a for cpu_a, cpu_b in results]
    print(f"A {a}: median {statistics.median(r[0] for r in results):.3f} ms/update")
    print(f"B {b}: median {statistics.median(r[1] for r in results):.3f} ms/update")
    print(f"B/A: median {statistics.median(ratios):.3f} "
          f"(range {min(ratios):.3f}-{max(ratios):.3f}, {pairs} pairs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
