"""The public map in a real browser: reports filed through the emulator appear as markers,
the category filter narrows them, a report's page shows the status an official set by pressing
Take on the card; residents' proposals listed and shown. Screenshots go to
bench/results/screenshots/."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from citybot.dialogs.callbacks import IdeaAction, IdeaStaffAction
from citybot.services.pacing import Pacer
from citybot.testing import (
    button_texts,
    file_report,
    is_card,
    is_idea_card,
    propose,
    running_bot,
)

GORKOGO_5 = (56.9047, 39.6063)


@contextlib.asynccontextmanager
async def public_site(emulator, database_url, config, staff_group) -> AsyncIterator[str]:
    """The bot with its HTTP app; yields the site's address."""
    async with running_bot(api_url=emulator.url, token=emulator.token,
                           database_url=database_url, config=config,
                           staff_chat_id=staff_group.id, web_listen="127.0.0.1:0") as bot:
        bot.courier.pacer = Pacer(per_chat_interval=0.05, per_group_per_minute=10_000)
        yield f"http://127.0.0.1:{bot.web_port}"


async def test_map_filter_and_report_page(browser, screenshot_dir, emulator, sqlite_url,
                                          city_config, staff_group, official) -> None:
    anna = emulator.add_user("Anna", language_code="en")
    pyotr = emulator.add_user("Pyotr", language_code="ru")
    async with public_site(emulator, sqlite_url, city_config, staff_group) as base:
        pothole = await file_report(emulator, anna, "Deep pothole in front of house 12")
        lamp = await file_report(emulator, pyotr, "Не горит фонарь у остановки",
                                 category="lighting", point=GORKOGO_5)
        await file_report(emulator, anna, "Overflowing bins behind the school",
                          category="waste", point=(56.8990, 39.5905))

        page = await browser.new_page(viewport={"width": 1280, "height": 800})
        page.set_default_timeout(10_000)
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda message: message.type == "error"
                and errors.append(f"{message.text} {message.location}"))
        await page.goto(base + "/?lang=en")
        try:
            await page.wait_for_function("window.citybotMap && window.citybotMap.loaded")
        finally:
            assert errors == [], errors
        assert await page.evaluate("window.citybotMap.count") == 3
        assert await page.locator(".cb-marker, .marker-cluster").count() >= 1
        await page.screenshot(path=str(screenshot_dir / "public-map.png"))

        await page.select_option("select[name=category]", "lighting")  # submits the form
        await page.wait_for_url("**category=lighting**")
        await page.wait_for_function("window.citybotMap && window.citybotMap.loaded")
        assert await page.evaluate("window.citybotMap.count") == 1
        assert await page.locator(f"a[href='/reports/{lamp}']").count() >= 1
        assert await page.locator(f"a[href='/reports/{pothole}']").count() == 0
        await page.screenshot(path=str(screenshot_dir / "public-map-lighting.png"))

        # an official takes the pothole in the staff group: the page shows it acknowledged
        card = await emulator.wait_for_message(staff_group, predicate=is_card(pothole))
        take = next(t for t in button_texts(card) if "Take" in t or "Взять" in t)
        await emulator.wait_for_callback_answer(emulator.click_button(official, card, take))

        await page.goto(base + f"/reports/{pothole}")
        assert "acknowledged" in await page.locator("#report-status").inner_text()
        assert await page.locator("ol.history li").count() == 2
        await page.wait_for_selector("#spot .cb-marker")
        await page.screenshot(path=str(screenshot_dir / "public-report.png"), full_page=True)

        await page.goto(base + "/?lang=ru")
        assert "Категория" in await page.locator("form.filters").inner_text()
        await page.goto(base + "/stats")
        assert await page.locator("table.stats").count() == 3
        await page.screenshot(path=str(screenshot_dir / "public-stats.png"), full_page=True)


async def test_ideas_list_and_page(browser, screenshot_dir, emulator, sqlite_url, city_config,
                                   staff_group, official) -> None:
    """Residents' proposals: the list filters at a choice (no button pressed), a proposal's
    page shows its supports and its Support button (the bot's deep link)."""
    anna = emulator.add_user("Anna", language_code="en")
    pyotr = emulator.add_user("Pyotr", language_code="ru")
    async with public_site(emulator, sqlite_url, city_config, staff_group) as base:
        numbers = []
        for user, title, text, district in (
                (anna, "Benches along Sadovaya street",
                 "Put benches along Sadovaya street so the elderly can rest on the way to the "
                 "market.", 0),
                (pyotr, "Велодорожка вдоль реки",
                 "Проложить велодорожку вдоль реки от моста до парка.", 1)):
            number = await propose(emulator, user, title, text, district=district)
            card = await emulator.wait_for_message(staff_group, predicate=is_idea_card(number))
            emulator.click(official, card, IdeaStaffAction(action="approve",
                                                           proposal=number).pack())
            await emulator.wait_for_message(user, contains=f"idea_{number}")
            numbers.append(number)
        benches, lane = numbers
        emulator.send_text(pyotr, f"/start idea_{benches}")
        shown = await emulator.wait_for_message(pyotr, contains="Benches")
        await emulator.wait_for_callback_answer(emulator.click(
            pyotr, shown, IdeaAction(action="support", proposal=benches).pack()))

        page = await browser.new_page(viewport={"width": 1280, "height": 800})
        page.set_default_timeout(10_000)
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        await page.goto(base + "/ideas?lang=en")
        assert await page.locator("ol.ideas li").count() == 2
        await page.screenshot(path=str(screenshot_dir / "public-ideas.png"), full_page=True)
        await page.select_option("select[name=district]", "sloboda")  # submits the form
        await page.wait_for_url("**district=sloboda**")
        assert await page.locator("ol.ideas li").count() == 1
        assert await page.locator(f"a[href='/ideas/{lane}']").count() == 1

        await page.goto(base + f"/ideas/{benches}")
        assert "1 of 100 supports" in await page.locator("#idea-supports").inner_text()
        assert "Open for support until" in await page.locator("#idea-status").inner_text()
        link = await page.locator("#idea-telegram").get_attribute("href")
        assert link == f"https://t.me/{emulator.bot.username}?start=idea_{benches}"
        await page.screenshot(path=str(screenshot_dir / "public-idea.png"), full_page=True)
        assert errors == [], errors
