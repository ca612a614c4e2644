"""The HTTP app serves the offline city plan and its own static files (no CDN)."""

from __future__ import annotations

import aiohttp

from citybot.testing import running_bot


async def test_the_plan_and_leaflet_are_served_by_citybot(emulator, sqlite_url, city_config,
                                                          staff_group) -> None:
    async with running_bot(api_url=emulator.url, token=emulator.token, database_url=sqlite_url,
                           config=city_config, web_listen="127.0.0.1:0") as bot:
        base = f"http://127.0.0.1:{bot.web_port}"
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{base}/plan.geojson") as response:
                assert response.status == 200
                plan = await response.json(content_type=None)
            async with http.get(f"{base}/static/vendor/leaflet/leaflet.js") as response:
                assert response.status == 200
                assert "Leaflet" in (await response.text())[:400]
            async with http.get(f"{base}/static/../config.yml") as response:
                assert response.status in (403, 404)
    kinds = [feature["properties"]["kind"] for feature in plan["features"]]
    assert kinds.count("boundary") == 1
    assert kinds.count("district") == len(city_config.city.districts)
    assert kinds.count("street") == len(city_config.city.streets)
    lenina = next(f for f in plan["features"] if f["properties"].get("id") == "lenina")
    assert lenina["properties"]["name"]["ru"] == "улица Ленина"
    assert lenina["geometry"]["coordinates"][0] == [39.6, 56.9085]  # GeoJSON: lon, lat
