"""/queue, /report N and /stats in the staff group; the SLA reminder is posted once."""

from datetime import timedelta

from citybot.jobs import remind_overdue_reports as remind_overdue
from citybot.storage.models import Report, utcnow

from .conftest import card_of, file_report, press


async def make_overdue(citybot, number: int, hours: int = 5) -> None:
    async with citybot.runtime.sessions() as session:
        report = await session.get(Report, number)
        report.created_at -= timedelta(hours=100)
        report.due_at = utcnow() - timedelta(hours=hours, minutes=10)
        session.add(report)
        await session.commit()


async def test_queue_lists_this_departments_open_reports_oldest_first(
    emulator, citybot, staff_group, official
) -> None:
    anna = emulator.add_user("Anna", language_code="en")
    first = await file_report(emulator, anna, "First pothole on Sadovaya")
    second = await file_report(emulator, anna, "Second pothole, <deep> & wide",
                               point=(56.8990, 39.5840))
    light = await file_report(emulator, anna, "Dark lamp post", category="lighting")
    card = await card_of(emulator, staff_group, first)
    await make_overdue(citybot, second)
    emulator.send_text(official, "/queue", chat=staff_group, thread_id=card["message_thread_id"])
    queue = await emulator.wait_for_message(staff_group, contains="Управление дорожного")
    assert queue["message_thread_id"] == card["message_thread_id"]  # answered in the topic
    lines = queue["text"].split("\n")
    assert "открытых обращений: 2" in lines[0]  # the group's language, not Olga's
    assert lines[2].startswith(f"🆕 #{second}") and "просрочено на 5 ч" in lines[2]
    assert "<deep> & wide" in lines[2]  # escaped, shown literally
    assert lines[3].startswith(f"🆕 #{first}") and "осталось 71 ч" in lines[3]
    assert f"#{light}" not in queue["text"]

    emulator.send_text(official, "/queue", chat=staff_group)  # the General topic: all of them
    everything = await emulator.wait_for_message(staff_group, contains="Все отделы")
    assert f"#{light}" in everything["text"] and "#lighting" in everything["text"]


async def test_report_shows_the_full_history(emulator, citybot, staff_group, official) -> None:
    anna = emulator.add_user("Anna", language_code="en")
    number = await file_report(emulator, anna, "Huge pothole outside number 12")
    card = await card_of(emulator, staff_group, number)
    await press(emulator, official, card, "🙋 Взять")
    emulator.send_text(official, "Which side of the road?", chat=staff_group, reply_to=card)
    relayed = await emulator.wait_for_message(anna, contains="Which side")
    emulator.send_text(anna, "The north side", reply_to=relayed)
    await emulator.wait_for_message(staff_group, contains="north side")
    emulator.send_text(official, f"/report #{number}", chat=staff_group)
    history = await emulator.wait_for_message(staff_group, contains="История")
    text = history["text"]
    for expected in ("Huge pothole outside number 12", "обращение получено", "принято · Olga",
                     "Olga → жителю: Which side of the road?",
                     "заявитель: The north side"):
        assert expected in text, expected
    emulator.send_text(official, "/report", chat=staff_group)
    assert "/report 12" in (await emulator.wait_for_message(staff_group))["text"]
    emulator.send_text(official, "/report 424242", chat=staff_group)
    assert "Обращения #424242 нет" in (await emulator.wait_for_message(staff_group))["text"]


async def test_stats_count_by_status_with_the_median_time_to_resolve(
    emulator, citybot, staff_group, official
) -> None:
    anna = emulator.add_user("Anna", language_code="en")
    numbers = [await file_report(emulator, anna, f"Pothole number {n} on the road",
                                 point=(56.8961 + n * 0.003, 39.5840)) for n in (1, 2, 3)]
    for number in numbers[:2]:
        card = await card_of(emulator, staff_group, number)
        await press(emulator, official, card, "✅ Решено")
        prompt = await emulator.wait_for_message(staff_group, contains="как решено")
        emulator.send_text(official, "Fixed", chat=staff_group, reply_to=prompt)
        await emulator.wait_for_message(staff_group, contains="Готово")
    async with citybot.runtime.sessions() as session:  # filed 2 h and 4 h before closing
        for number, hours in zip(numbers[:2], (2, 4), strict=True):
            report = await session.get(Report, number)
            report.created_at = report.closed_at - timedelta(hours=hours)
            session.add(report)
        await session.commit()
    emulator.send_text(official, "/stats", chat=staff_group)
    stats = (await emulator.wait_for_message(staff_group, contains="Статистика"))["text"]
    assert "новое: 1" in stats and "решено: 2" in stats and "отклонено: 0" in stats
    assert "Открыто: 1, просрочено: 0" in stats
    assert "Медианное время решения: 3 ч 0 мин (решено: 2)" in stats


async def test_an_overdue_report_is_flagged_and_reminded_once(
    emulator, citybot, staff_group, official
) -> None:
    anna = emulator.add_user("Anna", language_code="en")
    number = await file_report(emulator, anna, "Huge pothole outside number 12")
    card = await card_of(emulator, staff_group, number)
    await make_overdue(citybot, number)
    assert await remind_overdue(citybot.runtime) == 1
    reminder = await emulator.wait_for_message(staff_group, contains="просрочено")
    assert reminder["message_thread_id"] == card["message_thread_id"]
    assert reminder["reply_to_message"]["message_id"] == card["message_id"]
    assert "никто ещё не взял" in reminder["text"]
    flagged = await emulator.wait_for_edit(card, contains="ПРОСРОЧЕНО")
    assert "Срок исполнения" in flagged["text"]
    assert await remind_overdue(citybot.runtime) == 0  # once
    await emulator.assert_no_message(staff_group, within=0.3)
