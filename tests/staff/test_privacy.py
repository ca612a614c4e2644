"""Residents own their data: the notice, a copy of everything, erasure — through the emulator, in
English and Russian, on SQLite and PostgreSQL (with Redis when REDIS_URL is set)."""

from __future__ import annotations

import asyncio
import json
import os
from typing import Any

import pytest
from sqlalchemy import event, inspect, text
from sqlalchemy.exc import OperationalError
from sqlmodel import select

from citybot.dialogs.callbacks import PrivacyAction
from citybot.services.pacing import Pacer
from citybot.storage.models import (
    ConversationState,
    Follower,
    Report,
    ReportEvent,
    ReportPhoto,
    Resident,
    Subscription,
)
from citybot.testing import button_texts, count_rows, running_bot

from .conftest import card_of, card_recorded, file_report

WORDING = {  # what the resident reads, by language
    "en": {"forget": "🗑 Yes, erase everything", "done": "erased everything",
           "controller": "Lipovsk City Administration", "queued": "copy of everything",
           "privacy": "🔒 Privacy", "kept": "nothing was erased"},
    "ru": {"forget": "🗑 Да, удалить всё", "done": "удалил всё",
           "controller": "Администрация города Липовска", "queued": "копию всего",
           "privacy": "🔒 Приватность", "kept": "ничего не удалено"},
}
ERASED_CARD = {"ru": "Житель удалил свои данные", "en": "The resident has erased their data"}


def says_erased(message: dict) -> bool:
    """The refusal of a reply to them, in the staff group's language."""
    return any(words in message.get("text", "") for words in ("erased their data",
                                                               "удалил свои данные"))


@pytest.fixture
def redis_url() -> str | None:
    return os.environ.get("REDIS_URL")


async def start_bot(emulator, database_url, config, redis_url=None):
    running = running_bot(api_url=emulator.url, token=emulator.token, database_url=database_url,
                          config=config, redis_url=redis_url)
    bot = await running.__aenter__()
    bot.courier.pacer = Pacer(per_chat_interval=0.05, per_group_per_minute=10_000)
    return running, bot


# ---- searching everything held ----------------------------------------------------------------

async def database_mentions(runtime, *needles: str) -> list[str]:
    """Every cell of every table (whatever its type), read as text, that holds a needle."""
    found = []
    async with runtime.engine.connect() as connection:
        tables = await connection.run_sync(lambda c: inspect(c).get_table_names())
        for table in tables:
            rows = (await connection.execute(text(f'SELECT * FROM "{table}"'))).mappings().all()
            for row in rows:
                for column, value in row.items():
                    shown = json.dumps(value, ensure_ascii=False, default=str) \
                        if isinstance(value, dict | list) else str(value)
                    found += [f"{table}.{column}: {shown[:120]}" for needle in needles
                              if needle in shown]
    return found


async def redis_mentions(redis_url: str | None, *needles: str) -> list[str]:
    """Every Redis key, and every value, that holds a needle."""
    if not redis_url:
        return []
    from redis.asyncio import Redis

    client = Redis.from_url(redis_url)
    found = []
    try:
        async for key in client.scan_iter(count=1000):
            kind = (await client.type(key)).decode()
            if kind == "string":
                values = [await client.get(key)]
            elif kind == "hash":
                values = [*(await client.hgetall(key)).values()]
            elif kind == "zset":
                values = await client.zrange(key, 0, -1)
            else:
                values = []
            blob = b" ".join([key, *(v or b"" for v in values)]).decode(errors="replace")
            found += [f"{key!r}" for needle in needles if needle in blob]
    finally:
        await client.aclose()
    return found


# ---- a resident with a bit of everything ------------------------------------------------------

