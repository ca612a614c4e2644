"""Entity extraction: spans point into the original text, values as the contract says."""

from __future__ import annotations

from pathlib import Path

import pytest

from citybot.nlu import dataset, load_engine
from citybot.nlu.evaluation import entity_scores, evaluate


@pytest.fixture(scope="session")
def nlu_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.getbasetemp() / "nlu-cache"


@pytest.fixture(scope="module")
def engine(nlu_cache: Path):
    return load_engine(directory=nlu_cache)


def entities(engine, text: str, intent: str) -> list[tuple[str, str, str]]:
    """(entity, value, the text at the span) for the entities of `intent` in `text`."""
    found = engine.extractor.extract(text, intent)
    return [(e.entity, e.value, text[e.start : e.end]) for e in found]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("where is my #123", [("report_number", "123", "123")]),
        ("статус заявки №4521?", [("report_number", "4521", "4521")]),
        ("report 556 - any news", [("report_number", "556", "556")]),
    ],
)
def test_report_numbers(engine, text, expected) -> None:
    assert entities(engine, text, "check_status") == expected


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("when does bus 7 run?", ["7"]),
        ("как часто ходит 12а", ["12A"]),
        ("ночной Н1 во сколько", ["N1"]),
        ("N2 night bus", ["N2"]),
        ("7-й автобус ходит в выходные?", ["7"]),
        ("маршрут №21 до скольки", ["21"]),
        ("is the N1 every 40 minutes?", ["N1"]),
        ("first tram at 5 am", []),
        ("route 12A vs 12", ["12A", "12"]),
    ],
)
def test_routes(engine, text, values) -> None:
    assert [v for k, v, _ in entities(engine, text, "faq_transport") if k == "route"] == values


def test_stops_in_any_form_and_alphabet(engine) -> None:
    found = entities(engine, "как доехать от Центрального вокзала до зоопарка?", "faq_transport")
    assert [s for _, _, s in found] == ["Центрального вокзала", "зоопарка"]
    found = entities(engine, "Tsentralny vokzal to Zoopark", "faq_transport")
    assert [s for k, _, s in found if k == "stop"] == ["Tsentralny vokzal", "Zoopark"]
    found = entities(engine, "how do I get from Old Mill to Sunny Bay?", "faq_transport")
    assert [s for _, _, s in found] == ["Old Mill", "Sunny Bay"]  # unknown stops, by pattern
    assert entities(engine, "can I take my bike on the tram", "faq_transport") == []


@pytest.mark.parametrize(
    ("text", "items"),
    [
        ("where do old batteries go??", ["batteries"]),
        ("куда сдать батарейку", ["батарейку"]),
        ("AA battery", ["AA battery"]),
        ("куда деть старый патефон", ["патефон"]),  # unknown item: by the question's pattern
        ("can tetra pak go with plastic?", ["tetra pak"]),
        ("что делать с просроченными лекарствами", ["лекарствами"]),
        ("where should i take leftover paint", ["paint"]),
    ],
)
def test_waste_items(engine, text, items) -> None:
    assert [s for _, _, s in entities(engine, text, "faq_waste")] == items


@pytest.mark.parametrize(
    ("text", "addresses"),
    [
        ("огромная яма на ул. Ленина, 15", ["ул. Ленина, 15"]),
        ("на Садовой улице асфальт провалился", ["Садовой улице"]),
        ("фонарь у дома 12 по Церковной не горит", ["дома 12 по Церковной"]),
        ("pothole outside 14 Mill Road", ["14 Mill Road"]),
        ("street light out on Birch Street", ["Birch Street"]),
        ("на нашей улице не вывезли мусор", []),
        ("no lane markings since the resurfacing", []),
    ],
)
def test_addresses(engine, text, addresses) -> None:
    assert [s for _, _, s in entities(engine, text, "report_problem")] == addresses


def test_entities_depend_on_the_intent(engine) -> None:
    assert entities(engine, "hi, it's 7 am", "greet") == []
    assert entities(engine, "bus 7", "report_problem") == []


def test_held_out_entities(engine) -> None:
    predictions = evaluate(engine, dataset.load_test().examples, min_parses=0).predictions
    scores = entity_scores(predictions)
    for kind in ("route", "report_number", "address", "stop"):
        assert scores[kind]["f1"] >= 0.85, (kind, scores[kind])
    assert scores["waste_item"]["f1"] >= 0.6, scores["waste_item"]
