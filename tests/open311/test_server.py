"""CityBot's Open311 GeoReport v2 server, over real HTTP, beside the bot and the emulator."""

from __future__ import annotations

import json
from xml.etree import ElementTree

import pytest
from sqlmodel import select
from staff.conftest import card_of, file_report, reply_in_group

from citybot.services import workflow
from citybot.storage.models import Report
from citybot.testing import count_rows

from .conftest import new_key

SADOVAYA_12 = (56.8961, 39.5840)
ELSEWHERE = (56.9030, 39.6060)  # in the city, far from Sadovaya


async def get(http, url: str, **params) -> tuple[int, str, str]:
    async with http.get(url, params=params) as response:
        return response.status, response.content_type, await response.text()


async def post(http, url: str, data: dict) -> tuple[int, str, str]:
    async with http.post(url, data=data) as response:
        return response.status, response.content_type, await response.text()


def spec_error(fmt: str, body: str) -> tuple[int, str]:
    """(code, description) of the spec's error document; fails if it is not one."""
    if fmt == "json":
        [item] = json.loads(body)
        assert set(item) == {"code", "description"}
        return item["code"], item["description"]
    root = ElementTree.fromstring(body)
    assert root.tag == "errors" and [child.tag for child in root] == ["error"]
    return int(root.findtext("error/code")), root.findtext("error/description")


@pytest.mark.parametrize("database_url", ["sqlite", "postgres"], indirect=True)
async def test_a_request_is_filed_routed_carded_and_read_back_without_personal_data(
        emulator, web_bot, staff_group, official, http, api, api_key) -> None:
    # named residents report through the bot
    maria = emulator.add_user("Maria", last_name="Ivanova", username="maria_iv",
                              language_code="en", id=7_391_204_555)
    pyotr = emulator.add_user("Пётр", last_name="Смирнов", username="petya_smirnov",
                              language_code="ru", id=8_402_315_666)
    first = await file_report(emulator, maria, "Deep pothole in front of the school gate")
    second = await file_report(emulator, pyotr, "Не горит фонарь у дома уже неделю",
                               category="lighting", point=ELSEWHERE)

    # a city system files one over the API: the same routing, SLA and queue as the bot
    status, content_type, body = await post(http, f"{api}/requests.json", {
        "api_key": api_key, "service_code": "graffiti", "lat": "56.9001", "long": "39.6002",
        "description": "Graffiti on the bus stop shelter", "first_name": "Secret",
        "email": "secret@example.org", "media_url": "https://example.org/p/1.jpg"})
    assert (status, content_type) == (200, "application/json"), body
    [created] = json.loads(body)
    number = int(created["service_request_id"])
    assert created["token"]
    card = await card_of(emulator, staff_group, number)
    assert "open311/city-crm" in card["text"] and "example.org/p/1.jpg" in str(card)
    async with web_bot.runtime.sessions() as session:
        report = await session.get(Report, number)
    assert report.reporter_id is None and report.source == "open311/city-crm"
    assert report.department == web_bot.runtime.config.department_for("graffiti",
                                                                      report.district).id
    assert report.due_at is not None and report.district is not None
    assert card.get("message_thread_id") is not None  # the department's topic
    assert "Secret" not in str(card) and "secret@" not in str(card)
    # an official replying to its card is told there is no resident to write to
    await reply_in_group(emulator, official, staff_group, card, "When did you see it?")
    answer = await emulator.wait_for_message(staff_group, contains="open311/city-crm")
    assert f"#{number}" in answer["text"]

    _, _, body = await get(http, f"{api}/requests.json")  # answers kept as rendered now
    assert {item["status"] for item in json.loads(body)} == {"open"}
    # an official resolves Maria's report with a public note
    async with web_bot.runtime.sessions() as session:
        report = await session.get(Report, first)
        await workflow.move(session=session, report=report, action="resolve",
                            actor=workflow.Actor(kind="staff", telegram_id=official.id,
                                                 name=official.first_name),
                            note="Patched with cold asphalt")
        await session.commit()

    # every answer, JSON and XML, is searched for the residents' names, usernames and ids
    bodies = []
    for fmt in ("json", "xml"):
        for path, params in [
            ("discovery", {}), ("services", {}), ("services", {"locale": "ru"}),
            ("services/roads", {}), ("requests", {}), ("requests", {"status": "closed"}),
            ("requests", {"service_request_id": f"{first},{second},{number}"}),
            (f"requests/{first}", {}), (f"requests/{second}", {}),
            (f"tokens/{created['token']}", {}),
        ]:
            status, content_type, body = await get(http, f"{api}/{path}.{fmt}", **params)
            assert status == 200, (path, body)
            assert content_type == ("application/json" if fmt == "json" else "text/xml")
            bodies.append(body)
    for body in bodies:
        for secret in ("Maria", "Ivanova", "maria_iv", "7391204555", "Пётр", "Смирнов",
                       "petya_smirnov", "8402315666", "Olga", "olga_city", str(official.id),
                       "Secret", "secret@example.org"):
            assert secret not in body

    _, _, body = await get(http, f"{api}/requests.json")
    found = {int(item["service_request_id"]): item for item in json.loads(body)}
    assert set(found) == {first, second, number}
    assert found[first]["status"] == "closed"
    assert found[first]["status_notes"] == "Patched with cold asphalt"
    assert found[second]["status"] == "open" and found[second]["status_notes"] is None
    assert found[number]["media_url"] == "https://example.org/p/1.jpg"
    assert found[second]["agency_responsible"] == "Street Lighting Service"
    assert found[first]["lat"] == SADOVAYA_12[0] and found[first]["expected_datetime"]
    _, _, body = await get(http, f"{api}/requests.json", status="open", service_code="lighting")
    assert [item["service_request_id"] for item in json.loads(body)] == [str(second)]
    _, _, body = await get(http, f"{api}/services.json", locale="ru")
    names = {item["service_code"]: item["service_name"] for item in json.loads(body)}
    assert names["lighting"] == web_bot.runtime.config.category("lighting").name.ru
    _, _, body = await get(http, f"{api}/requests/{first}.xml")
    root = ElementTree.fromstring(body)
    assert root.tag == "service_requests"
    assert root.findtext("request/status_notes") == "Patched with cold asphalt"


