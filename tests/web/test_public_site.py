"""The public site end to end: named residents file reports through the emulator; the map's
data, the report pages, statistics, charts and exports show them masked, and never a
resident's name, id or username; an official's /hide and /publish take effect at once."""

from __future__ import annotations

import csv
import io
import json

import aiohttp

from citybot.services.pacing import Pacer
from citybot.testing import file_report, is_card, running_bot

GORKOGO_5 = (56.9047, 39.6063)
PHONE = "+7 (912) 345-67-89"
EMAIL = "vorontsova.anastasia@example.org"


async def fetch(base: str, path: str, **headers: str) -> tuple[int, str, bytes]:
    async with aiohttp.ClientSession() as client, client.get(base + path,
                                                             headers=headers) as response:
        body = await response.read()
        return response.status, response.headers.get("Content-Type", ""), body


async def test_pages_exports_and_hiding(emulator, sqlite_url, city_config, staff_group,
                                        official) -> None:
    anastasia = emulator.add_user("Anastasia", last_name="Vorontsova", language_code="ru",
                                  username="vorontsova_a", id=7_770_001)
    bart = emulator.add_user("Bartholomew", last_name="Quince", language_code="en",
                             username="bquince", id=7_770_002)
    async with running_bot(api_url=emulator.url, token=emulator.token, database_url=sqlite_url,
                           config=city_config, staff_chat_id=staff_group.id,
                           web_listen="127.0.0.1:0") as bot:
        bot.courier.pacer = Pacer(per_chat_interval=0.05, per_group_per_minute=10_000)
        base = f"http://127.0.0.1:{bot.web_port}"
        pothole = await file_report(
            emulator, anastasia, f"Огромная яма у подъезда, звоните {PHONE} или {EMAIL}")
        lamp = await file_report(emulator, bart,
                                 "The street lamp is dark, call 8 912 345 67 89. Bartholomew",
                                 category="lighting", point=GORKOGO_5)

        status, kind, body = await fetch(base, "/", **{"Accept-Language": "ru-RU,ru;q=0.9"})
        page = body.decode()
        assert status == 200 and kind.startswith("text/html")
        assert "Категория" in page and f"/reports/{pothole}" in page and "***" in page
        status, _, body = await fetch(base, "/?lang=en&category=lighting")
        assert "Category" in body.decode() and f"/reports/{lamp}" in body.decode()
        assert f"/reports/{pothole}\"" not in body.decode()

        status, _, body = await fetch(base, "/map/reports.json")
        data = json.loads(body)
        assert status == 200 and len(data["r"]) == 10
        assert data["categories"][data["r"][3]] == "roads"
        status, _, body = await fetch(base, "/map/reports.json?category=lighting")
        assert json.loads(body)["r"][0] == lamp

        status, _, body = await fetch(base, f"/reports/{pothole}")
        report_page = body.decode()
        assert status == 200 and "Огромная яма" in report_page
        assert PHONE not in report_page and EMAIL not in report_page
        assert f"https://t.me/citybot_test_bot?start=report_{pothole}" in report_page
        assert (await fetch(base, "/reports/999"))[0] == 404
        assert (await fetch(base, "/reports/abc"))[0] == 404
        assert (await fetch(base, "/reports/²"))[0] == 404  # a digit int() does not read

        status, kind, geojson = await fetch(base, "/exports/reports.geojson")
        features = json.loads(geojson)["features"]
        assert status == 200 and [f["id"] for f in features] == [pothole, lamp]
        assert features[1]["geometry"]["coordinates"] == [GORKOGO_5[1], GORKOGO_5[0]]
        status, kind, table = await fetch(base, "/exports/reports.csv?category=roads")
        rows = list(csv.DictReader(io.StringIO(table.decode())))
        assert [int(r["id"]) for r in rows] == [pothole]
        assert rows[0]["description"] == "Огромная яма у подъезда, звоните *** или ***"

        stats = (await fetch(base, "/stats"))[2]
        charts = [(await fetch(base, f"/stats/{name}.png"))[2] for name in ("weekly", "resolution")]
        assert charts[0].startswith(b"\x89PNG")

        # nothing public names a resident
        everything = [page.encode(), report_page.encode(), geojson, table, stats, body, *charts,
                      (await fetch(base, f"/reports/{lamp}"))[2]]
        for secret in ("Anastasia", "Vorontsova", "vorontsova_a", "7770001", "Bartholomew",
                       "Quince", "bquince", "7770002", "Анастасия"):
            for output in everything:
                assert secret.encode() not in output, secret

        # an official hides the pothole: gone from the page, the map and the exports
        emulator.send_text(official, f"/hide {pothole}", chat=staff_group)
        await emulator.wait_for_message(staff_group, contains="скрыто от публики")
        assert (await fetch(base, f"/reports/{pothole}"))[0] == 404
        data = json.loads((await fetch(base, "/map/reports.json"))[2])
        assert data["r"][0] == lamp and len(data["r"]) == 5
        features = json.loads((await fetch(base, "/exports/reports.geojson"))[2])["features"]
        assert [f["id"] for f in features] == [lamp]
        emulator.send_text(official, f"/hide {pothole}", chat=staff_group)
        await emulator.wait_for_message(staff_group, contains="уже скрыто")

        # ... and publishes it again with a text of the city's own
        emulator.send_text(official, f"/publish {pothole} A pothole by the entrance",
                           chat=staff_group)
        await emulator.wait_for_message(staff_group, contains="A pothole by the entrance")
        emulator.send_text(official, f"/report {pothole}", chat=staff_group)
        history = await emulator.wait_for_message(staff_group, contains="скрыто от публики ·")
        assert "снова публично · Olga" in history["text"] and "A pothole by the entrance" in \
            history["text"]
        status, _, body = await fetch(base, f"/reports/{pothole}")
        assert status == 200 and "A pothole by the entrance" in body.decode()
        assert "Огромная яма" not in body.decode()

        # the card's button does the same, and the card then offers the other one
        card = await emulator.wait_for_message(staff_group, predicate=is_card(lamp))
        await emulator.wait_for_callback_answer(
            emulator.click_button(official, card, "🙈 Скрыть с сайта"))
        assert (await fetch(base, f"/reports/{lamp}"))[0] == 404
        hidden = await emulator.wait_for_edit(card, contains="Скрыто с публичного сайта")
        emulator.click_button(official, hidden, "👁 Показать на сайте")
        assert "Скрыто" not in (await emulator.wait_for_edit(hidden))["text"]
        assert (await fetch(base, f"/reports/{lamp}"))[0] == 200

        # a resident who is not staff cannot hide anything
        emulator.send_text(bart, f"/hide {lamp}")
        await emulator.wait_for_message(bart)
        assert (await fetch(base, f"/reports/{lamp}"))[0] == 200


async def test_deep_link_shows_the_report_and_follows_it(emulator, sqlite_url, city_config,
                                                         staff_group) -> None:
    anna = emulator.add_user("Anna", language_code="en")
    boris = emulator.add_user("Boris", language_code="ru")
    async with running_bot(api_url=emulator.url, token=emulator.token, database_url=sqlite_url,
                           config=city_config, staff_chat_id=staff_group.id):
        number = await file_report(emulator, anna, "Broken bench in the park, mail me a@b.cd")
        emulator.send_text(boris, f"/start report_{number}")
        shown = await emulator.wait_for_message(boris, contains=f"#{number}")
        assert "Broken bench" in shown["text"] and "a@b.cd" not in shown["text"]
        data = shown["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        answer = await emulator.wait_for_callback_answer(emulator.click(boris, shown, data))
        assert f"#{number}" in answer["text"]
        again = await emulator.wait_for_callback_answer(emulator.click(boris, shown, data))
        assert again["text"] != answer["text"]
        emulator.send_text(boris, "/start report_99999")
        assert "99999" in (await emulator.wait_for_message(boris))["text"]