async def busy_resident(emulator, group, official, person, language: str,
                        runtime) -> dict[str, Any]:
    """A report answered by an official (and answered back), a subscription, a conversation with
    a person, another report they follow, a draft in progress."""
    number = await file_report(emulator, person, "Huge pothole outside number 12")
    card = await card_of(emulator, group, number)
    await card_recorded(runtime, number)
    emulator.send_text(official, "Is it on the road or the pavement?", chat=group, reply_to=card)
    relayed = await emulator.wait_for_message(person, contains="pavement", timeout=15)
    emulator.send_text(person, "On the road, near the school", reply_to=relayed)
    in_thread = await emulator.wait_for_message(group, contains="near the school", timeout=15)
    await emulator.wait_for_message(person)  # passed to the staff
    emulator.send_text(person, "/subscribe")
    await emulator.wait_for_message(person)
    emulator.send_text(person, "/human")
    await emulator.wait_for_message(person)
    emulator.send_text(person, "Where do I take an old sofa?")
    sofa = await emulator.wait_for_message(group, contains="old sofa", timeout=15)
    emulator.send_text(person, "/report")  # left at the category picker: a draft, a state
    await emulator.wait_for_message(person)
    return {"number": number, "card": card, "relayed": relayed, "in_thread": in_thread,
            "helpdesk": sofa}


async def erase(emulator, person, language: str) -> None:
    emulator.send_text(person, "/forget")
    confirm = await emulator.wait_for_message(person)
    assert button_texts(confirm)[0] == WORDING[language]["forget"]
    emulator.click_button(person, confirm, WORDING[language]["forget"])
    for _ in range(200):
        if WORDING[language]["done"] in emulator.message(confirm)[1].get("text", ""):
            return
        await asyncio.sleep(0.025)
    raise AssertionError(f"not erased: {emulator.message(confirm)[1].get('text')}")


@pytest.mark.parametrize(("language", "backend", "public"), [
    ("en", "sqlite", True), ("ru", "postgres", False),
])
async def test_forget_erases_everything_and_the_report_stays_unlinked(
        emulator, staff_group, official, city_config, request, redis_url, monkeypatch,
        language, backend, public) -> None:
    database_url = request.getfixturevalue(f"{backend}_url")
    running, citybot = await start_bot(emulator, database_url, city_config,
                                       redis_url if backend == "postgres" else None)
    try:
        runtime = citybot.runtime
        name = {"en": "Zoltana", "ru": "Ярослава"}[language]
        person = emulator.add_user(name, language_code=language, id=8_123_456_789,
                                   username="zz_private_handle")
        needles = (str(person.id), name, "zz_private_handle")
        other = emulator.add_user("Boris", language_code="en")
        desk = await busy_resident(emulator, staff_group, official, person, language, runtime)
        number = desk["number"]
        theirs = await file_report(emulator, other, "Street light is dark all night",
                                   category="lighting")
        async with runtime.sessions() as session:  # they follow Boris's report; a photo on theirs
            resident = (await session.exec(select(Resident).where(
                Resident.telegram_id == person.id))).one()
            session.add(Follower(report_id=theirs, resident_id=resident.id))
            session.add(ReportPhoto(report_id=number, file_id="AgACphoto-of-the-pothole"))
            await session.commit()
        assert await database_mentions(runtime, *needles)  # the searches find them before
        redis_used = redis_url if backend == "postgres" else None
        assert bool(await redis_mentions(redis_used, str(person.id))) == bool(redis_used)
        monkeypatch.setattr("citybot.services.privacy.is_public", lambda report: public)

        await erase(emulator, person, language)

        assert await database_mentions(runtime, *needles) == []
        assert await redis_mentions(redis_used, str(person.id), name) == []
        async with runtime.sessions() as session:
            report = await session.get(Report, number)
            assert report is not None and report.reporter_id is None  # kept for the city
            assert report.description == "Huge pothole outside number 12"
            relayed = (await session.exec(select(ReportEvent).where(
                ReportEvent.report_id == number,
                ReportEvent.kind.in_(("staff_reply", "resident_reply"))))).all()
            assert relayed == []
            assert await session.get(Report, theirs) is not None  # Boris's report is untouched
        assert await count_rows(runtime, ReportPhoto, ReportPhoto.report_id == number) == \
            (1 if public else 0)
        assert await count_rows(runtime, Resident) == 1  # Boris
        assert await count_rows(runtime, Subscription) == 0
        assert await count_rows(runtime, ConversationState,
                                ConversationState.key.contains(str(person.id))) == 0
        # the card says so, and a reply on it is refused politely
        for _ in range(200):
            shown = emulator.message(desk["card"])[1]["text"]
            if ERASED_CARD["ru"] in shown or ERASED_CARD["en"] in shown:
                break
            await asyncio.sleep(0.025)
        else:
            raise AssertionError(f"card not re-drawn: {shown}")
        seen = len(emulator.messages(person))
        emulator.send_text(official, "Still there?", chat=staff_group, reply_to=desk["card"])
        refusal = await emulator.wait_for_message(staff_group, predicate=says_erased)
        assert f"#{number}" in refusal["text"]
        emulator.send_text(official, f"/report {number}", chat=staff_group)
        history = await emulator.wait_for_message(staff_group, contains=f"#{number}")
        assert ERASED_CARD["ru"] in history["text"] or ERASED_CARD["en"] in history["text"]
        assert "near the school" not in history["text"]  # their messages went with them
        for their_message in (desk["in_thread"], desk["helpdesk"]):
            emulator.send_text(official, "Hello?", chat=staff_group, reply_to=their_message)
            await emulator.wait_for_message(staff_group, predicate=says_erased)
        await emulator.assert_no_message(person, within=0.3)
        assert len(emulator.messages(person)) == seen

        # the confirm button pressed again: answered, nothing else happens
        confirm = next(m for m in emulator.messages(person)
                       if WORDING[language]["done"] in m.get("text", ""))
        seen = len(emulator.messages(person))
        await emulator.wait_for_callback_answer(emulator.click(
            person, confirm, PrivacyAction(action="erase").pack()))
        await emulator.assert_no_message(person, within=0.3)
        assert len(emulator.messages(person)) == seen
        assert await database_mentions(runtime, *needles) == []

        # a returning resident starts as new, and may erase again
        emulator.send_text(person, "/start")
        again = await emulator.wait_for_message(person)
        assert "/privacy" in again["text"]
        await erase(emulator, person, language)
        assert await database_mentions(runtime, *needles) == []
    finally:
        await running.__aexit__(None, None, None)


