"""A digest run through the emulator with Telegram's limits on: each subscriber gets it once, in
their language, only when there is something to tell; the staff group gets a summary; a second
run of the period sends nothing, --force sends again; a 403 unsubscribes."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from citybot import jobs
from citybot.services.digests import TEXT_LIMIT, utf16_len
from citybot.storage.models import Subscription, utcnow

from .conftest import (
    CENTRAL,
    ZARECHNY,
    add_report,
    add_subscriber,
    deliveries,
    during,
    period,
    runs,
    texts_to,
)


async def test_each_subscriber_gets_the_digest_once_in_their_language(
    emulator, citybot, limits, staff_group
) -> None:
    runtime = citybot.runtime
    anna = emulator.add_user("Anna", language_code="en")
    ivan = emulator.add_user("Иван", language_code="ru")
    petr = emulator.add_user("Petr", language_code="en")
    daily = emulator.add_user("Dasha", language_code="en")
    reporter = await add_subscriber(runtime, anna, districts=[CENTRAL])
    await add_subscriber(runtime, ivan)
    await add_subscriber(runtime, petr, districts=[ZARECHNY])  # nothing there: empty
    await add_subscriber(runtime, daily, frequency="daily")  # another digest
    week = period(runtime, "weekly")
    fixed = await add_report(runtime, reporter, description="Pothole on Lenina street",
                             created=week.start - timedelta(days=3), status="resolved",
                             closed=during(week))
    new = await add_report(runtime, reporter, description="Broken street light",
                           category="lighting", created=during(week, 0.7))
    await add_report(runtime, reporter, description="Old report before the week",
                     district=ZARECHNY, created=week.start - timedelta(days=9))

    summary = await jobs.run_digest(runtime, "weekly")

    assert summary.status == "sent"
    (english,) = texts_to(emulator, anna, "digest")
    assert "weekly digest" in english and f"#{fixed.id}" in english and f"#{new.id}" in english
    assert "Resolved: 1" in english and "New reports: 1" in english
    assert "Your reports with news: 1" in english  # her report was resolved this week
    (russian,) = texts_to(emulator, ivan, "сводка")
    assert "еженедельная сводка" in russian and "Решено: 1" in russian
    assert "весь город" in russian and "Old report" not in russian
    assert texts_to(emulator, petr, "#") == [] and texts_to(emulator, daily, "#") == []
    note = await emulator.wait_for_message(staff_group, contains="weekly")  # city language
    assert "Доставлено: 2 из 2." in note["text"]
    assert "Без новостей, сводка не отправлена: 1." in note["text"]
    (run,) = await runs(runtime, "weekly")
    assert run.state == "done" and (run.recipients, run.skipped) == (2, 1)
    assert all(row.state == "sent" for row in await deliveries(runtime, run.id))
    assert emulator.stats.retry_after_served == 0  # paced under the limits


async def test_a_second_run_of_the_period_sends_nothing_and_force_sends_again(
    emulator, citybot, limits
) -> None:
    runtime = citybot.runtime
    anna = emulator.add_user("Anna", language_code="en")
    resident = await add_subscriber(runtime, anna)
    week = period(runtime, "weekly")
    await add_report(runtime, resident, description="Graffiti on the school wall",
                     category="graffiti", created=during(week))

    await jobs.run_digest(runtime, "weekly")
    again = await jobs.run_digest(runtime, "weekly", now=utcnow() + timedelta(minutes=5))
    assert again.status == "already_sent"
    assert len(texts_to(emulator, anna, "Graffiti")) == 1

    forced = await jobs.run_digest(runtime, "weekly", force=True)
    assert forced.status == "sent" and forced.broadcast.run == 2
    assert len(texts_to(emulator, anna, "Graffiti")) == 2
    assert [r.run for r in await runs(runtime, "weekly")] == [1, 2]


async def test_a_long_digest_is_split_cleanly_under_telegrams_limit(
    emulator, citybot, limits
) -> None:
    runtime = citybot.runtime
    config = runtime.config  # twenty listed per section: more than one message holds
    runtime.config = config.model_copy(update={"digests": [
        d.model_copy(update={"max_items": 20}) for d in config.digests]})
    anna = emulator.add_user("Anna", language_code="en")
    resident = await add_subscriber(runtime, anna)
    week = period(runtime, "weekly")
    long_words = "Deep pothole " + "and a very long description of the damage " * 4
    for number in range(40):
        await add_report(runtime, resident, description=f"{long_words} <{number}>",
                         created=during(week, number / 100), status="resolved",
                         closed=during(week, 0.5 + number / 200))

    await jobs.run_digest(runtime, "weekly")

    messages = texts_to(emulator, anna, "")
    assert len(messages) >= 2
    assert all(utf16_len(text) <= TEXT_LIMIT for text in messages)
    assert "weekly digest" in messages[0] and "/unsubscribe" in messages[-1]
    assert "…and 20 more" in "\n".join(messages)  # twenty listed, the rest counted
    # each part is well-formed HTML on its own: the emulator, like Telegram, refuses the rest
    assert emulator.stats.statuses[400] == 0
    assert all(any(e["type"] == "bold" for e in m.get("entities", []))
               for m in emulator.messages(anna))


async def test_a_resident_who_blocked_the_bot_is_unsubscribed(
    emulator, citybot, limits, staff_group
) -> None:
    runtime = citybot.runtime
    anna, boris = emulator.add_user("Anna"), emulator.add_user("Boris")
    resident = await add_subscriber(runtime, anna)
    blocked = await add_subscriber(runtime, boris)
    emulator.block_bot(boris)
    week = period(runtime, "weekly")
    await add_report(runtime, resident, description="Overflowing bins", category="waste",
                     created=during(week))

    summary = await jobs.run_digest(runtime, "weekly")

    assert (summary.delivered, summary.blocked) == (1, 1)
    assert len(texts_to(emulator, anna, "Overflowing")) == 1
    async with runtime.sessions() as session:
        subscription = (await session.exec(select(Subscription).where(
            Subscription.resident_id == blocked.id))).one()
    assert not subscription.active
    note = await emulator.wait_for_message(staff_group, contains="weekly")
    assert "Заблокировали бота и отписаны: 1." in note["text"]
    # the next run does not write to them again
    await jobs.run_digest(runtime, "weekly", force=True)
    assert emulator.stats.statuses[403] == 1


async def test_staff_get_one_digest_per_department_in_its_topic(
    emulator, citybot, limits, staff_group
) -> None:
    runtime = citybot.runtime
    anna = emulator.add_user("Anna")
    resident = await add_subscriber(runtime, anna)
    day = period(runtime, "staff_daily")
    await add_report(runtime, resident, description="Pothole by the bus stop",
                     created=during(day))
    await add_report(runtime, resident, description="Road sign knocked down long ago",
                     created=day.start - timedelta(days=10), due=day.start - timedelta(days=5))

    summary = await jobs.run_digest(runtime, "staff_daily")

    assert summary.broadcast.recipients == 1  # only roads has anything open
    assert summary.broadcast.skipped == len(runtime.config.departments) - 1
    roads = await emulator.wait_for_message(staff_group, contains="Открытых: 2")
    assert "Новых: 1" in roads["text"] and "Просроченных: 1" in roads["text"]
    assert "Road sign knocked down" in roads["text"]  # the oldest overdue is listed
    topic = emulator.topics(staff_group)[roads["message_thread_id"]]
    assert topic["name"] == runtime.config.department("roads").name.get(
        runtime.config.city.default_language)
    # and the statistics' charts, as one image in the same topic
    chart = await emulator.wait_for_message(staff_group, predicate=lambda m: "photo" in m)
    assert chart["message_thread_id"] == roads["message_thread_id"] and "📊" in chart["caption"]
    assert emulator.files[chart["photo"][-1]["file_id"]].data.startswith(b"\x89PNG")
