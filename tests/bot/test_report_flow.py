"""Residents report problems through the chat, in English and Russian, end to end."""

import asyncio

import pytest
from sqlmodel import select

from citybot.dialogs.states import ReportFlow
from citybot.storage.models import (
    ConversationState,
    Follower,
    Report,
    ReportDraft,
    ReportPhoto,
)
from citybot.testing import button_texts, count_rows, running_bot

GRAFFITI, GRAFFITI_RU = "🎨 Graffiti and vandalism", "🎨 Граффити и вандализм"
SADOVAYA_12 = (56.8961, 39.5840)  # on Sadovaya Street, Central District
OUTSIDE = (55.7558, 37.6173)  # Moscow: not Lipovsk




async def reply(emulator, user, contains=None, timeout=5.0):
    return await emulator.wait_for_message(user, contains=contains, timeout=timeout)


async def start_report(emulator, user, category_button: str, description: str):
    """Menu → category → description; returns the location prompt."""
    emulator.send_text(user, "/report")
    picker = await reply(emulator, user)
    emulator.click_button(user, picker, category_button)
    await reply(emulator, user)  # "describe the problem"
    emulator.send_text(user, description)
    return await reply(emulator, user)


async def to_summary_with_point(emulator, user, point=SADOVAYA_12):
    emulator.send_location(user, *point)
    await reply(emulator, user)  # "Got it: <address>"
    photos_prompt = await reply(emulator, user)
    emulator.click_button(user, photos_prompt, button_texts(photos_prompt)[0])  # Skip
    return await reply(emulator, user)


async def test_english_resident_reports_a_pothole_with_location_and_photo(
    emulator, citybot, staff_group, official
) -> None:
    anna = emulator.add_user("Anna", language_code="en")
    emulator.send_text(anna, "📝 Report a problem")
    picker = await reply(emulator, anna)
    assert "What kind of problem" in picker["text"]
    assert len(button_texts(picker)) == 11  # every category of the contract
    emulator.click_button(anna, picker, "🚧 Roads and pavements")
    assert "Describe the problem" in (await reply(emulator, anna))["text"]
    emulator.send_text(anna, "Huge pothole outside number 12, cars swerve into the other lane")
    location_prompt = await reply(emulator, anna)
    assert "Where is it?" in location_prompt["text"]
    assert location_prompt["reply_markup"]["keyboard"][0][0].get("request_location") is True

    emulator.send_location(anna, *SADOVAYA_12)
    found = await reply(emulator, anna)
    assert "Sadovaya Street" in found["text"]
    photos_prompt = await reply(emulator, anna)
    assert "photos" in photos_prompt["text"]
    emulator.send_photo(anna)
    added = await reply(emulator, anna)
    assert "Photo 1 of 5" in added["text"]
    emulator.click_button(anna, added, "✅ Done")
    summary = await reply(emulator, anna)
    assert "Please check your report" in summary["text"]
    assert "Huge pothole" in summary["text"] and "Photos: 1" in summary["text"]
    emulator.click_button(anna, summary, "✅ Send")
    created = await reply(emulator, anna)
    assert "registered as #1" in created["text"]
    assert "Central District" in created["text"]
    assert "📝 Report a problem" in button_texts(created)  # back to the menu

    card = await emulator.wait_for_message(staff_group, contains="#1")
    topics = emulator.topics(staff_group)
    topic = topics[card["message_thread_id"]]["name"]
    assert topic in {"Roads Department", "Управление дорожного хозяйства"}
    assert "Huge pothole" in card["text"] and "Sadovaya Street" in card["text"]
    assert "Anna" not in card["text"]  # staff never see who reported it
    album = await emulator.wait_for_message(staff_group, contains="#1 ·",
                                            predicate=lambda m: "photo" in m)
    assert album["reply_to_message"]["message_id"] == card["message_id"]

    async with citybot.runtime.sessions() as session:
        report = (await session.exec(select(Report))).one()
        assert report.category == "roads" and report.department == "roads"
        assert report.district == "central" and report.due_at > report.created_at
        assert report.card_message_id == card["message_id"]
    assert await count_rows(citybot.runtime, ReportPhoto) == 1
    assert await count_rows(citybot.runtime, ReportDraft) == 0


