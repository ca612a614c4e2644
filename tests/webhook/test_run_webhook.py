"""`citybot run --webhook` as the city's IT team starts it."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys

import aiohttp
import pytest

from .conftest import SECRET, free_port

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CITYBOT = [sys.executable, "-m", "citybot"]


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("WEBHOOK_", "PROMETHEUS_")) and k not in {
               "BOT_TOKEN", "TELEGRAM_API_URL", "DATABASE_URL", "REDIS_URL", "STAFF_CHAT_ID"}}
    return {**env, **extra}


async def start_supervisor(emulator, tmp_path, port: int) -> asyncio.subprocess.Process:
    """`citybot run --webhook --workers 2` on SQLite, as the IT team starts it."""
    return await asyncio.create_subprocess_exec(
        *CITYBOT, "run", "--webhook", "--workers", "2", cwd=ROOT,
        env=clean_env(BOT_TOKEN=emulator.token, TELEGRAM_API_URL=emulator.url,
                      DATABASE_URL=f"sqlite:///{tmp_path}/city.db",
                      WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram", WEBHOOK_SECRET=SECRET,
                      WEBHOOK_LISTEN=f"127.0.0.1:{port}"),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)


@pytest.mark.parametrize("missing", ["WEBHOOK_URL", "WEBHOOK_SECRET"])
def test_webhook_without_its_settings_says_so_in_one_sentence(tmp_path, missing) -> None:
    env = clean_env(BOT_TOKEN="123456:TEST", DATABASE_URL=f"sqlite:///{tmp_path}/x.db",
                    WEBHOOK_URL="https://bot.example.city/telegram", WEBHOOK_SECRET=SECRET)
    del env[missing]
    result = subprocess.run([*CITYBOT, "run", "--webhook"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and missing in lines[0] and "Traceback" not in result.stderr


@pytest.mark.timeout(180)
async def test_two_workers_of_one_supervisor_share_the_port_and_the_metrics(
    emulator, staff_group, tmp_path
) -> None:
    port = free_port()
    process = await start_supervisor(emulator, tmp_path, port)
    try:
        for _ in range(900):  # two workers loading the city at once, on a busy machine
            if emulator.stats.calls["setWebhook"] == 2:
                break
            await asyncio.sleep(0.1)
        assert emulator.stats.calls["setWebhook"] == 2  # each worker registers (same URL)
        users = [emulator.add_user(f"Resident {n}", language_code="en") for n in range(4)]
        for user in users:
            emulator.send_text(user, "/start")
        for user in users:
            await emulator.wait_for_message(user, contains="Hello", timeout=20)
        total = 'citybot_updates_handled_total{outcome="ok"} 4.0'  # both workers' sum
        for _ in range(50):  # counted as the POST is answered, just after the reply
            async with aiohttp.ClientSession() as client, client.get(
                    f"http://127.0.0.1:{port}/metrics") as response:
                text = await response.text()
            if total in text:
                break
            await asyncio.sleep(0.1)
        assert total in text, text
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    log = stderr.decode()
    assert process.returncode == 0, log
    assert "Traceback" not in log and SECRET not in log
    assert log.count("lease taken") == 1


def children(pid: int) -> set[int]:
    with open(f"/proc/{pid}/task/{pid}/children") as listing:
        return {int(child) for child in listing.read().split()}


@pytest.mark.timeout(240)
async def test_the_supervisor_starts_a_killed_worker_again(emulator, staff_group, tmp_path) -> None:
    if not os.path.exists("/proc/self/task"):
        pytest.skip("needs /proc to find the workers")
    port = free_port()
    process = await start_supervisor(emulator, tmp_path, port)

    async def registered(times: int) -> None:
        for _ in range(900):  # workers loading the city at once, on a busy machine
            if emulator.stats.calls["setWebhook"] >= times:
                return
            await asyncio.sleep(0.1)
        raise AssertionError(f"setWebhook called {emulator.stats.calls['setWebhook']} times")

    try:
        await registered(2)
        workers = children(process.pid)
        assert len(workers) == 2
        victim = min(workers)
        os.kill(victim, signal.SIGKILL)
        await registered(3)  # a new worker started and registered
        now = children(process.pid)
        assert len(now) == 2 and victim not in now
        users = [emulator.add_user(f"Resident {n}", language_code="en") for n in range(4)]
        for user in users:
            emulator.send_text(user, "/start")
        for user in users:
            await emulator.wait_for_message(user, contains="Hello", timeout=20)
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    log = stderr.decode()
    assert process.returncode == 0, log
    assert f"worker died pid={victim} code=-9" in log
    assert "Traceback" not in log
