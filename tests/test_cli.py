"""The `citybot` command as a city's IT team meets it."""

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CITYBOT = [sys.executable, "-m", "citybot"]


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {
        "BOT_TOKEN", "TELEGRAM_API_URL", "DATABASE_URL", "STAFF_CHAT_ID", "REDIS_URL",
        "CITYBOT_CONFIG"}}
    env.update(extra)
    return env


def test_run_without_a_token_says_what_to_do(tmp_path: Path) -> None:
    result = subprocess.run(
        [*CITYBOT, "run"], cwd=ROOT, env=clean_env(DATABASE_URL=f"sqlite:///{tmp_path}/x.db"),
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "BOT_TOKEN" in lines[0] and "@BotFather" in lines[0]
    # it says how to try the sandbox with a command that works from the repository
    assert "`make run`" in lines[0] and "`.venv/bin/citybot sandbox`" in lines[0]
    assert (ROOT / ".venv" / "bin" / "citybot").exists()


def test_run_without_a_token_imports_none_of_the_bot() -> None:
    """Why the message comes at once: the token is checked before aiogram, the database layer
    and the NLU model's libraries are imported (a proxy for "under a second", which a test on a
    shared machine cannot assert)."""
    probe = ("import sys\nfrom citybot.cli import main\ncode = main(['run'])\n"
             "heavy = [m for m in ('aiogram', 'sqlalchemy', 'numpy', 'sklearn', 'citybot.bot.app',"
             " 'citybot.config') if m in sys.modules]\nprint(code, heavy)")
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=clean_env(),
                            capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "2 []", result.stdout + result.stderr


def test_run_with_a_malformed_token(tmp_path: Path) -> None:
    result = subprocess.run(
        [*CITYBOT, "run"], cwd=ROOT, env=clean_env(BOT_TOKEN="not-a-token"),
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "does not look like a bot token" in result.stderr


def test_a_broken_config_is_refused_with_its_key_path(tmp_path: Path) -> None:
    broken = tmp_path / "config.yml"
    text = (ROOT / "config.yml").read_text(encoding="utf-8")
    broken.write_text(text.replace("timezone:", "timezone: Mars/Olympus_Mons\n  old_timezone:", 1))
    result = subprocess.run(
        [*CITYBOT, "config", "check"], cwd=ROOT,
        env=clean_env(CITYBOT_CONFIG=str(broken)), capture_output=True, text=True, timeout=60,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "city.timezone" in result.stderr or "city.old_timezone" in result.stderr


def test_config_check_passes_on_the_demo_city() -> None:
    result = subprocess.run(
        [*CITYBOT, "config", "check"], cwd=ROOT, env=clean_env(),
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "config OK" in result.stdout


def test_db_upgrade_brings_a_new_database_up_to_date(tmp_path: Path) -> None:
    result = subprocess.run(
        [*CITYBOT, "db", "upgrade"], cwd=ROOT,
        env=clean_env(DATABASE_URL=f"sqlite:///{tmp_path}/new.db"),
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "database revision: 0" in result.stdout


@pytest.mark.timeout(90)
async def test_run_answers_start_in_russian_and_stops_cleanly_on_sigterm(
    emulator, tmp_path: Path
) -> None:
    """The README's quick start: the emulator in one terminal, `citybot run` in another."""
    process = await asyncio.create_subprocess_exec(
        *CITYBOT, "run", cwd=ROOT,
        env=clean_env(BOT_TOKEN=emulator.token, TELEGRAM_API_URL=emulator.url,
                      DATABASE_URL=f"sqlite:///{tmp_path}/fresh.db"),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    try:
        ivan = emulator.add_user(first_name="Иван", language_code="ru")
        emulator.send_text(ivan, "/start")
        reply = await emulator.wait_for_message(ivan, timeout=45)
        assert "Здравствуйте, Иван!" in reply["text"]
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    log = stderr.decode()
    assert process.returncode == 0, log
    assert "Traceback" not in log
    assert "bot stopped" in log


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.timeout(150)
async def test_make_run_without_a_token_serves_the_sandbox(tmp_path: Path) -> None:
    """The README's first command, before anyone has a token: `make run` opens the sandbox."""
    import aiohttp

    port = free_port()
    process = await asyncio.create_subprocess_exec(
        "make", "--no-print-directory", "run", cwd=ROOT, start_new_session=True,
        env=clean_env(WEB_LISTEN=f"127.0.0.1:{port}", DATABASE_URL=f"sqlite:///{tmp_path}/x.db"),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    page = state = None
    try:
        async with aiohttp.ClientSession() as http:
            for _ in range(240):
                try:
                    async with http.get(f"http://127.0.0.1:{port}/sandbox") as response:
                        page = await response.text()
                    async with http.get(f"http://127.0.0.1:{port}/sandbox/state") as response:
                        state = await response.json()
                    break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.5)
    finally:
        os.killpg(process.pid, signal.SIGTERM)  # make and the sandbox it started
        stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert page is not None, stderr.decode()[-2000:]
    assert "CityBot sandbox" in page and "/static/sandbox/sandbox.js" in page
    assert [person["name"] for person in state["residents"]] == ["Anna", "Иван"]
    assert f"open http://127.0.0.1:{port}/sandbox" in stdout.decode()
    assert "Traceback" not in stderr.decode()