async def test_russian_resident_types_an_address(emulator, citybot, staff_group) -> None:
    ivan = emulator.add_user("Иван", language_code="ru")
    prompt = await start_report(emulator, ivan, "💡 Уличное освещение",
                                "Не горит фонарь у подъезда уже неделю")
    assert "Где это?" in prompt["text"]
    emulator.send_text(ivan, "ул. Садовая, 12")
    assert "Садовая" in (await reply(emulator, ivan))["text"]
    photos = await reply(emulator, ivan)
    emulator.click_button(ivan, photos, "⏭ Пропустить")
    summary = await reply(emulator, ivan)
    assert "Проверьте" in summary["text"]
    emulator.click_button(ivan, summary, "✅ Отправить")
    created = await reply(emulator, ivan)
    assert "зарегистрировано под номером" in created["text"] and "#1" in created["text"]
    card = await emulator.wait_for_message(staff_group, contains="#1")
    assert "Не горит фонарь" in card["text"]


async def test_free_form_bad_inputs_get_polite_answers_and_lose_nothing(
    emulator, citybot, staff_group
) -> None:
    anna = emulator.add_user("Anna", language_code="en")
    emulator.send_text(anna, "/report")
    picker = await reply(emulator, anna)
    emulator.send_sticker(anna)  # a sticker instead of a category
    assert "choose a category" in (await reply(emulator, anna))["text"]
    emulator.click_button(anna, picker, "🗑️ Rubbish collection")
    await reply(emulator, anna)
    emulator.send_text(anna, "bad")
    assert "more detail" in (await reply(emulator, anna))["text"]
    emulator.send_text(anna, "😡😡😡🗑️🗑️🗑️🗑️")
    assert "not only emoji" in (await reply(emulator, anna))["text"]
    emulator.send_text(anna, "x" * 4000)
    assert "too long" in (await reply(emulator, anna))["text"]
    emulator.send_voice(anna)
    assert "describe the problem in words" in (await reply(emulator, anna))["text"]
    emulator.send_text(anna, "Bins <b>not</b> emptied & overflowing since Monday")
    await reply(emulator, anna)  # where?
    emulator.send_location(anna, 0.0, 0.0)
    assert "(0, 0)" in (await reply(emulator, anna))["text"]
    emulator.send_location(anna, *OUTSIDE)
    assert "outside Lipovsk" in (await reply(emulator, anna))["text"]
    emulator.send_document(anna)
    assert "Share location" in (await reply(emulator, anna))["text"]
    emulator.send_text(anna, "qwzx vbnm plkj")
    not_found = await reply(emulator, anna)
    assert "could not find" in not_found["text"]
    emulator.click_button(anna, not_found, "✍️ Keep my text as the address")
    await reply(emulator, anna)
    photos = await reply(emulator, anna)
    emulator.click_button(anna, photos, "⏭ Skip")
    summary = await reply(emulator, anna)
    assert "qwzx vbnm plkj" in summary["text"]
    assert "&lt;b&gt;not&lt;/b&gt;" not in summary["text"]  # shown literally, escaped once
    assert "<b>not</b>" in summary["text"]
    emulator.click_button(anna, summary, "✅ Send")
    await reply(emulator, anna, contains="#1")
    card = await emulator.wait_for_message(staff_group, contains="#1")
    assert "Bins <b>not</b> emptied & overflowing" in card["text"]  # literal, card intact