async def dump(runtime) -> dict[str, list]:
    """Every row of every table, as text."""
    tables: dict[str, list] = {}
    async with runtime.engine.connect() as connection:
        names = await connection.run_sync(lambda c: inspect(c).get_table_names())
        for table in names:
            rows = (await connection.execute(text(f'SELECT * FROM "{table}"'))).all()
            tables[table] = sorted(repr(tuple(row)) for row in rows)
    return tables


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
async def test_an_outage_in_the_middle_of_an_erasure_leaves_everything_as_before(
        emulator, staff_group, official, city_config, request, backend) -> None:
    running, citybot = await start_bot(emulator, request.getfixturevalue(f"{backend}_url"),
                                       city_config)
    try:
        runtime = citybot.runtime
        person = emulator.add_user("Zoltana", language_code="en", id=8_123_456_780)
        await busy_resident(emulator, staff_group, official, person, "en", runtime)
        emulator.send_text(person, "/forget")
        confirm = await emulator.wait_for_message(person)
        before = await dump(runtime)

        def outage(conn, cursor, statement, parameters, context, executemany) -> None:
            if statement.lstrip().upper().startswith("DELETE FROM SUBSCRIPTIONS"):
                raise OperationalError(statement, parameters, Exception("server closed"))

        event.listen(runtime.engine.sync_engine, "before_cursor_execute", outage)
        try:
            emulator.click_button(person, confirm, WORDING["en"]["forget"])
            await asyncio.sleep(1.0)  # tried, and failed midway (retried too, maybe)
            assert await dump(runtime) == before
            assert WORDING["en"]["done"] not in emulator.message(confirm)[1]["text"]
        finally:
            event.remove(runtime.engine.sync_engine, "before_cursor_execute", outage)
        await erase(emulator, person, "en")  # the database is back: the resident tries again
        assert await database_mentions(runtime, str(person.id), "Zoltana") == []
    finally:
        await running.__aexit__(None, None, None)


