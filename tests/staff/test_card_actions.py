"""Officials work a report from its card; the reporter hears about every step in their language."""

import pytest
from sqlmodel import select

from citybot.storage.models import EventKind, Follower, Report, ReportEvent
from citybot.testing import button_texts, count_rows

from .conftest import card_of, current, file_report, press

ENGLISH = {"take": "🙋 Take", "progress": "🛠 In progress", "resolve": "✅ Resolved",
           "reject": "⛔ Reject", "not_ours": "↪️ Not our responsibility",
           "duplicate": "🔁 Duplicate of #…", "reassign": "➡️ Reassign",
           "category": "🏷 Category", "not_report": "🚫 Not a report"}
RUSSIAN = {"take": "🙋 Взять", "progress": "🛠 В работе", "resolve": "✅ Решено",
           "reject": "⛔ Отклонить", "not_ours": "↪️ Не наша зона",
           "duplicate": "🔁 Дубликат #…", "reassign": "➡️ Передать",
           "category": "🏷 Категория", "not_report": "🚫 Не обращение"}


async def test_take_progress_resolve_and_confirm_in_english(
    emulator, citybot, staff_group, official
) -> None:
    anna = emulator.add_user("Anna", language_code="en")
    number = await file_report(emulator, anna, "Huge pothole outside number 12")
    card = await card_of(emulator, staff_group, number)
    # the group speaks the city's language; the last button is the public site's
    assert button_texts(card) == [*RUSSIAN.values(), "🙈 Скрыть с сайта"]

    answer = await press(emulator, official, card, RUSSIAN["take"])
    assert "is yours now" in answer["text"]  # the official is answered in her language
    edited = await emulator.wait_for_edit(card, contains="Olga")
    assert "принято" in edited["text"].lower() or "принят" in edited["text"]
    told = await emulator.wait_for_message(anna, contains=f"#{number}")
    assert "has taken the report" in told["text"] and "Roads Department" in told["text"]

    await press(emulator, official, card, RUSSIAN["progress"])
    told = await emulator.wait_for_message(anna, contains="work on the report has started")
    assert f"#{number}" in told["text"]

    await press(emulator, official, card, RUSSIAN["resolve"])
    prompt = await emulator.wait_for_message(staff_group, contains="как решено")
    assert prompt["reply_markup"]["force_reply"] is True
    emulator.send_text(official, "Patched with hot asphalt", chat=staff_group, reply_to=prompt)
    done = await emulator.wait_for_message(staff_group, contains="Готово")  # the group's language
    assert "решено" in done["text"]
    told = await emulator.wait_for_message(anna, contains="resolved")
    assert "Patched with hot asphalt" in told["text"] and "Is it fixed?" in told["text"]
    assert button_texts(told) == ["👍 Yes, it is fixed", "👎 No, it is not"]
    resolved_card = await emulator.wait_for_edit(card, contains="Patched")
    assert "reply_markup" not in resolved_card  # a closed report has no buttons
    assert "Patched with hot asphalt" in resolved_card["text"]  # the last action

    emulator.click_button(anna, told, "👍 Yes, it is fixed")
    assert "Thank you" in (await emulator.wait_for_message(anna))["text"]
    notice = await emulator.wait_for_message(staff_group, contains="подтверждает")
    assert notice["reply_to_message"]["message_id"] == card["message_id"]

    async with citybot.runtime.sessions() as session:
        report = await session.get(Report, number)
        assert report.status == "resolved" and report.closed_at is not None
        assert report.assignee_name == "Olga"
        events = (await session.exec(select(ReportEvent).where(
            ReportEvent.report_id == number).order_by(ReportEvent.id))).all()
    assert [(e.kind, e.to_status) for e in events] == [
        ("created", "new"), ("status", "acknowledged"), ("status", "in_progress"),
        ("status", "resolved"), ("feedback", "resolved")]
    assert events[3].note == "Patched with hot asphalt" and events[3].actor_name == "Olga"