async def test_a_double_tap_on_send_files_one_report(emulator, citybot, staff_group) -> None:
    anna = emulator.add_user("Anna", language_code="en")
    await start_report(emulator, anna, GRAFFITI, "Graffiti all over the bus stop shelter")
    summary = await to_summary_with_point(emulator, anna)
    emulator.click_button(anna, summary, "✅ Send")
    emulator.click_button(anna, summary, "✅ Send")
    first = await reply(emulator, anna)
    second = await reply(emulator, anna)
    texts = {first["text"].split("\n")[0], second["text"].split("\n")[0]}
    assert any("registered as #1" in t for t in texts)
    assert any("already sent as #1" in t for t in texts)
    assert await count_rows(citybot.runtime, Report) == 1
    await emulator.wait_for_message(staff_group, contains="#1")
    await emulator.assert_no_message(staff_group, within=0.5)  # one card


async def test_a_nearby_open_report_is_offered_and_followed(emulator, citybot, staff_group) -> None:
    anna, ivan = emulator.add_user("Anna"), emulator.add_user("Иван", language_code="ru")
    await start_report(emulator, anna, "🚧 Roads and pavements", "Deep pothole near the corner")
    summary = await to_summary_with_point(emulator, anna)
    emulator.click_button(anna, summary, "✅ Send")
    await reply(emulator, anna, contains="#1")

    await start_report(emulator, ivan, "🚧 Дороги и тротуары", "Огромная яма на дороге у дома")
    nearby = (SADOVAYA_12[0] + 0.0002, SADOVAYA_12[1])  # ~22 m away
    summary = await to_summary_with_point(emulator, ivan, nearby)
    emulator.click_button(ivan, summary, "✅ Отправить")
    offer = await reply(emulator, ivan)
    assert "#1" in offer["text"] and "Deep pothole" in offer["text"]
    emulator.click_button(ivan, offer, "👍 Да, следить за #1")
    following = await reply(emulator, ivan)
    assert "следите за" in following["text"] and "#1" in following["text"]
    assert await count_rows(citybot.runtime, Report) == 1
    assert await count_rows(citybot.runtime, Follower, Follower.report_id == 1) == 2
    emulator.send_text(ivan, "/my")
    assert "#1" in (await reply(emulator, ivan))["text"]


async def test_a_different_problem_nearby_is_filed_as_new(emulator, citybot, staff_group) -> None:
    anna = emulator.add_user("Anna")
    for number in (1, 2):
        await start_report(emulator, anna, "🚧 Roads and pavements", f"Pothole number {number}!")
        summary = await to_summary_with_point(emulator, anna)
        emulator.click_button(anna, summary, "✅ Send")
        if number == 2:
            offer = await reply(emulator, anna)
            emulator.click_button(anna, offer, "No, it is a new one")
        await reply(emulator, anna, contains=f"#{number}")
    assert await count_rows(citybot.runtime, Report) == 2


async def test_too_many_reports_in_an_hour_are_throttled(emulator, citybot, staff_group) -> None:
    anna = emulator.add_user("Anna")
    limit = citybot.runtime.config.reports.max_reports_per_hour
    for number in range(1, limit + 2):
        await start_report(emulator, anna, GRAFFITI, f"Tag number {number} on the wall")
        emulator.send_text(anna, f"Pushkina {number * 10}")  # ~200 m apart: no duplicates
        await reply(emulator, anna)
        photos = await reply(emulator, anna)
        emulator.click_button(anna, photos, "⏭ Skip")
        summary = await reply(emulator, anna)
        emulator.click_button(anna, summary, "✅ Send")
        if number <= limit:
            await reply(emulator, anna, contains=f"#{number}")
    answer = await reply(emulator, anna)
    assert "the most I can take" in answer["text"]
    assert await count_rows(citybot.runtime, Report) == limit
    assert await count_rows(citybot.runtime, ReportDraft) == 1  # kept: nothing is lost


