"""Officials teach the NLU from the card: Category and Not a report store masked, labelled
examples; the card shows the NLU's category when it was unsure; free text keeps the NLU's
confidence with the report."""

from types import SimpleNamespace

from sqlmodel import select

from citybot.i18n import Translator
from citybot.nlu import Parse
from citybot.nlu.service import BuiltinNLU
from citybot.outbox.cards import nlu_line
from citybot.storage.models import NluExample, Report, ReportDraft, ReportEvent
from citybot.testing import button_texts

from .conftest import SADOVAYA_12, card_of, file_report, press

CATEGORY = "🏷 Категория"  # the staff group speaks the city's language
NOT_A_REPORT = "🚫 Не обращение"


async def examples(citybot) -> list[NluExample]:
    async with citybot.runtime.sessions() as session:
        return list((await session.exec(select(NluExample).order_by(NluExample.id))).all())


async def test_changing_the_category_teaches_the_nlu(
    emulator, citybot, staff_group, official
) -> None:
    anna = emulator.add_user("Anna", language_code="en")
    number = await file_report(
        emulator, anna, "Anna here, call +44 7700 900123: the lamp at Sadovaya 12 is dark")
    card = await card_of(emulator, staff_group, number)
    assert CATEGORY in button_texts(card) and NOT_A_REPORT in button_texts(card)

    await press(emulator, official, card, CATEGORY)
    picker = await emulator.wait_for_message(staff_group, contains=f"#{number}")
    # the picker is posted in the group: in the group's language, as the card
    assert "💡 Уличное освещение" in button_texts(picker)
    assert not any("Дороги" in label for label in button_texts(picker))  # not the current one
    emulator.click_button(official, picker, "💡 Уличное освещение")
    done = await emulator.wait_for_edit(picker, contains="Уличное освещение")
    assert f"#{number}" in done["text"]
    # lighting is another department's: a new card opens in its queue
    moved = await emulator.wait_for_message(
        staff_group, predicate=lambda m: m["message_id"] != card["message_id"]
        and (m.get("text") or "").startswith(("🆕", "👀")) and f"#{number}" in m["text"])
    assert "Уличное освещение" in moved["text"]

    async with citybot.runtime.sessions() as session:
        report = await session.get(Report, number)
        assert report.category == "lighting" and report.department == "lighting"
        kinds = [(e.kind, e.note) for e in (await session.exec(select(ReportEvent).where(
            ReportEvent.report_id == number))).all()]
    assert ("recategorised", "roads→lighting") in kinds
    [example] = await examples(citybot)
    assert (example.intent, example.category, example.language, example.source,
            example.report_id, example.status) == (
        "report_problem", "lighting", "en", "category_changed", number, "new")
    assert "Anna" not in example.text and "7700" not in example.text  # masked
    assert "12" not in example.text and "Sadovaya 00" in example.text
    assert "lamp" in example.text


async def test_not_a_report_is_rejected_and_learnt(
    emulator, citybot, staff_group, official
) -> None:
    boris = emulator.add_user("Boris", language_code="ru")
    number = await file_report(emulator, boris, "как у вас дела, что нового в городе?")
    card = await card_of(emulator, staff_group, number)
    answer = await press(emulator, official, card, NOT_A_REPORT)
    assert f"#{number}" in answer["text"]
    told = await emulator.wait_for_message(boris, contains=f"#{number}")
    assert "не о проблеме" in told["text"]  # the note, in the resident's language
    async with citybot.runtime.sessions() as session:
        assert (await session.get(Report, number)).status == "rejected"
    [example] = await examples(citybot)
    assert (example.intent, example.category, example.language) == ("out_of_scope", None, "ru")


