"""Talk to a person: a conversation relayed into the helpdesk topic, closed by staff."""

from sqlmodel import select

from citybot.storage.models import Handoff, HandoffMessage
from citybot.testing import button_texts


async def test_a_conversation_with_a_person_until_staff_close_it(
    emulator, citybot, staff_group, official
) -> None:
    anna = emulator.add_user("Anna", language_code="en")
    emulator.send_text(anna, "/human")
    started = await emulator.wait_for_message(anna)
    assert "called a person" in started["text"]
    assert button_texts(started) == ["✖️ End the conversation"]
    header = await emulator.wait_for_message(staff_group, contains="Разговор с жителем")
    topic = emulator.topics(staff_group)[header["message_thread_id"]]
    assert topic["name"] == "Вопросы жителей"
    assert button_texts(header) == ["✖️ Закрыть разговор"]

    emulator.send_text(anna, "Who collects <old> furniture & when?")
    relayed = await emulator.wait_for_message(staff_group, contains="furniture")
    assert "житель: Who collects <old> furniture & when?" in relayed["text"]
    assert relayed["reply_to_message"]["message_id"] == header["message_id"]
    assert relayed["message_thread_id"] == header["message_thread_id"]

    emulator.send_text(official, "Call 123-45-67 on Mondays", chat=staff_group, reply_to=relayed)
    answer = await emulator.wait_for_message(anna, contains="Mondays")
    assert answer["text"].startswith("👤 City staff: Call 123-45-67")
    emulator.send_photo(anna, caption="This sofa")
    await emulator.wait_for_message(staff_group, predicate=lambda m: "photo" in m)

    emulator.click_button(official, header, "✖️ Закрыть разговор")
    closed = await emulator.wait_for_message(anna, contains="closed the conversation")
    assert "/human" in closed["text"]
    edited = await emulator.wait_for_edit(header, contains="Olga")
    assert "reply_markup" not in edited
    emulator.send_text(official, "one more thing", chat=staff_group, reply_to=relayed)
    assert "уже закрыт" in (await emulator.wait_for_message(staff_group))["text"]
    emulator.send_text(anna, "qwerty zxcv")  # the bot's own business again
    assert "Sorry" in (await emulator.wait_for_message(anna))["text"]
    await emulator.assert_no_message(staff_group, within=0.3)

    async with citybot.runtime.sessions() as session:
        handoff = (await session.exec(select(Handoff))).one()
        assert handoff.status == "closed" and handoff.closed_by_name == "Olga"
        authors = (await session.exec(select(HandoffMessage.author).order_by(
            HandoffMessage.id))).all()
    assert authors == ["resident", "staff", "resident"]


async def test_the_resident_ends_it_in_russian(
    emulator, citybot, staff_group, official
) -> None:
    from citybot.dialogs.handoff import start_handoff  # the NLU's entry point

    assert callable(start_handoff)
    ivan = emulator.add_user("Иван", language_code="ru")
    emulator.send_text(ivan, "/human")
    started = await emulator.wait_for_message(ivan, contains="сотрудника")
    emulator.send_text(ivan, "/human")
    assert "уже разговариваете" in (await emulator.wait_for_message(ivan))["text"]
    header = await emulator.wait_for_message(staff_group, contains="Разговор с жителем")
    emulator.send_text(official, "Здравствуйте! Чем помочь?", chat=staff_group, reply_to=header)
    answer = await emulator.wait_for_message(ivan, contains="Чем помочь")
    assert answer["text"].startswith("👤 Сотрудник городской службы: Здравствуйте")
    emulator.click_button(ivan, started, "✖️ Завершить разговор")
    assert "завершён" in (await emulator.wait_for_message(ivan))["text"]
    notice = await emulator.wait_for_message(staff_group, contains="завершил")
    assert notice["reply_to_message"]["message_id"] == header["message_id"]
    await emulator.wait_for_edit(header, contains="Житель завершил")
