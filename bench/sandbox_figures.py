"""Figures of issue #15 (not a `bench_*` module: `make bench` does not run it; it clones and
installs, about a minute or two):

1. from `git clone` to the sandbox page answering: a fresh clone into a temporary directory,
   then `make run` without BOT_TOKEN (pip's cache as it is on this machine; `--cold-nlu`: an
   empty NLU model cache, so `make install` trains the model);
2. the first answer to a resident's free text after the page loads, in Chromium: the time from
   pressing Enter to the bot's answer drawn on the page (English, then Russian).

    .venv/bin/python -m bench.sandbox_figures [--branch BRANCH] [--cold-nlu]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
TEXTS = (("Anna", "when is the rubbish collected?"), ("Иван", "когда вывозят мусор?"))
UNSET = ("BOT_TOKEN", "TELEGRAM_API_URL", "DATABASE_URL", "STAFF_CHAT_ID", "REDIS_URL",
         "CITYBOT_CONFIG", "WEB_LISTEN", "PUBLIC_URL", "VIRTUAL_ENV")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def page_answers(url: str, deadline: float) -> None:
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            try:
                async with http.get(url) as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.2)
    raise TimeoutError(f"{url} did not answer")


async def first_answers(url: str) -> list[float]:
    from playwright.async_api import async_playwright

    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    seconds = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=executable, headless=True,
                                                   args=["--no-sandbox", "--disable-gpu"])
        page = await browser.new_page()
        await page.goto(url)
        await page.wait_for_function("window.sandbox && window.sandbox.staff")
        for name, text in TEXTS:
            await page.locator("#resident-tabs button", has_text=name).click()
            await page.fill("#resident-text", text)
            began = time.perf_counter()
            await page.press("#resident-text", "Enter")
            await page.locator("#resident-log .msg:not(.mine)").first.wait_for(timeout=30_000)
            seconds.append(time.perf_counter() - began)
        await browser.close()
    return seconds


async def measure(branch: str, cold_nlu: bool) -> dict:
    port = free_port()
    work = Path(tempfile.mkdtemp(prefix="citybot-figures-"))
    env = {k: v for k, v in os.environ.items() if k not in UNSET}
    env["WEB_LISTEN"] = f"127.0.0.1:{port}"
    if cold_nlu:
        env["CITYBOT_NLU_CACHE"] = str(work / "nlu-cache")
    repo = subprocess.run(["git", "rev-parse", "--git-common-dir"], cwd=ROOT, check=True,
                          capture_output=True, text=True).stdout.strip()
    began = time.monotonic()
    subprocess.run(["git", "clone", "-q", "-b", branch, str((ROOT / repo).resolve()),
                    str(work / "citybot")], check=True)
    cloned = time.monotonic() - began
    log = (work / "make-run.log").open("w")
    process = subprocess.Popen(["make", "run"], cwd=work / "citybot", env=env, stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)
    try:
        await page_answers(f"http://127.0.0.1:{port}/sandbox", began + 600)
        to_page = time.monotonic() - began
        answers = await first_answers(f"http://127.0.0.1:{port}/sandbox")
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        log.close()
    shutil.rmtree(work, ignore_errors=True)
    return {"clone_seconds": round(cloned, 1), "clone_to_page_seconds": round(to_page, 1),
            "first_answer_seconds": {name: round(seconds, 2) for (name, _), seconds
                                     in zip(TEXTS, answers, strict=True)},
            "cold_nlu_cache": cold_nlu, "branch": branch}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    current = subprocess.run(["git", "branch", "--show-current"], cwd=ROOT,
                             capture_output=True, text=True).stdout.strip() or "main"
    parser.add_argument("--branch", default=current)
    parser.add_argument("--cold-nlu", action="store_true")
    args = parser.parse_args()
    print(json.dumps(asyncio.run(measure(args.branch, args.cold_nlu)), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