async def test_a_second_press_changes_nothing(emulator, citybot, staff_group, official) -> None:
    anna = emulator.add_user("Anna", language_code="en")
    number = await file_report(emulator, anna, "Huge pothole by the school gate, deep one")
    card = await card_of(emulator, staff_group, number)
    await press(emulator, official, card, NOT_A_REPORT)
    await emulator.wait_for_edit(card, contains="⛔")
    # the closed card has no buttons; an old picker or a forged press is refused politely
    emulator.click(official, card, f"st1:not_report:{number}:")
    emulator.click(official, card, f"st1:set_category:{number}:water")
    await emulator.wait_for_call("answerCallbackQuery", count=3)
    async with citybot.runtime.sessions() as session:
        report = await session.get(Report, number)
    assert (report.status, report.category) == ("rejected", "roads")
    assert len(await examples(citybot)) == 1


async def test_free_text_keeps_the_nlu_guess_and_an_idea_starts_a_proposal(
    emulator, citybot
) -> None:
    sam = emulator.add_user("Sam", language_code="en")
    emulator.send_text(sam, "the street lamp outside Sadovaya 12 has been dark all week")
    asked = await emulator.wait_for_message(sam, timeout=15)
    assert button_texts(asked)
    async with citybot.runtime.sessions() as session:
        draft = (await session.exec(select(ReportDraft))).one()
    assert draft.suggested_category == "lighting" and 0 < draft.nlu_confidence <= 1

    nina = emulator.add_user("Nina", language_code="en")
    emulator.send_text(nina, "I have an idea for the city: a skate park by the river!")
    answer = await emulator.wait_for_message(nina, timeout=15)
    # read as propose_idea: the proposal dialog asks for its title
    assert "title" in answer["text"].lower()
    assert answer["text"] != citybot.runtime.faq.fallback("en").text


def test_card_shows_an_unsure_nlu_category(city_config) -> None:
    runtime = SimpleNamespace(config=city_config)
    texts = Translator()("en")
    unsure = Report(reporter_id=1, category="roads", department="roads", description="x",
                    nlu_category="roads", nlu_confidence=0.62)
    assert nlu_line(unsure, texts, runtime) == ["🤖 roads, 0.62"]
    sure = Report(reporter_id=1, category="roads", department="roads", description="x",
                  nlu_category="roads", nlu_confidence=0.97)
    assert nlu_line(sure, texts, runtime) == []
    by_hand = Report(reporter_id=1, category="roads", department="roads", description="x")
    assert nlu_line(by_hand, texts, runtime) == []


class Unsure:
    """An engine that reads every text as a report whose category it is not sure of."""

    def parse(self, text, lang=None):
        return Parse("report_problem", 0.4, "roads", [], intent_confidence=0.95,
                     category_confidence=0.42)


async def test_an_unsure_category_is_chosen_and_shown_on_the_card(
    emulator, citybot, staff_group
) -> None:
    citybot.runtime.nlu = BuiltinNLU(Unsure())
    sam = emulator.add_user("Sam", language_code="en")
    emulator.send_text(sam, "something is wrong outside Sadovaya 12, please look")
    picker = await emulator.wait_for_message(sam)
    assert picker["text"] == "What kind of problem is it? Choose below."  # not "is it roads?"
    emulator.click(sam, picker, picker["reply_markup"]["inline_keyboard"][0][0]["callback_data"])
    await emulator.wait_for_message(sam)  # where? (the text is the description)
    emulator.send_location(sam, *SADOVAYA_12)
    await emulator.wait_for_message(sam)  # the address
    photos = await emulator.wait_for_message(sam)
    emulator.click_button(sam, photos, button_texts(photos)[0])
    summary = await emulator.wait_for_message(sam)
    emulator.click_button(sam, summary, button_texts(summary)[0])
    created = await emulator.wait_for_message(sam, predicate=lambda m: "#" in m.get("text", ""))
    number = int(created["text"].split("#", 1)[1].split()[0].rstrip(".,"))
    card = await card_of(emulator, staff_group, number)
    assert "🤖 roads, 0.40" in card["text"]
    async with citybot.runtime.sessions() as session:
        report = await session.get(Report, number)
    assert (report.nlu_category, report.nlu_confidence) == ("roads", 0.4)