async def test_edit_from_the_summary(emulator, citybot, staff_group) -> None:
    anna = emulator.add_user("Anna")
    await start_report(emulator, anna, "🌳 Trees, lawns and parks", "A fallen tree blocks the path")
    summary = await to_summary_with_point(emulator, anna)
    emulator.click_button(anna, summary, "✏️ Edit")
    what = await reply(emulator, anna)
    emulator.click_button(anna, what, "Description")
    await reply(emulator, anna)
    emulator.send_text(anna, "A fallen birch blocks the footpath in the park")
    summary = await reply(emulator, anna)  # straight back to the summary
    assert "fallen birch" in summary["text"]
    emulator.click_button(anna, summary, "✏️ Edit")
    what = await reply(emulator, anna)
    emulator.click_button(anna, what, "Category")
    picker = await reply(emulator, anna)
    emulator.click_button(anna, picker, "🗑️ Rubbish collection")
    summary = await reply(emulator, anna)
    assert "Rubbish collection" in summary["text"]


async def test_an_album_is_acknowledged_once_and_capped(emulator, citybot, staff_group) -> None:
    anna = emulator.add_user("Anna")
    await start_report(emulator, anna, "💧 Water, sewers and leaks", "Water gushing from a manhole")
    emulator.send_location(anna, *SADOVAYA_12)
    await reply(emulator, anna)
    await reply(emulator, anna)
    for _ in range(7):
        emulator.send_photo(anna, media_group_id="album-1")
    ack = await reply(emulator, anna)
    assert "Photo 1 of 5" in ack["text"]
    await emulator.assert_no_message(anna, within=0.5)
    emulator.click_button(anna, ack, "✅ Done")
    summary = await reply(emulator, anna)
    assert "Photos: 5" in summary["text"]


async def test_cancel_drops_the_draft(emulator, citybot, staff_group) -> None:
    anna = emulator.add_user("Anna")
    await start_report(emulator, anna, GRAFFITI, "Graffiti on the school fence")
    summary = await to_summary_with_point(emulator, anna)
    emulator.click_button(anna, summary, "✖️ Cancel")
    assert "nothing was sent" in (await reply(emulator, anna))["text"]
    assert await count_rows(citybot.runtime, ReportDraft) == 0
    assert await count_rows(citybot.runtime, Report) == 0


async def test_a_draft_survives_a_restart(
    emulator, sqlite_url, city_config, staff_group
) -> None:
    ivan = emulator.add_user("Иван", language_code="ru")
    async with running_bot(api_url=emulator.url, token=emulator.token, database_url=sqlite_url,
                           config=city_config):
        prompt = await start_report(emulator, ivan, GRAFFITI_RU, "Надписи на стене школы")
        assert "Где это?" in prompt["text"]
    async with running_bot(api_url=emulator.url, token=emulator.token, database_url=sqlite_url,
                           config=city_config) as second:
        emulator.send_text(ivan, "Пушкина 5")  # the conversation goes on where it was
        assert "Пушкина" in (await reply(emulator, ivan))["text"]
        photos = await reply(emulator, ivan)
        emulator.click_button(ivan, photos, "⏭ Пропустить")
        summary = await reply(emulator, ivan)
        assert "Надписи на стене школы" in summary["text"]
        emulator.click_button(ivan, summary, "✅ Отправить")
        await reply(emulator, ivan, contains="#1")
        assert await count_rows(second.runtime, Report) == 1


async def test_report_again_offers_to_continue_the_draft(emulator, citybot, staff_group) -> None:
    anna = emulator.add_user("Anna")
    await start_report(emulator, anna, GRAFFITI, "Graffiti on the school fence")
    emulator.send_text(anna, "/start")
    await reply(emulator, anna)
    emulator.send_text(anna, "/report")
    resume = await reply(emulator, anna)
    assert "unfinished report (Graffiti and vandalism)" in resume["text"]
    emulator.click_button(anna, resume, "▶️ Continue")
    assert "Where is it?" in (await reply(emulator, anna))["text"]


