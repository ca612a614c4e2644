"""A real browser for the page tests: Debian's Chromium driven by Playwright (its own browser
download cannot work offline). Tests that need it skip where Chromium is not installed;
`.ci/run` installs it."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

SCREENSHOTS = Path(__file__).resolve().parents[2] / "bench" / "results" / "screenshots"
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture
async def browser() -> AsyncIterator:
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    playwright_api = pytest.importorskip("playwright.async_api")
    async with playwright_api.async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=executable, headless=True,
                                                    args=CHROMIUM_FLAGS)
        try:
            yield chromium
        finally:
            await chromium.close()


@pytest.fixture
def screenshot_dir() -> Path:
    """Where page tests save their screenshots (git-ignored), to be looked at by a person."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
