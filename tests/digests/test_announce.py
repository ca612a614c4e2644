"""/announce in the staff group: a preview with its audience, districts and topics to choose,
then send (to the chosen subscribers, in their language, once) or cancel."""

from __future__ import annotations

from citybot.testing import button_texts

from .conftest import CENTRAL, ZARECHNY, add_subscriber, runs, texts_to

WATER_OFF = "Water will be off on Mira Avenue on Friday from 9:00 to 13:00 <sorry>"


async def announce(emulator, official, staff_group, text: str) -> dict:
    emulator.send_text(official, f"/announce {text}", chat=staff_group)
    return await emulator.wait_for_message(staff_group, contains="Предпросмотр")


async def press(emulator, user, message: dict, label: str) -> dict:
    now = emulator.message(message)[1]
    emulator.click_button(user, now, label)
    return await emulator.wait_for_edit(now)


async def test_preview_choose_districts_and_send_once(
    emulator, citybot, limits, staff_group, official
) -> None:
    runtime = citybot.runtime
    anna = emulator.add_user("Anna", language_code="en")
    ivan = emulator.add_user("Иван", language_code="ru")
    far = emulator.add_user("Far", language_code="en")
    quiet = emulator.add_user("Quiet", language_code="en")
    await add_subscriber(runtime, anna, districts=[CENTRAL])
    await add_subscriber(runtime, ivan)  # the whole city: hears about every district
    await add_subscriber(runtime, far, districts=[ZARECHNY])
    await add_subscriber(runtime, quiet, announcements=False)

    preview = await announce(emulator, official, staff_group, WATER_OFF)
    assert "Water will be off on Mira Avenue" in preview["text"]
    assert "<sorry>" in preview["text"]  # the official's words, not markup
    assert "«весь город»: 3 жителей" in preview["text"]  # in the group's language
    preview = await press(emulator, official, preview, "▫️ Центральный район")
    assert "«Центральный район»: 2 жителей" in preview["text"]
    assert "✅ Центральный район" in button_texts(preview)
    send = next(b["callback_data"] for row in preview["reply_markup"]["inline_keyboard"]
                for b in row if b["text"] == "📣 Отправить (2)")
    preview = await press(emulator, official, preview, "📣 Отправить (2)")
    assert "Olga" in preview["text"]

    english = (await emulator.wait_for_message(anna, contains="Water will be off"))["text"]
    assert "Lipovsk city announcement" in english and "/unsubscribe" in english
    russian = (await emulator.wait_for_message(ivan, contains="Water will be off"))["text"]
    assert "Объявление города Липовск" in russian
    summary = await emulator.wait_for_message(staff_group, contains="Объявление")
    assert texts_to(emulator, far, "Water") == [] and texts_to(emulator, quiet, "Water") == []
    assert "Olga" in summary["text"] and "Доставлено: 2 из 2." in summary["text"]
    (run,) = await runs(runtime, "announcement")
    assert run.state == "done" and run.audience["districts"] == [CENTRAL]

    # a second tap on Send (a double tap, or a forwarded preview) sends nothing
    answer = await emulator.wait_for_callback_answer(emulator.click(official, preview, send))
    assert "already sent" in answer["text"]  # an alert: in the official's own language
    assert len(texts_to(emulator, anna, "Water will be off")) == 1


async def test_cancel_sends_nothing_and_an_empty_command_explains(
    emulator, citybot, staff_group, official
) -> None:
    anna = emulator.add_user("Anna", language_code="en")
    await add_subscriber(citybot.runtime, anna)
    emulator.send_text(official, "/announce", chat=staff_group)
    usage = await emulator.wait_for_message(staff_group)
    assert "/announce" in usage["text"]
    preview = await announce(emulator, official, staff_group, "Road works on Lenina")
    cancelled = await press(emulator, official, preview, "✖️ Отменить")
    assert "ничего не отправлено" in cancelled["text"]
    await emulator.assert_no_message(anna, within=0.5)
    (run,) = await runs(citybot.runtime, "announcement")
    assert run.state == "cancelled"


async def test_residents_cannot_announce(emulator, citybot) -> None:
    anna = emulator.add_user("Anna", language_code="en")
    emulator.send_text(anna, "/announce Free beer for everyone")
    answer = await emulator.wait_for_message(anna)
    assert "city staff only" in answer["text"]
    assert await runs(citybot.runtime, "announcement") == []
