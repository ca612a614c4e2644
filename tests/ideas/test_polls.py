"""City polls through the emulator: /poll with its preview and Send, a native poll to each
resident of the audience (in their language, once), answers counted once per resident (a change
replaces, a retraction removes, a re-sent update changes nothing), /poll N tallies, the close
(stopPoll, results to those who answered and to the staff topic with a chart), and
`citybot poll create --file` as a process."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import timedelta
from pathlib import Path

from sqlmodel import select

from citybot.dialogs.callbacks import PollAction
from citybot.services import polls
from citybot.storage.models import Poll, PollAnswer, PollMessage, Resident, Subscription, utcnow
from citybot.testing import count_rows

from .conftest import texts_of

ROOT = Path(__file__).resolve().parents[2]
POLL = """question: {en: Which should the city improve first?, ru: Что улучшить в первую очередь?}
options:
  - {en: Parks, ru: Парки}
  - {en: Roads, ru: Дороги}
audience: %s
closes: %s
"""


async def subscriber(runtime, user, *, districts=(), announcements: bool = True) -> Resident:
    async with runtime.sessions() as session:
        resident = Resident(telegram_id=user.id, first_name=user.first_name,
                            language=user.language_code, language_chosen=True)
        session.add(resident)
        await session.flush()
        session.add(Subscription(resident_id=resident.id, districts=sorted(districts),
                                 announcements=announcements))
        await session.commit()
    return resident


async def answers_of(runtime, poll_id: int) -> dict[int, list[int]]:
    async with runtime.sessions() as session:
        rows = (await session.exec(select(PollAnswer).where(PollAnswer.poll_id == poll_id))).all()
    return {row.user_id: row.option_ids for row in rows if row.option_ids}


async def until(check, timeout: float = 5.0) -> None:
    for _ in range(int(timeout / 0.02)):
        if await check():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("not reached in time")


def poll_in(emulator, user) -> dict:
    return next(m for m in emulator.messages(user) if "poll" in m)


async def test_a_poll_from_preview_to_results(emulator, citybot, staff_group, official) -> None:
    runtime = citybot.runtime
    anna = emulator.add_user("Anna", language_code="en")
    boris = emulator.add_user("Борис", language_code="ru")
    vera = emulator.add_user("Vera", language_code="en")
    await subscriber(runtime, anna, districts=["central"])
    await subscriber(runtime, boris)
    await subscriber(runtime, vera, announcements=False)
    en, ru = texts_of(citybot, "en"), texts_of(citybot, "ru")
    closes = (utcnow() + timedelta(hours=2)).isoformat()

    emulator.send_text(official, "/poll", chat=staff_group)  # how to write one
    assert "closes: 2026-12-31" in (await emulator.wait_for_message(staff_group))["text"]
    # a wrong poll is refused with the key path; nothing is created
    emulator.send_text(official, "/poll\nquestion: {en: Hi}\noptions: []\nclosed: tomorrow",
                       chat=staff_group)
    wrong = (await emulator.wait_for_message(staff_group))["text"]
    assert "question.ru" in wrong and "options" in wrong and "closed: unknown key" in wrong
    assert await count_rows(runtime, Poll) == 0

    emulator.send_text(official, "/poll\n" + POLL % ("everyone", closes), chat=staff_group)
    # everything posted in the staff group is in staff.language (the city's: Russian)
    preview = await emulator.wait_for_message(staff_group, contains="Предпросмотр")
    assert "Parks" in preview["text"] and "Парки" in preview["text"]
    assert "2 жителей" in preview["text"]
    number = await count_rows(runtime, Poll)
    send = PollAction(action="send", poll=number).pack()
    first, second = emulator.click(official, preview, send), emulator.click(official, preview,
                                                                            send)
    answers = [(await emulator.wait_for_callback_answer(q)).get("text") for q in (first, second)]
    assert en("poll-not-draft") in answers  # sent once
    await until(lambda: count_rows(runtime, PollMessage, PollMessage.poll_id == number))
    await until(lambda: _equal(count_rows(runtime, PollMessage), 2))
    mine, his = poll_in(emulator, anna), poll_in(emulator, boris)
    assert mine["poll"]["question"] == "Which should the city improve first?"
    assert [o["text"] for o in his["poll"]["options"]] == ["Парки", "Дороги"]
    assert not mine["poll"]["is_anonymous"]
    assert not [m for m in emulator.messages(vera) if "poll" in m]

    # answers: one per resident; a change replaces, a retraction removes, a re-sent update is one
    update = emulator.answer_poll(anna, mine, [0])
    emulator.push_update("poll_answer", update["poll_answer"])  # Telegram sends it again
    emulator.answer_poll(boris, his, [0])
    emulator.answer_poll(boris, his, [])
    await until(lambda: _equal(answers_of(runtime, number), {anna.id: [0]}))
    emulator.answer_poll(boris, his, [1])
    await until(lambda: _equal(answers_of(runtime, number), {anna.id: [0], boris.id: [1]}))
    emulator.send_text(official, f"/poll {number}", chat=staff_group)
    tally = (await emulator.wait_for_message(staff_group, contains="пока"))["text"]
    assert "1. Парки — 1 (50%)" in tally and "2. Дороги — 1 (50%)" in tally

    # closing: every poll stopped, results to those who answered and to the staff topic
    assert await polls.close_due(runtime, now=utcnow() + timedelta(hours=3)) == 1
    assert await polls.close_due(runtime, now=utcnow() + timedelta(hours=3)) == 0
    results = await emulator.wait_for_message(anna, contains="is closed")
    assert "1. Parks — 1 (50%)" in results["text"]
    assert "1. Парки — 1 (50%)" in (await emulator.wait_for_message(boris,
                                                                  contains="завершён"))["text"]
    chart = await emulator.wait_for_message(staff_group, predicate=lambda m: "photo" in m)
    assert chart["message_thread_id"] == emulator.topic_id(staff_group, ru("polls-topic-name"))
    assert "2" in chart["caption"]
    await until(lambda: _closed(emulator, anna, boris))
    # an answer that arrives after the close is answered politely and not counted
    emulator.push_update("poll_answer", {"poll_id": mine["poll"]["id"], "user": anna.to_dict(),
                                         "option_ids": [1], "option_persistent_ids": ["1"]})
    await emulator.wait_for_message(anna, predicate=lambda m: m.get("text") == en(
        "poll-closed-answer"))
    assert await answers_of(runtime, number) == {anna.id: [0], boris.id: [1]}
    assert not [m for m in emulator.messages(boris) if m.get("text") == ru("poll-closed-answer")]


async def _equal(value, expected) -> bool:
    return await value == expected


async def _closed(emulator, *people) -> bool:
    return all(poll_in(emulator, person)["poll"]["is_closed"] for person in people)


async def test_poll_create_from_a_file_sends_it_once(emulator, sqlite_url, ideas_config,
                                                     staff_group, tmp_path, monkeypatch,
                                                     capsys) -> None:
    from types import SimpleNamespace

    from citybot.cli import main
    from citybot.storage.database import make_engine, make_sessionmaker, upgrade

    await asyncio.to_thread(upgrade, sqlite_url)
    engine = make_engine(sqlite_url)
    runtime = SimpleNamespace(sessions=make_sessionmaker(engine))
    people = [emulator.add_user(f"R{i}", language_code="ru" if i % 2 else "en")
              for i in range(6)]
    for i, person in enumerate(people):
        await subscriber(runtime, person, districts=["central"] if i < 3 else ["zarechny"])
    await engine.dispose()
    env = {k: v for k, v in os.environ.items() if k not in {
        "BOT_TOKEN", "TELEGRAM_API_URL", "DATABASE_URL", "STAFF_CHAT_ID", "REDIS_URL"}}
    env.update(BOT_TOKEN=emulator.token, TELEGRAM_API_URL=emulator.url, DATABASE_URL=sqlite_url)
    wrong = tmp_path / "wrong.yml"
    wrong.write_text(POLL % ("{districts: [atlantis]}", "2020-01-01T00:00:00+03:00"))
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert main(["poll", "create", "--file", str(wrong)]) == 2
    err = capsys.readouterr().err
    assert "wrong.yml: closes: must be in the future" in err and "(line 6)" in err

    good = tmp_path / "poll.yml"
    good.write_text(POLL % ("{districts: [zarechny]}",
                            (utcnow() + timedelta(days=1)).isoformat()))
    for _ in range(2):  # the same file again: the same poll, not sent twice
        done = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "citybot", "poll", "create", "--file", str(good), cwd=ROOT,
            env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        out, err = await asyncio.wait_for(done.communicate(), timeout=60)
        assert done.returncode == 0, err
        assert out.decode().strip().splitlines()[-1] == "#1"
    received = [sum("poll" in m for m in emulator.messages(p)) for p in people]
    assert received == [0, 0, 0, 1, 1, 1]


async def test_answers_handled_out_of_order_keep_the_newest(any_database_url,
                                                            ideas_config) -> None:
    """Workers may handle one resident's updates out of order: the newest update wins, a re-sent
    or older one changes nothing, a retraction is not counted (SQLite and PostgreSQL)."""
    from citybot.storage.database import make_engine, make_sessionmaker, upgrade
    from citybot.storage.models import Poll, PollMessage

    await asyncio.to_thread(upgrade, any_database_url)
    engine = make_engine(any_database_url)
    sessions = make_sessionmaker(engine)
    spec = polls.parse_spec(POLL % ("everyone", "2099-01-01T00:00:00+00:00"), ideas_config)
    try:
        async with sessions() as session:
            poll = await polls.create(session=session, spec=spec, key="k")
            poll.state = "open"
            session.add(PollMessage(telegram_poll_id="p1", poll_id=poll.id, chat_id=7,
                                    message_id=1))
            await session.commit()
            for update_id, choice in ((10, [1]), (9, [0]), (10, [1]), (12, []), (11, [0])):
                await polls.record_answer(session=session, telegram_poll_id="p1", user_id=7,
                                          option_ids=choice, update_id=update_id)
                await session.commit()
            assert (await polls.tally(session=session, poll=poll)).voters == 0  # retracted last
            await polls.record_answer(session=session, telegram_poll_id="p1", user_id=7,
                                      option_ids=[1], update_id=13)
            assert (await polls.record_answer(session=session, telegram_poll_id="p1",
                                              user_id=7, option_ids=[5], update_id=14)
                    ).outcome == "invalid"
            await session.commit()
            result = await polls.tally(session=session, poll=await session.get(Poll, poll.id))
            assert (result.voters, result.counts) == (1, [0, 1])
            for choice in ([-1], [0, 1]):  # not a native poll's answer: refused, nothing stored
                assert (await polls.record_answer(session=session, telegram_poll_id="p1",
                                                  user_id=8, option_ids=choice, update_id=15)
                        ).outcome == "invalid"
            assert (await polls.record_answer(session=session, telegram_poll_id="p2", user_id=8,
                                              option_ids=[0], update_id=16)).outcome == "unknown"
            later = poll.closes_at + timedelta(seconds=1)  # its time is up, not yet closed
            assert (await polls.record_answer(session=session, telegram_poll_id="p1", user_id=8,
                                              option_ids=[0], update_id=17, now=later)
                    ).outcome == "closed"
            poll = await session.get(Poll, poll.id)
            poll.state = "closed"
            session.add(poll)
            await session.commit()
            assert (await polls.record_answer(session=session, telegram_poll_id="p1", user_id=7,
                                              option_ids=[0], update_id=18)).outcome == "closed"
            await session.commit()
            assert await answers_of_session(session, poll.id) == {7: [1]}
    finally:
        await engine.dispose()


async def answers_of_session(session, poll_id: int) -> dict[int, list[int]]:
    rows = (await session.exec(select(PollAnswer).where(PollAnswer.poll_id == poll_id))).all()
    return {row.user_id: row.option_ids for row in rows}