@pytest.mark.parametrize(("backend", "language"), [("sqlite", "ru"), ("postgres", "en")])
async def test_forget_while_an_official_replies_at_the_same_moment(
        emulator, staff_group, official, city_config, request, backend, language) -> None:
    """Either the reply comes first (and is erased with the rest) or the erasure does (and the
    reply is refused): never a reply kept, or sent, after the erasure."""
    running, citybot = await start_bot(emulator, request.getfixturevalue(f"{backend}_url"),
                                       city_config)
    try:
        runtime = citybot.runtime
        for round_ in range(3):
            person = emulator.add_user("Zoltana", language_code=language,
                                       id=8_123_456_700 + round_)
            number = await file_report(emulator, person, "Something is wrong right here",
                                       category=("roads", "lighting", "waste")[round_])
            card = await card_of(emulator, staff_group, number)
            await card_recorded(runtime, number)
            emulator.send_text(person, "/forget")
            confirm = await emulator.wait_for_message(person)
            emulator.send_text(official, f"Crew {round_} is on its way", chat=staff_group,
                               reply_to=card)
            emulator.click_button(person, confirm, WORDING[language]["forget"])
            for _ in range(200):
                if WORDING[language]["done"] in emulator.message(confirm)[1].get("text", ""):
                    break
                await asyncio.sleep(0.025)
            await asyncio.sleep(0.3)  # the reply is handled too, whichever came first
            assert await database_mentions(runtime, str(person.id), "Zoltana",
                                           f"Crew {round_}") == []
            got = [m for m in emulator.messages(person) if f"Crew {round_}" in m.get("text", "")]
            refused = [m for m in emulator.messages(staff_group) if m.get(
                "reply_to_message", {}).get("text") == f"Crew {round_} is on its way"]
            assert len(got) + len(refused) <= 1, (got, refused)
            assert await count_rows(runtime, Report, Report.id == number,
                                    Report.reporter_id.is_(None)) == 1
    finally:
        await running.__aexit__(None, None, None)


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_privacy_notice_and_a_copy_of_everything(
        emulator, citybot, staff_group, official, language) -> None:
    """/privacy and the menu's Privacy button show the city's terms; /mydata sends a JSON file
    and a readable one with everything — here thousands of events, inserted with SQL."""
    runtime = citybot.runtime
    person = emulator.add_user("Zoltana", language_code=language, id=8_123_456_790)
    desk = await busy_resident(emulator, staff_group, official, person, language, runtime)
    emulator.send_text(person, "/privacy")
    notice = await emulator.wait_for_message(person)
    assert WORDING[language]["controller"] in notice["text"]
    assert "privacy@lipovsk.example" in notice["text"] and "180" in notice["text"]
    emulator.send_text(person, WORDING[language]["privacy"])
    assert (await emulator.wait_for_message(person))["text"] == notice["text"]

    async with runtime.engine.begin() as connection:  # a long life of relayed messages
        await connection.execute(text(
            "INSERT INTO report_events (report_id, kind, note, actor_kind, actor_telegram_id,"
            " created_at) VALUES (:report, 'resident_reply', :note, 'resident', :who, :at)"),
            [{"report": desk["number"], "note": f"message number {i}", "who": person.id,
              "at": "2026-01-01 00:00:00"} for i in range(3000)])
    emulator.send_text(person, "/mydata")
    assert WORDING[language]["queued"] in (await emulator.wait_for_message(person))["text"]
    first = await emulator.wait_for_message(person, timeout=20,
                                            predicate=lambda m: "document" in m)
    second = await emulator.wait_for_message(person, predicate=lambda m: "document" in m)
    assert first["media_group_id"] == second["media_group_id"]
    copy = json.loads(emulator.files[first["document"]["file_id"]].data)
    readable = emulator.files[second["document"]["file_id"]].data.decode()
    assert copy["profile"]["telegram_id"] == person.id
    assert copy["profile"]["first_name"] == "Zoltana"
    filed = next(r for r in copy["reports"] if r["number"] == desk["number"])
    notes = [e["text"] for e in filed["history"]]
    assert "Is it on the road or the pavement?" in notes  # from the official
    assert "On the road, near the school" in notes  # theirs
    assert sum(1 for n in notes if (n or "").startswith("message number")) == 3000
    assert copy["subscription"]["active"] is True
    assert copy["conversations_with_a_person"][0]["messages"][0]["text"] == \
        "Where do I take an old sofa?"
    assert copy["draft"] is not None
    assert "message number 2999" in readable and "Where do I take an old sofa?" in readable
    assert {"en": "Everything CityBot keeps", "ru": "Всё, что CityBot хранит"}[language] \
        in readable