async def test_every_bad_input_gets_the_spec_error_and_changes_nothing(
        web_bot, http, api, api_key) -> None:
    good = {"api_key": api_key, "service_code": "roads", "lat": "56.9001", "long": "39.6002",
            "description": "A pothole on the corner"}
    cases = [
        ({**good, "api_key": ""}, 400, "api_key"),
        ({**good, "api_key": "not-a-key"}, 403, "api_key"),
        ({**good, "service_code": "potholes"}, 400, "potholes"),
        ({**good, "service_code": ""}, 400, "service_code"),
        ({**good, "lat": "north"}, 400, "lat"),
        ({**good, "long": "nan"}, 400, "long"),
        ({**good, "lat": "55.7558", "long": "37.6173"}, 400, "outside"),
        ({key: value for key, value in good.items() if key not in ("lat", "long")}, 400,
         "location"),
        ({**good, "lat": "", "long": "", "address_string": "Nowhere Boulevard 99999"}, 400,
         "Nowhere"),
        ({**good, "description": "!!!"}, 400, "description"),
        ({**good, "media_url": "javascript:alert(1)"}, 400, "media_url"),
        ({**good, "description": "x" * 70_000}, 413, "large"),
    ]
    for fmt in ("json", "xml"):
        for data, status, words in cases:
            got, _, body = await post(http, f"{api}/requests.{fmt}", data)
            assert got == status, (data.get("description", "")[:20], body)
            code, description = spec_error(fmt, body)
            assert code == status and words.lower() in description.lower(), description
    for path, params, status in [
        ("services/potholes", {}, 404), ("requests/99999", {}, 404),
        ("requests/abc", {}, 404), ("tokens/nope", {}, 404), ("nothing/here", {}, 404),
        ("requests", {"start_date": "yesterday"}, 400), ("requests", {"status": "lost"}, 400),
        ("requests", {"service_request_id": "1,x"}, 400),
        ("requests", {"service_code": "potholes"}, 400),
    ]:
        for fmt in ("json", "xml"):
            got, _, body = await get(http, f"{api}/{path}.{fmt}", **params)
            assert got == status, (path, params, body)
            assert spec_error(fmt, body)[0] == status
    async with http.put(f"{api}/requests.xml") as response:
        assert response.status == 405
        assert spec_error("xml", await response.text())[0] == 405
    assert await count_rows(web_bot.runtime, Report) == 0

    # text that XML cannot hold as it is comes back escaped, the document intact
    nasty = "Pothole </description><x> & \"quotes\" \x01\x1f ]]> 🕳"
    got, _, body = await post(http, f"{api}/requests.xml", {**good, "description": nasty})
    assert got == 200, body
    number = ElementTree.fromstring(body).findtext("request/service_request_id")
    _, _, body = await get(http, f"{api}/requests/{number}.xml")
    text = ElementTree.fromstring(body).findtext("request/description")
    assert text == nasty.replace("\x01", "\ufffd").replace("\x1f", "\ufffd")