async def test_russian_official_and_resident(
    emulator, citybot, staff_group, ivan_official
) -> None:
    maria = emulator.add_user("Мария", language_code="ru")
    number = await file_report(emulator, maria, "Яма на дороге у дома 12, машины объезжают")
    card = await card_of(emulator, staff_group, number)
    answer = await press(emulator, ivan_official, card, RUSSIAN["take"])
    assert "теперь ваше" in answer["text"]
    told = await emulator.wait_for_message(maria, contains=f"#{number}")
    assert "принято в работу" in told["text"] and "Управление дорожного хозяйства" in told["text"]
    await press(emulator, ivan_official, card, RUSSIAN["resolve"])
    prompt = await emulator.wait_for_message(staff_group, contains="как решено")
    emulator.send_text(ivan_official, "Яму заделали", chat=staff_group, reply_to=prompt)
    told = await emulator.wait_for_message(maria, contains="решённое")
    assert "Яму заделали" in told["text"] and "Проблема устранена?" in told["text"]
    assert button_texts(told) == ["👍 Да, устранена", "👎 Нет, не устранена"]


@pytest.mark.parametrize(("label", "ask", "status", "told"), [
    ("reject", "почему обращение", "rejected", "has rejected the report"),
    ("not_ours", "кто отвечает", "not_responsible", "not the city's responsibility"),
])
async def test_reject_and_not_ours_ask_for_a_reason(
    emulator, citybot, staff_group, official, label, ask, status, told
) -> None:
    anna = emulator.add_user("Anna", language_code="en")
    number = await file_report(emulator, anna, "Broken bench in the courtyard", category="greenery")
    card = await card_of(emulator, staff_group, number)
    await press(emulator, official, card, RUSSIAN[label])
    prompt = await emulator.wait_for_message(staff_group, contains=ask)
    # a plain message in the card's thread is taken as the reason too
    emulator.send_text(official, "Private land: the owner must fix it", chat=staff_group,
                       thread_id=card["message_thread_id"])
    message = await emulator.wait_for_message(anna, contains=told)
    assert "Reason: Private land: the owner must fix it" in message["text"]
    assert prompt["message_thread_id"] == card["message_thread_id"]
    async with citybot.runtime.sessions() as session:
        assert (await session.get(Report, number)).status == status


async def test_reporter_reopens_a_rejected_report_with_a_reason(
    emulator, citybot, staff_group, official
) -> None:
    anna = emulator.add_user("Anna", language_code="en")
    number = await file_report(emulator, anna, "Street light blinking all night",
                               category="lighting")
    card = await card_of(emulator, staff_group, number)
    await press(emulator, official, card, RUSSIAN["reject"])
    prompt = await emulator.wait_for_message(staff_group, contains="почему обращение")
    emulator.send_text(official, "Works as designed", chat=staff_group, reply_to=prompt)
    rejected = await emulator.wait_for_message(anna, contains="rejected")
    assert "reopen it within 14 days" in rejected["text"]
    emulator.click_button(anna, rejected, "↩️ Reopen")
    assert "What is still wrong" in (await emulator.wait_for_message(anna))["text"]
    emulator.send_text(anna, "It blinks <every> second, it is not by design")
    assert "open again" in (await emulator.wait_for_message(anna))["text"]
    notice = await emulator.wait_for_message(staff_group, contains="снова открыл")
    assert "It blinks <every> second" in notice["text"]  # escaped, shown literally
    reopened = await emulator.wait_for_edit(card, contains="заявитель открыл")  # last action
    assert RUSSIAN["resolve"] in button_texts(reopened)  # its buttons are back
    async with citybot.runtime.sessions() as session:
        report = await session.get(Report, number)
        assert report.status == "acknowledged" and report.closed_at is None


async def test_thumbs_down_reopens_and_relays_the_reason(
    emulator, citybot, staff_group, official
) -> None:
    anna = emulator.add_user("Anna", language_code="en")
    number = await file_report(emulator, anna, "Overflowing bins at the bus stop",
                               category="waste")
    card = await card_of(emulator, staff_group, number)
    await press(emulator, official, card, RUSSIAN["resolve"])
    prompt = await emulator.wait_for_message(staff_group, contains="как решено")
    emulator.send_text(official, "Emptied", chat=staff_group, reply_to=prompt)
    resolved = await emulator.wait_for_message(anna, contains="Is it fixed?")
    emulator.click_button(anna, resolved, "👎 No, it is not")
    await emulator.wait_for_message(anna, contains="What is still wrong")
    emulator.send_text(anna, "Still full this morning")
    await emulator.wait_for_message(anna, contains="open again")
    notice = await emulator.wait_for_message(staff_group, contains="Still full this morning")
    assert f"#{number}" in notice["text"]
    assert button_texts(current(emulator, resolved)) == []  # the question was answered
    async with citybot.runtime.sessions() as session:
        assert (await session.get(Report, number)).status == "acknowledged"  # Olga had it


