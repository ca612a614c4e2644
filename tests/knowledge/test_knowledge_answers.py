"""FAQ answers: short HTML in the resident's language, buttons that lead somewhere."""

from __future__ import annotations

from pathlib import Path

import pytest
from fluent.runtime import FluentLocalization, FluentResourceLoader
from fluent.syntax import FluentParser, ast

from citybot.knowledge import Answer, FaqDesk
from citybot.nlu import Entity, Parse

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ROOT / "citybot" / "locales"


def load_ftl(lang: str) -> FluentLocalization:
    return FluentLocalization([lang], ["faq.ftl"], FluentResourceLoader(str(LOCALES / "{locale}")))


@pytest.fixture(scope="module")
def desk() -> FaqDesk:
    return FaqDesk.load(
        ROOT / "knowledge" / "waste.yml", ROOT / "knowledge" / "transport.yml", l10n=load_ftl
    )


def waste(text: str, *items: tuple[str, int]) -> Parse:
    entities = [Entity("waste_item", text[s : s + n], s, s + n) for s, n in items]
    return Parse("faq_waste", 0.9, None, entities)


def transport(**values: list[str]) -> Parse:
    entities = [Entity(kind, v, 0, len(v)) for kind, vs in values.items() for v in vs]
    return Parse("faq_transport", 0.9, None, entities)


def assert_buttons_work(desk: FaqDesk, answer: Answer, lang: str) -> None:
    assert answer.buttons
    for button in answer.buttons:
        assert button.label and len(button.key.encode()) <= 64  # Telegram callback_data
        if button.key != "person" and not button.key.startswith("menu:"):
            assert desk.answer_key(button.key, lang) is not None, button.key


def test_message_ids_match_in_both_languages() -> None:
    def ids(lang: str) -> set[str]:
        resource = FluentParser().parse((LOCALES / lang / "faq.ftl").read_text(encoding="utf-8"))
        assert not [e for e in resource.body if isinstance(e, ast.Junk)], lang
        return {e.id.name for e in resource.body if isinstance(e, ast.Message)}

    assert ids("en") == ids("ru")
    assert all(i.startswith("faq-") for i in ids("en"))


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("en", "where do old batteries go??", ["<b>Batteries</b>", "Eco-mobile", "⚠️"]),
        ("ru", "куда сдать батарейку", ["<b>Батарейки</b>", "экомобиль", "Не в уличные"]),
        ("ru", "куда старый диван", ["<b>Диван</b>", "8-800-555-01-01"]),
        ("en", "where do expired medicines go", ["<b>Medicines</b>", "pharmacies"]),
    ],
)
def test_waste_answers(desk, lang, text, expected) -> None:
    answer = desk.answer(Parse("faq_waste", 0.9), text, lang)
    assert answer.found
    for fragment in expected:
        assert fragment in answer.text
    assert_buttons_work(desk, answer, lang)


def test_waste_answer_uses_the_nlu_entities(desk) -> None:
    text = "куда сдать батарейку"
    answer = desk.answer(waste(text, (11, 9)), text, "en")
    assert "<b>Batteries</b>" in answer.text  # the item found in Russian, answered in English


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "Nothing found for «gramophone» — ask a person?"),
        ("ru", "По запросу «gramophone» ничего не нашлось — спросить человека?"),
    ],
)
def test_nothing_found_offers_a_person(desk, lang, expected) -> None:
    text = "where do I put my gramophone"
    answer = desk.answer(waste(text, (18, 10)), text, lang)
    assert not answer.found and answer.text == expected
    assert [b.key for b in answer.buttons] == ["person"]


def test_data_is_escaped(desk) -> None:
    answer = desk.nothing_found("<script>alert(1)</script>", "en")
    assert "<script>" not in answer.text and "&lt;script&gt;" in answer.text


