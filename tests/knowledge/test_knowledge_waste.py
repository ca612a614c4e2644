"""The waste sorting guide: enough items, found by lemma, typo and alphabet, in both languages."""

from __future__ import annotations

from pathlib import Path

import pytest

from citybot.knowledge import WasteGuide

WASTE_YML = Path(__file__).resolve().parents[2] / "knowledge" / "waste.yml"


@pytest.fixture(scope="module")
def guide() -> WasteGuide:
    return WasteGuide.load(WASTE_YML)


def item_ids(guide: WasteGuide, text: str, lang: str = "en") -> list[str]:
    return [a.item_id for a in guide.lookup(text, lang)]


def test_enough_items_in_both_languages(guide) -> None:
    assert len(guide.items) >= 80
    for item in guide.items.values():
        assert item.names["en"] and item.names["ru"], item.id
        assert item.stream in guide.streams
    for stream in guide.streams.values():
        assert stream.name["en"] and stream.name["ru"] and stream.where["ru"]


@pytest.mark.parametrize(
    "text",
    ["батарейки", "батарейку", "куда сдать батарейку?", "AA battery", "old batteries",
     "батарейкы", "batarejki", "baterries"],
)  # fmt: skip
def test_batteries_in_any_form(guide, text) -> None:
    assert item_ids(guide, text)[:1] == ["batteries"]


@pytest.mark.parametrize(
    ("text", "item", "stream"),
    [
        ("battery", "batteries", "hazardous"),
        ("energy saving bulb", "energy_saving_bulb", "hazardous"),
        ("люминесцентную лампу", "fluorescent_tube", "hazardous"),
        ("просроченные таблетки", "medicines", "medicines"),
        ("paint tins", "paint", "hazardous"),
        ("старый телевизор", "tv", "electronics"),
        ("стиральную машину", "washing_machine", "electronics"),
        ("old sofa", "sofa", "bulky"),
        ("шкаф", "wardrobe", "bulky"),
        ("pizza box", "pizza_box", "residual"),
        ("пластиковые бутылки", "plastic_bottle", "plastic_metal"),
        ("glass jars", "glass_jar", "glass"),
        ("кофейную гущу", "coffee_grounds", "organic"),
    ],
)
def test_items_and_their_bins(guide, text, item, stream) -> None:
    answers = guide.lookup(text, "ru")
    assert (answers[0].item_id, answers[0].stream_id) == (item, stream)


def test_special_collections_are_marked(guide) -> None:
    for text in ["batteries", "light bulbs", "medicines", "paint", "laptop", "furniture"]:
        answer = guide.lookup(text, "en")[0]
        assert answer.special, text


def test_answer_in_the_residents_language(guide) -> None:
    en = guide.lookup("батарейки", "en")[0]
    ru = guide.lookup("batteries", "ru")[0]
    assert en.item == "Batteries" and "Eco-mobile" in en.where
    assert ru.item == "Батарейки" and "экомобиль" in ru.where
    assert ru.matched == "batteries"


def test_several_items_and_nothing(guide) -> None:
    assert item_ids(guide, "glass bottles and newspapers") == ["glass_bottle", "newspaper"]
    assert guide.lookup("патефон", "ru") == []
    assert guide.lookup("", "en") == []


def test_streams_by_name(guide) -> None:
    assert guide.stream_for("what goes in the yellow bin?").id == "plastic_metal"
    assert guide.stream_for("когда приедет экомобиль").id == "hazardous"
    assert guide.stream_for("крупногабаритный мусор").id == "bulky"
    assert guide.stream_for("hello") is None
    assert "sofa" in guide.stream_items("bulky", "en")
