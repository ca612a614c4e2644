"""The reply relay: what staff write on a card reaches the resident, and back."""

from sqlmodel import select

from citybot.storage.models import EventKind, ReportEvent
from citybot.testing import running_bot

from .conftest import card_of, file_report


async def test_a_conversation_both_ways(emulator, citybot, staff_group, official) -> None:
    anna = emulator.add_user("Anna", language_code="en")
    number = await file_report(emulator, anna, "Huge pothole outside number 12")
    card = await card_of(emulator, staff_group, number)

    emulator.send_text(official, "Is it on the road or the pavement?", chat=staff_group,
                       reply_to=card)
    relayed = await emulator.wait_for_message(anna, contains="on the road")
    assert relayed["text"].startswith(f"💬 #{number} · Roads Department: Is it on the road")
    assert "Olga" not in relayed["text"]  # officials stay anonymous by default
    assert "Reply to this message" in relayed["text"]

    emulator.send_text(anna, "On the road, <near> the bus stop & the school", reply_to=relayed)
    assert "Passed to the staff" in (await emulator.wait_for_message(anna))["text"]
    in_thread = await emulator.wait_for_message(staff_group, contains="near")
    assert in_thread["message_thread_id"] == card["message_thread_id"]
    assert in_thread["reply_to_message"]["message_id"] == card["message_id"]
    assert "заявитель: On the road, <near> the bus stop & the school" in in_thread["text"]

    # a reply to the relayed message goes back to the resident too
    emulator.send_text(official, "Thanks, a crew is on its way", chat=staff_group,
                       reply_to=in_thread)
    await emulator.wait_for_message(anna, contains="a crew is on its way")

    # the conversation is open: plain text goes to staff without replying
    emulator.send_text(anna, "They are here now, thank you!")
    passed = await emulator.wait_for_message(anna, contains="Passed to the staff")
    await emulator.wait_for_message(staff_group, contains="They are here now")
    emulator.click_button(anna, passed, "✖️ End the conversation")
    assert "conversation" in (await emulator.wait_for_message(anna))["text"]
    emulator.send_text(anna, "qwerty zxcv")  # now it is the bot's business again
    answer = await emulator.wait_for_message(anna)
    assert "Passed to the staff" not in answer["text"]

    async with citybot.runtime.sessions() as session:
        events = (await session.exec(select(ReportEvent).where(
            ReportEvent.report_id == number, ReportEvent.kind != EventKind.created)
            .order_by(ReportEvent.id))).all()
    assert [e.kind for e in events] == ["staff_reply", "resident_reply", "staff_reply",
                                        "resident_reply"]
    assert events[0].actor_name == "Olga" and events[1].note.startswith("On the road")


async def test_staff_chatter_in_the_topic_is_not_relayed(
    emulator, citybot, staff_group, official
) -> None:
    anna = emulator.add_user("Anna", language_code="en")
    number = await file_report(emulator, anna, "Huge pothole outside number 12")
    card = await card_of(emulator, staff_group, number)
    emulator.send_text(official, "who is on duty today?", chat=staff_group,
                       thread_id=card["message_thread_id"])
    await emulator.assert_no_message(anna, within=0.4)
    await emulator.assert_no_message(staff_group, within=0.1)


async def test_photos_are_relayed_both_ways(emulator, citybot, staff_group, official) -> None:
    ivan = emulator.add_user("Иван", language_code="ru")
    number = await file_report(emulator, ivan, "Яма на дороге у дома двенадцать")
    card = await card_of(emulator, staff_group, number)
    emulator.send_photo(official, chat=staff_group, reply_to=card, caption="Это то место?")
    relayed = await emulator.wait_for_message(ivan, predicate=lambda m: "photo" in m)
    assert relayed["caption"].startswith(f"💬 #{number} · Управление дорожного хозяйства: Это")
    emulator.send_photo(ivan, reply_to=relayed, caption="Да, вот свежее фото")
    back = await emulator.wait_for_message(staff_group, predicate=lambda m: "photo" in m
                                           and "свежее" in (m.get("caption") or ""))
    assert back["reply_to_message"]["message_id"] == card["message_id"]


async def test_first_names_are_shown_when_the_city_says_so(
    emulator, sqlite_url, city_config, staff_group, official
) -> None:
    config = city_config.model_copy(update={
        "staff": city_config.staff.model_copy(update={"show_official_names": True})})
    async with running_bot(api_url=emulator.url, token=emulator.token, database_url=sqlite_url,
                           config=config):
        anna = emulator.add_user("Anna", language_code="en")
        number = await file_report(emulator, anna, "Huge pothole outside number 12")
        card = await card_of(emulator, staff_group, number)
        emulator.send_text(official, "We will fix it on Monday", chat=staff_group, reply_to=card)
        relayed = await emulator.wait_for_message(anna, contains="Monday")
        assert relayed["text"].startswith(f"💬 #{number} · Roads Department (Olga): We will")


async def test_a_long_reply_arrives_whole(emulator, citybot, staff_group, official) -> None:
    """4096 characters from staff, plus the "#n · Department:" header, are two messages."""
    anna = emulator.add_user("Anna", language_code="en")
    number = await file_report(emulator, anna, "Huge pothole outside number 12")
    card = await card_of(emulator, staff_group, number)
    words = [f"w{i:04d}" for i in range(682)]  # 4091 characters
    emulator.send_text(official, " ".join(words), chat=staff_group, reply_to=card)
    first = await emulator.wait_for_message(anna, contains="w0000")
    second = await emulator.wait_for_message(anna, contains=words[-1])
    assert first["text"].startswith(f"💬 #{number} · Roads Department: w0000")
    received = [w for w in (first["text"] + " " + second["text"]).split() if w in words]
    assert received == words
    await emulator.assert_no_message(anna, within=0.3)
