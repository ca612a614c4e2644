"""CityBot as an Open311 client: a department's reports go to its own system (a strict local
Open311 server, then a second CityBot), and that system's status changes come back to the
residents."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import aiohttp
import pytest
from sqlmodel import select
from staff.conftest import card_of, current, file_report

from citybot.config import CityConfig
from citybot.jobs import pull_open311_statuses
from citybot.services.pacing import Pacer
from citybot.storage.models import OutboxMessage, Report
from citybot.testing import running_bot

from .conftest import new_key
from .strict_server import StrictOpen311


def with_system(config: CityConfig, department: str, **endpoint: object) -> CityConfig:
    data = config.model_dump()
    for item in data["departments"]:
        if item["id"] == department:
            item["open311"] = endpoint
    return CityConfig.model_validate(data)


@pytest.fixture
async def crm() -> AsyncIterator[StrictOpen311]:
    async with StrictOpen311().serving() as server:
        yield server


@pytest.fixture
async def bot_with_crm(emulator, sqlite_url, city_config, staff_group, crm) -> AsyncIterator:
    config = with_system(city_config, "roads", endpoint=crm.url, api_key=crm.api_key,
                         jurisdiction_id=crm.jurisdiction_id, name="City CRM",
                         service_codes={"roads": "POTHOLE", "snow": "SNOWPLOW"})
    async with running_bot(api_url=emulator.url, token=emulator.token, database_url=sqlite_url,
                           config=config) as running:
        running.courier.pacer = Pacer(per_chat_interval=0.05, per_group_per_minute=10_000)
        yield running


async def until(check, timeout: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not check():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def forward_row(runtime, number: int) -> OutboxMessage:
    async with runtime.sessions() as session:
        return (await session.exec(select(OutboxMessage).where(
            OutboxMessage.report_id == number, OutboxMessage.kind == "open311_forward"))).one()


async def retry_now(runtime, number: int) -> None:
    """The courier's backoff, skipped."""
    from citybot.storage.models import utcnow

    async with runtime.sessions() as session:
        row = (await session.exec(select(OutboxMessage).where(
            OutboxMessage.report_id == number, OutboxMessage.kind == "open311_forward"))).one()
        row.next_attempt_at = utcnow()
        session.add(row)
        await session.commit()
    runtime.wake_courier()


async def test_a_report_reaches_the_city_system_once_and_its_closing_reaches_the_resident(
        emulator, bot_with_crm, staff_group, crm) -> None:
    anna = emulator.add_user("Anna", last_name="Kuznetsova", username="anna_k",
                             language_code="en")
    number = await file_report(emulator, anna, "Pothole as deep as a bucket near number 12")
    card = await card_of(emulator, staff_group, number)
    await until(lambda: len(crm.received) == 1)
    sent = crm.received[0]
    assert sent["service_code"] == "POTHOLE" and sent["jurisdiction_id"] == crm.jurisdiction_id
    assert float(sent["lat"]) == pytest.approx(56.8961) and f"#{number}" in sent["description"]
    assert not {"first_name", "last_name", "email", "phone"} & set(sent)
    assert "Anna" not in json.dumps(sent) and "anna_k" not in json.dumps(sent)
    await until(lambda: "City CRM: SR-1001" in current(emulator, card)["text"])

    # the city's system closes it: the resident hears, as when an official presses Resolve
    crm.close("SR-1001", "Pothole filled with asphalt")
    assert await pull_open311_statuses(bot_with_crm.runtime) == 1
    told = await emulator.wait_for_message(anna, contains="Pothole filled with asphalt")
    assert f"#{number}" in told["text"]
    await until(lambda: "Pothole filled" in current(emulator, card)["text"])
    async with bot_with_crm.runtime.sessions() as session:
        report = await session.get(Report, number)
    assert report.status == "resolved" and report.external_id == "SR-1001"
    assert await pull_open311_statuses(bot_with_crm.runtime) == 0  # closed: not asked again

    # never twice: the delivery run again finds the report sent
    await retry_now(bot_with_crm.runtime, number)
    await asyncio.sleep(0.5)
    assert len(crm.received) == 1


