"""300 simulated residents file reports at once against the emulator, beside a bare aiogram
echo bot on the same emulator: updates per second and the latency from a resident's update to
the bot's answer. A mimic bot (mimic_bot.py) makes CityBot's very Bot API calls with no
database or logic: the ceiling for this conversation on aiogram; "mimic + claim" adds the
one database write every update needs (its idempotency claim). Targets: CityBot ≥ half the
echo bot's throughput; p99 ≤ 100 ms with 100 updates/s offered.

    python -m bench bench_report_flow     (RESIDENTS=100 or ROUNDS=1 for a quicker run)
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from citybot.config import load_config
from citybot.emulator import TelegramEmulator

ROOT = Path(__file__).resolve().parent.parent
STEPS_PER_RESIDENT = 6
OFFERED_RATE = 100.0  # updates per second, for the latency target
TARGET_RATIO = 0.5
TARGET_P99_MS = 100.0


class Clock:
    """Latency of each step: from pushing the update to the bot's first answer."""

    def __init__(self) -> None:
        self.samples: list[float] = []

    async def step(self, emulator: TelegramEmulator, user, act: Callable[[], object],
                   answers: int = 1) -> dict:
        started = time.perf_counter()
        act()
        reply = await emulator.wait_for_message(user, timeout=30)
        self.samples.append((time.perf_counter() - started) * 1000)
        for _ in range(answers - 1):
            reply = await emulator.wait_for_message(user, timeout=30)
        return reply


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(int(len(ordered) * share), len(ordered) - 1)]


