"""A resident reaches only their own reports: forged buttons and numbers show nothing of someone
else's report and change nothing, and a follower's history shows the report, not the reporter's
conversation with staff."""

from __future__ import annotations

import asyncio

import pytest
from sqlmodel import func, select

from citybot.dialogs.callbacks import FollowupAction, HandoffAction, OpenReport, ReportAction
from citybot.storage.models import Follower, Handoff, Report, ReportEvent
from citybot.testing import button_texts

from .conftest import CATEGORY_INDEX, SADOVAYA_12, card_of, file_report


async def until_offer(emulator, user, description: str, category: str) -> dict:
    """A resident writes a report next to an open one of its kind: the offer to follow it."""
    emulator.send_text(user, "/report")
    picker = await emulator.wait_for_message(user)
    index = CATEGORY_INDEX[category]
    emulator.click(user, picker, picker["reply_markup"]["inline_keyboard"][index // 2][
        index % 2]["callback_data"])
    await emulator.wait_for_message(user)
    emulator.send_text(user, description)
    await emulator.wait_for_message(user)
    emulator.send_location(user, *SADOVAYA_12)
    await emulator.wait_for_message(user)
    photos = await emulator.wait_for_message(user)
    emulator.click_button(user, photos, button_texts(photos)[0])
    summary = await emulator.wait_for_message(user)
    emulator.click_button(user, summary, button_texts(summary)[0])
    return await emulator.wait_for_message(user)


async def state_of(runtime) -> dict:
    async with runtime.sessions() as session:
        return {
            "reports": [(r.id, r.status) for r in (await session.exec(select(Report))).all()],
            "followers": sorted((f.report_id, f.resident_id)
                                for f in (await session.exec(select(Follower))).all()),
            "events": (await session.exec(select(func.count()).select_from(ReportEvent))).one(),
            "handoffs": [(h.id, h.status) for h in (await session.exec(select(Handoff))).all()],
        }


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_forged_buttons_and_numbers_reach_nothing_of_others(
    emulator, citybot, staff_group, language
) -> None:
    runtime, texts = citybot.runtime, citybot.runtime.translator(language)
    anna = emulator.add_user("Anna", language_code="en")
    boris = emulator.add_user("Борис", language_code="ru")
    pothole = await file_report(emulator, anna, "Huge pothole outside number 12, flat 5 knows")
    lamp = await file_report(emulator, boris, "Фонарь не горит у дома 12", category="lighting")
    await card_of(emulator, staff_group, lamp)
    emulator.send_text(boris, "/human")
    await emulator.wait_for_message(boris)
    mallory = emulator.add_user("Mallory", language_code=language)
    emulator.send_text(mallory, "/start")
    greeting = await emulator.wait_for_message(mallory)
    await asyncio.sleep(0.2)
    before = await state_of(runtime)

    async def alert(data: str, expected: str) -> None:
        answer = await emulator.wait_for_callback_answer(emulator.click(mallory, greeting, data))
        assert (answer.get("text"), answer.get("show_alert")) == (expected, True), data

    async with runtime.sessions() as session:
        handoff = (await session.exec(select(Handoff.id))).one()
    await alert(OpenReport(number=pothole).pack(), texts("my-not-yours"))
    for action in ("fixed", "not_fixed", "reopen"):
        await alert(FollowupAction(action=action, report=pothole).pack(),
                    texts("followup-not-reporter", number=str(pothole)))
    answer = await emulator.wait_for_callback_answer(emulator.click(
        mallory, greeting, HandoffAction(action="end", handoff=handoff).pack()))
    assert answer["text"] == texts("button-expired")
    emulator.send_text(mallory, f"/report {pothole}")  # the staff's command: not for residents
    assert (await emulator.wait_for_message(mallory))["text"] == texts("staff-only")
    emulator.send_text(mallory, "/my")
    assert f"#{pothole}" not in (await emulator.wait_for_message(mallory))["text"]

    # offered report #lamp as a duplicate, Mallory forges "follow #pothole" instead
    offer = await until_offer(emulator, mallory, "The street light is dark", "lighting")
    assert f"#{lamp}" in offer["text"]
    forged = ReportAction(action="follow", value=str(pothole)).pack()
    answer = await emulator.wait_for_callback_answer(emulator.click(mallory, offer, forged))
    assert (answer["text"], answer["show_alert"]) == (texts("button-expired"), True)
    assert await state_of(runtime) == before
    emulator.click_button(mallory, offer, texts("button-follow", number=str(lamp)))
    following = await emulator.wait_for_message(mallory, contains=f"#{lamp}")
    assert following["text"].startswith("👍")
    after = await state_of(runtime)
    assert [f for f in after["followers"] if f not in before["followers"]] == \
        [(lamp, after["followers"][-1][1])]  # #lamp alone, as offered


async def test_a_follower_sees_the_report_not_the_reporters_conversation(
    emulator, citybot, staff_group, official
) -> None:
    anna = emulator.add_user("Anna", language_code="en")
    kate = emulator.add_user("Катя", language_code="ru")
    number = await file_report(emulator, anna, "Huge pothole outside number 12")
    card = await card_of(emulator, staff_group, number)
    emulator.send_text(official, "Please call us on 555-01-23", chat=staff_group, reply_to=card)
    relayed = await emulator.wait_for_message(anna, contains="555-01-23")
    emulator.send_text(anna, "I am in flat 5, ring twice", reply_to=relayed)
    await emulator.wait_for_message(staff_group, contains="flat 5")
    await emulator.wait_for_message(anna)  # passed to the staff

    offer = await until_offer(emulator, kate, "Огромная яма у дома 12", "roads")
    emulator.click_button(kate, offer, "👍")
    await emulator.wait_for_message(kate, contains=f"#{number}")
    for person, sees in ((kate, False), (anna, True)):
        emulator.send_text(person, "/my")
        listing = await emulator.wait_for_message(person, contains=f"#{number}")
        emulator.click_button(person, listing, f"#{number}")
        history = (await emulator.wait_for_message(person, contains="Huge pothole"))["text"]
        assert ("flat 5" in history) is sees and ("555-01-23" in history) is sees, history
