"""Residents write in their own words; the bot understands, answers, or hands them over."""

import pytest

from citybot.testing import button_texts


async def ask(emulator, user, text: str) -> dict:
    emulator.send_text(user, text)
    return await emulator.wait_for_message(user, timeout=15)  # the first parse loads the model


@pytest.mark.parametrize(
    ("code", "question", "expected"),
    [
        ("en", "where do old batteries go??", "Batteries"),
        ("ru", "куда сдать старые батарейки?", "Батарейки"),
    ],
)
async def test_waste_questions_are_answered(emulator, citybot, code, question, expected) -> None:
    user = emulator.add_user("Sam", language_code=code)
    answer = await ask(emulator, user, question)
    assert expected in answer["text"]
    assert button_texts(answer)  # related questions
    emulator.click_button(user, answer, button_texts(answer)[-1])
    follow_up = await emulator.wait_for_message(user)
    assert follow_up["text"] and follow_up["text"] != answer["text"]


@pytest.mark.parametrize(
    ("code", "question", "expected"),
    [
        ("en", "how do I get from Lenin Square to Riverside", "7"),
        ("ru", "автобус 7 расписание", "Площадь Ленина"),
        ("en", "how much is a ticket", "Fares"),
    ],
)
async def test_transport_questions(emulator, citybot, code, question, expected) -> None:
    user = emulator.add_user("Sam", language_code=code)
    answer = await ask(emulator, user, question)
    assert expected in answer["text"]


async def test_ask_a_question_from_the_menu(emulator, citybot) -> None:
    ivan = emulator.add_user("Иван", language_code="ru")
    emulator.send_text(ivan, "❓ Задать вопрос")
    prompt = await emulator.wait_for_message(ivan)
    assert "Спросите меня" in prompt["text"]
    emulator.click_button(ivan, prompt, "♻️ Сортировка отходов")
    guide = await emulator.wait_for_message(ivan)
    assert "Сортировка" in guide["text"] or "сорт" in guide["text"].lower()


@pytest.mark.parametrize(
    ("code", "text", "suggestion", "category_button"),
    [
        ("en", "there's a huge pothole outside number 12 on Sadovaya", "Roads and pavements",
         "✅ Yes"),
        ("ru", "мусорку опять не вывезли, всё воняет", "Вывоз мусора", "✅ Да"),
    ],
)
async def test_free_text_starts_a_report_with_the_category_suggested(
    emulator, citybot, staff_group, code, text, suggestion, category_button
) -> None:
    user = emulator.add_user("Sam", language_code=code)
    confirm = await ask(emulator, user, text)
    assert suggestion in confirm["text"]
    emulator.click_button(user, confirm, category_button)
    where = await emulator.wait_for_message(user)  # the words became the description
    assert "keyboard" in where["reply_markup"]  # the location request
    emulator.send_text(user, "Sadovaya 12")
    await emulator.wait_for_message(user)
    photos = await emulator.wait_for_message(user)
    emulator.click_button(user, photos, button_texts(photos)[0])
    summary = await emulator.wait_for_message(user)
    assert text[:20] in summary["text"]


async def test_choosing_another_category_for_free_text(emulator, citybot) -> None:
    anna = emulator.add_user("Anna")
    confirm = await ask(emulator, anna, "the street light on my corner is broken again")
    emulator.click_button(anna, confirm, "↩️ Choose another")
    picker = await emulator.wait_for_message(anna)
    emulator.click_button(anna, picker, "❄️ Snow and ice")
    assert "Where is it?" in (await emulator.wait_for_message(anna))["text"]


async def test_out_of_scope_gets_the_menu_and_a_person(emulator, citybot) -> None:
    anna = emulator.add_user("Anna")
    answer = await ask(emulator, anna, "what is the meaning of life")
    assert "not sure I understood" in answer["text"]
    assert "🙋 Ask a person" in button_texts(answer)
    emulator.click_button(anna, answer, "📝 Report a problem")
    assert "What kind of problem" in (await emulator.wait_for_message(anna))["text"]
    emulator.click_button(anna, answer, "📋 My reports")
    assert "no reports yet" in (await emulator.wait_for_message(anna))["text"]


async def test_status_question_without_reports(emulator, citybot) -> None:
    anna = emulator.add_user("Anna")
    answer = await ask(emulator, anna, "where is my report #5?")
    assert "could not find report #5" in answer["text"]
    assert "no reports yet" in (await emulator.wait_for_message(anna))["text"]


async def test_a_very_long_message_is_refused_politely(emulator, citybot) -> None:
    anna = emulator.add_user("Anna")
    answer = await ask(emulator, anna, "word " * 800)
    assert "very long" in answer["text"]


def test_every_answer_button_fits_telegrams_callback_data(city_config) -> None:
    from citybot.dialogs.callbacks import FaqKey
    from citybot.knowledge import FaqDesk

    desk = FaqDesk.load(city_config.knowledge.waste, city_config.knowledge.transport)
    keys = [f"waste:item:{item}" for item in desk.waste.items]
    keys += [f"waste:stream:{stream}" for stream in desk.waste.streams]
    keys += [f"transport:stop:{stop}" for stop in desk.transport.stops]
    keys += [f"transport:route:{route.number}" for route in desk.transport.routes.values()]
    for key in keys:
        assert len(FaqKey(key=key).pack().encode()) <= 64, key
        assert desk.answer_key(key, "ru") is not None, key


async def test_a_text_is_parsed_once_however_many_dialogs_look_at_it(emulator, citybot) -> None:
    """Six dialogs' intent filters, then the fallback, share one parse; a menu button or a
    command is taken before any intent and costs none."""
    nlu = citybot.runtime.nlu
    parsed: list[str] = []
    original = nlu.parse

    async def counting(text: str, lang: str | None = None):
        parsed.append(text)
        return await original(text, lang)

    nlu.parse = counting
    try:
        anna = emulator.add_user("Anna")
        assert "not sure I understood" in (await ask(emulator, anna,
                                                     "what is the meaning of life"))["text"]
        assert parsed == ["what is the meaning of life"]  # every intent said no: one parse
        greeting = await ask(emulator, anna, "hello there")  # greet: the last intent router
        assert "Anna" in greeting["text"]
        assert parsed[1:] == ["hello there"]
        await ask(emulator, anna, "📋 My reports")
        await ask(emulator, anna, "/help")
        assert len(parsed) == 2
    finally:
        nlu.parse = original