async def test_forget_can_be_called_off(emulator, citybot) -> None:
    person = emulator.add_user("Zoltana", language_code="ru")
    emulator.send_text(person, "/subscribe")
    await emulator.wait_for_message(person)
    emulator.send_text(person, "/forget")
    confirm = await emulator.wait_for_message(person)
    emulator.click_button(person, confirm, button_texts(confirm)[1])
    for _ in range(200):
        if WORDING["ru"]["kept"] in emulator.message(confirm)[1]["text"]:
            break
        await asyncio.sleep(0.025)
    else:
        raise AssertionError("not called off")
    assert await count_rows(citybot.runtime, Subscription) == 1
    assert await count_rows(citybot.runtime, Resident) == 1


async def test_logs_at_info_hold_no_texts_and_no_names(
        emulator, citybot, staff_group, official, caplog) -> None:
    """A whole report, a staff reply and the resident's answer, /mydata and /forget, logged at
    INFO: no message text and no name (ids are fine)."""
    import logging

    caplog.set_level(logging.INFO)
    person = emulator.add_user("Zoltana", language_code="en", username="zz_private_handle")
    desk = await busy_resident(emulator, staff_group, official, person, "en", citybot.runtime)
    emulator.send_text(person, "/mydata")
    await emulator.wait_for_message(person)  # on its way
    await emulator.wait_for_message(person, timeout=10, predicate=lambda m: "document" in m)
    await emulator.wait_for_message(person, predicate=lambda m: "document" in m)
    await erase(emulator, person, "en")
    emulator.send_text(official, "Anyone there?", chat=staff_group, reply_to=desk["card"])
    await emulator.wait_for_message(staff_group, predicate=says_erased)
    logged = "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    assert "resident erased" in logged  # the log was captured
    for secret in ("Zoltana", "zz_private_handle", "Olga", "olga_city", "Huge pothole",
                   "pavement", "near the school", "old sofa", "Anyone there"):
        assert secret not in logged, secret


async def test_forget_takes_the_proposals_they_wrote_with_others_supports(
        emulator, citybot) -> None:
    """A table that refers to residents without room for none (a proposal's author) loses the
    resident's rows, and the rows that hang on those (others' supports): no foreign key stops
    the erasure."""
    from citybot.storage.models import Proposal, ProposalSupport

    runtime = citybot.runtime
    person = emulator.add_user("Zoltana", language_code="en", id=8_123_456_791)
    other = emulator.add_user("Boris", language_code="en")
    for user in (person, other):
        emulator.send_text(user, "/help")
        await emulator.wait_for_message(user)
    async with runtime.sessions() as session:
        author, supporter = (await session.exec(select(Resident).order_by(Resident.id))).all()
        idea = Proposal(key="k1", author_id=author.id, title="More benches",
                        description="Benches on Sadovaya", district="central")
        session.add(idea)
        await session.flush()
        session.add(ProposalSupport(proposal_id=idea.id, resident_id=supporter.id))
        await session.commit()
    await erase(emulator, person, "en")
    assert await database_mentions(runtime, str(person.id), "Zoltana") == []
    assert await count_rows(runtime, Proposal) == 0
    assert await count_rows(runtime, Resident) == 1  # Boris