async def test_duplicates_rate_limits_and_revoked_keys(web_bot, http, api, api_key) -> None:
    good = {"api_key": api_key, "service_code": "roads", "lat": "56.9001", "long": "39.6002",
            "description": "A pothole on the corner"}
    _, _, body = await post(http, f"{api}/requests.json", good)
    [first] = json.loads(body)
    # the same kind of problem a few metres away: the open request's id, nothing new
    _, _, body = await post(http, f"{api}/requests.json",
                            {**good, "lat": "56.90012", "description": "Pothole again here"})
    [again] = json.loads(body)
    assert again["service_request_id"] == first["service_request_id"]
    assert "token" not in again and "no new request" in again["service_notice"]
    assert await count_rows(web_bot.runtime, Report) == 1

    slow = await new_key(web_bot.runtime, "slow-client", per_minute=2)
    answers = []
    for index in range(3):
        got, _, body = await post(http, f"{api}/requests.json", {
            **good, "api_key": slow, "lat": f"{56.895 + index * 0.003:.4f}"})
        answers.append(got)
    assert answers == [200, 200, 429]
    assert "2" in spec_error("json", body)[1]

    async with web_bot.runtime.sessions() as session:
        from citybot.storage import apikeys

        assert await apikeys.revoke(session=session, name="city-crm")
        await session.commit()
        sources = (await session.exec(select(Report.source))).all()
    assert set(sources) == {"open311/city-crm", "open311/slow-client"}
    got, _, _ = await post(http, f"{api}/requests.json", {**good, "lat": "56.8990"})
    assert got == 403


async def test_hidden_reports_vanish_and_public_text_is_masked(web_bot, http, api,
                                                               api_key) -> None:
    """The public rules of services/public.py hold in the API as on the public site."""
    from citybot.services import public

    filed = []
    for index, text in enumerate(["Broken bench, call me at +7 (912) 345-67-89",
                                  "Overflowing bins, write to anna.k@example.org"]):
        _, _, body = await post(http, f"{api}/requests.json", {
            "api_key": api_key, "service_code": "waste", "lat": f"{56.895 + index * 0.004:.4f}",
            "long": "39.6002", "description": text})
        filed.append(int(json.loads(body)[0]["service_request_id"]))
    _, _, body = await get(http, f"{api}/requests.json")
    texts = {int(item["service_request_id"]): item["description"] for item in json.loads(body)}
    assert "345-67-89" not in texts[filed[0]] and "Broken bench" in texts[filed[0]]
    assert "anna.k@example.org" not in texts[filed[1]]

    official = workflow.Actor(kind="staff", telegram_id=1, name="Olga")
    async with web_bot.runtime.sessions() as session:
        await public.hide(session=session, report=await session.get(Report, filed[0]),
                          actor=official)
        await public.publish(session=session, report=await session.get(Report, filed[1]),
                             actor=official, text="Bins overflowing on the corner")
        await session.commit()
    for fmt in ("json", "xml"):
        _, _, body = await get(http, f"{api}/requests.{fmt}")
        assert "Broken bench" not in body and "Bins overflowing on the corner" in body
        got, _, body = await get(http, f"{api}/requests/{filed[0]}.{fmt}")
        assert got == 404 and spec_error(fmt, body)[0] == 404


@pytest.mark.parametrize("few", [0, 100])
async def test_kept_answers_are_the_fresh_ones(web_bot, http, api, api_key, monkeypatch,
                                               few) -> None:
    """Whether what is missing is read by the answer's filters (a window asked for the first
    time) or by id (a few changed since), the answer is what a fresh reading gives."""
    from citybot.web.open311 import api as server

    monkeypatch.setattr(server, "FEW", few)
    filed = []
    for index in range(3):
        _, _, body = await post(http, f"{api}/requests.json", {
            "api_key": api_key, "service_code": "roads", "lat": f"{56.890 + index * 0.004:.4f}",
            "long": "39.6002", "description": f"Pothole number {index}"})
        filed.append(int(json.loads(body)[0]["service_request_id"]))
    _, _, first = await get(http, f"{api}/requests.json")
    assert [int(item["service_request_id"]) for item in json.loads(first)] == filed[::-1]
    async with web_bot.runtime.sessions() as session:
        await workflow.move(session=session, report=await session.get(Report, filed[1]),
                            action="resolve", actor=workflow.Actor(kind="staff", telegram_id=1,
                                                                   name="Olga"),
                            note="Filled")
        await session.commit()
    _, _, again = await get(http, f"{api}/requests.json")
    web_bot.web_app[server.RENDERED].items.clear()  # nothing kept: everything read afresh
    _, _, fresh = await get(http, f"{api}/requests.json")
    assert again == fresh and json.loads(again)[1]["status_notes"] == "Filled"
    assert json.loads(again)[0] == json.loads(first)[0]
    # another question whose answer is kept already: the kept requests reused, the answer
    # still what a fresh reading gives
    _, _, open_ones = await get(http, f"{api}/requests.json?status=open")
    web_bot.web_app[server.RENDERED].items.clear()
    _, _, open_fresh = await get(http, f"{api}/requests.json?status=open")
    assert open_ones == open_fresh
    assert [int(item["service_request_id"]) for item in json.loads(open_ones)] == \
        [filed[2], filed[0]]
