"""Only members of the staff group act as staff, wherever a button or command arrives; forged
buttons change nothing and are answered; residents see only their own reports."""

from sqlmodel import select

from citybot.dialogs.callbacks import FollowupAction, StaffAction
from citybot.storage.models import OutboxMessage, Report, ReportEvent
from citybot.testing import count_rows

from .conftest import card_of, file_report, press


async def status_of(citybot, number: int) -> str:
    async with citybot.runtime.sessions() as session:
        return (await session.get(Report, number)).status


async def test_a_non_member_cannot_press_card_buttons(
    emulator, citybot, staff_group, official
) -> None:
    anna = emulator.add_user("Anna", language_code="en")
    number = await file_report(emulator, anna, "Huge pothole outside number 12")
    card = await card_of(emulator, staff_group, number)
    stranger = emulator.add_user("Mallory", language_code="en")  # not in the staff group
    answer = await press(emulator, stranger, card, "🙋 Взять")
    assert answer["text"] == "This action is for city staff only." and answer["show_alert"]
    emulator.send_text(stranger, "/queue", chat=staff_group)
    assert "только сотрудникам" in (await emulator.wait_for_message(staff_group))["text"]
    emulator.send_text(stranger, "hello resident", chat=staff_group, reply_to=card)
    await emulator.assert_no_message(anna, within=0.4)
    assert await status_of(citybot, number) == "new"
    assert await count_rows(citybot.runtime, ReportEvent, ReportEvent.report_id == number) == 1


async def test_a_removed_member_loses_access(emulator, citybot, staff_group, official) -> None:
    anna = emulator.add_user("Anna", language_code="en")
    number = await file_report(emulator, anna, "Huge pothole outside number 12")
    card = await card_of(emulator, staff_group, number)
    emulator.remove_member(staff_group, official)
    citybot.runtime.staff_members.clear()  # the cache would forget within a minute
    answer = await press(emulator, official, card, "🙋 Взять")
    assert "city staff only" in answer["text"]
    assert await status_of(citybot, number) == "new"


async def test_staff_buttons_and_commands_in_private_chats(
    emulator, citybot, staff_group, official
) -> None:
    anna = emulator.add_user("Anna", language_code="en")
    number = await file_report(emulator, anna, "Huge pothole outside number 12")
    await card_of(emulator, staff_group, number)
    # a resident forges a staff button on a message of their own chat
    some_message = emulator.messages(anna)[-1]  # "registered as #1"
    forged = StaffAction(action="take", report=number).pack()
    answer = await emulator.wait_for_callback_answer(emulator.click(anna, some_message, forged))
    assert "city staff only" in answer["text"]
    emulator.send_text(anna, "/queue")
    assert "city staff only" in (await emulator.wait_for_message(anna))["text"]
    emulator.send_text(anna, f"/report {number}")
    assert "city staff only" in (await emulator.wait_for_message(anna))["text"]
    # an official with a forwarded card in her private chat is sent to the group
    emulator.send_text(official, "/start")
    greeting = await emulator.wait_for_message(official)
    answer = await emulator.wait_for_callback_answer(emulator.click(official, greeting, forged))
    assert "staff group only" in answer["text"]
    assert await status_of(citybot, number) == "new"


async def test_forged_and_unknown_buttons_change_nothing(
    emulator, citybot, staff_group, official
) -> None:
    anna = emulator.add_user("Anna", language_code="en")
    number = await file_report(emulator, anna, "Huge pothole outside number 12")
    card = await card_of(emulator, staff_group, number)
    async with citybot.runtime.sessions() as session:
        before = len((await session.exec(select(OutboxMessage))).all())
    for data in ("garbage", "st1:take:999999:", "st1:explode:1:", "st1:take:notanumber:",
                 StaffAction(action="move", report=number, value="no_such_dept").pack()):
        answer = await emulator.wait_for_callback_answer(emulator.click(official, card, data))
        assert answer["text"]  # always answered
    assert await status_of(citybot, number) == "new"
    async with citybot.runtime.sessions() as session:
        assert len((await session.exec(select(OutboxMessage))).all()) == before


async def test_residents_act_only_on_their_own_reports(
    emulator, citybot, staff_group, official
) -> None:
    anna = emulator.add_user("Anna", language_code="en")
    number = await file_report(emulator, anna, "Huge pothole outside number 12")
    card = await card_of(emulator, staff_group, number)
    await press(emulator, official, card, "✅ Решено")
    prompt = await emulator.wait_for_message(staff_group, contains="как решено")
    emulator.send_text(official, "Patched", chat=staff_group, reply_to=prompt)
    await emulator.wait_for_message(anna, contains="Is it fixed?")
    mallory = emulator.add_user("Mallory", language_code="en")
    emulator.send_text(mallory, "/start")
    greeting = await emulator.wait_for_message(mallory)
    for action in ("not_fixed", "fixed", "reopen"):
        forged = FollowupAction(action=action, report=number).pack()
        answer = await emulator.wait_for_callback_answer(emulator.click(mallory, greeting, forged))
        assert "Only the person who sent" in answer["text"]
    emulator.send_text(mallory, "/my")
    assert f"#{number}" not in (await emulator.wait_for_message(mallory))["text"]
    assert await status_of(citybot, number) == "resolved"