def test_waste_questions_without_an_item(desk) -> None:
    yellow = desk.answer(Parse("faq_waste", 0.9), "what goes in the yellow bin?", "en")
    assert "Yellow bin" in yellow.text and "plastic bottle" in yellow.text
    guide = desk.answer(Parse("faq_waste", 0.9), "как сортировать мусор", "ru")
    assert "Сортировка отходов" in guide.text
    assert_buttons_work(desk, guide, "ru")


def test_route_answer(desk) -> None:
    answer = desk.answer(transport(route=["12А"]), "когда ходит 12А", "ru")
    assert "Автобус 12A" in answer.text and "Первый рейс 06:10" in answer.text
    assert "Промзона · Тракторный завод" in answer.text
    assert_buttons_work(desk, answer, "ru")


@pytest.mark.parametrize(
    ("lang", "stops", "expected"),
    [
        ("en", ["Central Station", "Zoo"], "Bus <b>12A</b> towards Zoo: 2 stops, about 4 min"),
        ("ru", ["Центрального вокзала", "зоопарка"], "Автобус <b>12A</b> в сторону «Зоопарк»: "
         "2 остановки, около 4 мин"),
        ("ru", ["Рыночной площади", "Северного микрорайона"], "Троллейбус <b>15</b> в сторону "
         "«Новый квартал»: 3 остановки"),
    ],
)  # fmt: skip
def test_trip_answer(desk, lang, stops, expected) -> None:
    answer = desk.answer(transport(stop=stops), "how do I get there", lang)
    assert expected in answer.text, answer.text
    assert_buttons_work(desk, answer, lang)


def test_no_direct_route_lists_both_ends(desk) -> None:
    answer = desk.answer(transport(stop=["Airport", "Green Hill"]), "", "en")
    assert "No direct route" in answer.text and "Via Green Hill" in answer.text
    assert answer.buttons[-1].key == "person"


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("en", "how much is a monthly pass", "1,800 RUB — Monthly pass"),
        ("ru", "сколько стоит проездной", "1\u00a0800 ₽ — Проездной на месяц"),
        ("en", "I left my bag on bus 7", "Lost property office, Central Station"),
        ("ru", "забыла зонт в трамвае", "Бюро находок, Центральный вокзал"),
        ("en", "night buses", "Bus <b>N1</b>"),
        ("ru", "ночные автобусы", "Автобус <b>N2</b>"),
        ("en", "bus timetable", "Trolleybus <b>15</b>"),
    ],
)
def test_transport_topics(desk, lang, text, expected) -> None:
    routes = ["7"] if "bus 7" in text else []
    answer = desk.answer(transport(route=routes), text, lang)
    assert expected in answer.text, answer.text
    assert_buttons_work(desk, answer, lang)


def test_routes_via_a_stop_and_unknown_things(desk) -> None:
    via = desk.answer(transport(stop=["Market Square"]), "buses from Market Square", "en")
    assert "Routes via <b>Market Square</b>" in via.text
    assert [b.key for b in via.buttons][:2] == ["transport:route:1", "transport:route:5"]
    unknown = desk.answer(transport(route=["99"]), "bus 99", "en")
    assert unknown.text == "Nothing found for «99» — ask a person?"
    nowhere = desk.answer(transport(stop=["Atlantis", "Zoo"]), "", "ru")
    assert "«Atlantis»" in nowhere.text and not nowhere.found


def test_fallback_has_the_menu_and_a_person(desk) -> None:
    for lang in ("en", "ru"):
        answer = desk.fallback(lang)
        keys = [b.key for b in answer.buttons]
        assert keys[-1] == "person" and "menu:report" in keys and not answer.found


def test_unknown_keys(desk) -> None:
    assert desk.answer_key("person", "en") is None
    assert desk.answer_key("waste:item:nope", "en") is None
    assert desk.answer_key("transport:route:99", "ru") is None
    assert "Batteries" in desk.answer_key("waste:item:batteries", "en").text


def test_default_localization_loads_the_package_files() -> None:
    desk = FaqDesk.load(ROOT / "knowledge" / "waste.yml", ROOT / "knowledge" / "transport.yml")
    assert desk.nothing_found("x", "ru").text.startswith("По запросу «x»")