@pytest.mark.parametrize("forum", [False])
async def test_a_plain_staff_group_gets_hashtags(
    emulator, sqlite_url, city_config, forum: bool
) -> None:
    group = emulator.add_group("Staff", [], is_forum=forum, id=-1009876543210)
    anna = emulator.add_user("Anna")
    async with running_bot(api_url=emulator.url, token=emulator.token, database_url=sqlite_url,
                           config=city_config, staff_chat_id=group.id):
        await start_report(emulator, anna, GRAFFITI, "Graffiti on the school fence")
        summary = await to_summary_with_point(emulator, anna)
        emulator.click_button(anna, summary, "✅ Send")
        card = await emulator.wait_for_message(group, contains="#1")
        hashtag = city_config.department(city_config.category("graffiti").department).hashtag
        assert f"#{hashtag}" in card["text"]
        assert "message_thread_id" not in card


async def test_card_is_retried_after_telegram_errors(emulator, citybot, staff_group) -> None:
    emulator.inject_fault("sendMessage", "500", chat_id=staff_group.id, times=2)
    anna = emulator.add_user("Anna")
    await start_report(emulator, anna, GRAFFITI, "Graffiti on the school fence")
    summary = await to_summary_with_point(emulator, anna)
    emulator.click_button(anna, summary, "✅ Send")
    await reply(emulator, anna, contains="#1")
    for _ in range(2):  # backoff is 1 s, then 2 s: run the courier as the clock would
        await asyncio.sleep(0)
    await asyncio.sleep(3.5)
    await citybot.courier.deliver_due()
    card = await emulator.wait_for_message(staff_group, contains="#1", timeout=5)
    assert "Graffiti" in card["text"]
    await emulator.assert_no_message(staff_group, within=0.5)


async def conversation_of(runtime, user) -> tuple[str | None, object]:
    """The resident's stored conversation state and when it was last written."""
    async with runtime.sessions() as session:
        rows = (await session.exec(select(ConversationState))).all()
    mine = [row for row in rows if f":{user.id}:" in row.key]
    assert len(mine) == 1
    return mine[0].state, mine[0].updated_at


async def test_the_steps_are_the_drafts_and_the_conversation_is_written_once(
    emulator, citybot, staff_group
) -> None:
    anna = emulator.add_user("Anna")
    emulator.send_text(anna, "/report")
    picker = await reply(emulator, anna)
    stored, written = await conversation_of(citybot.runtime, anna)
    assert stored == ReportFlow.drafting.state
    emulator.click_button(anna, picker, GRAFFITI)
    await reply(emulator, anna)
    emulator.send_text(anna, "Graffiti on the school fence")
    await reply(emulator, anna)
    summary = await to_summary_with_point(emulator, anna)
    assert "Graffiti on the school fence" in summary["text"]
    async with citybot.runtime.sessions() as session:
        draft = (await session.exec(select(ReportDraft))).one()
    assert draft.step == "summary"  # four steps on: each saved in the draft alone
    assert await conversation_of(citybot.runtime, anna) == (stored, written)
    emulator.click_button(anna, summary, "✅ Send")
    await reply(emulator, anna, contains="#1")
    assert (await conversation_of(citybot.runtime, anna))[0] is None


async def test_a_step_stored_by_an_earlier_version_goes_on(emulator, citybot, staff_group) -> None:
    """A conversation saved at a step of its own (before the draft held the step) goes on."""
    anna = emulator.add_user("Anna")
    await start_report(emulator, anna, GRAFFITI, "Graffiti on the school fence")
    async with citybot.runtime.sessions() as session:
        row = (await session.exec(select(ConversationState))).one()
        row.state = ReportFlow.location.state
        session.add(row)
        await session.commit()
    await citybot.dispatcher.storage.forget_user(anna.id)  # the bot's copy read afresh
    summary = await to_summary_with_point(emulator, anna)
    assert "Graffiti on the school fence" in summary["text"]
    assert (await conversation_of(citybot.runtime, anna))[0] == ReportFlow.drafting.state