async def test_duplicate_merges_the_followers(emulator, citybot, staff_group, official) -> None:
    anna = emulator.add_user("Anna", language_code="en")
    ivan = emulator.add_user("Иван", language_code="ru")
    first = await file_report(emulator, anna, "Graffiti on the school wall", category="graffiti")
    second = await file_report(emulator, ivan, "Надписи краской на стене школы",
                               category="graffiti", point=(56.8990, 39.5840))
    await card_of(emulator, staff_group, first)
    card = await card_of(emulator, staff_group, second)
    await press(emulator, official, card, RUSSIAN["duplicate"])
    prompt = await emulator.wait_for_message(staff_group, contains="дубликатом какого")
    emulator.send_text(official, "#999", chat=staff_group, reply_to=prompt)
    assert "Обращения #999 нет" in (await emulator.wait_for_message(staff_group))["text"]
    emulator.send_text(official, f"#{first}", chat=staff_group, reply_to=prompt)
    told = await emulator.wait_for_message(ivan, contains=f"#{first}")
    assert "та же проблема" in told["text"]
    merged = await emulator.wait_for_message(staff_group, contains="присоединено")
    assert f"#{second}" in merged["text"]
    assert await count_rows(citybot.runtime, Follower, Follower.report_id == first) == 2
    # the original's next step reaches both, each in their language
    first_card = current(emulator, (staff_group.id, merged["reply_to_message"]["message_id"]))
    await press(emulator, official, first_card, RUSSIAN["take"])
    assert "has taken" in (await emulator.wait_for_message(anna, contains=f"#{first}"))["text"]
    assert "принято" in (await emulator.wait_for_message(ivan, contains=f"#{first}"))["text"]


async def test_reassign_moves_the_card_to_the_other_queue(
    emulator, citybot, staff_group, official
) -> None:
    anna = emulator.add_user("Anna", language_code="en")
    number = await file_report(emulator, anna, "Fallen tree across the pavement")
    card = await card_of(emulator, staff_group, number)
    await press(emulator, official, card, RUSSIAN["reassign"])
    picker = await emulator.wait_for_message(staff_group, contains="Какой отдел")
    emulator.click_button(official, picker, "Отдел озеленения и парков")
    moved = await emulator.wait_for_edit(card, contains="передано")
    assert "reply_markup" not in moved
    new_card = await card_of(emulator, staff_group, number)
    topics = emulator.topics(staff_group)
    assert topics[new_card["message_thread_id"]]["name"] == "Отдел озеленения и парков"
    assert new_card["message_thread_id"] != card["message_thread_id"]
    told = await emulator.wait_for_message(anna, contains="was passed to")
    assert "Parks and Greenery Department" in told["text"]
    async with citybot.runtime.sessions() as session:
        report = await session.get(Report, number)
        assert report.department == "parks" and report.card_message_id == new_card["message_id"]
        kinds = (await session.exec(select(ReportEvent.kind).where(
            ReportEvent.report_id == number))).all()
    assert EventKind.reassigned in kinds


async def test_an_impossible_transition_is_refused_with_a_clear_answer(
    emulator, citybot, staff_group, official
) -> None:
    anna = emulator.add_user("Anna", language_code="en")
    number = await file_report(emulator, anna, "Dark street light on the corner",
                               category="lighting")
    card = await card_of(emulator, staff_group, number)
    progress = next(b["callback_data"] for row in card["reply_markup"]["inline_keyboard"]
                    for b in row if b["text"] == RUSSIAN["progress"])
    await press(emulator, official, card, RUSSIAN["take"])
    answer = await press(emulator, official, card, RUSSIAN["take"])
    assert "already yours" in answer["text"]
    await press(emulator, official, card, RUSSIAN["resolve"])
    prompt = await emulator.wait_for_message(staff_group, contains="как решено")
    emulator.send_text(official, "Bulb replaced", chat=staff_group, reply_to=prompt)
    await emulator.wait_for_edit(card, contains="Bulb replaced")
    # the old button, pressed on the card that no longer has it
    query = emulator.click(official, current(emulator, card), progress)
    answer = await emulator.wait_for_callback_answer(query)
    assert "already «resolved»: nothing changed" in answer["text"] and answer["show_alert"]
    async with citybot.runtime.sessions() as session:
        assert (await session.get(Report, number)).status == "resolved"