async def file_one(emulator: TelegramEmulator, clock: Clock, index: int) -> None:
    user = emulator.add_user(f"Resident{index}", language_code="en" if index % 2 else "ru")
    # a grid ~120 x 150 m inside Lipovsk: no two residents within the duplicate radius
    lat, lon = 56.8800 + (index // 40) * 0.0011, 39.5450 + (index % 40) * 0.0025
    picker = await clock.step(emulator, user, lambda: emulator.send_text(user, "/report"))
    category = picker["reply_markup"]["inline_keyboard"][index % 5][0]["callback_data"]
    await clock.step(emulator, user, lambda: emulator.click(user, picker, category))
    await clock.step(emulator, user, lambda: emulator.send_text(
        user, f"Problem number {index}: broken bench and a pothole"))
    photos = await clock.step(emulator, user, lambda: emulator.send_location(user, lat, lon),
                              answers=2)
    skip = photos["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    summary = await clock.step(emulator, user, lambda: emulator.click(user, photos, skip))
    send = summary["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    created = await clock.step(emulator, user, lambda: emulator.click(user, summary, send))
    if "#" not in created["text"]:
        raise RuntimeError(f"resident {index} got {created['text']!r}")


async def echo_one(emulator: TelegramEmulator, clock: Clock, index: int) -> None:
    user = emulator.add_user(f"Echo{index}")
    for step in range(STEPS_PER_RESIDENT):
        await clock.step(emulator, user, lambda s=step: emulator.send_text(user, f"hello {s}"))


async def crowd(emulator: TelegramEmulator, residents: int, one, rate: float | None) -> tuple:
    """All residents at once (rate None), or starting one by one so that `rate` updates per
    second are offered in all. Two residents go first, unmeasured, to warm the bot up."""
    for index in range(residents, residents + 2):
        await one(emulator, Clock(), index)
    await asyncio.sleep(1)  # the warm-up's cards are posted before the measured run
    clock = Clock()
    started = time.perf_counter()
    tasks = []
    for index in range(residents):
        tasks.append(asyncio.create_task(one(emulator, clock, index)))
        if rate:
            await asyncio.sleep(STEPS_PER_RESIDENT / rate)
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - started
    return len(clock.samples) / elapsed, clock.samples


@contextlib.asynccontextmanager
async def bot_process(emulator: TelegramEmulator, command: list[str], *, root: Path = ROOT,
                      **env: str):
    """The bot in a process of its own, as in production: it gets a core of its own too. It
    starts in `root`: that checkout's code runs."""
    environment = {**os.environ, "BOT_TOKEN": emulator.token,
                   "TELEGRAM_API_URL": emulator.url, "WEB_LISTEN": "127.0.0.1:0", **env}
    environment.pop("REDIS_URL", None)
    process = await asyncio.create_subprocess_exec(
        sys.executable, *command, cwd=root, env=environment,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
    try:
        await emulator.wait_for_call("getUpdates", timeout=60)
        yield Usage(process.pid)
    finally:
        process.terminate()
        _, stderr = await process.communicate()
        if process.returncode not in (0, -15):
            print(stderr.decode()[-2000:])


class Usage:
    """What the bot process has used since it was ready: `usage()` is its CPU seconds,
    `usage.peak_mb()` its peak resident memory so far."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.before = cpu_seconds(pid)

    def __call__(self) -> float:
        return cpu_seconds(self.pid) - self.before

    def peak_mb(self) -> float:
        return peak_memory_mb(self.pid)


def peak_memory_mb(pid: int) -> float:
    """The peak resident set size of a process (Linux /proc: VmHWM)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has used (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextlib.asynccontextmanager
async def on_fresh_emulator(command: list[str], *, root: Path = ROOT, **env: str):
    """A bot in its own process (bot_process) against a fresh emulator with the city's staff
    group; `{folder}` in an environment value names a fresh folder (for a database, a
    profile). Yields the emulator and the bot's Usage."""
    config = load_config(root / "config.yml")
    with tempfile.TemporaryDirectory() as folder:
        async with TelegramEmulator() as emulator:
            emulator.add_group("City staff", is_forum=True, id=config.staff.chat_id)
            env = {"STAFF_CHAT_ID": str(config.staff.chat_id), **env}
            env = {k: v.format(folder=folder) for k, v in env.items()}
            async with bot_process(emulator, command, root=root, **env) as usage:
                yield emulator, usage


DATABASE = {"DATABASE_URL": "sqlite:///{folder}/bench.db"}  # a fresh SQLite database


async def measure(command: list[str], one, residents: int, rate: float | None = None,
                  **env: str) -> tuple[float, list[float], float, float]:
    """One bot in its own process against a fresh emulator (with the staff group) and, when it
    keeps one, a fresh SQLite database: throughput, latencies, CPU per update, peak memory."""
    async with on_fresh_emulator(command, **env) as (emulator, usage):
        throughput, samples = await crowd(emulator, residents, one, rate)
        cpu_ms = usage() * 1000 / len(samples)
        peak_mb = usage.peak_mb()
    return throughput, samples, cpu_ms, peak_mb


async def run(residents: int, rounds: int) -> dict[str, float]:
    """Every bot once a round, rounds in turn: this machine's speed drifts by tens of percent
    within minutes, so each figure is the median over the rounds, and each ratio the median of
    the rounds' ratios (both bots measured minutes apart at most). The echo bot runs first and
    last in each round and its figures are the mean of the two, so that a drift within the
    round weighs on the ratios no more than on the bots between."""
    database = DATABASE
    citybot = ["-m", "citybot", "--log-level", "WARNING", "run"]
    runs = {
        "echo": (["-m", "bench.echo_bot"], echo_one, None, {}),
        "mimic": (["-m", "bench.mimic_bot"], file_one, None, {}),
        "claim": (["-m", "bench.mimic_bot"], file_one, None, database),
        "burst": (citybot, file_one, None, database),
        "offered": (citybot, file_one, OFFERED_RATE, database),
        "echo again": (["-m", "bench.echo_bot"], echo_one, None, {}),
    }
    seen: dict[str, list[float]] = {}
    for _ in range(rounds):
        one_round: dict[str, float] = {}
        for name, (command, one, rate, env) in runs.items():
            throughput, samples, cpu_ms, peak_mb = await measure(command, one, residents, rate,
                                                                 **env)
            one_round.update({f"{name}_rate": throughput, f"{name}_cpu_ms": cpu_ms,
                              f"{name}_peak_mb": peak_mb,
                              f"{name}_p50": statistics.median(samples),
                              f"{name}_p99": percentile(samples, 0.99)})
        for metric in ("rate", "cpu_ms", "peak_mb", "p50", "p99"):
            again = one_round.pop(f"echo again_{metric}")
            one_round[f"echo_{metric}"] = (one_round[f"echo_{metric}"] + again) / 2
        for name in ("mimic", "claim", "burst"):
            one_round[f"{name}_ratio"] = one_round[f"{name}_rate"] / one_round["echo_rate"]
        for name in ("mimic", "claim", "burst", "offered"):
            one_round[f"{name}_cpu_x"] = one_round[f"{name}_cpu_ms"] / one_round["echo_cpu_ms"]
            one_round[f"{name}_mem_x"] = one_round[f"{name}_peak_mb"] / one_round["echo_peak_mb"]
        one_round["burst_of_mimic"] = one_round["burst_rate"] / one_round["mimic_rate"]
        for key, value in one_round.items():
            seen.setdefault(key, []).append(value)
    figures = {key: statistics.median(values) for key, values in seen.items()}
    figures.update({f"{key}_min": min(values) for key, values in seen.items()})
    figures.update({f"{key}_max": max(values) for key, values in seen.items()})
    return figures


def main() -> int:
    residents = int(os.environ.get("RESIDENTS", "300"))
    rounds = int(os.environ.get("ROUNDS", "3"))
    f = asyncio.run(run(residents, rounds))

    def ratio(name: str) -> str:
        return (f"{f[name]:.2f} ({f[name + '_min']:.2f}-{f[name + '_max']:.2f})")

    def line(label: str, name: str, extra: str = "") -> None:
        versus = "" if name == "echo" else (
            f" ({ratio(name + '_cpu_x')}x echo)")
        memory = "" if name == "echo" else f" ({ratio(name + '_mem_x')}x echo)"
        print(f"{label:31} {f[name + '_rate']:7.1f} updates/s  p50 {f[name + '_p50']:7.1f} ms  "
              f"p99 {f[name + '_p99']:7.1f} ms  bot CPU {f[name + '_cpu_ms']:5.2f} ms/update"
              f"{versus}  peak {f[name + '_peak_mb']:5.0f} MB{memory}{extra}")

    print(f"{residents} residents x {STEPS_PER_RESIDENT} updates; each bot in its own process; "
          f"medians of {rounds} rounds (range in brackets)")
    line("echo bot, all at once:", "echo")
    line("mimic bot, all at once:", "mimic", f"  {ratio('mimic_ratio')} of echo")
    line("mimic bot + claim, all at once:", "claim", f"  {ratio('claim_ratio')} of echo")
    line("CityBot, all at once:", "burst", f"  {ratio('burst_ratio')} of echo "
         f"(target >= {TARGET_RATIO}); {ratio('burst_of_mimic')} of mimic")
    line(f"CityBot, {OFFERED_RATE:.0f} updates/s offered:", "offered",
         f"  p99 {f['offered_p99_min']:.1f}-{f['offered_p99_max']:.1f} ms "
         f"(target p99 <= {TARGET_P99_MS:.0f} ms)")
    return 0 if f["burst_ratio"] >= TARGET_RATIO and f["offered_p99"] <= TARGET_P99_MS else 1


if __name__ == "__main__":
    sys.exit(main())
