"""Several `citybot run --webhook` processes on one port, PostgreSQL and Redis: a worker
SIGKILLed mid-conversation loses nothing; the other goes on and takes the lease over."""

from __future__ import annotations

import asyncio
import os
import signal
import sys

import aiohttp
import pytest
from redis.asyncio import Redis
from sqlalchemy.engine import make_url

from citybot.storage.database import upgrade
from citybot.testing import button_texts

from .conftest import SECRET, free_port

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SADOVAYA_12 = (56.8961, 39.5840)


@pytest.fixture
async def redis_url() -> str:
    base = os.environ.get("REDIS_URL")
    if not base:
        pytest.skip("REDIS_URL is not set")
    url = make_url(base).set(database="15").render_as_string(hide_password=False)
    client = Redis.from_url(url)
    await client.flushdb()  # database 15 is this test's own
    await client.aclose()
    return url


async def start_worker(env: dict[str, str], *extra: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "citybot", "run", "--webhook", *extra, cwd=ROOT, env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)


async def wait_for(condition, timeout: float = 60.0) -> None:
    for _ in range(int(timeout / 0.1)):
        if condition():
            return
        await asyncio.sleep(0.1)
    raise AssertionError("not in time")


async def health(port: int) -> dict:
    async with aiohttp.ClientSession() as client, client.get(
            f"http://127.0.0.1:{port}/healthz") as response:
        return await response.json()


@pytest.mark.timeout(180)
async def test_a_worker_killed_mid_conversation_loses_nothing(
    emulator, postgres_url, redis_url, staff_group
) -> None:
    await asyncio.to_thread(upgrade, postgres_url)
    port = free_port()
    env = {**os.environ, "BOT_TOKEN": emulator.token, "TELEGRAM_API_URL": emulator.url,
           "DATABASE_URL": postgres_url, "REDIS_URL": redis_url,
           "WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram", "WEBHOOK_SECRET": SECRET,
           "WEBHOOK_LISTEN": f"127.0.0.1:{port}", "CITYBOT_LEASE_SECONDS": "2"}
    first = await start_worker(env, "--worker")
    second = None
    try:
        await wait_for(lambda: emulator.stats.calls["setWebhook"] == 1)
        await wait_for(lambda: emulator.stats.calls["setMyCommands"] >= 4)
        assert (await health(port))["redis"] == "ok"

        # the conversation begins in the first worker (the only one)
        anna = emulator.add_user("Anna", language_code="en")
        emulator.send_text(anna, "/report")
        picker = await emulator.wait_for_message(anna, timeout=15)
        emulator.click_button(anna, picker, "🎨 Graffiti and vandalism")
        await emulator.wait_for_message(anna, timeout=10)  # "describe the problem"
        emulator.send_text(anna, "Graffiti all over the bus stop shelter")
        prompt = await emulator.wait_for_message(anna, timeout=10)
        assert "Where is it?" in prompt["text"]

        # a second worker joins on the same port; the first dies without a word
        second = await start_worker(env, "--worker")
        await wait_for(lambda: emulator.stats.calls["setWebhook"] == 2)
        first.send_signal(signal.SIGKILL)
        await first.wait()

        # the draft and the conversation state go on in the second
        emulator.send_location(anna, *SADOVAYA_12)
        assert "Sadovaya Street" in (await emulator.wait_for_message(anna, timeout=15))["text"]
        photos_prompt = await emulator.wait_for_message(anna, timeout=10)
        emulator.click_button(anna, photos_prompt, button_texts(photos_prompt)[0])  # Skip
        summary = await emulator.wait_for_message(anna, timeout=10)
        assert "Graffiti all over" in summary["text"]
        emulator.click_button(anna, summary, "✅ Send")
        created = await emulator.wait_for_message(anna, timeout=10)
        assert "registered as #1" in created["text"]

        # the staff card goes out once the second worker holds the lease (the first's expired)
        card = await emulator.wait_for_message(staff_group, contains="#1", timeout=30)
        assert "Graffiti all over" in card["text"]
        assert (await health(port))["leader"] is True
        await emulator.assert_no_message(anna, within=1.0)
        await emulator.assert_no_message(staff_group, within=1.0)
    finally:
        for process in (first, second):
            if process is not None and process.returncode is None:
                process.send_signal(signal.SIGTERM)
        if second is not None:
            _, stderr = await asyncio.wait_for(second.communicate(), timeout=40)
            log = stderr.decode()
            assert second.returncode == 0, log
            assert "Traceback" not in log
            assert SECRET not in log and emulator.token.split(":")[1] not in log


@pytest.mark.timeout(120)
async def test_a_report_through_another_worker_wakes_the_leaders_courier(
    emulator, city_config, staff_group, postgres_url, redis_url
) -> None:
    """Two workers: the first holds the lease and its courier looks only every 30 s; the
    report is filed through the second, whose signal through Redis gets the card out at once."""
    import time

    from .test_faults import file_report, is_card, worker

    async with worker(emulator, city_config, postgres_url, redis_url,
                      courier_idle=30.0) as leader:
        await wait_for(lambda: leader.leadership.is_leader)
        async with worker(emulator, city_config, postgres_url, redis_url,
                          courier_idle=30.0) as other:  # Telegram now posts to this one
            await asyncio.sleep(1.0)  # the leader's courier has had its first look
            anna = emulator.add_user("Anna", language_code="en")
            number = await file_report(emulator, anna, "Broken bench in the park")
            filed = time.monotonic()
            await emulator.wait_for_message(staff_group, predicate=is_card(number), timeout=10)
            assert time.monotonic() - filed < 5  # not the courier's 30 s look
            assert leader.leadership.is_leader and not other.leadership.is_leader
            assert emulator.webhook and str(other.port) in emulator.webhook["url"]


async def test_the_outbox_signal_wakes_a_listener_and_comes_back_after_an_error(
    redis_url,
) -> None:
    from citybot.outbox.signal import OutboxSignal

    listening, telling = OutboxSignal(redis_url), OutboxSignal(redis_url)
    wake, stop = asyncio.Event(), asyncio.Event()
    listener = asyncio.create_task(listening.listen(wake, stop))
    try:
        await asyncio.wait_for(wake.wait(), timeout=5)  # subscribed: one look
        wake.clear()
        await telling.publish()
        await asyncio.wait_for(wake.wait(), timeout=5)
        wake.clear()
        await telling.redis.execute_command("CLIENT", "KILL", "TYPE", "pubsub")  # dropped
        await asyncio.wait_for(wake.wait(), timeout=10)  # subscribed again: one look
        wake.clear()
        await telling.publish()
        await asyncio.wait_for(wake.wait(), timeout=5)
        stop.set()
        await asyncio.wait_for(listener, timeout=3)  # stops by itself, soon
    finally:
        listener.cancel()
        await asyncio.gather(listener, return_exceptions=True)
        await listening.close()
        await telling.close()
