"""The browser fixture itself: Chromium opens a page CityBot serves, with no internet."""

from __future__ import annotations

from citybot.testing import running_bot


async def test_chromium_loads_leaflet_from_citybot(browser, emulator, sqlite_url, city_config,
                                                   staff_group) -> None:
    async with running_bot(api_url=emulator.url, token=emulator.token, database_url=sqlite_url,
                           config=city_config, web_listen="127.0.0.1:0") as bot:
        page = await browser.new_page()
        await page.set_content(
            f'<script src="http://127.0.0.1:{bot.web_port}/static/vendor/leaflet/leaflet.js">'
            "</script>")
        assert await page.evaluate("typeof L.map") == "function"