async def test_a_photo_of_the_result_reaches_every_follower(
    emulator, citybot, staff_group, official
) -> None:
    anna = emulator.add_user("Anna", language_code="en")
    ivan = emulator.add_user("Иван", language_code="ru")
    emulator.send_text(ivan, "/start")  # Иван is resident #1
    await emulator.wait_for_message(ivan)
    number = await file_report(emulator, anna, "Bench broken in the park", category="greenery")
    async with citybot.runtime.sessions() as session:
        session.add(Follower(report_id=number, resident_id=1))  # Иван follows it too
        await session.commit()
    card = await card_of(emulator, staff_group, number)
    await press(emulator, official, card, RUSSIAN["resolve"])
    prompt = await emulator.wait_for_message(staff_group, contains="как решено")
    emulator.send_photo(official, chat=staff_group, reply_to=prompt, caption="New bench installed")
    told_anna = await emulator.wait_for_message(anna, predicate=lambda m: "photo" in m)
    told_ivan = await emulator.wait_for_message(ivan, predicate=lambda m: "photo" in m)
    assert "resolved" in told_anna["caption"] and "New bench installed" in told_anna["caption"]
    assert "решённое" in told_ivan["caption"] and "New bench installed" in told_ivan["caption"]
    assert button_texts(told_anna) == ["👍 Yes, it is fixed", "👎 No, it is not"]  # the reporter
    assert button_texts(told_ivan) == []  # a follower is told, not asked


async def test_the_note_is_the_reply_to_the_prompt_not_to_the_card(
    emulator, citybot, staff_group
) -> None:
    """The prompt is known by what it says (it is saved before it is sent): an official whose
    name looks like markup still answers it, and a reply to the card meanwhile is a message
    for the resident."""
    official = emulator.add_user("Ann <&> Lee", language_code="ru")
    emulator.add_member(staff_group, official)
    anna = emulator.add_user("Anna", language_code="en")
    number = await file_report(emulator, anna, "Graffiti on the school wall", category="graffiti")
    card = await card_of(emulator, staff_group, number)
    await press(emulator, official, card, RUSSIAN["reject"])
    prompt = await emulator.wait_for_message(staff_group, contains="отклонено")
    assert "Ann <&> Lee" in prompt["text"]  # shown literally
    emulator.send_text(official, "Is it on the front?", chat=staff_group, reply_to=card)
    await emulator.wait_for_message(anna, contains="Is it on the front?")
    async with citybot.runtime.sessions() as session:
        assert (await session.get(Report, number)).status == "new"  # not rejected by that
    emulator.send_text(official, "Painted by the owner, allowed", chat=staff_group,
                       reply_to=prompt)
    told = await emulator.wait_for_message(anna, contains="rejected")
    assert "Painted by the owner, allowed" in told["text"]


async def test_a_prompt_asked_before_an_upgrade_is_still_answered(
    emulator, citybot, staff_group, official
) -> None:
    """The version before kept the prompt's message id, not its text: an official who was
    asked just before the upgrade still answers by replying to it."""
    from aiogram.fsm.storage.base import StorageKey

    anna = emulator.add_user("Anna", language_code="en")
    number = await file_report(emulator, anna, "Graffiti on the school wall", category="graffiti")
    card = await card_of(emulator, staff_group, number)
    await press(emulator, official, card, RUSSIAN["reject"])
    prompt = await emulator.wait_for_message(staff_group, contains="почему обращение")
    key = StorageKey(bot_id=citybot.bot.id, chat_id=staff_group.id, user_id=official.id)
    data = await citybot.dispatcher.storage.get_data(key)
    assert data.pop("prompt_text")
    await citybot.dispatcher.storage.set_data(key, {**data, "prompt": prompt["message_id"]})
    emulator.send_text(official, "Allowed by the owner", chat=staff_group, reply_to=prompt)
    told = await emulator.wait_for_message(anna, contains="rejected")
    assert "Allowed by the owner" in told["text"]
