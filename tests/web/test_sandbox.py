"""The sandbox page in a real browser: a resident files a report by clicking (a point picked on
the city plan, a photo uploaded), an official takes it and replies from the staff pane, and the
resident sees both — the real bot, over HTTP, against the emulator."""

from __future__ import annotations

import json
import struct
import zlib

import aiohttp
import pytest

from citybot.testing import running_bot
from citybot.web.sandbox import Sandbox, part

pytest.importorskip("playwright.async_api")
from playwright.async_api import expect

SADOVAYA_12 = (56.8961, 39.5840)  # on Sadovaya Street, Central District


def png(width: int = 96, height: int = 64) -> bytes:
    """A real image the browser can draw: grey asphalt with a dark hole."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    rows = b"".join(b"\x00" + b"".join(
        bytes((40, 35, 30) if (x - 48) ** 2 + (y - 32) ** 2 < 300 else (130, 130, 135))
        for x in range(width)) for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


@pytest.fixture
def sandbox(emulator, city_config) -> Sandbox:
    return Sandbox.populate(emulator, staff_chat_id=city_config.staff.chat_id)


async def test_a_report_by_clicking_taken_and_answered_in_the_staff_pane(
    browser, emulator, sandbox, sqlite_url, city_config, screenshot_dir, tmp_path
) -> None:
    photo = tmp_path / "pothole.png"
    photo.write_bytes(png())
    async with running_bot(api_url=emulator.url, token=emulator.token, database_url=sqlite_url,
                           config=city_config, staff_chat_id=sandbox.staff.id,
                           web_listen="127.0.0.1:0", web_parts=[part(sandbox)]) as bot:
        page = await browser.new_page(viewport={"width": 1400, "height": 900})
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        await page.goto(f"http://127.0.0.1:{bot.web_port}/sandbox")
        residents = page.locator("#residents")
        log = page.locator("#resident-log")

        await residents.get_by_role("button", name="Start").click()
        await page.locator("#resident-keyboard").get_by_role(
            "button", name="📝 Report a problem").click()
        await log.get_by_role("button", name="🚧 Roads and pavements").click()
        await expect(log).to_contain_text("Describe the problem")
        await page.fill("#resident-text", "Huge pothole outside number 12")
        await page.press("#resident-text", "Enter")
        await page.locator("#resident-keyboard").get_by_role(
            "button", name="📍 Share location").click()
        await expect(page.locator("#plan .leaflet-interactive").first).to_be_visible()
        x, y = await page.evaluate(
            "([lat, lon]) => { const p = sandbox.map.latLngToContainerPoint([lat, lon]);"
            " return [p.x, p.y]; }", list(SADOVAYA_12))
        await page.locator("#plan").click(position={"x": x, "y": y})
        await page.screenshot(path=screenshot_dir / "sandbox-1-location.png")
        await page.click("#location-send")
        await expect(log).to_contain_text("Sadovaya Street")
        await expect(log).to_contain_text("Add up to")
        await page.set_input_files("#resident-photo", photo)
        await expect(log).to_contain_text("Photo 1 of")
        await expect(log.locator("img.photo")).to_have_count(1)
        await log.get_by_role("button", name="✅ Done").last.click()
        await expect(log).to_contain_text("Please check your report")
        await log.get_by_role("button", name="✅ Send").last.click()
        await expect(log).to_contain_text("registered as #1")
        await page.screenshot(path=screenshot_dir / "sandbox-2-filed.png")

        # the staff pane: the card waits in its department's topic
        topic = page.locator("#topic-tabs button", has_text="Управление дорожного хозяйства")
        await topic.click()
        card = page.locator("#staff-log .msg", has_text="#1").first
        await expect(card).to_contain_text("Huge pothole")
        await expect(page.locator("#staff-log img.photo")).to_have_count(1)  # the album
        await card.get_by_role("button", name="🙋 Взять").click()
        await expect(page.locator("#toast")).to_contain_text("is yours now")
        await expect(card).to_contain_text("Olga")
        await card.hover()
        await card.locator(".reply-button").click()
        await page.fill("#staff-text", "A crew is on its way")
        await page.press("#staff-text", "Enter")
        await expect(page.locator("#staff-log")).to_contain_text("A crew is on its way")
        # another official, a staff command in the topic
        await page.select_option("#official", label="Пётр (ru)")
        await page.fill("#staff-text", "/queue")
        await page.press("#staff-text", "Enter")
        await expect(page.locator("#staff-log .msg").last).to_contain_text("открытых обращений: 1")
        await page.screenshot(path=screenshot_dir / "sandbox-3-staff.png")

        # the resident hears of the status change and the reply
        await expect(log).to_contain_text("has taken the report")
        await expect(log).to_contain_text("Roads Department: A crew is on its way")
        await page.screenshot(path=screenshot_dir / "sandbox-4-resident.png")

        # another resident shares a landmark instead of a point (a venue, as Telegram sends it)
        await page.locator("#resident-tabs button", has_text="Иван").click()
        await page.click("#resident-location")
        await page.select_option("#landmark", label="Sadovaya Street")  # the page's language
        await page.click("#location-send")
        await expect(log.locator(".msg.mine")).to_contain_text("📍 Sadovaya Street, Lipovsk")
        await expect(log.locator(".msg:not(.mine)")).to_have_count(1)  # the bot answers
        await page.screenshot(path=screenshot_dir / "sandbox-5-landmark.png")
        assert errors == []


async def test_bad_requests_are_refused_and_change_nothing(
    emulator, sandbox, sqlite_url, city_config
) -> None:
    async with running_bot(api_url=emulator.url, token=emulator.token, database_url=sqlite_url,
                           config=city_config, staff_chat_id=sandbox.staff.id,
                           web_listen="127.0.0.1:0", web_parts=[part(sandbox)]) as bot:
        base = f"http://127.0.0.1:{bot.web_port}/sandbox"
        anna, olga = sandbox.residents[0], sandbox.officials[0]
        bad = [
            {"as": 1, "action": "text", "text": "hi"},  # nobody
            {"as": anna.id, "action": "text", "text": ""},
            {"as": anna.id, "action": "location", "lat": "north", "lon": 1},
            {"as": anna.id, "action": "click", "message": 999, "data": "x"},
            {"as": olga.id, "chat": anna.id, "action": "text", "text": "hi"},  # not her chat
            {"as": anna.id, "action": "dance"},
        ]
        async with aiohttp.ClientSession() as http:
            for body in bad:
                async with http.post(f"{base}/act", json=body) as response:
                    assert response.status == 400, body
                    assert "error" in await response.json()
            async with http.post(f"{base}/act", data=b"{") as response:
                assert response.status == 400
            async with http.post(f"{base}/people", json={"role": "mayor", "name": "X",
                                                         "language": "en"}) as response:
                assert response.status == 400
            async with http.get(f"{base}/state") as response:
                state = json.loads(await response.text())
            async with http.get(f"{base}?lang=ru") as response:  # the page's own words
                assert "<title>Песочница CityBot</title>" in await response.text()
        assert all(not chat["messages"] for chat in state["chats"].values())
        assert emulator.stats.updates == 0
        assert [r["name"] for r in state["residents"]] == ["Anna", "Иван"]