async def test_failures_are_retried_and_told_in_one_line(emulator, bot_with_crm, staff_group,
                                                        crm) -> None:
    anna = emulator.add_user("Anna", language_code="en")
    crm.fail_next = [503]
    number = await file_report(emulator, anna, "Broken kerb stones along the pavement")
    # (the staff group speaks the city's language: Russian)
    notice = await emulator.wait_for_message(staff_group, contains="HTTP 503")
    assert notice["text"].count("\n") == 0 and "Traceback" not in notice["text"]
    assert notice["text"].startswith(f"⚠️ #{number}") and "City CRM" in notice["text"]
    await until(lambda: len(crm.received) == 2 and crm.requests)  # retried after a second
    await until(lambda: "SR-1001" in current(
        emulator, emulator.messages(staff_group)[0])["text"])
    for _ in range(100):  # the courier records the delivery just after the system's answer
        if (await forward_row(bot_with_crm.runtime, number)).attempts == 2:
            break
        await asyncio.sleep(0.05)
    assert (await forward_row(bot_with_crm.runtime, number)).attempts == 2
    assert len(crm.requests) == 1  # one request in the city's system

    # refused for good (a wrong key): said once, not retried
    crm.api_key = "rotated"
    other = await file_report(emulator, anna, "Another pothole, by the bakery door",
                              point=(56.9030, 39.6060))
    notice = await emulator.wait_for_message(staff_group, contains="HTTP 403")
    assert notice["text"].startswith(f"⛔ #{other}")
    assert (await forward_row(bot_with_crm.runtime, other)).state == "failed"


async def test_a_token_is_resolved_by_the_status_job(emulator, bot_with_crm, crm) -> None:
    crm.give_tokens = True
    anna = emulator.add_user("Anna", language_code="en")
    number = await file_report(emulator, anna, "Road sign knocked down at the crossing")
    await until(lambda: crm.tokens)
    await asyncio.sleep(0.3)
    assert await pull_open311_statuses(bot_with_crm.runtime) == 0  # not made yet
    crm.release_tokens()
    crm.close(crm.tokens["tok-1"])
    assert await pull_open311_statuses(bot_with_crm.runtime) == 1
    async with bot_with_crm.runtime.sessions() as session:
        report = await session.get(Report, number)
    assert (report.external_id, report.external_token, report.status) == \
        ("SR-1001", "tok-1", "resolved")
    await emulator.wait_for_message(anna, contains="City CRM")


async def test_two_cities_federated(emulator, sqlite_url, tmp_path, city_config,
                                    staff_group) -> None:
    """City A's roads department is City B's CityBot: A's report becomes a card in B's staff
    group, B's official resolves it, A's resident is told."""
    from citybot.emulator import TelegramEmulator
    from citybot.services import workflow

    async with TelegramEmulator(port=0) as emulator_b:
        official_b = emulator_b.add_user("Boris")
        group_b = emulator_b.add_group("City B staff", [official_b], is_forum=True,
                                       id=city_config.staff.chat_id)
        async with running_bot(api_url=emulator_b.url, token=emulator_b.token,
                               database_url=f"sqlite:///{tmp_path / 'b.db'}",
                               config=city_config, web_listen="127.0.0.1:0") as city_b:
            key = await new_key(city_b.runtime, "city-a")
            config_a = with_system(city_config, "roads",
                                   endpoint=f"http://127.0.0.1:{city_b.web_port}/open311/v2",
                                   api_key=key, name="City B")
            async with running_bot(api_url=emulator.url, token=emulator.token,
                                   database_url=sqlite_url, config=config_a) as city_a:
                anna = emulator.add_user("Anna", username="anna_a", language_code="en")
                number = await file_report(emulator, anna, "Collapsed drain cover on the road")
                card = await card_of(emulator, staff_group, number)
                await until(lambda: "City B: 1" in current(emulator, card)["text"])
                async with city_a.runtime.sessions() as session:
                    external = (await session.get(Report, number)).external_id
                assert external == "1"  # City B's own report #1
                card_b = await card_of(emulator_b, group_b, int(external))
                assert "open311/city-a" in card_b["text"] and "anna" not in str(card_b).lower()
                async with city_b.runtime.sessions() as session:
                    report_b = await session.get(Report, int(external))
                    await workflow.move(session=session, report=report_b, action="resolve",
                                        actor=workflow.Actor(kind="staff", name="Boris",
                                                             telegram_id=official_b.id),
                                        note="New cover fitted")
                    await session.commit()
                assert await pull_open311_statuses(city_a.runtime) == 1
                told = await emulator.wait_for_message(anna, contains="New cover fitted")
                assert f"#{number}" in told["text"]
            async with aiohttp.ClientSession() as http, http.get(
                    f"http://127.0.0.1:{city_b.web_port}/open311/v2/requests/{external}.json"
            ) as response:
                assert "Boris" not in await response.text()
